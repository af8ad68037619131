"""Certificates in the cloud: issuing, unlocking with the PIN, signing, revoking.

The private key is made here, sealed under PIN + KEK (``keystore``) and stored with its
certificate in one transaction. Using it counts PIN attempts in the database with one
atomic UPDATE per attempt, *before* the slow KDF runs, so parallel requests cannot
get more than ``PIN_MAX_FAILURES`` guesses.
"""

from __future__ import annotations

import hmac
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Literal, overload

from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from flask import current_app
from sqlalchemy import update

from app import audit, contract, notices, rules
from app.clock import utcnow
from app.cloud import keystore
from app.cloud.pin_rules import check_new_pin
from app.errors import N_, ServiceError
from app.extensions import db
from app.key_source import key_source
from app.models import Bank, Certificate, Subscriber
from app.personal_info import InvalidField
from app.pki import cms
from app.pki.ca import current_ca
from app.pki.crl import publish_crl
from app.pki.issuance import CertificateProfile, issue_end_entity, new_key_pair, serial_hex, subject_common_name
from app.pki.verifier import vid_of, virtual_id
from app.pki.vid import VidMaterial, new_vid, parse_rrn, random_num_of, with_random_num


class CertificateUnavailable(ServiceError):
    """The certificate cannot be used now; ``message`` is shown to the user."""

    message = N_("사용할 수 없는 인증서입니다.")
    sdk_code = contract.CERTIFICATE_UNUSABLE
    code = "certificate_unusable"


class CertificateLocked(CertificateUnavailable):
    sdk_code = contract.LOCKED
    code = "certificate_locked"

    def __init__(self) -> None:
        super().__init__(
            N_("비밀번호 %(limit)d회 오류로 인증서가 잠겼습니다. 발급 은행에서 재발급을 받아주세요."),
            params={"limit": rules.current().pin_max_failures},
        )


class CertificateRevoked(CertificateUnavailable):
    message = N_("폐지된 인증서입니다.")


class CertificateExpired(CertificateUnavailable):
    message = N_("유효기간이 지난 인증서입니다. 갱신하거나 새로 발급받아주세요.")


class WrongPin(ServiceError):
    """The PIN did not open the key; ``failures`` of ``limit`` are now used."""

    field = "pin"
    code = "wrong_pin"

    def __init__(self, failures: int, limit: int) -> None:
        self.failures = failures
        self.limit = limit
        counts = {"failures": failures, "limit": limit}
        if self.locked:
            message = N_(
                "비밀번호 %(failures)d/%(limit)d회 오류로 인증서가 잠겼습니다. 발급 은행에서 재발급을 받아주세요."
            )
            super().__init__(message, params=counts, sdk_code=contract.LOCKED)
        else:
            super().__init__(
                N_("비밀번호 %(failures)d/%(limit)d회 오류입니다. %(limit)d회 틀리면 인증서가 잠깁니다."), params=counts
            )

    @property
    def locked(self) -> bool:
        return self.failures >= self.limit


class VidError(ServiceError):
    """VID 본인확인 cannot be done as asked; ``message`` is shown, on ``field``."""

    message = N_("본인확인 정보를 확인할 수 없습니다.")
    field = "rrn"
    code = "vid_unavailable"
    sdk_code = contract.BAD_REQUEST


class VidMissing(VidError):
    """R was asked for a certificate issued without a 식별번호 (the SDK's 800001, with this reason)."""

    message = N_("이 인증서에는 본인확인(VID) 정보가 없어 R 값을 제공할 수 없습니다.")
    field = None
    code = "vid_missing"


class IdentityNumberRequired(VidError):
    message = N_("본인확인 정보가 담긴 인증서입니다. 갱신하려면 주민등록번호를 입력해주세요.")
    code = "rrn_required"


class IdentityNumberMismatch(VidError):
    message = N_("입력한 주민등록번호가 인증서의 본인확인 정보와 일치하지 않습니다.")
    code = "rrn_mismatch"


