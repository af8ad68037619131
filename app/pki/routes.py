"""Published PKI material: root and CA certificates (PEM and DER), the CRL and the root's ARL,
the OCSP responder (RFC 6960, POST and GET), and a JSON certificate status endpoint."""

from __future__ import annotations

import base64
import binascii
import re

from cryptography.hazmat.primitives.serialization import Encoding
from cryptography.x509 import ocsp as x509_ocsp
from flask import Blueprint, Response, jsonify, request
from flask.typing import ResponseReturnValue

from app.api_json import ApiError
from app.extensions import csrf, db
from app.models import Certificate
from app.pki import ocsp
from app.pki.ca import current_ca
from app.pki.crl import current_arl_record, current_crl_der

bp = Blueprint("pki", __name__, url_prefix="/pki")
csrf.exempt(bp)  # OCSP clients post DER, not forms

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


@bp.get("/root.cer")
def root_cer() -> ResponseReturnValue:
    """The root CA certificate, DER (the caIssuers URL of the issuing CA's AIA)."""
    return _download(current_ca().root_cert.public_bytes(Encoding.DER), "application/pkix-cert", "root.cer", 3600)


@bp.get("/ca.cer")
def ca_cer() -> ResponseReturnValue:
    """The issuing CA certificate, DER (the caIssuers URL of end-entity certificates' AIA)."""
    return _download(current_ca().ca_cert.public_bytes(Encoding.DER), "application/pkix-cert", "ca.cer", 3600)


@bp.get("/ocsp.pem")
def ocsp_pem() -> ResponseReturnValue:
    """The OCSP responder's certificate (it is also in every response)."""
    return _download(current_ca().ocsp_pem, "application/x-pem-file", "ocsp.pem", 3600)


@bp.get("/crl")
def crl() -> ResponseReturnValue:
    """The current CRL (DER), signed by the issuing CA."""
    return _download(current_crl_der(), "application/pkix-crl", "fincert.crl", 60)


@bp.get("/arl")
def arl() -> ResponseReturnValue:
    """The root's ARL (DER): revoked CA certificates (the issuing CA's CRL distribution point)."""
    return _download(current_arl_record().der, "application/pkix-crl", "fincert-arl.crl", 3600)


def _ocsp_response(body: bytes, max_age: int | None) -> Response:
    response = Response(body, mimetype="application/ocsp-response")
    response.headers["Cache-Control"] = f"public, max-age={max_age}, no-transform" if max_age else "no-store"
    return response


@bp.post("/ocsp")
def ocsp_post() -> ResponseReturnValue:
    """OCSP over POST: the DER request is the body (``application/ocsp-request``)."""
    return _ocsp_response(ocsp.respond(request.get_data(cache=False)), None)


@bp.get("/ocsp/<path:encoded>", merge_slashes=False)
def ocsp_get(encoded: str) -> ResponseReturnValue:
    """OCSP over GET: the DER request, base64 and URL-encoded, is the rest of the path
    (RFC 6960 Appendix A.1); such answers may be cached by proxies for a minute."""
    return _ocsp_response(ocsp.respond(_from_base64(encoded)), 60)


@bp.get("/ocsp")
@bp.get("/ocsp/")
def ocsp_get_empty() -> ResponseReturnValue:
    """A GET without a request is malformed, and said so in OCSP terms."""
    return _ocsp_response(ocsp.error_response(x509_ocsp.OCSPResponseStatus.MALFORMED_REQUEST), None)


def _from_base64(encoded: str) -> bytes:
    # Werkzeug has already undone the URL encoding (%2B, %2F, %3D). Some clients send
    # base64url instead of base64, or drop the padding; both are accepted.
    text = encoded.strip().replace("-", "+").replace("_", "/")
    try:
        return base64.b64decode(text + "=" * (-len(text) % 4), validate=True)
    except (binascii.Error, ValueError):
        return b""


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
