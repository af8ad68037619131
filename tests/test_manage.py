"""인증서 관리: PIN change, deletion, 자동연결 devices, and the way back to a login or to the RP."""

from __future__ import annotations

import pytest

from app.cloud.certificates import find_by_serial, state_of
from app.cloud.devices import active_devices, described, is_phone
from app.step_machine import IllegalMove
from app.widget import cloud_access, contexts, manage, signing
from app.widget.signing import CertificateNotSelectable
from app.widget.steps import Step
from tests.support import DEFAULT_PIN, subscriber_with_certificate
from tests.widget_driver import WidgetBrowser
from tests.widget_services import (
    HONG,
    NOBODY,
    Person,
    latest_sms_code,
    log_in,
    open_login,
    open_management,
    prove_phone,
    reach_cloud,
    type_pin,
    verified_by_rp,
)

NEW_PIN = "135792"
WRONG_PIN = "975310"
NO_ACCOUNT_MESSAGE = "클라우드에 가입된 인증서가 없어 관리할 수 없습니다. 먼저 은행에서 발급받아주세요."


def managing(person: Person = HONG):
    """인증서 관리 on its own, reached with 가입정보 and SMS."""
    transaction = open_management()
    cloud_access.begin(transaction, None)
    prove_phone(transaction, person)
    assert transaction.step == Step.MANAGE
    return transaction


def shown_certificates(transaction) -> list[str]:
    return [certificate.serial for certificate, _state in contexts.manage(transaction)["certificates"]]


@pytest.mark.parametrize("action", [manage.show_certificate, manage.start_pin_change, manage.ask_delete])
def test_another_subscribers_certificate_cannot_be_managed(app, action):
    subscriber_with_certificate()
    _other, theirs = subscriber_with_certificate(name="김타인", phone="01099998888", birth="19800101")
    transaction = managing()
    with pytest.raises(CertificateNotSelectable):
        action(transaction, theirs.id)
    assert transaction.step == Step.MANAGE and transaction.keypad is None
    assert theirs.serial not in shown_certificates(transaction)


# --- 비밀번호 변경 ---------------------------------------------------------------------------


def test_pin_change_then_the_old_pin_no_longer_opens_the_key_and_the_new_one_does(app):
    _subscriber, certificate = subscriber_with_certificate()
    transaction = open_login()
    reach_cloud(transaction)
    manage.open_manage(transaction)
    manage.start_pin_change(transaction, certificate.id)
    assert transaction.step == Step.CHANGE_CURRENT

    assert type_pin(transaction, WRONG_PIN).error == "비밀번호 1/5회 오류"
    assert type_pin(transaction, WRONG_PIN).error == "비밀번호 2/5회 오류"
    assert transaction.step == Step.CHANGE_CURRENT
    type_pin(transaction, DEFAULT_PIN)
    assert transaction.step == Step.CHANGE_NEW
    type_pin(transaction, NEW_PIN)
    assert transaction.step == Step.CHANGE_CONFIRM
    outcome = type_pin(transaction, NEW_PIN)
    assert outcome.error is None
    assert transaction.step == Step.MANAGE
    assert transaction.notice == "비밀번호를 변경했습니다. 다음부터 새 비밀번호를 입력해주세요."

    manage.back_to_login(transaction)  # 로그인으로 돌아가기
    assert transaction.step == Step.SELECT
    signing.choose_certificate(transaction, certificate.id)
    assert type_pin(transaction, DEFAULT_PIN).error == "비밀번호 1/5회 오류"
    type_pin(transaction, NEW_PIN)
    assert transaction.step == Step.DONE
    assert verified_by_rp(transaction).serial == certificate.serial