@dataclass(frozen=True)
class SignedWithR:
    """Signatures and the certificate's VID random R (``rValue``), released only with the PIN."""

    signatures: list[bytes]
    r_value: bytes


@dataclass(frozen=True)
class CertificateState:
    usable: bool
    label: str  # 사용 가능 | 잠김 | 만료 | 폐지 (Korean; screens translate it)


def pin_limit() -> int:
    return rules.current().pin_max_failures


def certificate_profile() -> CertificateProfile:
    config = current_app.config
    return CertificateProfile(
        policy_oid=config["POLICY_OID"],
        service_org=config["SERVICE_ORG"],
        crl_url=config["PUBLIC_URL"].rstrip("/") + "/pki/crl",
        validity=timedelta(days=int(config["CERT_VALIDITY_DAYS"])),
        ocsp_url=config["PUBLIC_URL"].rstrip("/") + "/pki/ocsp",
        ca_issuers_url=config["PUBLIC_URL"].rstrip("/") + "/pki/ca.cer",
    )


def kdf_params() -> keystore.KdfParams:
    config = current_app.config
    return keystore.KdfParams(n=int(config["SCRYPT_N"]), r=int(config["SCRYPT_R"]), p=int(config["SCRYPT_P"]))


def state_of(certificate: Certificate, now: datetime | None = None) -> CertificateState:
    """Whether a certificate can be chosen for login or signing, and why not."""
    now = now or utcnow()
    if certificate.status == "revoked":
        return CertificateState(False, N_("폐지"))
    if certificate.not_after <= now:
        return CertificateState(False, N_("만료"))
    if certificate.pin_failures >= pin_limit():
        return CertificateState(False, N_("잠김"))
    return CertificateState(True, N_("사용 가능"))


def find_subscriber(name: str, phone: str, birth_date: date) -> Subscriber | None:
    """The cloud account with exactly this 가입정보, if any."""
    query = db.select(Subscriber).where(
        Subscriber.name == name, Subscriber.phone == phone, Subscriber.birth_date == birth_date
    )
    return db.session.scalars(query).first()


def find_or_create_subscriber(name: str, phone: str, birth_date: date, email: str | None = None) -> Subscriber:
    """Join the cloud (클라우드 가입) or connect to the existing account."""
    subscriber = find_subscriber(name, phone, birth_date)
    if subscriber is None:
        subscriber = Subscriber(name=name, phone=phone, birth_date=birth_date, email=email)
        db.session.add(subscriber)
        db.session.flush()
        audit.record("cloud.joined", subscriber_id=subscriber.id)
    elif email:
        subscriber.email = email
    return subscriber


def certificates_of(subscriber: Subscriber) -> list[Certificate]:
    """The subscriber's certificates that are still in the cloud: the favourite, then the last
    used, then the rest (newest first)."""
    query = (
        db.select(Certificate)
        .where(Certificate.subscriber_id == subscriber.id, Certificate.status != "revoked")
        .order_by(
            Certificate.favourite.desc(),
            Certificate.last_used_at.is_(None),
            Certificate.last_used_at.desc(),
            Certificate.not_after.desc(),
        )
    )
    return list(db.session.scalars(query))


def issue_certificate(
    subscriber: Subscriber,
    bank: Bank,
    pin: str,
    *,
    now: datetime | None = None,
    check_pin: bool = True,
    vid: VidMaterial | None = None,
) -> Certificate:
    """Make a key pair, a certificate and the sealed key; added to the current transaction.

    An active certificate of the same bank is revoked as superseded (재발급), which also
    clears a PIN lock: the new certificate starts with no failures. With ``vid`` the
    certificate carries the VID and R is sealed with the private key.
    """
    if check_pin:
        check_new_pin(pin, subscriber.birth_date)
    now = now or utcnow()
    superseded = [previous for previous in certificates_of(subscriber) if previous.bank_code == bank.code]
    for previous in superseded:
        revoke(previous, "superseded", by="issuance", publish=False)
    certificate = _new_certificate(subscriber, bank, pin, now, vid)
    if superseded:
        publish_crl()
    audit.record(
        "certificate.issued",
        subscriber_id=subscriber.id,
        certificate_serial=certificate.serial,
        bank_code=bank.code,
        not_after=certificate.not_after.isoformat(),
    )
    return certificate


