"""Logging in and signing for a relying party: 인증서 선택, 즐겨찾기, 비밀번호 입력 and the
signature, and 갱신 offered after a successful PIN in a certificate's last months."""

from __future__ import annotations

import base64
from typing import Any

from cryptography.hazmat.primitives.serialization import Encoding
from flask import current_app

from app import contract
from app.cloud.certificates import (
    CertificateUnavailable,
    VidError,
    WrongPin,
    certificates_of,
    renew_certificate,
    renewal_due,
    sign_with_pin,
    state_of,
    x509_of,
)
from app.errors import ServiceError
from app.extensions import db
from app.i18n import N_, message_in, text_in
from app.models import Certificate, WidgetTransaction
from app.widget import keypad as keypads
from app.widget.cloud_access import start_pin_entry
from app.widget.lookups import certificate_of, subscriber_of
from app.widget.pin_entry import KeyOutcome, on_entry, retry_after_wrong_pin
from app.widget.sign_requests import sign_requests
from app.widget.steps import Step, advance
from app.widget.transactions import close, complete, require, sdk_result


class CertificateNotSelectable(ServiceError):
    code = "certificate_not_selectable"
    message = N_("선택할 수 없는 인증서입니다.")


class RenewalFailed(ServiceError):
    status = 503
    retry_after = 5
    code = "renewal_failed"
    message = N_("인증서를 갱신하지 못했습니다. 기존 인증서는 그대로입니다. 다시 시도하거나 나중에 갱신해주세요.")


def own_certificate(transaction: WidgetTransaction, certificate_id: int) -> Certificate:
    """One of this transaction's subscriber's certificates still in the cloud."""
    certificate = db.session.get(Certificate, certificate_id)
    if certificate is None or certificate.subscriber_id != transaction.subscriber_id or certificate.status == "revoked":
        raise CertificateNotSelectable()
    return certificate


def choose_certificate(transaction: WidgetTransaction, certificate_id: int) -> None:
    """인증서 선택: only a usable certificate of this subscriber."""
    require(transaction, Step.SELECT)
    certificate = own_certificate(transaction, certificate_id)
    if not state_of(certificate).usable:
        raise CertificateNotSelectable()
    start_pin_entry(transaction, certificate.id)
    db.session.commit()


def toggle_favourite(transaction: WidgetTransaction, certificate_id: int) -> None:
    """즐겨찾기 on/off; a subscriber has at most one favourite."""
    require(transaction, Step.SELECT, Step.MANAGE)
    certificate = own_certificate(transaction, certificate_id)
    turn_on = not certificate.favourite
    subscriber = subscriber_of(transaction)
    assert subscriber is not None
    for other in certificates_of(subscriber):
        other.favourite = False
    certificate.favourite = turn_on
    db.session.commit()


def choose_another(transaction: WidgetTransaction) -> None:
    """다른 인증서 선택: from the PIN step back to the list."""
    require(transaction, Step.PIN)
    advance(transaction, Step.SELECT)
    transaction.keypad = None
    transaction.certificate_id = None
    db.session.commit()


def contents_to_sign(transaction: WidgetTransaction) -> list[bytes]:
    """What the RP asked to sign, in order, each bound to the RP, the sign type and the nonce."""
    return [content for request in sign_requests(transaction) for content in request.signed_bytes(transaction)]


def signed_result(certificate: Certificate, signatures: list[bytes], r_value: bytes | None = None) -> dict[str, Any]:
    """The SDK's ``success`` result: ``signedVals`` in the order of the request's contents."""
    result: dict[str, Any] = {
        "ok": True,
        "certSeqNum": certificate.serial,
        "signedVals": [base64.urlsafe_b64encode(value).decode().rstrip("=") for value in signatures],
        "certificate": x509_of(certificate).public_bytes(Encoding.PEM).decode(),
    }
    if r_value is not None:
        result["rValue"] = base64.b64encode(r_value).decode()
    return result


