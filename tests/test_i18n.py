"""The widget in English (``lang: 'eng'``): which requests speak it, and that its steps, errors,
results and SMS are English while everything else stays Korean, exactly as before."""

from __future__ import annotations

import json
import re

import pytest
from flask.testing import FlaskClient

from app.extensions import db
from app.i18n import ENGLISH, KOREAN, message_in, text_in
from app.models import SmsMessage, WidgetTransaction
from app.rp.clients import DEMO_ORG_CODE, demo_credentials
from app.sms.codes import SmsCodeWrong, send_code
from app.widget.transactions import TransactionExpired
from tests.conftest import HTMX, csrf_token_from
from tests.support import DEFAULT_PIN, subscriber_with_certificate
from tests.widget_driver import RP_ORIGIN, WidgetBrowser
from tests.widget_services import USER_AGENT, fresh_nonce

DESKTOP = {"User-Agent": USER_AGENT}
WRONG_PIN = "975310"


def english(app, client) -> WidgetBrowser:
    """The demo RP's login opened with ``lang: 'eng'``."""
    return WidgetBrowser(app, client, extra={"lang": "eng"})


def sms_to(phone: str) -> str:
    db.session.expire_all()
    query = db.select(SmsMessage.body).where(SmsMessage.to == phone).order_by(SmsMessage.id.desc())
    return db.session.scalars(query).first()


def test_the_warm_page_is_in_the_language_the_sdk_asks_for(client: FlaskClient):
    english_page = client.get(f"/widget/warm?org={DEMO_ORG_CODE}&lang=eng", headers=DESKTOP).get_data(as_text=True)
    assert '<html lang="en">' in english_page and "Opening FinCert…" in english_page
    korean_page = client.get(f"/widget/warm?org={DEMO_ORG_CODE}", headers=DESKTOP).get_data(as_text=True)
    assert '<html lang="ko">' in korean_page and "금융인증서비스를 여는 중입니다…" in korean_page
    unknown = client.get(f"/widget/warm?org={DEMO_ORG_CODE}&lang=fra", headers=DESKTOP).get_data(as_text=True)
    assert '<html lang="ko">' in unknown


def test_every_step_of_an_english_login_is_english(app, client):
    subscriber_with_certificate()
    widget = english(app, client)
    page = widget.last.get_data(as_text=True)
    assert (
        '<html lang="en">' in page
        and "Enter your details" in page
        and '<label class="field__label" for="name">Name' in page
    )
    assert "가입정보" not in page
    assert "Phone verification" in widget.identify().get_data(as_text=True)
    assert "Allow cloud access" in widget.post("sms", code=widget.latest_code("01012345678")).get_data(as_text=True)
    listing = widget.post("consent").get_data(as_text=True)
    assert "Choose a certificate" in listing and "Login request" in listing
    certificate_id = re.search(r'name="certificate_id" value="(\d+)"', listing).group(1)
    keypad = widget.post("select", certificate_id=certificate_id).get_data(as_text=True)
    assert "Enter your PIN" in keypad and "Enter the 6-digit PIN of your financial certificate" in keypad
    assert 'aria-label="Secure keypad (the digits move for every entry)"' in keypad
    assert ">Shuffle</button>" in keypad and ">Erase</button>" in keypad and ">Clear</button>" in keypad
    assert "0 digits entered" in keypad and '"1 digit entered"' in keypad
    done = widget.enter_pin(DEFAULT_PIN).get_data(as_text=True)
    assert "Done" in done and "Returning to" in done
    assert not re.search(r"[가-힣]", re.sub(r"데모 이용기관|KB국민은행|홍길동", "", done))


def test_the_bank_list_is_rendered_once_per_language_not_once_for_all(app, client):
    """발급가능한 은행보기 is cached per process (app.widget.contexts.bank_items): a Korean listing
    after an English one must still be Korean, and the other way round."""
    subscriber_with_certificate()
    for widget, label in ((english(app, client), "KB국민은행 QR code"), (WidgetBrowser(app, client), "KB국민은행 QR 코드")):
        widget.identify()
        widget.post("sms", code=widget.latest_code("01012345678"))
        listing = widget.post("consent").get_data(as_text=True)
        assert f'aria-label="{label}"' in listing and listing.count('class="bank-list__item"') == 22


def test_a_wrong_pin_is_counted_in_english(app, client):
    subscriber_with_certificate()
    widget = english(app, client)
    widget.reach_pin()
    answer = widget.enter_pin(WRONG_PIN)
    assert answer.status_code == 422
    assert '<p id="pin-error" class="pin-status__error" role="alert">Wrong PIN (1/5)</p>' in answer.get_data(
        as_text=True
    )


def test_korean_stays_exactly_as_it_was(app, client):
    subscriber_with_certificate()
    widget = WidgetBrowser(app, client)
    assert '<html lang="ko">' in widget.last.get_data(as_text=True)
    widget.reach_pin()
    answer = widget.enter_pin(WRONG_PIN).get_data(as_text=True)
    assert '<p id="pin-error" class="pin-status__error" role="alert">비밀번호 1/5회 오류</p>' in answer
    assert "0자리 입력됨" in answer and "보안 키패드 (숫자 배열은 입력할 때마다 바뀝니다)" in answer