def _new_certificate(
    subscriber: Subscriber, bank: Bank, pin: str, now: datetime, vid: VidMaterial | None = None
) -> Certificate:
    private_key = new_key_pair()
    issued = issue_end_entity(
        current_ca(),
        certificate_profile(),
        common_name=subject_common_name(subscriber.name, bank.code),
        bank_name=bank.name,
        public_key=private_key.public_key(),
        now=now,
        real_name=subscriber.name,
        vid=vid,
    )
    serial = serial_hex(issued)
    key_der = _pkcs8(private_key)
    if vid is not None:
        key_der = with_random_num(key_der, vid.random_num)
    certificate = Certificate(
        subscriber_id=subscriber.id,
        bank_code=bank.code,
        serial=serial,
        subject_cn=subject_common_name_of(issued),
        cert_der=issued.public_bytes(serialization.Encoding.DER),
        key_blob=keystore.seal(key_der, pin, key_source(), kdf_params(), context=serial),
        not_before=issued.not_valid_before_utc.replace(tzinfo=None),
        not_after=issued.not_valid_after_utc.replace(tzinfo=None),
    )
    db.session.add(certificate)
    db.session.flush()
    return certificate


def _pkcs8(private_key: rsa.RSAPrivateKey) -> bytes:
    """The key as unencrypted PKCS#8 DER, only ever handed to ``keystore.seal``."""
    return private_key.private_bytes(
        serialization.Encoding.DER, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )


def subject_common_name_of(certificate: x509.Certificate) -> str:
    return str(certificate.subject.get_attributes_for_oid(x509.oid.NameOID.COMMON_NAME)[0].value)


def x509_of(certificate: Certificate) -> x509.Certificate:
    return x509.load_der_x509_certificate(certificate.cert_der)


def _refuse_if_unusable(certificate: Certificate) -> None:
    state = state_of(certificate)
    if state.usable:
        return
    raise {"폐지": CertificateRevoked, "만료": CertificateExpired, "잠김": CertificateLocked}[state.label]()


def unlock_private_key(certificate: Certificate, pin: str) -> rsa.RSAPrivateKey:
    """Open the sealed key with the PIN, counting the attempt atomically (commits)."""
    return _load_key(_open_sealed_key(certificate, pin))


def _load_key(key_der: bytes) -> rsa.RSAPrivateKey:
    # The key was generated here and GCM authenticated it on the way out, so the costly
    # RSA consistency check (about 50 ms, more than the KDF) proves nothing new.
    private_key = serialization.load_der_private_key(key_der, password=None, unsafe_skip_rsa_key_validation=True)
    assert isinstance(private_key, rsa.RSAPrivateKey)
    return private_key


