"""Verifying a result on this RP's server, twice: by the service's verify API and by the
Flask-free verifier with trust material fetched from the service; and reading the CMS and the
SDK's local readings (``getCertInfo``, ``getSignerCertFromSignedVal``) against what verified.

Nothing here touches ``request``: the views hand in what the page posted.
"""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass, field
from typing import Any

from asn1crypto import cms as asn1_cms
from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.serialization import Encoding

from e2e.outside_rp.scenarios import Scenario
from e2e.outside_rp.service_client import ServiceClient, ServiceRefused
from e2e.outside_rp.verifier_file import verifier

KEYWORDS = {"plainText": "plain_text", "binary": "binary", "hash": "hash"}
ALGORITHM_NAMES = {
    "rsassa_pss": "RSASSA-PSS",
    "rsassa_pkcs1v15": "RSASSA-PKCS1-v1_5",
    "sha256_rsa": "RSASSA-PKCS1-v1_5",
}


@dataclass(frozen=True)
class Check:
    """One comparison shown on the outcome page."""

    label: str
    ok: bool
    detail: str = ""


@dataclass
class Outcome:
    """What the outcome page shows: both verdicts and what was read from the result."""

    service: dict[str, Any] | None = None
    service_error: str | None = None
    signers: list[Any] = field(default_factory=list)  # the verifier's VerifiedSignature, one per value
    local_error: str | None = None
    algorithm: str = ""
    texts_inside: list[str] = field(default_factory=list)  # read out of signatures with the content inside
    sdk_checks: list[Check] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """Both verdicts say verified (the SDK's readings are shown beside them, not part of it)."""
        return self.service is not None and bool(self.signers) and self.local_error is None


class TrustMaterial:
    """The service's root and issuing CA (fetched once) and its CRL (fetched for each result)."""

    def __init__(self, client: ServiceClient, policy_oid: str) -> None:
        self._client = client
        self._policy_oid = policy_oid
        self._lock = threading.Lock()
        self._anchors: tuple[x509.Certificate, x509.Certificate] | None = None

    def trust(self) -> Any:
        with self._lock:
            if self._anchors is None:
                self._anchors = (
                    x509.load_pem_x509_certificate(self._client.download("/pki/root.pem")),
                    x509.load_pem_x509_certificate(self._client.download("/pki/ca.pem")),
                )
        root, issuing_ca = self._anchors
        crl = x509.load_der_x509_crl(self._client.download("/pki/crl"))
        return verifier().TrustConfig(root=root, crl=crl, policy_oid=self._policy_oid, intermediates=(issuing_ca,))

    def issuing_ca(self) -> x509.Certificate:
        self.trust()
        assert self._anchors is not None
        return self._anchors[1]


def verify_result(
    scenario: Scenario,
    result: dict[str, Any],
    *,
    nonce: str,
    org_code: str,
    client: ServiceClient,
    trust: TrustMaterial,
) -> Outcome:
    """Both verdicts on a result of ``FinCert.Sdk.sign`` for the request of ``nonce``."""
    outcome = Outcome()
    signed_vals = result.get("signedVals") or []
    try:
        outcome.service = client.verify(_verify_body(scenario, result, nonce))
    except ServiceRefused as refusal:
        outcome.service_error = f"{refusal.code}: {refusal.message}"
    module = verifier()
    try:
        outcome.signers, outcome.texts_inside = _verify_locally(scenario, result, nonce, org_code, trust.trust())
    except module.VerificationError as error:
        outcome.local_error = f"{error.code}: {error.message}"
    if scenario.format == "CMS" and signed_vals:
        outcome.algorithm = cms_signature_algorithm(signed_vals[0])
    else:
        outcome.algorithm = "PKCS1 (서명값만)"
    return outcome


def _verify_body(scenario: Scenario, result: dict[str, Any], nonce: str) -> dict[str, Any]:
    """The verify API's body: one nonce, an item per signed value in order, the format."""
    items = [
        {"signedVal": signed_val, "signType": part.sign_type, content.kind: content.value}
        for (part, content), signed_val in zip(scenario.expected(), result.get("signedVals") or [], strict=False)
    ]
    body: dict[str, Any] = {"nonce": nonce, "items": items, "format": scenario.format, "encoding": "UTF-8"}
    if scenario.format == "PKCS1":
        body["certificate"] = result.get("certificate")
    return body


