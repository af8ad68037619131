"""The numbers a screen shows come from the settings that enforce them."""

from __future__ import annotations

import re

import pytest

from tests.conftest import HTMX, csrf_token_from
from tests.support import subscriber_with_certificate
from tests.widget_driver import WidgetBrowser


@pytest.fixture
def strict_rules(app, monkeypatch):
    """A deployment with 3 PIN failures, a 2-minute SMS code, 3 code tries and 2-year 자동연결."""
    for name, value in {
        "PIN_MAX_FAILURES": 3,
        "SMS_CODE_TTL": 120,
        "SMS_MAX_TRIES": 3,
        "DEVICE_IDLE_DAYS": 730,
        "CERT_VALIDITY_DAYS": 730,
    }.items():
        monkeypatch.setitem(app.config, name, value)


def test_the_login_screens_say_what_the_settings_enforce(app, client, strict_rules):
    subscriber_with_certificate()
    browser = WidgetBrowser(app, client)
    sms = browser.identify().get_data(as_text=True)
    assert "2분 안에 입력해주세요" in sms and ">2:00<" in sms
    assert "인증번호는 3회까지 입력할 수 있습니다" in sms

    consent = browser.post("sms", code=browser.latest_code("01012345678")).get_data(as_text=True)
    assert "2년간 사용하지 않으면 해제되며" in consent
    listing = browser.post("consent").get_data(as_text=True)
    certificate_id = re.search(r'name="certificate_id" value="(\d+)"', listing).group(1)
    browser.post("select", certificate_id=certificate_id)

    assert "비밀번호 1/3회 오류" in browser.enter_pin("975310").get_data(as_text=True)
    assert "비밀번호 2/3회 오류" in browser.enter_pin("975310").get_data(as_text=True)
    locked = browser.enter_pin("975310").get_data(as_text=True)
    assert "비밀번호 3/3회 오류로 인증서가 잠겼습니다" in locked and "800005" in locked


def test_a_wrong_sms_code_counts_against_the_configured_tries(app, client, strict_rules):
    browser = WidgetBrowser(app, client)
    browser.identify()
    for left in (2, 1):
        assert f"남은 입력 횟수 {left}회" in browser.post("sms", code="000000").get_data(as_text=True)
    assert "인증번호를 3회 잘못 입력했습니다" in browser.post("sms", code="000000").get_data(as_text=True)


def test_the_banks_terms_state_the_configured_validity(app, client, strict_rules):
    token = csrf_token_from(client.get("/bank/004/").get_data(as_text=True))
    started = client.post("/bank/004/issuance", data={"csrf_token": token}, headers=HTMX)
    terms = client.get(started.headers["HX-Redirect"]).get_data(as_text=True)
    assert "인증서의 유효기간은 2년이며" in terms
