"""바깥 이용기관: a relying party outside the service, for the e2e tests.

A separate Flask app on its own origin. It knows the service only as an integrator does: the
CLI registration's apiKey and secret, the HTTP APIs (nonces, verify, the published CA and CRL),
the pinned SDK script, and a copy of the Flask-free verifier (loaded from its file).
"""

from __future__ import annotations

from typing import Any

from flask import Flask, current_app, g
from flask.wrappers import Response

from e2e.outside_rp.checks import TrustMaterial
from e2e.outside_rp.pending import PendingRequests
from e2e.outside_rp.service_client import ServiceClient

REQUIRED = ("SERVICE_URL", "ORG_CODE", "API_KEY", "SECRET", "SDK_VERSION", "SDK_INTEGRITY", "POLICY_OID")


def create_app(config: dict[str, Any]) -> Flask:
    """The RP with its registration (``ORG_CODE``, ``API_KEY``, ``SECRET``), the service's
    address (``SERVICE_URL``), the pinned SDK (``SDK_VERSION``, ``SDK_INTEGRITY``) and the
    certificate policy it accepts (``POLICY_OID``)."""
    missing = [key for key in REQUIRED if not config.get(key)]
    if missing:
        raise ValueError(f"outside RP needs {', '.join(missing)}")
    app = Flask(__name__)
    app.config.update(config)
    app.config["SERVICE_URL"] = app.config["SERVICE_URL"].rstrip("/")
    client = ServiceClient(app.config["SERVICE_URL"], app.config["SECRET"])
    app.extensions["outside_rp"] = {
        "client": client,
        "trust": TrustMaterial(client, app.config["POLICY_OID"]),
        "pending": PendingRequests(),
    }

    from e2e.outside_rp.routes import bp

    app.register_blueprint(bp)
    app.after_request(content_security_policy)
    return app


def content_security_policy(response: Response) -> Response:
    """The strict CSP the README asks of an RP: scripts from here and the service, calls and
    frames to the service only. A view may leave the service out of ``frame-src``."""
    service = current_app.config["SERVICE_URL"]
    frame_src = "'self'" if g.get("frame_src_without_service") else service
    response.headers["Content-Security-Policy"] = (
        f"default-src 'self'; script-src 'self' {service}; connect-src {service}; frame-src {frame_src}; "
        "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
    )
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response
