"""Verifying a 금융인증서 CMS signature: a library for relying parties.

It needs no Flask app and no database: give it the signature, the exact content that was
signed, the service's root certificate, revocation evidence (an OCSP response, a callable
that fetches one, or the current CRL) and the policy OID. It checks the
CMS signature and its signed attributes, the chain to the root (``cryptography``'s
``x509.verification``, not hand-written path building), validity at signing time,
revocation, the policy, and freshness. The content a login or signature binds is built by
``signed_content`` so that the relying party, the nonce and the sign type are all signed.

    from app.pki.verifier import TrustConfig, verify_signed_value
    trust = TrustConfig(root=root_cert, crl=crl, policy_oid="2.25.171032817.1.1")
    signer = verify_signed_value(signed_val, org_code="DEMO_RP", sign_type="01",
                                 nonce=nonce, plain_text="로그인", trust=trust)

Revocation: an OCSP response (``ocsp_response``) or a function that posts an OCSP request to
the responder (``ocsp_fetcher``) is tried first; when OCSP gives no usable answer the CRL is
used. ``VerifiedSignature.revocation_evidence`` is what was used: keep it with the signature
to verify again later *as of that moment* (``now=`` the time it was checked), instead of
failing because a newer CRL exists. See docs/pki.md ("Validating at signing time").
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import os
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from asn1crypto import algos as asn1_algos
from asn1crypto import cms as asn1_cms
from asn1crypto import core as asn1_core
from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.x509 import ocsp, verification
from cryptography.x509.oid import ExtendedKeyUsageOID, ExtensionOID, NameOID

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


# Posts a DER OCSP request to the responder (the certificate's AIA URL) and returns the DER
# response; raises OSError or ValueError when it cannot.
OcspFetcher = Callable[[bytes], bytes]


@dataclass(frozen=True)
class TrustConfig:
    """What a relying party trusts: the service's root, revocation evidence and the policy.

    ``require_crl`` means: some revocation evidence (OCSP or CRL) is required.
    """

    root: x509.Certificate
    policy_oid: str
    crl: x509.CertificateRevocationList | None = None
    require_crl: bool = True
    max_age: timedelta | None = timedelta(minutes=10)
    ocsp_response: bytes | None = None
    ocsp_fetcher: OcspFetcher | None = None
    # The issuing CA (``/pki/ca.pem``): a CMS signature carries it, a PKCS1 signature does not.
    intermediates: tuple[x509.Certificate, ...] = ()


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
    revocation_source: str = "none"  # ocsp | crl | none
    revocation_evidence: bytes | None = field(default=None, repr=False)  # DER OCSP response or CRL


CONTENT_KINDS = ("plainText", "binary", "hash")
ENCODINGS = {"UTF-8": "utf-8", "EUC-KR": "euc_kr"}


def signed_content(
    *,
    org_code: str,
    sign_type: str,
    nonce: str,
    plain_text: str | None = None,
    binary: str | None = None,
    hash: str | None = None,  # noqa: A002 - the SDK's own name
    encoding: str = "UTF-8",
) -> bytes:
    """The exact bytes the widget signs for one content: a canonical JSON document that binds the
    relying party, the sign type and the nonce to the content.

    The document has the keys ``nonce``, ``orgCode``, ``signType`` and exactly one of
    ``plainText`` (the text as given), ``binary`` or ``hash`` (the RP's base64url string as given,
    for a hash the base64url of its 32-byte SHA-256). It is serialised as
    ``json.dumps(document, ensure_ascii=False, sort_keys=True, separators=(",", ":"))``: keys in
    code-point order, no whitespace, non-ASCII characters as themselves, and only ``"``, ``\\``
    and control characters escaped (``\\n``, ``\\t``, ``\\r``, ``\\b``, ``\\f``, other controls
    as ``\\u00XX``); then encoded in UTF-8, or in EUC-KR when the RP asked for it. A text is
    NFC-normalised first, as the widget shows and signs it.
    """
    if plain_text is not None:
        plain_text = unicodedata.normalize("NFC", plain_text)
    given = {"plainText": plain_text, "binary": binary, "hash": hash}
    present = {kind: value for kind, value in given.items() if value is not None}
    if len(present) != 1:
        raise ValueError("exactly one of plain_text, binary and hash")
    if encoding not in ENCODINGS:
        raise ValueError(f"unknown encoding {encoding}")
    document = {"nonce": nonce, "orgCode": org_code, "signType": sign_type, **present}
    return json.dumps(document, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode(ENCODINGS[encoding])


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
    plain_text: str | None = None,
    binary: str | None = None,
    hash: str | None = None,  # noqa: A002 - the SDK's own name
    encoding: str = "UTF-8",
    format: str = "CMS",  # noqa: A002 - the SDK's own name
    certificate: x509.Certificate | None = None,
    trust: TrustConfig,
    now: datetime | None = None,
) -> VerifiedSignature:
    """Verify one ``signedVals`` entry of the SDK's result against what the RP expects.

    ``format="PKCS1"`` is a raw signature: give the signer's ``certificate`` (the SDK's result
    carries it); it has no signing time, so freshness rests on the nonce being used once.
    """
    try:
        content = signed_content(
            org_code=org_code,
            sign_type=sign_type,
            nonce=nonce,
            plain_text=plain_text,
            binary=binary,
            hash=hash,
            encoding=encoding,
        )
    except (ValueError, UnicodeEncodeError) as error:
        raise VerificationError("bad_request", "검증할 내용이 올바르지 않습니다.") from error
    if format == "PKCS1":
        if certificate is None:
            raise VerificationError("signer_missing", "PKCS1 서명을 검증하려면 서명자 인증서가 필요합니다.")
        return verify_pkcs1(decode_signed_value(signed_val), content, certificate, trust, now=now)
    return verify_cms(decode_signed_value(signed_val), content, trust, now=now)


def verify_pkcs1(
    signature: bytes,
    content: bytes,
    certificate: x509.Certificate,
    trust: TrustConfig,
    *,
    now: datetime | None = None,
) -> VerifiedSignature:
    """Verify a raw PKCS#1 signature (v1.5 or PSS with SHA-256) over ``content`` by ``certificate``."""
    now = _aware(now or datetime.now(UTC))
    public_key = certificate.public_key()
    if not isinstance(public_key, rsa.RSAPublicKey):
        raise VerificationError("bad_algorithm", "RSA 인증서만 지원합니다.")
    paddings: list[padding.AsymmetricPadding] = [
        padding.PKCS1v15(),
        padding.PSS(mgf=padding.MGF1(hashes.SHA256()), salt_length=padding.PSS.AUTO),
    ]
    for candidate in paddings:
        try:
            public_key.verify(signature, content, candidate, hashes.SHA256())
            break
        except InvalidSignature:
            continue
    else:
        raise VerificationError("bad_signature", "전자서명 값이 올바르지 않습니다.")
    chain = _check_chain(certificate, list(trust.intermediates), trust, now)
    _check_policy_and_usage(certificate, trust.policy_oid)
    source, evidence = _check_revocation(certificate, chain, trust, now)
    return _describe(certificate, now, source, evidence)


