"""The SDK's ``getCertInfoList``: after reaching the cloud the person agrees to give the relying
party the list of their certificates (public information only: no signature, no key)."""

from __future__ import annotations

from typing import Any

from cryptography.hazmat.primitives.serialization import Encoding

from app.clock import kst
from app.cloud.certificates import certificates_of, state_of, x509_of
from app.extensions import db
from app.models import Certificate, WidgetTransaction
from app.widget.lookups import subscriber_of
from app.widget.steps import Step
from app.widget.transactions import complete, require


def certificate_info(certificate: Certificate) -> dict[str, Any]:
    """What an RP learns of one certificate (the shape ``FinCert.Sdk.getCertInfo`` also gives)."""
    return {
        "certSeqNum": certificate.serial,
        "bankCode": certificate.bank_code,
        "bankName": certificate.bank.name,
        "subjectName": x509_of(certificate).subject.rfc4514_string(),
        "notBefore": kst(certificate.not_before, "%Y%m%d%H%M%S"),
        "notAfter": kst(certificate.not_after, "%Y%m%d%H%M%S"),
        "usable": state_of(certificate).usable,
        "certificate": x509_of(certificate).public_bytes(Encoding.PEM).decode(),
    }


def share(transaction: WidgetTransaction) -> None:
    """동의하고 제공: the request ends with the list as its result."""
    require(transaction, Step.SHARE)
    subscriber = subscriber_of(transaction)
    assert subscriber is not None
    complete(transaction, {"ok": True, "certInfos": [certificate_info(c) for c in certificates_of(subscriber)]})
    db.session.commit()