def _open_sealed_key(certificate: Certificate, pin: str, *, commit: bool = True) -> bytes:
    """The PKCS#8 key (with R when the certificate has a VID), opened with the PIN.

    The attempt is reserved first: ``UPDATE … SET pin_failures = pin_failures + 1 WHERE
    pin_failures < limit``, committed. Only a request that got a row may run the KDF; a right
    PIN then gives the attempt back by resetting the count to zero — committed here, or with
    the caller's own commit that follows (``commit=False``, one write less).
    """
    _refuse_if_unusable(certificate)
    limit = pin_limit()
    reserved = db.session.execute(
        update(Certificate)
        .where(Certificate.id == certificate.id, Certificate.pin_failures < limit, Certificate.status == "active")
        .values(pin_failures=Certificate.pin_failures + 1)
        .returning(Certificate.pin_failures)
    ).scalar_one_or_none()
    db.session.commit()
    if reserved is None:
        db.session.refresh(certificate)
        _refuse_if_unusable(certificate)
        raise CertificateLocked()
    try:
        key_der = keystore.unseal(certificate.key_blob, pin, key_source(), context=certificate.serial)
    except keystore.WrongPinForKey:
        audit.record(
            "pin.failed",
            subscriber_id=certificate.subscriber_id,
            certificate_serial=certificate.serial,
            failures=reserved,
            limit=limit,
        )
        if reserved >= limit:
            audit.record(
                "certificate.locked", subscriber_id=certificate.subscriber_id, certificate_serial=certificate.serial
            )
            notices.notify_locked(certificate.subscriber, certificate.bank.name)
        db.session.commit()
        db.session.refresh(certificate)
        raise WrongPin(reserved, limit) from None
    certificate.pin_failures = 0  # the right PIN gives the reserved attempt back
    if keystore.blob_params(certificate.key_blob) != kdf_params():
        # The KDF cost is a setting: a key sealed under another cost moves to the current one
        # while the PIN is known (recorded with the blob, so both kinds open meanwhile).
        certificate.key_blob = keystore.seal(key_der, pin, key_source(), kdf_params(), context=certificate.serial)
    if commit:
        db.session.commit()
    return key_der


def sign_contents(
    certificate: Certificate,
    private_key: rsa.RSAPrivateKey,
    contents: list[bytes],
    *,
    pss: bool = False,
    formats: list[cms.SignatureFormat] | None = None,
) -> list[bytes]:
    """One signature per content: each in its ``formats`` entry (default: a detached CMS
    SignedData in a ContentInfo), with the signer's and the issuing CA's certificates."""
    signer = x509_of(certificate)
    chain = [current_ca().ca_cert]
    shapes = formats or [cms.SignatureFormat(cms=cms.CmsOptions(pss=pss))] * len(contents)
    assert len(shapes) == len(contents)
    return [shape.sign(content, signer, private_key, chain) for content, shape in zip(contents, shapes, strict=True)]


@overload
def sign_with_pin(
    certificate: Certificate,
    pin: str,
    contents: list[bytes],
    *,
    pss: bool = False,
    formats: list[cms.SignatureFormat] | None = None,
    include_r: Literal[False] = False,
    **audit_detail: object,
) -> list[bytes]: ...


@overload
def sign_with_pin(
    certificate: Certificate,
    pin: str,
    contents: list[bytes],
    *,
    pss: bool = False,
    formats: list[cms.SignatureFormat] | None = None,
    include_r: Literal[True],
    **audit_detail: object,
) -> SignedWithR: ...


def sign_with_pin(
    certificate: Certificate,
    pin: str,
    contents: list[bytes],
    *,
    pss: bool = False,
    formats: list[cms.SignatureFormat] | None = None,
    include_r: bool = False,
    **audit_detail: object,
) -> list[bytes] | SignedWithR:
    """Unlock with the PIN and sign; the signature is audited (never the PIN).

    With ``include_r`` the result also carries the VID random R (the SDK's ``rValue``) for
    the relying party's 본인확인; a certificate without a VID raises ``VidMissing`` before
    the PIN is tried.
    """
    if include_r and vid_of(x509_of(certificate)) is None:
        raise VidMissing()
    key_der = _open_sealed_key(certificate, pin, commit=False)
    signatures = sign_contents(certificate, _load_key(key_der), contents, pss=pss, formats=formats)
    certificate.last_used_at = utcnow()
    audit.record(
        "signature.created",
        subscriber_id=certificate.subscriber_id,
        certificate_serial=certificate.serial,
        count=len(signatures),
        **({"r_released": True} if include_r else {}),
        **audit_detail,
    )
    db.session.commit()
    if not include_r:
        return signatures
    r_value = random_num_of(key_der)
    if r_value is None:  # a VID certificate always has R with its key; refuse rather than guess
        raise VidMissing()
    return SignedWithR(signatures=signatures, r_value=r_value)


