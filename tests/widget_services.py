"""Driving the widget's services directly, without HTTP, the way its views do: open a demo-RP
request, walk it through 가입정보, SMS and 클라우드 접근 권한, type a PIN on the secure keypad,
and check what the relying party would receive."""

from __future__ import annotations

import re
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from app import contract
from app.extensions import db
from app.models import RpClient, SmsMessage, WidgetTransaction
from app.pki.verifier import VerifiedSignature
from app.rp.clients import DEMO_ORG_CODE
from app.rp.verification import verify_for_rp
from app.widget import cloud_access, signing
from app.widget.pin_entry import KeyOutcome, press_key, submit_entry
from app.widget.steps import Flow, Step
from app.widget.transactions import load, open_transaction
from tests.support import DEFAULT_PIN

RP_ORIGIN = "http://localhost:5000"
PC = "pc-browser"  # the browser id of the person's PC
USER_AGENT = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 Chrome/126.0 Safari/537.36"


@dataclass(frozen=True)
class Person:
    """The 가입정보 someone types (the defaults are ``subscriber_with_certificate``'s)."""

    name: str = "홍길동"
    phone: str = "01012345678"
    birth: str = "19900101"

    @property
    def birth_date(self) -> date:
        return date(int(self.birth[:4]), int(self.birth[4:6]), int(self.birth[6:]))


HONG = Person()
NOBODY = Person("김없음", "01022223333", "19850505")  # no cloud account


def demo_client() -> RpClient:
    """The demo relying party the seed registers."""
    client = db.session.get(RpClient, DEMO_ORG_CODE)
    assert client is not None
    return client


def fresh_nonce() -> str:
    return f"nonce-for-tests-{secrets.token_hex(8)}"


def open_login(
    browser_id: str = PC, *, sign_type: str = contract.LOGIN, plain_texts: Sequence[str] = ("로그인",)
) -> WidgetTransaction:
    """The demo RP's request, as ``FinCert.Sdk.sign`` opens it."""
    return open_transaction(
        Flow.SIGN,
        browser_id,
        client=demo_client(),
        origin=RP_ORIGIN,
        sign_type=sign_type,
        plain_texts=plain_texts,
        nonce=fresh_nonce(),
    )


def open_management(browser_id: str = PC) -> WidgetTransaction:
    """The demo RP's ``FinCert.Sdk.manage``."""
    return open_transaction(Flow.MANAGE, browser_id, client=demo_client(), origin=RP_ORIGIN, sign_type="08")


def reload(transaction: WidgetTransaction, browser_id: str = PC) -> WidgetTransaction:
    """The transaction as the next request of this browser sees it (a new database session:
    objects the test loaded before are detached, so keep plain values such as a serial)."""
    transaction_id = transaction.id
    db.session.remove()
    return load(transaction_id, browser_id)


def sms_messages_to(phone: str) -> int:
    return db.session.query(SmsMessage).filter(SmsMessage.to == phone).count()


def latest_sms_code(phone: str) -> str:
    """The newest code the outbox holds for ``phone``."""
    message = db.session.scalars(
        db.select(SmsMessage).where(SmsMessage.to == phone).order_by(SmsMessage.id.desc())
    ).first()
    assert message is not None, f"no SMS to {phone}"
    match = re.search(r"\[(\d{6})\]", message.body)
    assert match, message.body
    return match.group(1)


def prove_phone(transaction: WidgetTransaction, person: Person = HONG) -> None:
    """가입정보 입력 and 휴대폰 점유인증 with the code from the outbox."""
    cloud_access.submit_identity(transaction, name=person.name, phone=person.phone, birth_date=person.birth_date)
    cloud_access.confirm_sms(transaction, latest_sms_code(person.phone))


def reach_cloud(
    transaction: WidgetTransaction,
    person: Person = HONG,
    *,
    auto_connect: bool = False,
    device_token: str | None = None,
) -> str | None:
    """From the start screen into the cloud; returns a new 자동연결 token, if one was asked for.

    With a ``device_token`` only the start screen is left: a live one reaches the cloud at once
    (no 가입정보, no SMS), a dead one stops on 가입정보 for the test to see.
    """
    cloud_access.begin(transaction, device_token)
    if device_token is not None or transaction.step != Step.IDENTIFY:
        return None
    prove_phone(transaction, person)
    if transaction.step != Step.CONSENT:
        return None
    return cloud_access.grant_cloud_access(transaction, auto_connect=auto_connect, user_agent=USER_AGENT)


def key_for(transaction: WidgetTransaction, digit: str) -> str:
    """The current keypad's token for ``digit`` (what a browser posts when that key is pressed)."""
    assert transaction.keypad is not None, f"no keypad on step {transaction.step}"
    return next(key["token"] for key in transaction.keypad["keys"] if key["digit"] == digit)


def type_pin(transaction: WidgetTransaction, pin: str = DEFAULT_PIN) -> KeyOutcome:
    """A PIN on the secure keypad as a browser with JavaScript sends it: the six keys' tokens
    in one entry."""
    return submit_entry(transaction, [key_for(transaction, digit) for digit in pin])


def press_keys(transaction: WidgetTransaction, pin: str = DEFAULT_PIN) -> KeyOutcome:
    """Six presses on the secure keypad, one post each (a browser without JavaScript); the
    outcome of the last one."""
    outcome = KeyOutcome(finished_entry=False)
    for digit in pin:
        outcome = press_key(transaction, key_for(transaction, digit))
    return outcome


def log_in(
    browser_id: str = PC,
    person: Person = HONG,
    *,
    certificate_id: int | None = None,
    pin: str = DEFAULT_PIN,
    auto_connect: bool = False,
    device_token: str | None = None,
) -> tuple[WidgetTransaction, str | None]:
    """A whole login; returns the finished transaction and the 자동연결 token, if any."""
    transaction = open_login(browser_id)
    token = reach_cloud(transaction, person, auto_connect=auto_connect, device_token=device_token)
    if transaction.step == Step.SELECT:
        assert certificate_id is not None, "the list asks which certificate"
        signing.choose_certificate(transaction, certificate_id)
    type_pin(transaction, pin)
    return transaction, token


def verified_by_rp(transaction: WidgetTransaction, plain_text: str = "로그인", index: int = 0) -> VerifiedSignature:
    """What the demo RP's server learns from the handed-over result (its nonce is used up)."""
    result = transaction.result
    assert result and result["ok"], result
    return verify_for_rp(
        demo_client(),
        signed_val=result["signedVals"][index],
        plain_text=plain_text,
        sign_type=transaction.sign_type or contract.LOGIN,
        nonce=transaction.nonce or "",
    )
