"""What each widget step shows: one context function per step, named in the step table.

These only read. Anything that changes a transaction (handing the result to the RP
included) happened in a service before the step is rendered. Text they make is in the request's
language (the transaction's: ``app.i18n``).
"""

from __future__ import annotations

import base64
import hashlib
import json
from typing import Any

import flask
from cryptography import x509
from cryptography.hazmat.primitives import hashes
from flask import current_app, g, render_template
from flask_babel import gettext
from markupsafe import Markup
from sqlalchemy import select

from app import rules
from app.banks import get_bank
from app.clock import utcnow
from app.cloud.certificates import certificates_of, state_of, x509_of
from app.cloud.devices import active_devices, is_phone, shown, shown_description
from app.cloud.history import history
from app.contract import LOGIN, SIGN_TYPES
from app.errors import N_
from app.extensions import db
from app.i18n import language
from app.models import Bank, Certificate, WidgetTransaction
from app.personal_info import mask_phone
from app.pki.verifier import vid_of
from app.qr import qr_svg_inline
from app.sms.timers import code_timers
from app.widget import keypad as keypads
from app.widget import rotating_qr
from app.widget.forms import IdentifyForm
from app.widget.lookups import certificate_of, challenge_of, issuing_bank_of, rp_of, subscriber_of
from app.widget.request_origin import UNKNOWN_ADDRESS, origin_of
from app.widget.sign_requests import sign_requests


def start(transaction: WidgetTransaction) -> dict[str, Any]:
    """화면을 터치해주세요, named for what is asked: a login, a signature, or 인증서 관리."""
    if transaction.purpose == "manage":
        return {"heading": gettext("인증서 관리"), "subtitle": gettext("인증서 관리를 시작하려면 화면을 터치해주세요")}
    if transaction.sign_type and transaction.sign_type != LOGIN:
        known = transaction.sign_type in SIGN_TYPES
        label = gettext(SIGN_TYPES[transaction.sign_type]) if known else gettext("전자서명")
        return {
            "heading": gettext("금융인증 전자서명"),
            "subtitle": gettext("%(sign_type)s 전자서명을 시작하려면 화면을 터치해주세요", sign_type=label),
        }
    return {}


def consent(transaction: WidgetTransaction) -> dict[str, Any]:
    """Where 자동연결 will apply: cookies are kept per site, so the promise names the site."""
    client = rp_of(transaction)
    return {"site_name": client.name if client and transaction.origin else gettext("금융인증서비스")}


def identify(transaction: WidgetTransaction) -> dict[str, Any]:
    auth = (transaction.options or {}).get("auth") or {}
    if auth:
        # setAuthData: the RP's 가입정보 pre-filled (and with disableInput, not to be changed)
        data = {"name": auth["name"], "phone": auth["phone"], "birth_date": auth["birth_date"].replace("-", "")}
        return {"form": IdentifyForm(formdata=None, data=data), "identity_locked": bool(auth.get("locked"))}
    if transaction.purpose != "issue":
        return {}
    bank = issuing_bank_of(transaction)
    if bank is None:
        subtitle = gettext("가입정보(이름/휴대폰번호/생년월일)를 입력해주세요")
    else:
        subtitle = gettext("%(bank)s에서 확인한 가입정보(이름/휴대폰번호/생년월일)를 입력해주세요", bank=bank.name)
    return {"heading": gettext("클라우드 가입/연결"), "subtitle": subtitle}


def sms(transaction: WidgetTransaction) -> dict[str, Any]:
    challenge = challenge_of(transaction)
    assert challenge is not None
    return code_timers(challenge) | {"masked_phone": mask_phone(challenge.phone)}


def listed_certificates(transaction: WidgetTransaction) -> list[tuple[Certificate, Any]]:
    """The cloud's certificates with their states, in the transaction's fixed order (one that
    appeared since, e.g. renewed, comes last)."""
    subscriber = subscriber_of(transaction)
    certificates = certificates_of(subscriber) if subscriber else []
    order = {certificate_id: index for index, certificate_id in enumerate(transaction.listing or [])}
    if (transaction.options or {}).get("view", {}).get("lastAccessCert") and order:
        certificates = [certificate for certificate in certificates if certificate.id in order]
    certificates.sort(key=lambda certificate: order.get(certificate.id, len(order)))
    return [(certificate, state_of(certificate)) for certificate in certificates]