def verify_cms(
    cms_der: bytes, content: bytes | None, trust: TrustConfig, *, now: datetime | None = None
) -> VerifiedSignature:
    """Verify a CMS SignedData (in a ContentInfo or bare; detached, or with the content inside)
    over ``content``; raise ``VerificationError`` if anything is off. With ``content=None`` the
    signed content inside the SignedData is verified (read it with ``embedded_content``)."""
    now = _aware(now or datetime.now(UTC))
    signed_data, signer_info = _parse(cms_der)
    embedded = signed_data["encap_content_info"]["content"].native
    if embedded is not None and content is not None and embedded != content:
        raise VerificationError("content_mismatch", "서명된 내용(또는 nonce)이 기대한 내용과 다릅니다.")
    content = content if content is not None else embedded
    if content is None:
        raise VerificationError("content_missing", "서명된 내용이 서명값에 없습니다. 내용을 함께 주세요.")
    certificates = _certificates(signed_data)
    signer = _signer_certificate(signer_info, certificates)
    digest_name = signer_info["digest_algorithm"]["algorithm"].native
    if digest_name not in _HASHES:
        raise VerificationError("bad_algorithm", "지원하지 않는 해시 알고리즘입니다.")
    signing_time = _check_signed_attributes(signer_info, content, digest_name)
    _check_signature(signer_info, signer, digest_name)
    chain = _check_chain(signer, certificates, trust, signing_time)
    _check_policy_and_usage(signer, trust.policy_oid)
    source, evidence = _check_revocation(signer, chain, trust, now)
    _check_freshness(signing_time, trust, now)
    return _describe(signer, signing_time, source, evidence)


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def embedded_content(cms_der: bytes) -> bytes | None:
    """The content inside a SignedData made with ``withoutContent: false`` (None when detached)."""
    signed_data, _signer_info = _parse(cms_der)
    return signed_data["encap_content_info"]["content"].native


