"""Orders: single use, expiring, bound to the person; reissue revokes and unlocks."""

from __future__ import annotations

from datetime import timedelta

import pytest

from app.banks import get_bank
from app.clock import utcnow
from app.cloud.certificates import WrongPin, certificates_of, state_of, unlock_private_key
from app.extensions import db
from app.personal_info import parse_birth_date
from app.ra.orders import (
    IdentityMismatch,
    OrderAlreadyUsed,
    OrderError,
    OrderExpired,
    OrderNotFound,
    OrderVoided,
    check_identity,
    open_order,
    place_order,
    redeem_order,
)

PERSON = {"name": "홍길동", "phone": "01012345678", "birth_date": parse_birth_date("19900101")}


def order(bank_code="004", kind="issue"):
    placed, auth_code = place_order(get_bank(bank_code), email=None, kind=kind, **PERSON)
    return placed.ref_num, auth_code


def test_an_order_is_redeemed_once(app):
    ref_num, auth_code = order()
    opened = open_order(ref_num, auth_code)
    check_identity(opened, **PERSON)
    certificate = redeem_order(opened, pin="246813")
    assert certificate.bank_code == "004" and certificate.status == "active"
    with pytest.raises(OrderAlreadyUsed):
        open_order(ref_num, auth_code)


def test_an_order_is_bound_to_the_identified_person(app):
    ref_num, auth_code = order()
    with pytest.raises(IdentityMismatch):
        check_identity(open_order(ref_num, auth_code), **{**PERSON, "name": "김철수"})


def test_an_expired_order_is_refused(app):
    ref_num, auth_code = order()
    placed = open_order(ref_num, auth_code)
    placed.expires_at = utcnow() - timedelta(seconds=1)
    db.session.commit()
    with pytest.raises(OrderExpired):
        open_order(ref_num, auth_code)


def test_five_wrong_auth_codes_void_the_order(app):
    ref_num, auth_code = order()
    for _ in range(5):
        with pytest.raises(OrderNotFound):
            open_order(ref_num, "0000000000")
    with pytest.raises(OrderVoided):
        open_order(ref_num, auth_code)


def orders_in_every_state() -> dict[str, str]:
    """참조번호 of a live, a used, an expired and a voided order, and one that never existed."""
    live, used, expired, voided = order(), order(), order(), order()
    redeem_order(open_order(*used), pin="246813")
    open_order(*expired).expires_at = utcnow() - timedelta(seconds=1)
    db.session.commit()
    for _ in range(5):
        with pytest.raises(OrderNotFound):
            open_order(voided[0], "0000000000")
    return {"live": live[0], "used": used[0], "expired": expired[0], "voided": voided[0], "never": "99999999"}


def test_a_guess_gets_one_answer_whatever_became_of_the_order(app):
    answers = set()
    for ref_num in orders_in_every_state().values():
        with pytest.raises(OrderError) as refused:
            open_order(ref_num, "0000000000")
        error = refused.value
        answers.add((type(error), error.message, error.field, error.status))
    assert answers == {(OrderNotFound, OrderNotFound.message, "ref_num", 422)}
    assert OrderNotFound.message == "참조번호 또는 인가코드가 올바르지 않습니다. 은행에서 받은 번호를 확인해주세요."


def test_the_issue_start_page_answers_a_guess_the_same_for_every_order(app, client, csrf):
    pages = set()
    for ref_num in orders_in_every_state().values():
        guess = {"csrf_token": csrf, "ref_num": ref_num, "auth_code": "0000000000"}
        response = client.post("/widget/issue", data=guess)
        pages.add((response.status_code, response.get_data(as_text=True).replace(ref_num, "<ref_num>")))
    [(status, page)] = pages  # the same page, but for the number typed in
    assert status == 422 and "참조번호 또는 인가코드가 올바르지 않습니다" in page


def test_reissue_revokes_the_old_certificate_and_clears_the_lock(app):
    first = redeem_order(open_order(*order()), pin="246813")
    for _ in range(5):
        with pytest.raises(WrongPin):
            unlock_private_key(first, "999990")
    assert state_of(first).label == "잠김"
    second = redeem_order(open_order(*order(kind="reissue")), pin="135792")
    db.session.refresh(first)
    assert first.status == "revoked" and first.revocation_reason == "superseded"
    assert state_of(second).usable
    assert unlock_private_key(second, "135792")


def test_a_second_bank_adds_a_second_certificate_to_the_same_cloud(app):
    at_kb = redeem_order(open_order(*order("004")), pin="246813")
    at_shinhan = redeem_order(open_order(*order("088")), pin="246813")
    assert at_kb.subscriber_id == at_shinhan.subscriber_id
    assert {c.bank_code for c in certificates_of(at_kb.subscriber)} == {"004", "088"}


def test_a_weak_pin_issues_nothing_and_keeps_the_order(app):
    from app.cloud.pin_rules import PinRuleViolation

    ref_num, auth_code = order()
    with pytest.raises(PinRuleViolation):
        redeem_order(open_order(ref_num, auth_code), pin="123456")
    assert open_order(ref_num, auth_code).redeemed_at is None
