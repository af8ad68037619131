"""Logging in and signing for a relying party, at service level: the steps a person goes
through, what the RP receives and whether its verifier accepts it."""

from __future__ import annotations

from datetime import timedelta

import pytest

from app import contract
from app.clock import utcnow
from app.cloud.certificates import certificates_of, find_by_serial, revoke, state_of
from app.extensions import db
from app.pki.verifier import VerificationError, verify_signed_value
from app.rp.verification import service_trust
from app.widget import cloud_access, contexts, signing
from app.widget.signing import CertificateNotSelectable
from app.widget.steps import Step
from tests.support import DEFAULT_PIN, subscriber_with_certificate
from tests.widget_services import (
    HONG,
    NOBODY,
    USER_AGENT,
    latest_sms_code,
    log_in,
    open_login,
    reach_cloud,
    sms_messages_to,
    type_pin,
    verified_by_rp,
)

WRONG_PIN = "975310"
KOOKMIN, SHINHAN = "004", "088"
ISSUED_LONG_AGO = utcnow() - timedelta(days=3 * 365 - 30)  # 30 days of validity left


def test_first_login_takes_five_steps_and_the_rp_verifies_the_signature(app):
    _subscriber, certificate = subscriber_with_certificate()
    transaction = open_login()
    seen = [transaction.step]
    cloud_access.begin(transaction, None)  # 1. 금융인증 로그인 선택
    seen.append(transaction.step)
    cloud_access.submit_identity(transaction, name=HONG.name, phone=HONG.phone, birth_date=HONG.birth_date)
    seen.append(transaction.step)  # 2. 가입정보 입력: a code is sent
    cloud_access.confirm_sms(transaction, latest_sms_code(HONG.phone))  # 휴대폰 점유인증
    seen.append(transaction.step)
    cloud_access.grant_cloud_access(transaction, auto_connect=False, user_agent=USER_AGENT)  # 3. 접근 권한 확인
    seen.append(transaction.step)
    signing.choose_certificate(transaction, certificate.id)  # 4. 인증서 선택
    seen.append(transaction.step)
    type_pin(transaction, DEFAULT_PIN)  # 5. 비밀번호 입력
    seen.append(transaction.step)

    assert seen == ["start", "identify", "sms", "consent", "select", "pin", "done"]
    assert transaction.status == "done" and transaction.handoff == transaction.result
    assert transaction.result["certSeqNum"] == certificate.serial
    signer = verified_by_rp(transaction)
    assert (signer.name, signer.bank_code, signer.serial) == ("홍길동", KOOKMIN, certificate.serial)


def test_the_signature_binds_the_rp_the_nonce_and_the_text(app):
    _subscriber, certificate = subscriber_with_certificate()
    transaction, _ = log_in(certificate_id=certificate.id)
    signed_val = transaction.result["signedVals"][0]
    expected = {"org_code": "DEMO_RP", "sign_type": "01", "nonce": transaction.nonce, "plain_text": "로그인"}
    assert verify_signed_value(signed_val, **expected, trust=service_trust()).serial == certificate.serial
    for changed in ({"org_code": "OTHER_RP"}, {"nonce": "n" * 24}, {"plain_text": "송금"}, {"sign_type": "02"}):
        with pytest.raises(VerificationError) as refused:
            verify_signed_value(signed_val, **{**expected, **changed}, trust=service_trust())
        assert refused.value.code == "content_mismatch"


def test_a_transfer_signs_each_text_the_rp_sent(app):
    _subscriber, certificate = subscriber_with_certificate()
    texts = ["받는 계좌: 신한은행 110-123-456789", "금액: 150,000원"]
    transaction = open_login(sign_type="02", plain_texts=texts)
    reach_cloud(transaction)
    signing.choose_certificate(transaction, certificate.id)
    type_pin(transaction)
    assert len(transaction.result["signedVals"]) == 2
    assert verified_by_rp(transaction, texts[1], index=1).serial == certificate.serial


def test_login_with_auto_connect_takes_three_steps_and_sends_no_sms(app):
    _subscriber, certificate = subscriber_with_certificate()
    _first, token = log_in(certificate_id=certificate.id, auto_connect=True)
    assert token
    sent = sms_messages_to(HONG.phone)

    transaction = open_login()
    seen = [transaction.step]
    cloud_access.begin(transaction, token)  # 1. 금융인증 로그인 선택
    seen.append(transaction.step)
    signing.choose_certificate(transaction, certificate.id)  # 2. 인증서 선택
    seen.append(transaction.step)
    type_pin(transaction)  # 3. 비밀번호 입력
    seen.append(transaction.step)

    assert seen == ["start", "select", "pin", "done"]
    assert sms_messages_to(HONG.phone) == sent
    assert verified_by_rp(transaction).serial == certificate.serial


