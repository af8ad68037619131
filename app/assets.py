"""Static asset URLs carrying a content hash, so browsers may cache them for a year."""

from __future__ import annotations

import hashlib
from functools import cache
from pathlib import Path

from flask import current_app, has_request_context, request, url_for


@cache
def _digest(path: str) -> str:
    try:
        return hashlib.sha256(Path(path).read_bytes()).hexdigest()[:10]
    except FileNotFoundError:
        return "missing"


@cache
def _versioned(static_folder: str, script_root: str, filename: str) -> str:
    # url_for's result for one file only changes with the mount point (script_root).
    return url_for("static", filename=filename, v=_digest(str(Path(static_folder) / filename)))


def asset_url(filename: str) -> str:
    """``/static/<filename>?v=<hash of its content>`` (built once per file: every page asks
    for the same few)."""
    return _versioned(current_app.static_folder or "", request.script_root if has_request_context() else "", filename)
