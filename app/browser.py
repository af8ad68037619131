"""Which browser a request comes from: a random id kept in the (partitioned) session cookie.

Widget transactions and bank applications are bound to the browser that started them; only
a hash of the id is stored with them.
"""

from __future__ import annotations

import hashlib
import secrets

from flask import session


def browser_id() -> str:
    """This browser's id, created on first use."""
    if "browser_id" not in session:
        session["browser_id"] = secrets.token_urlsafe(16)
    return session["browser_id"]


def known_browser_id() -> str | None:
    """This browser's id if it has one already (never creates one)."""
    return session.get("browser_id")


def browser_hash(value: str) -> str:
    """What is stored to recognise the browser again."""
    return hashlib.sha256(value.encode()).hexdigest()