@pytest.mark.parametrize(
    ("new_pin", "message"),
    [
        ("111111", "같은 숫자만 반복된 비밀번호(예: 111111)는 사용할 수 없습니다."),
        ("345678", "연속된 숫자(예: 123456, 654321)는 비밀번호로 사용할 수 없습니다."),
        ("900101", "생년월일이 포함된 비밀번호는 사용할 수 없습니다."),
        ("730101", "생년월일이 포함된 비밀번호는 사용할 수 없습니다."),
        (DEFAULT_PIN, "지금 비밀번호와 다른 비밀번호를 입력해주세요."),
    ],
)
def test_a_new_pin_that_breaks_a_rule_is_refused_on_a_fresh_keypad(app, new_pin, message):
    _subscriber, certificate = subscriber_with_certificate()
    transaction = managing()
    manage.start_pin_change(transaction, certificate.id)
    type_pin(transaction, DEFAULT_PIN)
    keys_before = transaction.keypad["keys"]
    assert type_pin(transaction, new_pin).error == message
    assert transaction.step == Step.CHANGE_NEW and transaction.keypad["keys"] != keys_before
    type_pin(transaction, NEW_PIN)  # a good one is still accepted
    assert transaction.step == Step.CHANGE_CONFIRM


def test_a_mismatched_confirmation_goes_back_to_the_new_pin(app):
    _subscriber, certificate = subscriber_with_certificate()
    transaction = managing()
    manage.start_pin_change(transaction, certificate.id)
    type_pin(transaction, DEFAULT_PIN)
    type_pin(transaction, NEW_PIN)
    outcome = type_pin(transaction, "135790")
    assert outcome.error == "두 번 입력한 비밀번호가 일치하지 않습니다. 새 비밀번호를 다시 입력해주세요."
    assert transaction.step == Step.CHANGE_NEW
    type_pin(transaction, "258147")
    type_pin(transaction, "258147")
    assert transaction.step == Step.MANAGE and transaction.notice.startswith("비밀번호를 변경했습니다")

    login, _ = log_in(certificate_id=certificate.id, pin="258147")
    assert login.step == Step.DONE  # neither the first new PIN nor the mismatch was kept


def test_five_wrong_current_pins_lock_and_go_back_to_the_list_with_the_lock_message(app):
    _subscriber, certificate = subscriber_with_certificate()
    transaction = managing()
    manage.start_pin_change(transaction, certificate.id)
    for _ in range(4):
        type_pin(transaction, WRONG_PIN)
    type_pin(transaction, WRONG_PIN)
    assert transaction.step == Step.MANAGE and transaction.status == "open"
    assert transaction.notice.startswith("비밀번호 5/5회 오류로 인증서가 잠겼습니다")
    assert dict((c.serial, s.label) for c, s in contexts.manage(transaction)["certificates"]) == {
        certificate.serial: "잠김"
    }


# --- 인증서 삭제 ------------------------------------------------------------------------------


def test_deleting_a_certificate_revokes_it_and_leaves_the_cloud(app):
    _subscriber, certificate = subscriber_with_certificate()
    transaction = managing()
    manage.ask_delete(transaction, certificate.id)
    assert transaction.step == Step.DELETE_ASK and transaction.keypad is None  # asked first, no keypad yet
    manage.start_delete(transaction)
    assert transaction.step == Step.DELETE_CONFIRM

    assert type_pin(transaction, WRONG_PIN).error == "비밀번호 1/5회 오류"
    assert find_by_serial(certificate.serial).status == "active"
    type_pin(transaction, DEFAULT_PIN)
    assert transaction.step == Step.MANAGE
    assert transaction.notice == "KB국민은행 인증서를 클라우드에서 삭제했습니다(폐지됨)."
    assert shown_certificates(transaction) == []
    assert state_of(find_by_serial(certificate.serial)).label == "폐지"

    login = open_login()
    reach_cloud(login)
    assert login.step == Step.NOCERT


# --- 자동연결 기기 -----------------------------------------------------------------------------


def test_disconnecting_this_browser_forgets_it_at_once(app):
    subscriber, certificate = subscriber_with_certificate()
    _first, token = log_in(certificate_id=certificate.id, auto_connect=True)

    transaction = open_login()
    reach_cloud(transaction, device_token=token)
    assert transaction.step == Step.SELECT
    manage.open_manage(transaction)
    [(device, description, phone)] = contexts.manage(transaction)["devices"]
    assert description == f"{device.label} · 데모 이용기관" and not phone
    assert manage.disconnect(transaction, device.id) is True  # the view clears this browser's cookie
    assert transaction.notice == f"{device.label} · 데모 이용기관의 자동연결을 해제했습니다."
    assert contexts.manage(transaction)["devices"] == []

    next_login = open_login()
    assert cloud_access.begin(next_login, token) is True
    assert next_login.step == Step.IDENTIFY
    assert next_login.notice == "자동연결이 해제되었거나 만료되었습니다. 가입정보를 입력해 다시 연결해주세요."


