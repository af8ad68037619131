"""Stage 1 at a demo bank, through the test client: order of steps, replay, expiry, lockout."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from app.bankdemo.customers import current_otp, find_customer
from app.clock import utcnow
from app.extensions import db
from app.models import DemoBankApplication, IssuanceOrder, SmsMessage
from tests.conftest import HTMX, csrf_token_from

KB_OTP_CUSTOMER = {
    "ib_id": "demo004a",
    "name": "박도윤",
    "birth_date": "19791123",
    "account_number": "004-01-100014",
    "account_password": "1357",
}


class Bank:
    """A browser at the KB demo bank."""

    def __init__(self, client) -> None:
        self.client = client
        page = client.get("/bank/004/")
        assert page.status_code == 200
        self.token = csrf_token_from(page.get_data(as_text=True))
        started = client.post("/bank/004/issuance", data={"csrf_token": self.token})
        assert started.status_code == 303
        self.url = started.headers["Location"]

    def post(self, step: str, **data):
        return self.client.post(f"{self.url}/{step}", data={"csrf_token": self.token, **data}, headers=HTMX)

    def through_customer(self, **overrides):
        assert self.post("terms", service_terms="y", personal_info="y", unique_id="y").status_code == 200
        assert self.post("kind", kind="issue").status_code == 200
        return self.post("customer", **{**KB_OTP_CUSTOMER, **overrides})

    def extra_code(self) -> str:
        message = db.session.scalars(db.select(SmsMessage).order_by(SmsMessage.id.desc())).first()
        return re.search(r"\[(\d{6})\]", message.body).group(1)


def test_the_whole_stage_places_one_order(client, app):
    bank = Bank(client)
    assert bank.through_customer().status_code == 200
    assert bank.post("extra", code=bank.extra_code()).status_code == 200
    assert bank.post("contact", email="park@example.com", phone="010-1001-0003").status_code == 200
    done = bank.post("media", otp=current_otp(find_customer("004", "demo004a")))
    assert done.status_code == 200 and "금융인증서 발급/저장 계속" in done.get_data(as_text=True)
    order = db.session.scalars(db.select(IssuanceOrder)).one()
    assert (order.bank_code, order.name, order.email) == ("004", "박도윤", "park@example.com")
    # Replaying the last step does not place a second order.
    replay = bank.post("media", otp=current_otp(find_customer("004", "demo004a")))
    assert replay.status_code == 409 and "이미 완료된 발급 신청" in replay.get_data(as_text=True)
    assert db.session.query(IssuanceOrder).count() == 1


def test_steps_cannot_be_skipped(client, app):
    bank = Bank(client)
    skipped = bank.post("customer", **KB_OTP_CUSTOMER)
    assert skipped.status_code == 409
    assert "진행 순서가 올바르지 않습니다" in skipped.get_data(as_text=True)
    assert db.session.query(SmsMessage).count() == 0


def test_an_abandoned_application_expires(client, app):
    bank = Bank(client)
    for application in db.session.scalars(db.select(DemoBankApplication)):
        application.expires_at = utcnow() - timedelta(seconds=1)
    db.session.commit()
    response = bank.post("terms", service_terms="y", personal_info="y", unique_id="y")
    assert response.status_code == 410 and "다시 신청해주세요" in response.get_data(as_text=True)


def test_another_browser_cannot_continue_an_application(client, app):
    bank = Bank(client)
    stranger = app.test_client()
    token = csrf_token_from(stranger.get("/bank/004/").get_data(as_text=True))
    response = stranger.post(f"{bank.url}/terms", data={"csrf_token": token, "service_terms": "y"})
    assert response.status_code == 404


def test_five_wrong_answers_stop_the_issuance(client, app):
    bank = Bank(client)
    for attempt in range(1, 5):
        response = (
            bank.through_customer(account_password="0000")
            if attempt == 1
            else bank.post("customer", **{**KB_OTP_CUSTOMER, "account_password": "0000"})
        )
        assert response.status_code == 422
        assert f"오류 {attempt}/5회" in response.get_data(as_text=True)
    fifth = bank.post("customer", **{**KB_OTP_CUSTOMER, "account_password": "0000"})
    assert fifth.status_code == 403 and "발급이 중단되었습니다" in fifth.get_data(as_text=True)
    # Even the right password does not continue now, in this application or a new one.
    assert bank.post("customer", **KB_OTP_CUSTOMER).status_code == 403
    assert Bank(client).through_customer().status_code == 403


def test_an_unknown_bank_is_a_404(client):
    assert client.get("/bank/999/").status_code == 404


@pytest.mark.parametrize("bank_code", ["002", "062", "090"])
def test_every_bank_has_its_own_site(client, bank_code):
    page = client.get(f"/bank/{bank_code}/").get_data(as_text=True)
    assert "금융인증서 발급/재발급" in page and f"bank-color-{bank_code}" in page


def test_demo_customers_command_prints_otp_codes_and_cards(runner):
    result = runner.invoke(args=["demo", "customers", "--bank", "088"])
    assert result.exit_code == 0
    assert "demo088a" in result.output and "OTP 현재 번호" in result.output and "보안카드" in result.output
    assert "영업점 미확인" in result.output


def test_the_test_bed_lists_demo_customers(client):
    page = client.get("/testbed/customers?bank=004").get_data(as_text=True)
    assert "demo004a" in page and "demo004c" in page and "영업점 미확인" in page
