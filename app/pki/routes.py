"""Published PKI material: root and CA certificates, the CRL, a certificate status endpoint."""

from __future__ import annotations

import re

from flask import Blueprint, Response, jsonify
from flask.typing import ResponseReturnValue

from app.api_json import ApiError
from app.extensions import db
from app.models import Certificate
from app.pki.ca import current_ca
from app.pki.crl import current_crl_der

bp = Blueprint("pki", __name__, url_prefix="/pki")

_SERIAL = re.compile(r"[0-9A-Fa-f]{1,40}")


def _download(body: bytes, mimetype: str, filename: str, max_age: int) -> Response:
    response = Response(body, mimetype=mimetype)
    response.headers["Content-Disposition"] = f'inline; filename="{filename}"'
    response.headers["Cache-Control"] = f"public, max-age={max_age}"
    return response


@bp.get("/root.pem")
def root_pem() -> ResponseReturnValue:
    """The root CA certificate relying parties trust."""
    return _download(current_ca().root_pem, "application/x-pem-file", "root.pem", 3600)


@bp.get("/ca.pem")
def ca_pem() -> ResponseReturnValue:
    """The issuing CA certificate."""
    return _download(current_ca().ca_pem, "application/x-pem-file", "ca.pem", 3600)


@bp.get("/crl")
def crl() -> ResponseReturnValue:
    """The current CRL (DER), signed by the issuing CA."""
    return _download(current_crl_der(), "application/pkix-crl", "fincert.crl", 60)


@bp.get("/status/<serial>")
def status(serial: str) -> ResponseReturnValue:
    """``good`` / ``revoked`` / ``unknown`` for a certificate serial (hex)."""
    if not _SERIAL.fullmatch(serial):
        raise ApiError(400, "invalid_serial", "일련번호는 16진수여야 합니다.")
    certificate = db.session.scalars(db.select(Certificate).where(Certificate.serial == serial.upper())).first()
    if certificate is None:
        return jsonify(serial=serial.upper(), status="unknown")
    if certificate.status == "revoked":
        return jsonify(
            serial=certificate.serial,
            status="revoked",
            revoked_at=certificate.revoked_at.isoformat() + "Z" if certificate.revoked_at else None,
            reason=certificate.revocation_reason,
        )
    return jsonify(serial=certificate.serial, status="good", not_after=certificate.not_after.isoformat() + "Z")
