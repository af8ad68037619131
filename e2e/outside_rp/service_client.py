"""What this RP's server asks the service, over HTTP only: nonces, verification, trust material.

Plain ``urllib``, as any server without the service's code would do it. The secret goes in the
``Authorization`` header and never into a page.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from dataclasses import dataclass
from typing import Any

TIMEOUT = 10  # seconds


class ServiceRefused(Exception):
    """The service answered with an error: ``{"error": {"code", "message"}}``."""

    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(f"{status} {code}: {message}")
        self.status = status
        self.code = code
        self.message = message


@dataclass(frozen=True)
class ServiceClient:
    """The service at ``base_url``, called with this RP's server ``secret``."""

    base_url: str
    secret: str

    def new_nonce(self) -> str:
        """``POST /api/v1/rp/nonces``: a one-time nonce for one request of one page."""
        return self._post("/api/v1/rp/nonces", None)["nonce"]

    def verify(self, body: dict[str, Any]) -> dict[str, Any]:
        """``POST /api/v1/rp/verify``: the service's own verdict on a result (uses the nonce up)."""
        return self._post("/api/v1/rp/verify", body)

    def download(self, path: str) -> bytes:
        """A public file of the service (``/pki/root.pem``, ``/pki/ca.pem``, ``/pki/crl``)."""
        with urllib.request.urlopen(self.base_url + path, timeout=TIMEOUT) as response:
            return response.read()

    def _post(self, path: str, body: dict[str, Any] | None) -> dict[str, Any]:
        data = json.dumps(body).encode() if body is not None else b""
        headers = {"Authorization": f"Bearer {self.secret}"}
        if body is not None:
            headers["Content-Type"] = "application/json"
        request = urllib.request.Request(self.base_url + path, data=data, headers=headers, method="POST")
        try:
            with urllib.request.urlopen(request, timeout=TIMEOUT) as response:
                return json.loads(response.read())
        except urllib.error.HTTPError as error:
            try:
                problem = json.loads(error.read()).get("error", {})
            except ValueError:
                problem = {}
            raise ServiceRefused(error.code, problem.get("code", "http_error"), problem.get("message", "")) from None