def certificate_list(transaction: WidgetTransaction) -> dict[str, Any]:
    """인증서 선택 and the no-certificate step: the cloud's certificates and the issuing banks."""
    banks = db.session.execute(select(Bank.code, Bank.name, Bank.issue_url).order_by(Bank.sort_order)).all()
    return {"certificates": listed_certificates(transaction), "banks": banks}


_BANK_ITEMS: dict[tuple[Any, ...], Markup] = {}


def bank_items(banks: list[Any]) -> Markup:
    """The list of 발급가능한 은행보기 (a template global), rendered once per process for each page
    family and language: it is most of the 인증서 선택 page's rendering and the same on every
    opening (the key holds every value it shows, so a changed bank renders anew)."""
    key = (g.get("ui"), language(), flask.request.script_root, current_app.config["PUBLIC_URL"], tuple(banks))
    items = _BANK_ITEMS.get(key)
    if items is None:
        items = Markup(render_template("partials/widget/_bank_items.html", banks=banks))
        if len(_BANK_ITEMS) < 32:  # a few families × languages; never grows with use
            _BANK_ITEMS[key] = items
    return items


def _keypad(transaction: WidgetTransaction) -> dict[str, Any]:
    if not transaction.keypad:
        return {"keys": [], "typed_count": 0}
    return {
        "keys": keypads.keys_of(transaction.keypad),
        "typed_count": keypads.typed_count(transaction.keypad, transaction.id),
        "certificate": certificate_of(transaction),
    }


def sign_content(transaction: WidgetTransaction) -> dict[str, Any]:
    """서명할 내용: what the signatures will cover, shown before the PIN — always for a signature,
    for a login when the RP asks (``view.enableTextView``). Binary data and hashes are shown by
    size and fingerprint."""
    requests = sign_requests(transaction)
    shown = any(request.sign_type != LOGIN for request in requests) or bool(
        (transaction.options or {}).get("view", {}).get("enableTextView")
    )
    items = []
    for request in requests:
        for content in request.contents:
            if request.content_type == "plainText":
                items.append(content)
                continue
            raw = base64.urlsafe_b64decode(content + "=" * (-len(content) % 4))
            if request.content_type == "binary":
                fingerprint = hashlib.sha256(raw).hexdigest()[:16].upper()
                size = f"{len(raw):,}"
                items.append(
                    gettext("데이터 %(size)s바이트 (SHA-256 %(fingerprint)s…)", size=size, fingerprint=fingerprint)
                )
            else:
                items.append(gettext("문서 해시 SHA-256 %(hash)s", hash=raw.hex().upper()))
    return {"sign_items": items if shown else []}


def pin(transaction: WidgetTransaction) -> dict[str, Any]:
    subscriber = subscriber_of(transaction)
    return {
        **_keypad(transaction),
        **sign_content(transaction),
        "has_other_certificates": bool(subscriber) and len(certificates_of(subscriber)) > 1,
    }


def new_pin(transaction: WidgetTransaction) -> dict[str, Any]:
    bank = issuing_bank_of(transaction)
    return {**_keypad(transaction), "new_pin_rules": True, "issuing_bank": bank}


def confirm_pin(transaction: WidgetTransaction) -> dict[str, Any]:
    return {**_keypad(transaction), "issuing_bank": issuing_bank_of(transaction)}


def change_pin(transaction: WidgetTransaction) -> dict[str, Any]:
    return _keypad(transaction)


def change_new_pin(transaction: WidgetTransaction) -> dict[str, Any]:
    return {**_keypad(transaction), "new_pin_rules": True}


