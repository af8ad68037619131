"""Verifying a 금융인증서 CMS signature: a library for relying parties.

It needs no Flask app and no database: give it the signature, the exact content that was
signed, the service's root certificate, the current CRL and the policy OID. It checks the
CMS signature and its signed attributes, the chain to the root (``cryptography``'s
``x509.verification``, not hand-written path building), validity at signing time,
revocation, the policy, and freshness. The content a login or signature binds is built by
``signed_content`` so that the relying party, the nonce and the sign type are all signed.

    from app.pki.verifier import TrustConfig, verify_signed_value
    trust = TrustConfig(root=root_cert, crl=crl, policy_oid="2.25.171032817.1.1")
    signer = verify_signed_value(signed_val, org_code="DEMO_RP", sign_type="01",
                                 nonce=nonce, plain_text="로그인", trust=trust)
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from asn1crypto import cms as asn1_cms
from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.x509 import verification
from cryptography.x509.oid import ExtensionOID, NameOID

CLOCK_SKEW = timedelta(minutes=5)
_HASHES = {"sha256": hashes.SHA256, "sha384": hashes.SHA384, "sha512": hashes.SHA512}


class VerificationError(Exception):
    """The signature must not be trusted; ``code`` is stable, ``message`` is Korean.

    A relying party may copy this one file into its own project, so it imports nothing of the
    service (not even ``app.errors``); the service's edges turn this error into theirs.
    """

    status = 422

    def __init__(self, code: str, message: str) -> None:
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message


@dataclass(frozen=True)
class TrustConfig:
    """What a relying party trusts: the service's root, its CRL and the certificate policy."""

    root: x509.Certificate
    policy_oid: str
    crl: x509.CertificateRevocationList | None = None
    require_crl: bool = True
    max_age: timedelta | None = timedelta(minutes=10)


@dataclass(frozen=True)
class VerifiedSignature:
    """Who signed, with which certificate, and when."""

    name: str
    bank_code: str
    bank_name: str
    serial: str
    subject: str
    signing_time: datetime
    certificate: x509.Certificate = field(repr=False)