def revoke(certificate: Certificate, reason: str, *, by: str, publish: bool = True) -> None:
    """Revoke (폐지); the CRL is republished in the same transaction unless the caller will."""
    if certificate.status == "revoked":
        return
    certificate.status = "revoked"
    certificate.revoked_at = utcnow().replace(microsecond=0)
    certificate.revocation_reason = reason
    db.session.flush()
    audit.record(
        "certificate.revoked",
        subscriber_id=certificate.subscriber_id,
        certificate_serial=certificate.serial,
        reason=reason,
        by=by,
    )
    if publish:
        publish_crl()


def find_by_serial(serial: str) -> Certificate | None:
    """A certificate by its hex serial (any case, no separators)."""
    return db.session.scalars(db.select(Certificate).where(Certificate.serial == serial.upper())).first()


# --- management and renewal ----------------------------------------------------------------


def renewal_due(certificate: Certificate, now: datetime | None = None) -> bool:
    """In the last ``RENEWAL_WINDOW_DAYS`` (90) days of validity, and still usable."""
    now = now or utcnow()
    window = timedelta(days=int(current_app.config["RENEWAL_WINDOW_DAYS"]))
    return state_of(certificate, now).usable and certificate.not_after - now <= window


def renew_certificate(certificate: Certificate, pin: str, rrn: str | None = None) -> Certificate:
    """갱신: a new key pair and certificate under the same PIN; the old one is revoked only
    together with storing the new one (one database transaction, nothing half-made).

    No bank takes part and the 주민등록번호 is not stored, so a certificate with a VID renews
    only when the person types the number again (``rrn``): it must give the old VID with
    the old R, unsealed by the PIN; the new certificate gets a new R and VID. A certificate
    without a VID renews without one (a typed number is not verified by anyone, so unused).
    """
    old_vid = vid_of(x509_of(certificate))
    idn = None
    if old_vid is not None:
        if not rrn:
            raise IdentityNumberRequired()
        try:
            idn = parse_rrn(rrn, certificate.subscriber.birth_date)
        except InvalidField as error:
            raise IdentityNumberMismatch(error.message) from None
    key_der = _open_sealed_key(certificate, pin)
    vid = None
    if old_vid is not None and idn is not None:
        old_r = random_num_of(key_der)
        if old_r is None or not hmac.compare_digest(virtual_id(idn, old_r, old_vid.hash_name), old_vid.virtual_id):
            raise IdentityNumberMismatch()
        vid = new_vid(idn)
    favourite = certificate.favourite
    try:
        renewed = issue_certificate(certificate.subscriber, certificate.bank, pin, check_pin=False, vid=vid)
        renewed.favourite = favourite
        audit.record(
            "certificate.renewed",
            subscriber_id=certificate.subscriber_id,
            certificate_serial=renewed.serial,
            previous=certificate.serial,
        )
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    return renewed


def change_pin(certificate: Certificate, current_pin: str, new_pin: str) -> None:
    """비밀번호 변경: the current PIN opens the key (attempts counted), the new one reseals it."""
    check_new_pin(new_pin, certificate.subscriber.birth_date)
    # Reseal the PKCS#8 as it was opened, so that R (an attribute of it) stays with the key.
    key_der = _open_sealed_key(certificate, current_pin)
    certificate.key_blob = keystore.seal(key_der, new_pin, key_source(), kdf_params(), context=certificate.serial)
    audit.record("pin.changed", subscriber_id=certificate.subscriber_id, certificate_serial=certificate.serial)
    db.session.commit()


def delete_certificate(certificate: Certificate, pin: str) -> None:
    """인증서 삭제: the subscriber proves the PIN; the certificate is revoked and leaves the cloud."""
    unlock_private_key(certificate, pin)
    revoke(certificate, "cessationOfOperation", by="subscriber")
    db.session.commit()
