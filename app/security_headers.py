"""Security headers on every response (docs/design.md, "Security"): CSP, framing, sniffing, referrer, caching."""

from __future__ import annotations

from collections.abc import Iterable

from flask import Flask, Response, g, request

_BASE_POLICY = {
    "default-src": ["'self'"],
    "script-src": ["'self'"],
    "style-src": ["'self'"],
    "img-src": ["'self'"],
    "object-src": ["'none'"],
    "base-uri": ["'none'"],
    "form-action": ["'self'"],
}


def allow_framing_by(origins: Iterable[str]) -> None:
    """Let these origins frame the current response (the widget's relying parties)."""
    g.frame_ancestors = sorted(set(origins))


def allow_sources(directive: str, origins: Iterable[str]) -> None:
    """Add origins to one CSP directive for the current response (e.g. the demo RP's widget)."""
    extra = g.setdefault("csp_extra", {})
    extra.setdefault(directive, []).extend(origins)


def content_security_policy() -> str:
    """The CSP for the current response: the baseline plus what the view allowed."""
    policy = {name: list(values) for name, values in _BASE_POLICY.items()}
    for directive, origins in g.get("csp_extra", {}).items():
        policy.setdefault(directive, ["'self'"]).extend(origins)
    ancestors = g.get("frame_ancestors") or ["'none'"]
    policy["frame-ancestors"] = list(ancestors)
    return "; ".join(f"{name} {' '.join(dict.fromkeys(values))}" for name, values in policy.items())


def add_security_headers(response: Response) -> Response:
    """After-request hook: the baseline headers, and client-hint negotiation for pages."""
    response.headers["Content-Security-Policy"] = content_security_policy()
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Referrer-Policy"] = "strict-origin-when-cross-origin"
    response.headers["Cross-Origin-Opener-Policy"] = "same-origin-allow-popups"
    if request.endpoint != "static":
        response.headers.setdefault("Cache-Control", "no-store")
        if response.mimetype == "text/html":
            # Pages differ by UI family and session; other answers (banks.css, JSON, SVG) do not,
            # so a cache may keep them across cookies that change with every request.
            response.headers["Accept-CH"] = "Sec-CH-UA-Mobile"
            response.vary.update(["Sec-CH-UA-Mobile", "User-Agent", "Cookie"])
    return response


def init_app(app: Flask) -> None:
    """Register the header hook on the app."""
    app.after_request(add_security_headers)