def test_without_auto_connect_the_next_login_asks_for_the_identity_again(app):
    _subscriber, certificate = subscriber_with_certificate()
    _first, token = log_in(certificate_id=certificate.id, auto_connect=False)
    assert token is None
    transaction = open_login()
    cloud_access.begin(transaction, None)
    assert transaction.step == Step.IDENTIFY


def test_a_favourite_opens_straight_on_the_pin_and_another_can_be_chosen(app):
    _subscriber, kookmin = subscriber_with_certificate(bank_code=KOOKMIN)
    _subscriber, shinhan = subscriber_with_certificate(bank_code=SHINHAN)
    _first, token = log_in(certificate_id=kookmin.id, auto_connect=True)

    transaction = open_login()
    reach_cloud(transaction, device_token=token)
    signing.toggle_favourite(transaction, shinhan.id)
    signing.choose_certificate(transaction, shinhan.id)
    type_pin(transaction)

    favourite_login = open_login()
    reach_cloud(favourite_login, device_token=token)
    assert favourite_login.step == Step.PIN and favourite_login.certificate_id == shinhan.id
    assert favourite_login.keypad is not None
    signing.choose_another(favourite_login)  # 다른 인증서 선택
    assert favourite_login.step == Step.SELECT and favourite_login.keypad is None
    signing.choose_certificate(favourite_login, kookmin.id)
    type_pin(favourite_login)
    assert verified_by_rp(favourite_login).bank_code == KOOKMIN


def test_only_one_certificate_is_the_favourite(app):
    subscriber, kookmin = subscriber_with_certificate(bank_code=KOOKMIN)
    _subscriber, shinhan = subscriber_with_certificate(bank_code=SHINHAN)
    transaction = open_login()
    reach_cloud(transaction)
    signing.toggle_favourite(transaction, kookmin.id)
    signing.toggle_favourite(transaction, shinhan.id)
    assert [c.bank_code for c in certificates_of(subscriber) if c.favourite] == [SHINHAN]
    signing.toggle_favourite(transaction, shinhan.id)  # off again
    assert not any(c.favourite for c in certificates_of(subscriber))


def test_someone_elses_certificate_cannot_be_made_a_favourite(app):
    subscriber, _mine = subscriber_with_certificate()
    other, theirs = subscriber_with_certificate(name="김타인", phone="01099998888", birth="19800101")
    transaction = open_login()
    reach_cloud(transaction)
    with pytest.raises(CertificateNotSelectable):
        signing.toggle_favourite(transaction, theirs.id)
    assert not any(c.favourite for c in [*certificates_of(subscriber), *certificates_of(other)])


def _locked(certificate):
    certificate.pin_failures = 5
    db.session.commit()
    return certificate


def _revoked(certificate):
    revoke(certificate, "keyCompromise", by="test")
    db.session.commit()
    return certificate


def test_a_certificate_revoked_while_its_pin_is_typed_ends_the_request_with_800006(app):
    """Revoked (e.g. 재발급 at a bank on another device) between 선택 and the PIN: nothing the
    person can change here, so the request ends and the RP hears 800006; no signature is made."""
    _subscriber, certificate = subscriber_with_certificate()
    transaction = open_login()
    reach_cloud(transaction)
    signing.choose_certificate(transaction, certificate.id)
    _revoked(certificate)
    outcome = type_pin(transaction)
    assert outcome.finished_entry and transaction.status == "failed"
    assert transaction.result["code"] == contract.CERTIFICATE_UNUSABLE
    assert "signedVals" not in transaction.result and certificate.pin_failures == 0