def _signed_data(cms_der: bytes) -> asn1_cms.SignedData:
    """A ContentInfo holding SignedData (``generalSyntax: true``) or a bare SignedData."""
    if cms_der[:1] == b"\x30":
        try:
            info = asn1_cms.ContentInfo.load(cms_der, strict=True)
            if info["content_type"].native == "signed_data":
                return info["content"]
        except (ValueError, TypeError, KeyError):
            pass
    signed_data = asn1_cms.SignedData.load(cms_der, strict=True)
    signed_data["signer_infos"]  # noqa: B018 - parse now, so that garbage fails as bad_cms
    return signed_data


def _parse(cms_der: bytes) -> tuple[asn1_cms.SignedData, asn1_cms.SignerInfo]:
    try:
        signed_data = _signed_data(cms_der)
        signer_infos = signed_data["signer_infos"]
        if signed_data["encap_content_info"]["content_type"].native != "data":
            raise ValueError("not data")
        signed_data["encap_content_info"]["content"].native  # noqa: B018
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
) -> tuple[str, bytes | None]:
    issuer = chain[1] if len(chain) > 1 else trust.root
    if trust.ocsp_response is not None or trust.ocsp_fetcher is not None:
        try:
            return "ocsp", _check_ocsp(signer, issuer, trust, now)
        except OcspUnusable as problem:
            if trust.crl is None:
                raise VerificationError("ocsp_unusable", problem.message) from problem
            # No usable OCSP answer: the CRL decides.
    if trust.crl is None:
        if trust.require_crl:
            raise VerificationError("crl_missing", "인증서 폐지 목록(CRL)이 필요합니다.")
        return "none", None
    crl = trust.crl
    if crl.issuer != issuer.subject or not crl.is_signature_valid(issuer.public_key()):
        raise VerificationError("crl_invalid", "인증서 폐지 목록(CRL)의 서명이 올바르지 않습니다.")
    if crl.next_update_utc is not None and crl.next_update_utc < now:
        raise VerificationError("crl_stale", "인증서 폐지 목록(CRL)이 만료되었습니다. 새로 받아주세요.")
    if crl.get_revoked_certificate_by_serial_number(signer.serial_number) is not None:
        raise VerificationError("revoked", "폐지된 인증서입니다.")
    return "crl", crl.public_bytes(serialization.Encoding.DER)


