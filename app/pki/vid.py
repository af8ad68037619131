"""VID 본인확인 on the service side: the 식별번호 rule, drawing R, R inside the PKCS#8 key.

The 주민등록번호 itself is never stored. When a bank orders a certificate with it, R is drawn
and the VID computed at once; the number is then dropped. R travels sealed to issuance,
then lives inside the sealed private key as the PKCS#8 attribute id-kisa-randomNum
(BIT STRING), as NPKI key files keep it, so only the PIN brings it back. The ASN.1 and
the hash are in the Flask-free verifier, which relying parties use to check it.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import date

from asn1crypto import core as asn1_core
from asn1crypto import keys as asn1_keys
from cryptography import x509

from app.personal_info import InvalidField
from app.pki.verifier import ID_KISA_IDENTIFY_DATA, ID_KISA_RANDOM_NUM, identify_data, virtual_id

RANDOM_NUM_BYTES = 20
_WEIGHTS = (2, 3, 4, 5, 6, 7, 8, 9, 2, 3, 4, 5)
# The 7th digit gives the century of birth (and sex; 5–8 are foreign residents).
_CENTURY = {
    "9": 1800,
    "0": 1800,
    "1": 1900,
    "2": 1900,
    "5": 1900,
    "6": 1900,
    "3": 2000,
    "4": 2000,
    "7": 2000,
    "8": 2000,
}


@dataclass(frozen=True)
class VidMaterial:
    """What issuance needs: the hashed virtual ID for the certificate and R for the key."""

    virtual_id: bytes
    random_num: bytes


def check_digit(first_twelve: str) -> int:
    return (11 - sum(int(digit) * weight for digit, weight in zip(first_twelve, _WEIGHTS, strict=True)) % 11) % 10


def parse_rrn(raw: str, birth_date: date | None = None, field: str = "rrn") -> str:
    """``900101-1234567`` or 13 digits, with a valid check digit (and the given birth date)."""
    digits = (raw or "").replace("-", "").replace(" ", "")
    if not digits:
        raise InvalidField(field, "주민등록번호를 입력해주세요.")
    if len(digits) != 13 or not digits.isascii() or not digits.isdigit():
        raise InvalidField(field, "주민등록번호는 숫자 13자리여야 합니다.")
    if check_digit(digits[:12]) != int(digits[12]):
        raise InvalidField(field, "주민등록번호가 올바르지 않습니다. 다시 확인해주세요.")
    try:
        born = date(_CENTURY[digits[6]] + int(digits[:2]), int(digits[2:4]), int(digits[4:6]))
    except ValueError:
        raise InvalidField(field, "주민등록번호의 생년월일이 올바르지 않습니다.") from None
    if birth_date is not None and born != birth_date:
        raise InvalidField(field, "주민등록번호의 생년월일이 입력한 생년월일과 다릅니다.")
    return digits


def new_vid(rrn: str) -> VidMaterial:
    """Draw R for a new certificate and compute its VID (``rrn`` already parsed)."""
    random_num = os.urandom(RANDOM_NUM_BYTES)
    return VidMaterial(virtual_id=virtual_id(rrn, random_num), random_num=random_num)


def san_extension(real_name: str, material: VidMaterial) -> x509.SubjectAlternativeName:
    """subjectAltName with the otherName id-kisa-identifyData."""
    value = identify_data(real_name, material.virtual_id)
    return x509.SubjectAlternativeName([x509.OtherName(x509.ObjectIdentifier(ID_KISA_IDENTIFY_DATA), value)])


def with_random_num(pkcs8_der: bytes, random_num: bytes) -> bytes:
    """The PKCS#8 key with R as the attribute id-kisa-randomNum (BIT STRING)."""
    info = asn1_keys.PrivateKeyInfo.load(pkcs8_der)
    attribute = asn1_keys.Attribute({"type": ID_KISA_RANDOM_NUM, "values": [asn1_core.OctetBitString(random_num)]})
    return asn1_keys.PrivateKeyInfo(
        {
            "version": info["version"],
            "private_key_algorithm": info["private_key_algorithm"],
            "private_key": info["private_key"],
            "attributes": [attribute],
        }
    ).dump()


def random_num_of(pkcs8_der: bytes) -> bytes | None:
    """R from a PKCS#8 key, or None (a key sealed without one, e.g. before VID existed)."""
    info = asn1_keys.PrivateKeyInfo.load(pkcs8_der)
    for attribute in info["attributes"] or []:
        if attribute["type"].dotted == ID_KISA_RANDOM_NUM:
            return asn1_core.OctetBitString.load(attribute["values"][0].dump()).native
    return None