@pytest.mark.parametrize(
    ("kind", "listed_as"), [("locked", "잠김"), ("expired", "만료"), ("revoked", None), ("someone else's", None)]
)
def test_an_unusable_certificate_cannot_be_chosen(app, kind, listed_as):
    _subscriber, usable = subscriber_with_certificate(bank_code=KOOKMIN)
    if kind == "locked":
        _s, unusable = subscriber_with_certificate(bank_code=SHINHAN)
        _locked(unusable)
    elif kind == "expired":
        _s, unusable = subscriber_with_certificate(bank_code=SHINHAN, now=utcnow() - timedelta(days=3 * 365 + 1))
    elif kind == "revoked":
        _s, unusable = subscriber_with_certificate(bank_code=SHINHAN)
        _revoked(unusable)
    else:
        _s, unusable = subscriber_with_certificate(name="김타인", phone="01099998888", birth="19800101")
    transaction = open_login()
    reach_cloud(transaction)
    assert transaction.step == Step.SELECT
    listed = {
        certificate.id: state.label for certificate, state in contexts.certificate_list(transaction)["certificates"]
    }
    assert listed.get(unusable.id) == listed_as and listed[usable.id] == "사용 가능"

    with pytest.raises(CertificateNotSelectable) as refused:
        signing.choose_certificate(transaction, unusable.id)
    assert refused.value.message == "선택할 수 없는 인증서입니다."
    assert transaction.step == Step.SELECT and transaction.keypad is None
    signing.choose_certificate(transaction, usable.id)  # the list still works
    assert transaction.step == Step.PIN


def test_no_cloud_account_leads_to_the_issuing_banks_after_the_sms(app):
    transaction = open_login()
    cloud_access.begin(transaction, None)
    cloud_access.submit_identity(transaction, name=NOBODY.name, phone=NOBODY.phone, birth_date=NOBODY.birth_date)
    assert transaction.step == Step.SMS  # a code is sent all the same: 가입정보 alone reveals nothing
    cloud_access.confirm_sms(transaction, latest_sms_code(NOBODY.phone))
    assert transaction.step == Step.NOCERT
    shown = contexts.certificate_list(transaction)
    assert shown["certificates"] == []
    assert len(shown["banks"]) == 22 and "카카오뱅크" in {bank.name for bank in shown["banks"]}


def test_with_only_unusable_certificates_the_login_offers_the_banks(app):
    _subscriber, certificate = subscriber_with_certificate()
    _locked(certificate)
    transaction = open_login()
    reach_cloud(transaction)
    assert transaction.step == Step.NOCERT


def test_wrong_pins_are_counted_on_a_fresh_keypad_and_the_fifth_locks(app):
    _subscriber, certificate = subscriber_with_certificate()
    transaction = open_login()
    reach_cloud(transaction)
    signing.choose_certificate(transaction, certificate.id)
    for attempt in range(1, 5):
        keys_before = [key["token"] for key in transaction.keypad["keys"]]
        outcome = type_pin(transaction, WRONG_PIN)
        warning = " · 1회 더 틀리면 인증서가 잠깁니다." if attempt == 4 else ""
        assert outcome.error == f"비밀번호 {attempt}/5회 오류{warning}"
        assert transaction.step == Step.PIN and transaction.status == "open"
        assert [key["token"] for key in transaction.keypad["keys"]] != keys_before

    type_pin(transaction, WRONG_PIN)
    assert (transaction.step, transaction.status) == (Step.CLOSED, "failed")
    lock_message = "비밀번호 5/5회 오류로 인증서가 잠겼습니다. 발급 은행에서 재발급을 받아주세요."
    assert transaction.notice == lock_message
    assert transaction.handoff == {"ok": False, "code": contract.LOCKED, "message": lock_message}
    assert state_of(certificate).label == "잠김"
    assert contexts.closed(transaction)["reissue_bank"].name == "KB국민은행"  # KB국민은행에서 재발급받기


def test_the_right_pin_after_wrong_ones_signs_and_starts_the_count_again(app):
    _subscriber, certificate = subscriber_with_certificate()
    transaction = open_login()
    reach_cloud(transaction)
    signing.choose_certificate(transaction, certificate.id)
    type_pin(transaction, WRONG_PIN)
    type_pin(transaction, DEFAULT_PIN)
    assert verified_by_rp(transaction).serial == certificate.serial

    again = open_login()
    reach_cloud(again)
    signing.choose_certificate(again, certificate.id)
    assert type_pin(again, WRONG_PIN).error == "비밀번호 1/5회 오류"


def test_a_configured_limit_of_three_counts_and_locks_at_three(app, monkeypatch):
    monkeypatch.setitem(app.config, "PIN_MAX_FAILURES", 3)
    _subscriber, certificate = subscriber_with_certificate()
    transaction = open_login()
    reach_cloud(transaction)
    signing.choose_certificate(transaction, certificate.id)
    assert type_pin(transaction, WRONG_PIN).error == "비밀번호 1/3회 오류"
    assert type_pin(transaction, WRONG_PIN).error == "비밀번호 2/3회 오류 · 1회 더 틀리면 인증서가 잠깁니다."
    type_pin(transaction, WRONG_PIN)
    assert transaction.step == Step.CLOSED
    assert transaction.handoff["code"] == contract.LOCKED
    assert transaction.handoff["message"].startswith("비밀번호 3/3회 오류로 인증서가 잠겼습니다")
    assert state_of(certificate).label == "잠김"
    assert contexts.closed(transaction)["reissue_bank"].name == "KB국민은행"