class OcspUnusable(Exception):
    """No trustworthy OCSP answer (the CRL may still decide)."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def ocsp_request(certificate: x509.Certificate, issuer: x509.Certificate, nonce: bytes | None = None) -> bytes:
    """A DER OCSP request (SHA-1 CertID, as RFC 6960 clients send) with an optional nonce."""
    builder = ocsp.OCSPRequestBuilder().add_certificate(certificate, issuer, hashes.SHA1())
    if nonce is not None:
        builder = builder.add_extension(x509.OCSPNonce(nonce), critical=False)
    return builder.build().public_bytes(serialization.Encoding.DER)


def _check_ocsp(signer: x509.Certificate, issuer: x509.Certificate, trust: TrustConfig, now: datetime) -> bytes:
    """The OCSP response that says ``signer`` is good; raises ``VerificationError`` when it says
    revoked or unknown, ``OcspUnusable`` when it cannot be trusted or is missing."""
    nonce = None
    response_der = trust.ocsp_response
    if response_der is None:
        assert trust.ocsp_fetcher is not None
        nonce = os.urandom(16)
        try:
            response_der = trust.ocsp_fetcher(ocsp_request(signer, issuer, nonce))
        except (OSError, ValueError) as error:
            raise OcspUnusable("OCSP 응답을 받지 못했습니다.") from error
    try:
        response = ocsp.load_der_ocsp_response(response_der)
        if response.response_status != ocsp.OCSPResponseStatus.SUCCESSFUL:
            raise OcspUnusable(f"OCSP 응답 오류입니다 ({response.response_status.name}).")
        single = _single_response(response, signer, issuer)
        _check_ocsp_signature(response, issuer, now)
    except (ValueError, TypeError, InvalidSignature, x509.ExtensionNotFound) as error:
        raise OcspUnusable("OCSP 응답의 형식이나 서명이 올바르지 않습니다.") from error
    if nonce is not None and _response_nonce(response) != nonce:
        raise OcspUnusable("OCSP 응답의 nonce가 요청과 다릅니다.")
    if single.this_update_utc > now + CLOCK_SKEW or single.next_update_utc is None or single.next_update_utc < now:
        raise OcspUnusable("OCSP 응답의 유효기간이 지났습니다.")
    if single.certificate_status == ocsp.OCSPCertStatus.REVOKED:
        raise VerificationError("revoked", "폐지된 인증서입니다.")
    if single.certificate_status == ocsp.OCSPCertStatus.UNKNOWN:
        raise VerificationError("unknown_certificate", "인증기관이 발급하지 않은 인증서입니다.")
    return response_der


def _single_response(
    response: ocsp.OCSPResponse, certificate: x509.Certificate, issuer: x509.Certificate
) -> ocsp.OCSPSingleResponse:
    key_bits = issuer.public_key().public_bytes(serialization.Encoding.DER, serialization.PublicFormat.PKCS1)
    for single in response.responses:
        algorithm = single.hash_algorithm.name
        if (
            single.serial_number == certificate.serial_number
            and single.issuer_name_hash == hashlib.new(algorithm, issuer.subject.public_bytes()).digest()
            and single.issuer_key_hash == hashlib.new(algorithm, key_bits).digest()
        ):
            return single
    raise OcspUnusable("OCSP 응답에 이 인증서의 상태가 없습니다.")


def _check_ocsp_signature(response: ocsp.OCSPResponse, issuer: x509.Certificate, now: datetime) -> None:
    """Signed by the issuer itself, or by a responder certificate the issuer gave id-kp-OCSPSigning."""
    responder = issuer if _is_responder(issuer, response) else None
    for candidate in response.certificates:
        if responder is None and _is_responder(candidate, response):
            candidate.verify_directly_issued_by(issuer)
            usage = candidate.extensions.get_extension_for_oid(ExtensionOID.EXTENDED_KEY_USAGE).value
            if ExtendedKeyUsageOID.OCSP_SIGNING not in usage:
                raise OcspUnusable("OCSP 응답 서명용이 아닌 인증서입니다.")
            if not candidate.not_valid_before_utc <= now <= candidate.not_valid_after_utc:
                raise OcspUnusable("OCSP 응답 서명 인증서의 유효기간이 아닙니다.")
            responder = candidate
    if responder is None:
        raise OcspUnusable("OCSP 응답의 서명자를 확인할 수 없습니다.")
    public_key = responder.public_key()
    if not isinstance(public_key, rsa.RSAPublicKey) or response.signature_hash_algorithm is None:
        raise OcspUnusable("지원하지 않는 OCSP 서명 알고리즘입니다.")
    public_key.verify(
        response.signature, response.tbs_response_bytes, padding.PKCS1v15(), response.signature_hash_algorithm
    )


def _is_responder(certificate: x509.Certificate, response: ocsp.OCSPResponse) -> bool:
    if response.responder_name is not None:
        return certificate.subject == response.responder_name
    key_bits = certificate.public_key().public_bytes(serialization.Encoding.DER, serialization.PublicFormat.PKCS1)
    return response.responder_key_hash == hashlib.sha1(key_bits).digest()


def _response_nonce(response: ocsp.OCSPResponse) -> bytes | None:
    try:
        return response.extensions.get_extension_for_class(x509.OCSPNonce).value.nonce
    except x509.ExtensionNotFound:
        return None


def _check_freshness(signing_time: datetime, trust: TrustConfig, now: datetime) -> None:
    if signing_time > now + CLOCK_SKEW:
        raise VerificationError("stale", "서명 시각이 현재보다 미래입니다.")
    if trust.max_age is not None and now - signing_time > trust.max_age:
        raise VerificationError("stale", "서명이 만들어진 지 너무 오래되었습니다.")


def _describe(
    signer: x509.Certificate, signing_time: datetime, source: str = "none", evidence: bytes | None = None
) -> VerifiedSignature:
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
        revocation_source=source,
        revocation_evidence=evidence,
    )


# --- VID 본인확인 (KISA 식별번호를 이용한 본인확인) ---------------------------------------------------
# The certificate's subjectAltName holds an otherName of type id-kisa-identifyData whose value is
#   IdentifyData ::= SEQUENCE { realName UTF8String, userInfo SEQUENCE OF SEQUENCE { type OID, value VID } }
#   VID ::= SEQUENCE { hashAlg AlgorithmIdentifier, virtualID [0] EXPLICIT OCTET STRING }
# with type id-kisa-VID, and virtualID = H(H(DER(HashContent ::= SEQUENCE { idn PrintableString,
# randomNum BIT STRING }))). R (randomNum) is kept with the private key; see docs/pki.md.

ID_KISA_IDENTIFY_DATA = "1.2.410.200004.10.1.1"
ID_KISA_VID = "1.2.410.200004.10.1.1.1"
ID_KISA_RANDOM_NUM = "1.2.410.200004.10.1.1.3"
_RRN = re.compile(r"[0-9]{13}")


class Vid(asn1_core.Sequence):
    _fields = [
        ("hash_alg", asn1_algos.DigestAlgorithm),
        ("virtual_id", asn1_core.OctetString, {"explicit": 0}),
    ]


class VidUserInfo(asn1_core.Sequence):
    _fields = [("type", asn1_core.ObjectIdentifier), ("value", asn1_core.Any)]


class VidUserInfos(asn1_core.SequenceOf):
    _child_spec = VidUserInfo


class IdentifyData(asn1_core.Sequence):
    _fields = [("real_name", asn1_core.UTF8String), ("user_info", VidUserInfos, {"optional": True})]


class HashContent(asn1_core.Sequence):
    _fields = [("idn", asn1_core.PrintableString), ("random_num", asn1_core.OctetBitString)]


def virtual_id(idn: str, random_num: bytes, hash_name: str = "sha256") -> bytes:
    """VID = H(H(DER(HashContent))) for a 13-digit 식별번호 and the certificate's R."""
    content = HashContent({"idn": idn, "random_num": random_num}).dump()
    return hashlib.new(hash_name, hashlib.new(hash_name, content).digest()).digest()