def _verify_locally(
    scenario: Scenario, result: dict[str, Any], nonce: str, org_code: str, trust: Any
) -> tuple[list[Any], list[str]]:
    module = verifier()
    expected = scenario.expected()
    signed_vals = result.get("signedVals") or []
    if len(signed_vals) != len(expected):
        message = f"서명값 {len(expected)}개를 기대했지만 {len(signed_vals)}개입니다."
        raise module.VerificationError("count_mismatch", message)
    certificate = None
    if scenario.format == "PKCS1":
        certificate = x509.load_pem_x509_certificate(str(result.get("certificate", "")).encode())
    signers, texts_inside = [], []
    for (part, content), signed_val in zip(expected, signed_vals, strict=True):
        value = content.value
        if part.attached:
            value = text_inside(signed_val)
            texts_inside.append(value)
            if value != content.value:
                raise module.VerificationError("content_mismatch", "서명값 안의 내용이 요청한 내용과 다릅니다.")
        signers.append(
            module.verify_signed_value(
                signed_val,
                org_code=org_code,
                sign_type=part.sign_type,
                nonce=nonce,
                format=part.format,
                certificate=certificate,
                trust=trust,
                **{KEYWORDS[content.kind]: value},
            )
        )
    if len({signer.serial for signer in signers}) != 1:
        raise module.VerificationError("signer_mismatch", "서명값들이 한 인증서로 만들어지지 않았습니다.")
    return signers, texts_inside


def text_inside(signed_val: str) -> str:
    """The text a signature with the content inside carries (the canonical document's plainText)."""
    module = verifier()
    embedded = module.embedded_content(module.decode_signed_value(signed_val))
    if embedded is None:
        raise module.VerificationError("content_missing", "서명값 안에 내용이 없습니다.")
    try:
        return json.loads(embedded.decode("utf-8"))["plainText"]
    except (ValueError, KeyError) as error:
        raise module.VerificationError("content_mismatch", "서명값 안의 내용을 읽을 수 없습니다.") from error


def cms_signature_algorithm(signed_val: str) -> str:
    """The signer's signature algorithm as the CMS declares it."""
    der = verifier().decode_signed_value(signed_val)
    try:
        signed_data = asn1_cms.ContentInfo.load(der)["content"]
        signer_info = signed_data["signer_infos"][0]
    except (ValueError, TypeError, KeyError):
        signer_info = asn1_cms.SignedData.load(der)["signer_infos"][0]
    name = signer_info["signature_algorithm"]["algorithm"].native
    return ALGORITHM_NAMES.get(name, name)


def _der(pem: object) -> bytes | None:
    try:
        return x509.load_pem_x509_certificate(str(pem or "").encode()).public_bytes(Encoding.DER)
    except ValueError:
        return None


@dataclass(frozen=True)
class SdkReadings:
    """What the page read with the SDK, locally, before posting the result."""

    cert_info: dict[str, Any] | None  # getCertInfo(result.certificate)
    signer_pem: str | None  # getSignerCertFromSignedVal(signedVals[0]); None when not asked (PKCS1)
    signer_error: str = ""  # what its fail said


def sdk_readings(signer: Any, result: dict[str, Any], readings: SdkReadings, policy_oid: str) -> list[Check]:
    """The SDK's local readings and the result's certificate, against the certificate that verified."""
    cert_info, signer_pem = readings.cert_info, readings.signer_pem
    certificate: x509.Certificate = signer.certificate
    verified = certificate.public_bytes(Encoding.DER)
    checks = [
        Check("result.certificate = 검증된 서명자 인증서", _der(result.get("certificate")) == verified),
        Check("result.certSeqNum = 일련번호", _same_serial(result.get("certSeqNum"), certificate)),
    ]
    if signer_pem is not None:
        checks.append(
            Check("getSignerCertFromSignedVal = 서명자 인증서", _der(signer_pem) == verified, readings.signer_error)
        )
    if cert_info is not None:
        checks += [
            Check("getCertInfo certSeqNum = 일련번호", _same_serial(cert_info.get("certSeqNum"), certificate)),
            Check("getCertInfo name = 이름", cert_info.get("name") == signer.name),
            Check("getCertInfo bankCode = 은행 코드", cert_info.get("bankCode") == signer.bank_code),
            Check("getCertInfo notBefore", cert_info.get("notBefore") == _utc(certificate.not_valid_before_utc)),
            Check("getCertInfo notAfter", cert_info.get("notAfter") == _utc(certificate.not_valid_after_utc)),
            Check("getCertInfo policyOids", policy_oid in (cert_info.get("policyOids") or [])),
            Check("getCertInfo certificate = 서명자 인증서", _der(cert_info.get("certificate")) == verified),
        ]
    return checks


def _same_serial(text: object, certificate: x509.Certificate) -> bool:
    """The same number: hex with or without leading zeros (see the README's certSeqNum)."""
    try:
        return int(str(text), 16) == certificate.serial_number
    except ValueError:
        return False


def _utc(moment: Any) -> str:
    return moment.strftime("%Y%m%d%H%M%S")


def issued_by(pem: str, issuing_ca: x509.Certificate) -> bool:
    """Was this certificate (from ``getCertInfoList``) issued by the service's issuing CA?"""
    try:
        x509.load_pem_x509_certificate(pem.encode()).verify_directly_issued_by(issuing_ca)
    except (ValueError, TypeError, InvalidSignature):
        return False
    return True
