"""Which template family a request gets: desktop (a centred layer) or touch (full screen)."""

from __future__ import annotations

import re

from flask import Request, session

FAMILIES = ("desktop", "touch")
_MOBILE_USER_AGENT = re.compile(r"Mobi|Android|iPhone|iPad|iPod", re.IGNORECASE)


def choose_family(request: Request) -> str:
    """``?ui=`` wins and is remembered; else the client hint, else the user agent."""
    override = request.args.get("ui")
    if override in FAMILIES:
        session["ui"] = override
        return override
    remembered = session.get("ui")
    if remembered in FAMILIES:
        return remembered
    if request.headers.get("Sec-CH-UA-Mobile") == "?1":
        return "touch"
    if _MOBILE_USER_AGENT.search(request.headers.get("User-Agent", "")):
        return "touch"
    return "desktop"