def test_renewal_is_offered_in_the_last_90_days_and_renewing_signs_with_the_new_certificate(app):
    subscriber, old = subscriber_with_certificate(now=ISSUED_LONG_AGO)
    transaction, _ = log_in(certificate_id=old.id)
    assert transaction.step == Step.RENEW_OFFER and transaction.status == "open"
    assert contexts.renew_offer(transaction)["days_left"] in (29, 30)  # "30일 남음"
    assert transaction.handoff is None  # the RP waits for the answer

    renewed = signing.renew_now(transaction)
    assert transaction.step == Step.DONE and transaction.handoff == transaction.result
    assert transaction.result["certSeqNum"] == renewed.serial != old.serial
    signer = verified_by_rp(transaction)
    assert signer.serial == renewed.serial
    assert find_by_serial(old.serial).status == "revoked"
    assert [c.serial for c in certificates_of(subscriber)] == [renewed.serial]
    assert renewed.not_after > utcnow() + timedelta(days=3 * 365 - 2)


def test_renewing_later_delivers_the_signature_of_the_old_certificate(app):
    _subscriber, old = subscriber_with_certificate(now=ISSUED_LONG_AGO)
    transaction, _ = log_in(certificate_id=old.id)
    assert transaction.step == Step.RENEW_OFFER
    signing.renew_later(transaction)
    assert transaction.step == Step.DONE and transaction.handoff == transaction.result
    assert verified_by_rp(transaction).serial == old.serial
    assert find_by_serial(old.serial).status == "active"


def test_a_certificate_far_from_its_end_is_not_offered_renewal(app):
    _subscriber, certificate = subscriber_with_certificate()
    transaction, _ = log_in(certificate_id=certificate.id)
    assert transaction.step == Step.DONE


def test_after_a_lock_the_persons_other_certificate_is_offered_with_the_locked_ones_reissue(app):
    _subscriber, kb = subscriber_with_certificate(bank_code="004")
    subscriber_with_certificate(bank_code="088")
    transaction = open_login()
    reach_cloud(transaction)
    signing.choose_certificate(transaction, kb.id)
    for _ in range(5):
        type_pin(transaction, WRONG_PIN)
    assert (transaction.step, transaction.status) == (Step.SELECT, "open")
    assert transaction.notice.startswith("비밀번호 5/5회 오류로 인증서가 잠겼습니다")
    listed = {
        certificate.bank_code: state.label
        for certificate, state in contexts.certificate_list(transaction)["certificates"]
    }
    assert listed == {"004": "잠김", "088": "사용 가능"}
    shinhan = next(c for c, _state in contexts.certificate_list(transaction)["certificates"] if c.bank_code == "088")
    signing.choose_certificate(transaction, shinhan.id)
    type_pin(transaction, DEFAULT_PIN)
    assert verified_by_rp(transaction).bank_code == "088"


def test_the_list_keeps_its_order_while_the_star_is_toggled_and_the_next_opening_follows_it(app):
    _subscriber, kb = subscriber_with_certificate(bank_code="004")
    _subscriber, shinhan = subscriber_with_certificate(bank_code="088")
    transaction = open_login()
    reach_cloud(transaction)
    before = [c.bank_code for c, _state in contexts.certificate_list(transaction)["certificates"]]
    later_card = next(c for c in (kb, shinhan) if c.bank_code == before[1])
    signing.toggle_favourite(transaction, later_card.id)
    assert [c.bank_code for c, _state in contexts.certificate_list(transaction)["certificates"]] == before
    next_opening = open_login()
    reach_cloud(next_opening)
    assert next_opening.step == Step.PIN and next_opening.certificate_id == later_card.id  # the favourite


def test_the_last_used_certificate_is_listed_first(app):
    _subscriber, kb = subscriber_with_certificate(bank_code="004")
    _subscriber, shinhan = subscriber_with_certificate(bank_code="088")
    for certificate in (kb, shinhan):
        transaction = open_login()
        reach_cloud(transaction)
        first = contexts.certificate_list(transaction)["certificates"][0][0]
        signing.choose_certificate(transaction, certificate.id)
        type_pin(transaction, DEFAULT_PIN)
    transaction = open_login()
    reach_cloud(transaction)
    assert contexts.certificate_list(transaction)["certificates"][0][0].bank_code == "088"
    assert first.bank_code == "004"  # the one used just before