def test_form_errors_are_english_on_their_fields(app, client):
    widget = english(app, client)
    answer = widget.identify(phone="12345").get_data(as_text=True)
    assert "Please check what you entered." in answer
    assert "Enter your mobile number as 010-1234-5678." in answer


def test_pages_without_a_transaction_stay_korean_in_the_same_browser(app, client):
    english(app, client)
    home = client.get("/").get_data(as_text=True)
    assert '<html lang="ko">' in home and "Enter your details" not in home


def test_an_english_transactions_error_page_is_english(app, client):
    widget = english(app, client)
    # A post without its CSRF token is refused before any view runs: the page is still English.
    answer = client.post(f"{widget.url}/identify", data={"name": "x"}, headers=HTMX)
    assert answer.status_code == 400 and "The security check expired" in answer.get_data(as_text=True)


def test_the_sms_code_of_an_english_transaction_is_english(app, client):
    widget = english(app, client)
    widget.identify()
    body = sms_to("01012345678")
    assert re.fullmatch(r"\[FinCert\] Your verification code is \[\d{6}\]\. Never share it with anyone\.", body)
    korean = WidgetBrowser(app, client)
    korean.identify(phone="01098765432")
    assert sms_to("01098765432").startswith("[금융인증서비스] 인증번호 [")


def test_a_bank_code_stays_korean_whatever_the_request(app):
    send_code("01012345678", "bank", sender="KB국민은행")
    assert sms_to("01012345678").startswith("[KB국민은행] 인증번호 [")


def test_the_new_device_notice_of_an_english_transaction_is_english(app, client):
    subscriber_with_certificate()
    widget = english(app, client)
    widget.identify()
    widget.post("sms", code=widget.latest_code("01012345678"))
    widget.post("consent", auto_connect="y")
    # The device is named in English too (the test client names no browser: 브라우저 · 기기).
    assert sms_to("01012345678") == (
        "[FinCert] Auto-connect was set up on a new device (Browser · Device · 데모 이용기관). "
        "If this was not you, disconnect it in Certificate management."
    )


def test_the_result_handed_to_an_english_rp_page_is_english(app, client):
    widget = english(app, client)
    closed = widget.post("cancel").get_data(as_text=True)
    handoff = json.loads(re.search(r'data-fincert-result="([^"]+)"', closed).group(1).replace("&#34;", '"'))
    assert handoff == {"ok": False, "code": "800000", "message": "The user cancelled."}


def test_an_expired_english_request_tells_the_rp_in_english(app, client):
    widget = english(app, client)
    transaction = db.session.scalars(db.select(WidgetTransaction)).one()
    transaction.expires_at = transaction.created_at
    db.session.commit()
    page = widget.identify().get_data(as_text=True)
    assert "The request timed out (10 minutes). Please start again on the site." in page


def test_the_sdks_refusals_are_english_for_an_english_request(app, client):
    api_key, _secret = demo_credentials()
    body = {"orgCode": DEMO_ORG_CODE, "apiKey": api_key, "lang": "eng", "nonce": fresh_nonce(), "op": "teleport"}
    refused = client.post("/widget/transactions", json=body, headers={"Origin": RP_ORIGIN})
    assert refused.json == {"error": {"code": "800001", "message": "Unknown request (teleport)."}}
    token = csrf_token_from(
        client.get(f"/widget/warm?org={DEMO_ORG_CODE}&lang=eng", headers=DESKTOP).get_data(as_text=True)
    )
    data = {
        "csrf_token": token,
        "origin": RP_ORIGIN,
        "lang": "eng",
        "request": json.dumps({**body, "nonce": fresh_nonce()}),
    }
    opened = client.post("/widget/open", data=data, headers={**HTMX, **DESKTOP}).get_data(as_text=True)
    assert 'data-fincert-code="800001" data-fincert-message="Unknown request (teleport)."' in opened
    stale = client.post("/widget/open", data={**data, "csrf_token": "stale"}, headers={**HTMX, **DESKTOP})
    assert "The FinCert window is out of date" in stale.get_data(as_text=True)


def test_messages_with_values_translate_with_the_same_values(app):
    with pytest.raises(SmsCodeWrong) as wrong:
        raise SmsCodeWrong(3)
    assert wrong.value.message == "인증번호가 일치하지 않습니다. (남은 입력 횟수 3회)"
    assert message_in(ENGLISH, wrong.value) == "The verification code does not match. (3 tries left)"
    assert message_in(KOREAN, wrong.value) == wrong.value.message
    assert message_in(ENGLISH, TransactionExpired()).startswith("The request timed out (10 minutes).")
    assert text_in(ENGLISH, "%(bank)s 인증서를 클라우드에서 삭제했습니다(폐지됨).", bank="KB국민은행") == (
        "The KB국민은행 certificate was deleted from the cloud (revoked)."
    )


@pytest.mark.parametrize("lang", [{"a": 1}, ["eng"], 7, None, "ENG"])
def test_a_lang_that_is_no_language_is_korean_or_refused(client, lang):
    api_key, _secret = demo_credentials()
    body = {"orgCode": DEMO_ORG_CODE, "apiKey": api_key, "lang": lang, "nonce": fresh_nonce()}
    answer = client.post("/widget/transactions", json=body, headers={"Origin": RP_ORIGIN})
    assert answer.status_code in (201, 422)
    if answer.status_code == 422:
        assert answer.json["error"]["message"] == "lang은 'kor' 또는 'eng'여야 합니다."