def _sign(transaction: WidgetTransaction, certificate: Certificate, pin: str) -> dict[str, Any]:
    """Sign every content of every request, each in its own format; R only when asked for."""
    requests = sign_requests(transaction)
    contents = contents_to_sign(transaction)
    formats = [request.signature_format() for request in requests for _content in request.contents]
    detail = {"rp_org_code": transaction.rp_org_code, "sign_type": transaction.sign_type}
    if any(request.include_r for request in requests):
        signed = sign_with_pin(certificate, pin, contents, formats=formats, include_r=True, **detail)
        return signed_result(certificate, signed.signatures, signed.r_value)
    return signed_result(certificate, sign_with_pin(certificate, pin, contents, formats=formats, **detail))


@on_entry(Step.PIN)
def submit_pin(transaction: WidgetTransaction, pin: str) -> KeyOutcome:
    """비밀번호 입력: sign, count a wrong PIN, or end the request (locked, unusable)."""
    certificate = certificate_of(transaction)
    assert certificate is not None
    try:
        result = _sign(transaction, certificate, pin)
    except WrongPin as wrong:
        if wrong.locked:
            return _locked(transaction, wrong)
        return retry_after_wrong_pin(wrong)
    except (CertificateUnavailable, VidError) as unusable:
        # Nothing the person can change here (a revoked or expired certificate; an RP asking for
        # 본인확인 with a certificate made without one): the request ends and the RP is told why.
        result = sdk_result(transaction, unusable.sdk_code or contract.CERTIFICATE_UNUSABLE, unusable)
        close(transaction, "failed", result, notice=result["message"])
        return KeyOutcome(finished_entry=True)
    transaction.keypad = None
    if renewal_due(certificate):
        # Offer 갱신 now, while the PIN is known; the RP's result waits for the answer.
        advance(transaction, Step.RENEW_OFFER)
        transaction.pending_pin = keypads.seal_pin(pin, transaction.id)
        transaction.result = result
        return KeyOutcome(finished_entry=True)
    complete(transaction, result)
    return KeyOutcome(finished_entry=True)


def _locked(transaction: WidgetTransaction, wrong: WrongPin) -> KeyOutcome:
    """The certificate just locked: offer the person's other usable certificates (the locked
    card shows its bank's 재발급), or end the request with 800005 when there is none."""
    subscriber = subscriber_of(transaction)
    others = [c for c in certificates_of(subscriber) if state_of(c).usable] if subscriber else []
    if not others:
        result = sdk_result(transaction, contract.LOCKED, wrong)
        close(transaction, "failed", result, notice=result["message"])
        return KeyOutcome(finished_entry=True)
    advance(transaction, Step.SELECT)
    transaction.keypad = None
    transaction.certificate_id = None
    transaction.notice = text_in(
        transaction.lang, N_("%(reason)s 다른 인증서를 선택할 수 있습니다."), reason=message_in(transaction.lang, wrong)
    )
    return KeyOutcome(finished_entry=True)


def renew_now(transaction: WidgetTransaction, rrn: str | None = None) -> Certificate:
    """갱신 after a successful PIN: a new certificate, and the RP's content signed again with it
    (the old certificate is revoked, so signatures made with it would no longer verify). A
    certificate with a VID needs the person's 주민등록번호 again (it is never stored)."""
    require(transaction, Step.RENEW_OFFER)
    certificate = certificate_of(transaction)
    assert certificate is not None and transaction.pending_pin is not None
    pin = keypads.unseal_pin(transaction.pending_pin, transaction.id)
    try:
        renewed = renew_certificate(certificate, pin, rrn)
    except ServiceError:
        raise  # the person can act on it (e.g. the 주민등록번호 of a VID certificate)
    except Exception as error:  # noqa: BLE001 - the old certificate is intact; offer a retry
        current_app.logger.exception("renewal failed for transaction %s", transaction.id)
        raise RenewalFailed() from error
    result = _sign(transaction, renewed, pin)
    transaction.certificate_id = renewed.id
    complete(transaction, result)
    db.session.commit()
    return renewed


def renew_later(transaction: WidgetTransaction) -> None:
    """나중에: finish with the signature already made."""
    require(transaction, Step.RENEW_OFFER)
    assert transaction.result is not None
    complete(transaction, transaction.result)
    db.session.commit()