def test_disconnecting_another_device_is_not_this_browser(app):
    subscriber, certificate = subscriber_with_certificate()
    _phone_login, phone_token = log_in("phone-browser", certificate_id=certificate.id, auto_connect=True)
    _pc_login, pc_token = log_in(certificate_id=certificate.id, auto_connect=True)

    transaction = open_login()
    reach_cloud(transaction, device_token=pc_token)
    manage.open_manage(transaction)
    this_browser = transaction.device_id
    [phone_device] = [device for device in active_devices(subscriber.id) if device.id != this_browser]
    assert manage.disconnect(transaction, phone_device.id) is False
    assert [device.id for device in active_devices(subscriber.id)] == [this_browser]

    phone_again = open_login("phone-browser")
    assert cloud_access.begin(phone_again, phone_token) is True
    assert phone_again.step == Step.IDENTIFY


def test_disconnecting_without_auto_connect_on_this_browser_is_not_this_browser(app):
    subscriber, certificate = subscriber_with_certificate()
    _elsewhere, _token = log_in("phone-browser", certificate_id=certificate.id, auto_connect=True)
    transaction = managing()  # reached by SMS: this browser has no 자동연결
    [device] = active_devices(subscriber.id)
    assert manage.disconnect(transaction, device.id) is False


def test_another_subscribers_device_cannot_be_disconnected(app):
    _subscriber, certificate = subscriber_with_certificate()
    kim = Person("김타인", "01099998888", "19800101")
    other, other_certificate = subscriber_with_certificate(name=kim.name, phone=kim.phone, birth=kim.birth)
    _login, other_token = log_in("kims-browser", kim, certificate_id=other_certificate.id, auto_connect=True)
    [kims_device] = active_devices(other.id)

    transaction = managing()
    with pytest.raises(CertificateNotSelectable) as refused:
        manage.disconnect(transaction, kims_device.id)
    assert refused.value.message == "선택할 수 없는 기기입니다."
    kims_login = open_login("kims-browser")
    cloud_access.begin(kims_login, other_token)
    assert kims_login.step == Step.SELECT  # 김타인's 자동연결 still works


# --- leaving 인증서 관리 ----------------------------------------------------------------------


def test_back_to_the_login_from_certificate_management(app):
    _subscriber, certificate = subscriber_with_certificate()
    transaction = open_login()
    reach_cloud(transaction)
    manage.open_manage(transaction)
    manage.show_certificate(transaction, certificate.id)
    assert transaction.step == Step.CERT_DETAIL
    manage.back_to_login(transaction)
    assert transaction.step == Step.SELECT and transaction.certificate_id is None
    signing.choose_certificate(transaction, certificate.id)
    type_pin(transaction)
    assert verified_by_rp(transaction).serial == certificate.serial


def test_back_to_the_login_lands_on_the_favourites_pin(app):
    _subscriber, certificate = subscriber_with_certificate()
    transaction = open_login()
    reach_cloud(transaction)
    manage.open_manage(transaction)
    signing.toggle_favourite(transaction, certificate.id)
    manage.back_to_login(transaction)
    assert transaction.step == Step.PIN and transaction.certificate_id == certificate.id


def test_management_on_its_own_has_no_login_to_go_back_to(app):
    subscriber_with_certificate()
    transaction = managing()
    with pytest.raises(IllegalMove):
        manage.back_to_login(transaction)
    assert transaction.step == Step.MANAGE


def test_finishing_management_tells_the_rp(app):
    subscriber_with_certificate()
    transaction = managing()
    manage.finish(transaction)
    assert (transaction.step, transaction.status) == (Step.DONE, "done")
    assert transaction.handoff == {"ok": True, "managed": True}