def signed_content(*, org_code: str, sign_type: str, nonce: str, plain_text: str) -> bytes:
    """The exact bytes the widget signs for one plaintext (canonical JSON, UTF-8)."""
    document = {"nonce": nonce, "orgCode": org_code, "plainText": plain_text, "signType": sign_type}
    return json.dumps(document, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()


def decode_signed_value(signed_val: str) -> bytes:
    """base64url (padding optional) → DER."""
    try:
        return base64.urlsafe_b64decode(signed_val + "=" * (-len(signed_val) % 4))
    except (binascii.Error, ValueError, TypeError):
        raise VerificationError("bad_encoding", "서명값의 형식이 올바르지 않습니다.") from None


def verify_signed_value(
    signed_val: str,
    *,
    org_code: str,
    sign_type: str,
    nonce: str,
    plain_text: str,
    trust: TrustConfig,
    now: datetime | None = None,
) -> VerifiedSignature:
    """Verify one ``signedVals`` entry of the SDK's result against what the RP expects."""
    content = signed_content(org_code=org_code, sign_type=sign_type, nonce=nonce, plain_text=plain_text)
    return verify_cms(decode_signed_value(signed_val), content, trust, now=now)


def verify_cms(cms_der: bytes, content: bytes, trust: TrustConfig, *, now: datetime | None = None) -> VerifiedSignature:
    """Verify a detached CMS SignedData over ``content``; raise ``VerificationError`` if anything is off."""
    now = _aware(now or datetime.now(UTC))
    signed_data, signer_info = _parse(cms_der)
    certificates = _certificates(signed_data)
    signer = _signer_certificate(signer_info, certificates)
    digest_name = signer_info["digest_algorithm"]["algorithm"].native
    if digest_name not in _HASHES:
        raise VerificationError("bad_algorithm", "지원하지 않는 해시 알고리즘입니다.")
    signing_time = _check_signed_attributes(signer_info, content, digest_name)
    _check_signature(signer_info, signer, digest_name)
    chain = _check_chain(signer, certificates, trust, signing_time)
    _check_policy_and_usage(signer, trust.policy_oid)
    _check_revocation(signer, chain, trust, now)
    _check_freshness(signing_time, trust, now)
    return _describe(signer, signing_time)


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _parse(cms_der: bytes) -> tuple[asn1_cms.SignedData, asn1_cms.SignerInfo]:
    try:
        info = asn1_cms.ContentInfo.load(cms_der, strict=True)
        if info["content_type"].native != "signed_data":
            raise ValueError("not SignedData")
        signed_data = info["content"]
        signer_infos = signed_data["signer_infos"]
        # Parse the parts the checks read now, so that malformed input fails here, cleanly.
        for signer_info in signer_infos:
            signer_info["sid"].chosen  # noqa: B018
            signer_info["signed_attrs"].native  # noqa: B018
            signer_info["signature_algorithm"].native  # noqa: B018
        for choice in signed_data["certificates"] or []:
            choice.chosen.dump()
    except (ValueError, TypeError, KeyError, AttributeError) as error:
        raise VerificationError("bad_cms", "CMS 서명 형식이 올바르지 않습니다.") from error
    if len(signer_infos) != 1:
        raise VerificationError("bad_cms", "서명자는 한 명이어야 합니다.")
    return signed_data, signer_infos[0]


def _certificates(signed_data: asn1_cms.SignedData) -> list[x509.Certificate]:
    found = []
    for choice in signed_data["certificates"] or []:
        if choice.name == "certificate":
            found.append(x509.load_der_x509_certificate(choice.chosen.dump()))
    return found


def _signer_certificate(signer_info: asn1_cms.SignerInfo, certificates: list[x509.Certificate]) -> x509.Certificate:
    sid = signer_info["sid"]
    if sid.name != "issuer_and_serial_number":
        raise VerificationError("bad_cms", "서명자 식별 방식이 올바르지 않습니다.")
    serial = sid.chosen["serial_number"].native
    issuer_der = sid.chosen["issuer"].dump()
    for certificate in certificates:
        if certificate.serial_number == serial and certificate.issuer.public_bytes() == issuer_der:
            return certificate
    raise VerificationError("signer_missing", "서명자 인증서가 서명에 포함되어 있지 않습니다.")


def _check_signed_attributes(signer_info: asn1_cms.SignerInfo, content: bytes, digest_name: str) -> datetime:
    attributes = signer_info["signed_attrs"]
    if not attributes:
        raise VerificationError("bad_cms", "서명 속성이 없습니다.")
    values = {attribute["type"].native: attribute["values"] for attribute in attributes}
    if "content_type" not in values or values["content_type"][0].native != "data":
        raise VerificationError("bad_cms", "서명 내용의 유형이 올바르지 않습니다.")
    if "message_digest" not in values:
        raise VerificationError("bad_cms", "서명 속성에 메시지 다이제스트가 없습니다.")
    expected = hashlib.new(digest_name, content).digest()
    if values["message_digest"][0].native != expected:
        raise VerificationError("content_mismatch", "서명된 내용(또는 nonce)이 기대한 내용과 다릅니다.")
    if "signing_time" not in values:
        raise VerificationError("bad_cms", "서명 시각이 없습니다.")
    return _aware(values["signing_time"][0].native)


def _check_signature(signer_info: asn1_cms.SignerInfo, signer: x509.Certificate, digest_name: str) -> None:
    public_key = signer.public_key()
    if not isinstance(public_key, rsa.RSAPublicKey):
        raise VerificationError("bad_algorithm", "RSA 인증서만 지원합니다.")
    # The signature covers the DER of the attributes as a SET OF (tag 0x31), not the [0] tag.
    signed_bytes = b"\x31" + signer_info["signed_attrs"].dump()[1:]
    algorithm = signer_info["signature_algorithm"]
    name = algorithm["algorithm"].native
    if name == "rsassa_pss":
        params = algorithm["parameters"]
        pss_hash = _HASHES.get(params["hash_algorithm"]["algorithm"].native)
        mgf_hash = _HASHES.get(params["mask_gen_algorithm"]["parameters"]["algorithm"].native)
        if pss_hash is None or mgf_hash is None:
            raise VerificationError("bad_algorithm", "지원하지 않는 PSS 매개변수입니다.")
        rsa_padding: padding.AsymmetricPadding = padding.PSS(
            mgf=padding.MGF1(mgf_hash()), salt_length=params["salt_length"].native
        )
        hash_algorithm = pss_hash()
    elif name in ("rsassa_pkcs1v15", "sha256_rsa", "sha384_rsa", "sha512_rsa"):
        rsa_padding = padding.PKCS1v15()
        hash_algorithm = _HASHES[digest_name]()
    else:
        raise VerificationError("bad_algorithm", "지원하지 않는 서명 알고리즘입니다.")
    try:
        public_key.verify(signer_info["signature"].native, signed_bytes, rsa_padding, hash_algorithm)
    except InvalidSignature:
        raise VerificationError("bad_signature", "전자서명 값이 올바르지 않습니다.") from None


def _check_chain(
    signer: x509.Certificate, certificates: list[x509.Certificate], trust: TrustConfig, signing_time: datetime
) -> list[x509.Certificate]:
    policy_builder = (
        verification.PolicyBuilder()
        .store(verification.Store([trust.root]))
        .time(signing_time)
        .extension_policies(
            ca_policy=verification.ExtensionPolicy.webpki_defaults_ca(),
            ee_policy=verification.ExtensionPolicy.permit_all(),
        )
    )
    intermediates = [certificate for certificate in certificates if certificate != signer]
    try:
        verified = policy_builder.build_client_verifier().verify(signer, intermediates)
    except verification.VerificationError as error:
        if not (signer.not_valid_before_utc <= signing_time <= signer.not_valid_after_utc):
            raise VerificationError("expired", "서명 시점에 유효한 인증서가 아닙니다.") from error
        raise VerificationError("untrusted_chain", "신뢰할 수 있는 인증기관이 발급한 인증서가 아닙니다.") from error
    return list(verified.chain)


def _check_policy_and_usage(signer: x509.Certificate, policy_oid: str) -> None:
    try:
        policies = signer.extensions.get_extension_for_oid(ExtensionOID.CERTIFICATE_POLICIES).value
        usage = signer.extensions.get_extension_for_oid(ExtensionOID.KEY_USAGE).value
    except x509.ExtensionNotFound:
        raise VerificationError("wrong_policy", "금융인증서 정책이 없는 인증서입니다.") from None
    if policy_oid not in {info.policy_identifier.dotted_string for info in policies}:
        raise VerificationError("wrong_policy", "금융인증서 정책의 인증서가 아닙니다.")
    if not (usage.digital_signature or usage.content_commitment):
        raise VerificationError("wrong_usage", "서명용 인증서가 아닙니다.")


def _check_revocation(
    signer: x509.Certificate, chain: list[x509.Certificate], trust: TrustConfig, now: datetime
) -> None:
    if trust.crl is None:
        if trust.require_crl:
            raise VerificationError("crl_missing", "인증서 폐지 목록(CRL)이 필요합니다.")
        return
    issuer = chain[1] if len(chain) > 1 else trust.root
    crl = trust.crl
    if crl.issuer != issuer.subject or not crl.is_signature_valid(issuer.public_key()):
        raise VerificationError("crl_invalid", "인증서 폐지 목록(CRL)의 서명이 올바르지 않습니다.")
    if crl.next_update_utc is not None and crl.next_update_utc < now:
        raise VerificationError("crl_stale", "인증서 폐지 목록(CRL)이 만료되었습니다. 새로 받아주세요.")
    if crl.get_revoked_certificate_by_serial_number(signer.serial_number) is not None:
        raise VerificationError("revoked", "폐지된 인증서입니다.")


def _check_freshness(signing_time: datetime, trust: TrustConfig, now: datetime) -> None:
    if signing_time > now + CLOCK_SKEW:
        raise VerificationError("stale", "서명 시각이 현재보다 미래입니다.")
    if trust.max_age is not None and now - signing_time > trust.max_age:
        raise VerificationError("stale", "서명이 만들어진 지 너무 오래되었습니다.")


def _describe(signer: x509.Certificate, signing_time: datetime) -> VerifiedSignature:
    common_name = str(signer.subject.get_attributes_for_oid(NameOID.COMMON_NAME)[0].value)
    units = [
        str(attribute.value) for attribute in signer.subject.get_attributes_for_oid(NameOID.ORGANIZATIONAL_UNIT_NAME)
    ]
    name, _, rest = common_name.partition("()")
    return VerifiedSignature(
        name=name,
        bank_code=rest[:3],
        bank_name=next((unit for unit in units if unit != "personalF"), ""),
        serial=format(signer.serial_number, "X"),
        subject=signer.subject.rfc4514_string(),
        signing_time=signing_time,
        certificate=signer,
    )