def renew_offer(transaction: WidgetTransaction) -> dict[str, Any]:
    certificate = certificate_of(transaction)
    assert certificate is not None
    return {
        "certificate": certificate,
        "days_left": (certificate.not_after - utcnow()).days,
        "needs_rrn": vid_of(x509_of(certificate)) is not None,
    }


def remote(transaction: WidgetTransaction) -> dict[str, Any]:
    """The PC's QR code — as an image only: the URL is never in the page as text."""
    if transaction.paired_at is not None or not transaction.qr_secret:
        return {}
    return {"qr": qr_svg_inline(rotating_qr.qr_url(transaction), gettext("휴대폰 인증용 QR 코드"))}


def pair(transaction: WidgetTransaction) -> dict[str, Any]:
    """The phone, before anything else: where the PC that started the request is, and what it
    asks to sign."""
    pc = origin_of(transaction)
    return {
        "pc": pc,
        "pc_device": shown_description(pc.device),
        "pc_address": gettext(UNKNOWN_ADDRESS) if pc.address == UNKNOWN_ADDRESS else pc.address,
        "pc_network": gettext(pc.network),
        **sign_content(transaction),
    }


def manage(transaction: WidgetTransaction) -> dict[str, Any]:
    subscriber = subscriber_of(transaction)
    assert subscriber is not None
    return {
        "certificates": listed_certificates(transaction),
        "devices": [(device, shown(device), is_phone(device)) for device in active_devices(subscriber.id)],
        "history": history(subscriber.id),
    }


def delete_ask(transaction: WidgetTransaction) -> dict[str, Any]:
    certificate = certificate_of(transaction)
    assert certificate is not None
    return {"certificate": certificate}


def cert_detail(transaction: WidgetTransaction) -> dict[str, Any]:
    certificate = certificate_of(transaction)
    assert certificate is not None
    return {"certificate": certificate, "details": certificate_details(certificate), "code_details": CODE_DETAILS}


# 인증서 상세's labels: the ones whose values are codes are shown in a monospaced font.
CODE_DETAILS = (N_("일련번호"), N_("SHA-256 지문"), N_("인증서 정책"))


def certificate_details(certificate: Certificate) -> dict[str, str]:
    """인증서 상세: what a careful user or a bank's help desk asks for (Korean labels, marked for
    translation; the template shows them in the page's language)."""
    parsed = x509_of(certificate)
    policies = ", ".join(
        info.policy_identifier.dotted_string
        for info in parsed.extensions.get_extension_for_class(x509.CertificatePolicies).value
    )
    return {
        N_("발급 은행"): certificate.bank.name,
        N_("주체(Subject)"): parsed.subject.rfc4514_string(),
        N_("발급자"): parsed.issuer.rfc4514_string(),
        N_("일련번호"): certificate.serial,
        N_("인증서 정책"): policies,
        N_("유효기간"): f"{certificate.not_before:%Y.%m.%d} ~ {certificate.not_after:%Y.%m.%d}",
        N_("SHA-256 지문"): parsed.fingerprint(hashes.SHA256()).hex(":").upper(),
    }


def issued(transaction: WidgetTransaction) -> dict[str, Any]:
    certificate = certificate_of(transaction)
    assert certificate is not None
    return {"certificate": certificate, "bank": get_bank(certificate.bank_code), "handoff": _handoff(transaction)}


def _handoff(transaction: WidgetTransaction) -> str | None:
    """The result this response hands to the RP page (``transactions.hand_over``), as JSON."""
    return json.dumps(transaction.handoff, ensure_ascii=False) if transaction.handoff else None


def done(transaction: WidgetTransaction) -> dict[str, Any]:
    return {"handoff": _handoff(transaction)}


def closed(transaction: WidgetTransaction) -> dict[str, Any]:
    code = (transaction.result or {}).get("code", "")
    certificate = certificate_of(transaction)
    context: dict[str, Any] = {"handoff": _handoff(transaction), "result_code": code}
    if code == "800000" and not transaction.notice:
        context["heading"] = gettext("취소되었습니다")
    if certificate is not None and certificate.pin_failures >= rules.current().pin_max_failures:
        context["reissue_bank"] = certificate.bank
    return context