def test_finish_belongs_to_management_requested_by_the_rp_not_to_a_login(app):
    subscriber_with_certificate()
    transaction = open_login()
    reach_cloud(transaction)
    manage.open_manage(transaction)
    with pytest.raises(IllegalMove):
        manage.finish(transaction)
    assert transaction.step == Step.MANAGE and transaction.status == "open"
    assert transaction.handoff is None


# --- no cloud account ----------------------------------------------------------------------


@pytest.mark.parametrize("open_request", [open_login, open_management], ids=["login", "management"])
def test_management_without_a_cloud_account_is_refused_cleanly(app, open_request):
    transaction = open_request()
    reach_cloud(transaction, NOBODY)
    assert transaction.step == Step.NOCERT
    with pytest.raises(IllegalMove) as refused:
        manage.open_manage(transaction)
    assert refused.value.message == NO_ACCOUNT_MESSAGE and refused.value.status == 409
    assert transaction.step == Step.NOCERT and transaction.status == "open"


@pytest.mark.parametrize("op", ["sign", "manage"])
def test_management_without_a_cloud_account_answers_409_over_http(app, client, op):
    browser = WidgetBrowser(app, client, op=op)
    browser.identify(name=NOBODY.name, phone=NOBODY.phone, birth_date=NOBODY.birth)
    page = browser.post("sms", code=latest_sms_code(NOBODY.phone))
    assert "사용할 수 있는 금융인증서가 없습니다" in page.get_data(as_text=True)

    refused = browser.post("manage")
    assert refused.status_code == 409
    body = refused.get_data(as_text=True)
    assert NO_ACCOUNT_MESSAGE in body and "사용할 수 있는 금융인증서가 없습니다" in body
    for _ in range(2):
        again = client.get(browser.url)
        assert again.status_code == 200
        assert "사용할 수 있는 금융인증서가 없습니다" in again.get_data(as_text=True)


def test_deleting_can_be_called_off_before_the_pin(app):
    _subscriber, certificate = subscriber_with_certificate()
    transaction = managing()
    manage.ask_delete(transaction, certificate.id)
    manage.back_to_list(transaction)
    assert transaction.step == Step.MANAGE
    assert find_by_serial(certificate.serial).status == "active"


def test_a_locked_certificate_can_be_neither_changed_nor_deleted_before_any_typing(app):
    _subscriber, certificate = subscriber_with_certificate()
    certificate.pin_failures = 5
    transaction = managing()
    for action in (manage.start_pin_change, manage.ask_delete):
        with pytest.raises(CertificateNotSelectable) as refused:
            action(transaction, certificate.id)
        assert "재발급" in refused.value.message
        assert transaction.step == Step.MANAGE


def test_the_device_cap_is_per_site_so_many_sites_never_lock_anyone_out(app, monkeypatch):
    from app.cloud.devices import active_devices, register_device
    from app.rp.clients import register_client

    monkeypatch.setitem(app.config, "DEVICE_MAX", 2)
    subscriber, _certificate = subscriber_with_certificate()
    for org_code in ("SHOP_A", "SHOP_B", "SHOP_C"):
        register_client(org_code, f"쇼핑몰 {org_code[-1]}", [f"https://{org_code.lower()}.example"])
        register_device(subscriber, "Mozilla/5.0 (Windows NT 10.0) Chrome/156.0", org_code)
    phone = "Mozilla/5.0 (Linux; Android 14; Pixel 7) Chrome/156.0 Mobile Safari/537.36"
    for _ in range(3):
        register_device(subscriber, phone, "SHOP_A")
    live = active_devices(subscriber.id)
    assert sorted(device.site for device in live) == ["SHOP_A", "SHOP_A", "SHOP_B", "SHOP_C"]
    assert [is_phone(device) for device in live if device.site == "SHOP_A"] == [True, True]


def test_a_phone_is_labelled_as_a_phone(app):
    from app.cloud.devices import register_device

    subscriber, _certificate = subscriber_with_certificate()
    device, _token = register_device(subscriber, "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) Safari", "")
    assert is_phone(device) and described(device) == "Safari · iOS · 금융인증서비스"