def identify_data(real_name: str, virtual_id_value: bytes, hash_name: str = "sha256") -> bytes:
    """The DER IdentifyData that goes in the subjectAltName otherName."""
    vid = Vid({"hash_alg": {"algorithm": hash_name}, "virtual_id": virtual_id_value})
    info = VidUserInfo({"type": ID_KISA_VID, "value": asn1_core.Any.load(vid.dump())})
    return IdentifyData({"real_name": real_name, "user_info": [info]}).dump()


@dataclass(frozen=True)
class CertificateVid:
    """What a certificate says for 본인확인: the real name and the hashed virtual ID."""

    real_name: str
    hash_name: str
    virtual_id: bytes


def vid_of(certificate: x509.Certificate) -> CertificateVid | None:
    """The certificate's VID, or None when it has none (or it is malformed)."""
    try:
        names = certificate.extensions.get_extension_for_oid(ExtensionOID.SUBJECT_ALTERNATIVE_NAME).value
    except x509.ExtensionNotFound:
        return None
    for other in names.get_values_for_type(x509.OtherName):
        if other.type_id.dotted_string != ID_KISA_IDENTIFY_DATA:
            continue
        try:
            data = IdentifyData.load(other.value, strict=True)
            for info in data["user_info"] or []:
                if info["type"].dotted != ID_KISA_VID:
                    continue
                vid = Vid.load(info["value"].dump(), strict=True)
                hash_name = vid["hash_alg"]["algorithm"].native
                if hash_name not in _HASHES and hash_name != "sha1":
                    return None
                return CertificateVid(data["real_name"].native, hash_name, vid["virtual_id"].native)
        except (ValueError, TypeError, KeyError):
            return None
    return None


def verify_vid(certificate: x509.Certificate, rrn: str, r_value: bytes) -> bool:
    """본인확인: does this 식별번호 (주민등록번호, dashes allowed) with this R give the
    certificate's VID? False for a certificate without a VID or a malformed number."""
    vid = vid_of(certificate)
    idn = (rrn or "").replace("-", "").strip()
    if vid is None or not _RRN.fullmatch(idn) or not r_value:
        return False
    return hmac.compare_digest(virtual_id(idn, bytes(r_value), vid.hash_name), vid.virtual_id)
