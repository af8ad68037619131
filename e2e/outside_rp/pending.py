"""The requests this RP's pages have open, by nonce: what each asked for, used up once.

A nonce is fetched when a page is rendered and remembered with its scenario; the result that
comes back is checked against that record, never against what the browser says it asked for.
Taking a record removes it, which keeps the nonce single-use on this side too.
"""

from __future__ import annotations

import threading

from e2e.outside_rp.scenarios import Scenario


class PendingRequests:
    """Outstanding requests of every visitor (a real RP would keep them in its database)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._by_nonce: dict[str, Scenario] = {}

    def remember(self, nonce: str, scenario: Scenario) -> None:
        with self._lock:
            self._by_nonce[nonce] = scenario

    def take(self, nonce: str) -> Scenario | None:
        """The scenario this nonce was fetched for, or None if unknown or already used."""
        with self._lock:
            return self._by_nonce.pop(nonce, None)
