"""An outside relying party (e2e/outside_rp/) on its own origin: registered with the CLI, talking
to the service only over HTTP and through the pinned SDK, verifying every result twice.

The service is http://127.0.0.1:PORT; the outside RP is http://localhost:OTHER_PORT (another
site, so the widget runs cross-site in its iframe), and the same server reached as
http://127.0.0.1:OTHER_PORT is an origin the service never registered.
"""

from __future__ import annotations

import base64
import hashlib
import os
import re
import socket
import subprocess
import sys
import threading
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from playwright.sync_api import FrameLocator, Page, expect
from werkzeug.serving import make_server

from e2e.flows import (
    allow_cloud_access,
    choose_certificate,
    enter_identity,
    enter_sms_code,
    latest_code,
    type_pin,
    widget,
)
from e2e.outside_rp import create_app
from e2e.outside_rp.scenarios import CONTRACT_TEXT, SCENARIOS, TRANSFER_TEXT
from tests.support import DEFAULT_PIN

PROJECT = Path(__file__).resolve().parent.parent
ORG_CODE = "OUTSIDE_RP"
RP_NAME = "바깥 이용기관"
POLICY_OID = "2.25.171032817.1.1"  # the README's default policy
NAME, PHONE, BIRTH = "홍길동", "01012345678", "19900101"
WRONG_PIN = "975310"
FAILED_WITHIN = 10_000  # ms: the SDK gives up on a frame that never loads after 5 s


@dataclass(frozen=True)
class PinnedSdk:
    version: str
    integrity: str


@dataclass(frozen=True)
class OutsideRp:
    url: str  # its registered origin
    unregistered_url: str  # the same server on an origin the service does not know
    api_key: str
    secret: str


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _get(url: str) -> bytes:
    with urllib.request.urlopen(url, timeout=10) as response:
        return response.read()


@pytest.fixture(scope="session")
def pinned_sdk(live_server) -> PinnedSdk:
    """The SDK version the service serves now and the integrity of its versioned, pinnable URL."""
    newest = _get(f"{live_server.url}/sdk/v1/fincert.js").decode()
    version = re.search(r'var VERSION = "([0-9.]+)"', newest).group(1)
    pinned = _get(f"{live_server.url}/sdk/v1/fincert-{version}.js")
    return PinnedSdk(version, "sha384-" + base64.b64encode(hashlib.sha384(pinned).digest()).decode())


def register_with_cli(live_server, origin: str) -> tuple[str, str]:
    """``flask --app wsgi rp register`` against the live server's instance folder and database;
    returns the apiKey and secret it prints."""
    app = live_server.app
    environment = {
        **os.environ,
        "FINCERT_INSTANCE_PATH": app.instance_path,
        "DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"],
        "SECRET_KEY": "outside-rp-registration-only",  # the CLI needs one; nothing it signs is kept
    }
    command = [sys.executable, "-m", "flask", "--app", "wsgi", "rp", "register"]
    command += ["--org-code", ORG_CODE, "--name", RP_NAME, "--origin", origin]
    completed = subprocess.run(command, cwd=PROJECT, env=environment, capture_output=True, text=True, timeout=60)
    assert completed.returncode == 0, completed.stderr
    api_key = re.search(r"^apiKey: (\S+)", completed.stdout, re.MULTILINE)
    secret = re.search(r"^secret: (\S+)", completed.stdout, re.MULTILINE)
    assert api_key and secret, completed.stdout
    return api_key.group(1), secret.group(1)


@pytest.fixture(scope="session")
def outside_rp(live_server, pinned_sdk) -> Iterator[OutsideRp]:
    """The outside RP, registered by the CLI, served from a thread on its own port for the session."""
    port = _free_port()
    origin = f"http://localhost:{port}"
    api_key, secret = register_with_cli(live_server, origin)
    app = create_app(
        {
            "SERVICE_URL": live_server.url,
            "ORG_CODE": ORG_CODE,
            "API_KEY": api_key,
            "SECRET": secret,
            "SDK_VERSION": pinned_sdk.version,
            "SDK_INTEGRITY": pinned_sdk.integrity,
            "POLICY_OID": POLICY_OID,
        }
    )
    server = make_server("127.0.0.1", port, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="outside-rp", daemon=True)
    thread.start()
    yield OutsideRp(url=origin, unregistered_url=f"http://127.0.0.1:{port}", api_key=api_key, secret=secret)
    server.shutdown()
    thread.join(timeout=5)


@pytest.fixture(autouse=True)
def registered(clean_live_database, outside_rp: OutsideRp, live_server) -> None:
    """The harness empties the service's database before every test; put the CLI's registration
    back with the same keys and origin, as the service's seeding does for its own demo RP."""
    from app.rp.clients import register_client

    with live_server.app.app_context():
        register_client(ORG_CODE, RP_NAME, [outside_rp.url], api_key=outside_rp.api_key, secret=outside_rp.secret)


# --- steps of an integrator's tests ------------------------------------------------------------


def new_subscriber(page: Page, live_server, *, name=NAME, phone=PHONE, birth=BIRTH, bank_code="004") -> dict:
    """A certificate from the test bed (``POST /testbed/subscribers``), as an integrator makes one."""
    answer = page.request.post(
        f"{live_server.url}/testbed/subscribers",
        data={"name": name, "phone": phone, "birth_date": birth, "bank_code": bank_code, "pin": DEFAULT_PIN},
    )
    assert answer.status == 201, answer.text()
    return answer.json()


def open_page(page: Page, base_url: str, slug: str, *, ready: bool = True) -> None:
    page.goto(f"{base_url}/{slug}")
    if ready:
        expect(page.get_by_test_id("sdk-state")).to_have_attribute("data-state", "ready")


def press(page: Page, slug: str, family: str = "desktop") -> FrameLocator:
    """The scenario's button, and on a phone the widget's 화면을 터치해주세요."""
    page.get_by_role("button", name=SCENARIOS[slug].button).click()
    frame = widget(page)
    if family == "mobile":
        frame.get_by_role("button", name="화면을 터치해주세요").click()
    return frame


def into_cloud(frame: FrameLocator, page: Page, live_server, *, auto_connect=False, name=NAME, phone=PHONE) -> None:
    """가입정보 → 휴대폰 점유인증 → 클라우드 접근 권한 확인."""
    enter_identity(frame, name, phone, BIRTH)
    enter_sms_code(frame, page, live_server.url, phone)
    allow_cloud_access(frame, auto_connect=auto_connect)


def sign_at(page: Page, outside_rp: OutsideRp, live_server, slug: str, family: str = "desktop", **cloud) -> None:
    """The scenario's request from the button to the RP's 검증 성공, in five steps."""
    open_page(page, outside_rp.url, slug)
    frame = press(page, slug, family)
    into_cloud(frame, page, live_server, **cloud)
    choose_certificate(frame, "KB국민은행")
    type_pin(frame, DEFAULT_PIN)
    expect(page.get_by_role("heading", name="검증 성공")).to_be_visible()


def expect_verified(page: Page, count: int) -> None:
    """Both verdicts on the RP's page: the service's verify API and the copied verifier."""
    expect(page.get_by_test_id("service-verdict")).to_have_text(f"검증됨 {count}건")
    expect(page.get_by_test_id("local-verdict")).to_have_text(f"검증됨 {count}건")
    expect(page.get_by_test_id("signed-count")).to_have_text(f"{count}개")


def sdk_checks(page: Page):
    """The RP's comparisons of the SDK's local readings with the certificate that verified."""
    return page.get_by_test_id("sdk-checks").get_by_role("listitem")


def expect_failure(page: Page, code: str, message: str | re.Pattern | None = None) -> None:
    outcome = page.get_by_test_id("outcome")
    expect(outcome).to_have_attribute("data-code", code, timeout=FAILED_WITHIN)
    if message is not None:
        expect(outcome).to_contain_text(message)


# --- the pinned script ---------------------------------------------------------------------------


def test_the_pinned_sdk_is_the_one_the_readme_prints(pinned_sdk: PinnedSdk):
    readme = (PROJECT / "README.md").read_text(encoding="utf-8")
    assert f"/sdk/v1/fincert-{pinned_sdk.version}.js" in readme
    assert f'integrity="{pinned_sdk.integrity}"' in readme


def test_the_outside_rp_needs_nothing_of_the_service_but_the_verifier_file():
    """With the service's package unimportable, the RP is still built and loads the verifier."""
    script = (
        "import sys; sys.modules['app'] = None\n"  # any import of app.* now fails
        "from e2e.outside_rp import create_app\n"
        "from e2e.outside_rp.verifier_file import verifier\n"
        "create_app({key: 'x' for key in ('SERVICE_URL', 'ORG_CODE', 'API_KEY', 'SECRET', 'SDK_VERSION',"
        " 'SDK_INTEGRITY', 'POLICY_OID')})\n"
        "print(verifier().verify_signed_value.__module__)\n"
    )
    completed = subprocess.run([sys.executable, "-c", script], cwd=PROJECT, capture_output=True, text=True, timeout=60)
    assert completed.returncode == 0, completed.stderr
    assert completed.stdout.strip() == "outside_rp_verifier"


# --- results, verified twice ---------------------------------------------------------------------


def test_a_login_is_verified_by_the_service_and_by_the_copied_verifier(page: Page, outside_rp, live_server, family):
    violations: list[str] = []
    page.on("console", lambda message: violations.append(message.text) if "Content Security" in message.text else None)
    serial = new_subscriber(page, live_server)["serial"]
    sign_at(page, outside_rp, live_server, "login", family)
    expect_verified(page, 1)
    expect(page.get_by_test_id("signer-name")).to_have_text(NAME)
    expect(page.get_by_test_id("signer-serial")).to_have_text(serial)
    expect(page.get_by_test_id("signer-bank")).to_have_text("KB국민은행")
    # The result's certificate and getCertInfo(result.certificate), read in the browser, are
    # the certificate that verified on the server.
    readings = sdk_checks(page).filter(has_text=re.compile(r"^(result\.|getCertInfo )"))
    expect(readings).to_have_count(9)
    expect(readings.filter(has_text="불일치")).to_have_count(0)
    assert violations == []


def test_an_english_login_speaks_english_in_the_widget_and_by_sms(desktop_page: Page, outside_rp, live_server):
    """``init`` with ``lang: 'eng'``: every step, the keypad and its count, a wrong PIN and the SMS
    code are English; the iframe keeps the name the RP page gave it."""
    page = desktop_page
    new_subscriber(page, live_server)
    open_page(page, outside_rp.url, "english")
    frame = press(page, "english")
    expect(frame.get_by_role("heading", name="Enter your details")).to_be_visible()
    expect(frame.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator('iframe[title="금융인증서비스"]')).to_be_visible()
    frame.get_by_label("Name").fill(NAME)
    frame.get_by_label("Mobile number").fill(PHONE)
    frame.get_by_label("Date of birth").fill(BIRTH)
    frame.get_by_role("button", name="Next").click()
    expect(frame.get_by_role("heading", name="Phone verification")).to_be_visible()
    sms = page.request.get(f"{live_server.url}/testbed/outbox?to={PHONE}").json()["messages"][0]["body"]
    assert re.fullmatch(r"\[FinCert\] Your verification code is \[\d{6}\]\. Never share it with anyone\.", sms)
    frame.get_by_label("Verification code").fill(latest_code(page, live_server.url, PHONE))
    frame.get_by_role("button", name="Confirm").click()
    expect(frame.get_by_role("heading", name="Allow cloud access")).to_be_visible()
    frame.get_by_role("button", name="Next").click()
    expect(frame.get_by_role("heading", name="Choose a certificate")).to_be_visible()
    frame.get_by_role("listitem").filter(has_text="KB국민은행").get_by_role("button", name="Choose").click()
    # The keypad counts in the page as keys are pressed (widget.js), in English.
    keypad = frame.get_by_role("form", name="Secure keypad (the digits move for every entry)")
    status = frame.get_by_role("status")
    expect(status).to_have_text("0 digits entered")
    keypad.get_by_role("button", name=WRONG_PIN[0], exact=True).click()
    expect(status).to_have_text("1 digit entered")
    keypad.get_by_role("button", name="Erase").click()
    expect(status).to_have_text("0 digits entered")
    type_pin(frame, WRONG_PIN, "eng")
    expect(frame.get_by_role("alert")).to_have_text("Wrong PIN (1/5)")
    type_pin(frame, DEFAULT_PIN, "eng")
    expect(page.get_by_role("heading", name="검증 성공")).to_be_visible()
    expect_verified(page, 1)


def test_a_transfer_shows_its_text_before_the_pin_and_verifies(phone_page: Page, outside_rp, live_server):
    page = phone_page
    new_subscriber(page, live_server)
    open_page(page, outside_rp.url, "transfer")
    frame = press(page, "transfer", "mobile")
    into_cloud(frame, page, live_server)
    choose_certificate(frame, "KB국민은행")
    content = frame.get_by_role("region", name="서명할 내용")
    for line in TRANSFER_TEXT.splitlines():
        expect(content).to_contain_text(line)
    type_pin(frame, DEFAULT_PIN)
    expect(page.get_by_role("heading", name="검증 성공")).to_be_visible()
    expect_verified(page, 1)


def test_a_multi_sign_of_two_parameter_objects_gives_three_values_in_order(desktop_page: Page, outside_rp, live_server):
    page = desktop_page
    new_subscriber(page, live_server)
    open_page(page, outside_rp.url, "multi")
    frame = press(page, "multi")
    into_cloud(frame, page, live_server)
    choose_certificate(frame, "KB국민은행")
    expect(frame.get_by_role("region", name="서명할 내용 (3건)")).to_be_visible()
    type_pin(frame, DEFAULT_PIN)
    expect(page.get_by_role("heading", name="검증 성공")).to_be_visible()
    # Each value verified against the content at its index, all with the page's one nonce.
    expect_verified(page, 3)


def test_a_pkcs1_signature_verifies_with_the_certificate_of_the_result(desktop_page: Page, outside_rp, live_server):
    page = desktop_page
    new_subscriber(page, live_server)
    sign_at(page, outside_rp, live_server, "pkcs1")
    expect_verified(page, 1)
    expect(page.get_by_test_id("signature-algorithm")).to_have_text("PKCS1 (서명값만)")


def test_a_pss_signature_is_a_cms_with_rsassa_pss(phone_page: Page, outside_rp, live_server):
    page = phone_page
    new_subscriber(page, live_server)
    sign_at(page, outside_rp, live_server, "pss", "mobile")
    expect_verified(page, 1)
    expect(page.get_by_test_id("signature-algorithm")).to_have_text("RSASSA-PSS")


def test_a_signature_with_the_content_inside_lets_the_rp_read_it(desktop_page: Page, outside_rp, live_server):
    page = desktop_page
    new_subscriber(page, live_server)
    sign_at(page, outside_rp, live_server, "attached")
    expect_verified(page, 1)
    expect(page.get_by_test_id("text-inside")).to_have_text(CONTRACT_TEXT)
    expect(page.get_by_test_id("signature-algorithm")).to_have_text("RSASSA-PKCS1-v1_5")


def test_a_binary_content_is_signed_and_verified(desktop_page: Page, outside_rp, live_server):
    page = desktop_page
    new_subscriber(page, live_server)
    sign_at(page, outside_rp, live_server, "binary")
    expect_verified(page, 1)


# --- every error code reaches fail ---------------------------------------------------------------


def test_cancel_gives_800000_and_then_the_pages_nonce_is_refused_with_800003(desktop_page: Page, outside_rp):
    page = desktop_page
    open_page(page, outside_rp.url, "login")
    frame = press(page, "login")
    expect(frame.get_by_role("heading", name="가입정보 입력")).to_be_visible()
    frame.get_by_role("button", name="취소").click()
    expect_failure(page, "800000", "취소")
    expect(page.locator('iframe[title="금융인증서비스"]')).to_be_hidden()
    # The nonce this page was rendered with bound the cancelled request: it cannot bind another.
    press(page, "login")
    expect_failure(page, "800003", "nonce")


def test_a_bad_option_and_an_unknown_option_fail_with_800001_naming_them(desktop_page: Page, outside_rp):
    page = desktop_page
    open_page(page, outside_rp.url, "bad-option")
    press(page, "bad-option")
    expect_failure(page, "800001", "algorithms")
    open_page(page, outside_rp.url, "unknown-option")
    press(page, "unknown-option")
    expect_failure(page, "800001", "sign.theme")


def test_a_wrong_api_key_fails_with_800002(desktop_page: Page, outside_rp):
    page = desktop_page
    open_page(page, outside_rp.url, "wrong-key", ready=False)
    expect(page.get_by_test_id("sdk-state")).to_have_attribute("data-code", "800002")
    press(page, "wrong-key")
    expect_failure(page, "800002")
    expect(page.locator('iframe[title="금융인증서비스"]')).to_be_hidden()


def test_a_page_on_an_unregistered_origin_fails_with_800002_naming_the_origin(desktop_page: Page, outside_rp):
    page = desktop_page
    open_page(page, outside_rp.unregistered_url, "login", ready=False)
    state = page.get_by_test_id("sdk-state")
    expect(state).to_have_attribute("data-code", "800002")
    expect(state).to_contain_text(outside_rp.unregistered_url)
    press(page, "login")
    expect_failure(page, "800002", outside_rp.unregistered_url)


def test_an_expired_transaction_fails_with_800004(desktop_page: Page, outside_rp, live_server, in_app):
    from app.clock import utcnow
    from app.extensions import db
    from app.models import WidgetTransaction

    page = desktop_page
    open_page(page, outside_rp.url, "login")
    frame = press(page, "login")
    expect(frame.get_by_role("heading", name="가입정보 입력")).to_be_visible()
    for transaction in db.session.scalars(db.select(WidgetTransaction)):
        transaction.expires_at = utcnow()
    db.session.commit()
    enter_identity(frame, NAME, PHONE, BIRTH)
    expect(frame.get_by_role("alert")).to_contain_text("요청 시간(10분)이 지났습니다")
    frame.get_by_role("button", name="닫기").click()
    expect_failure(page, "800004")


def test_five_wrong_pins_on_the_only_certificate_fail_with_800005(desktop_page: Page, outside_rp, live_server):
    page = desktop_page
    new_subscriber(page, live_server)
    open_page(page, outside_rp.url, "login")
    frame = press(page, "login")
    into_cloud(frame, page, live_server)
    choose_certificate(frame, "KB국민은행")
    for attempt in range(1, 5):
        type_pin(frame, WRONG_PIN)
        expect(frame.get_by_role("alert")).to_contain_text(f"비밀번호 {attempt}/5회 오류")
    type_pin(frame, WRONG_PIN)
    expect(frame.get_by_role("heading", name="인증을 완료하지 못했습니다")).to_be_visible()
    frame.get_by_role("button", name="닫기").click()
    expect_failure(page, "800005")


def test_closing_the_bank_list_of_someone_without_a_certificate_fails_with_800007(
    desktop_page: Page, outside_rp, live_server
):
    page = desktop_page
    open_page(page, outside_rp.url, "login")
    frame = press(page, "login")
    enter_identity(frame, "김없음", "010-2222-3333", "19850505")
    enter_sms_code(frame, page, live_server.url, "01022223333")
    expect(frame.get_by_role("heading", name="사용할 수 있는 금융인증서가 없습니다")).to_be_visible()
    frame.get_by_role("button", name="발급가능한 은행보기").click()
    frame.get_by_role("button", name="취소").click()
    expect(frame.get_by_role("alert")).to_contain_text("사용할 수 있는 금융인증서가 없습니다")
    frame.get_by_role("button", name="닫기").click()
    expect_failure(page, "800007", "사용할 수 있는 금융인증서가 없습니다")


def test_abort_fails_with_800008(phone_page: Page, outside_rp):
    page = phone_page
    open_page(page, outside_rp.url, "login")
    frame = press(page, "login", "mobile")
    expect(frame.get_by_role("heading", name="가입정보 입력")).to_be_visible()
    page.evaluate("FinCert.Sdk.abort()")  # what the RP's code does when, say, its own session ends
    expect_failure(page, "800008")
    expect(page.locator('iframe[title="금융인증서비스"]')).to_be_hidden()


def test_a_csp_without_the_service_in_frame_src_fails_with_800009_saying_so(
    desktop_page: Page, outside_rp, live_server
):
    page = desktop_page
    open_page(page, outside_rp.url, "no-frame", ready=False)
    press(page, "no-frame")
    expect_failure(page, "800009", re.compile(rf"CSP frame-src.*{re.escape(live_server.url)}"))
    state = page.get_by_test_id("sdk-state")
    expect(state).to_have_attribute("data-code", "800009")
    expect(state).to_contain_text("frame-src")


# --- the other methods ---------------------------------------------------------------------------


def test_set_auth_data_with_disable_input_prefills_read_only_fields(desktop_page: Page, outside_rp, live_server):
    page = desktop_page
    new_subscriber(page, live_server)
    open_page(page, outside_rp.url, "identity")
    frame = press(page, "identity")
    for label, value in (("이름", NAME), ("휴대폰번호", PHONE), ("생년월일", BIRTH)):
        expect(frame.get_by_label(label)).to_have_value(value)
        expect(frame.get_by_label(label)).not_to_be_editable()
    frame.get_by_role("button", name="다음").click()
    enter_sms_code(frame, page, live_server.url, PHONE)
    allow_cloud_access(frame, auto_connect=False)
    choose_certificate(frame, "KB국민은행")
    type_pin(frame, DEFAULT_PIN)
    expect(page.get_by_role("heading", name="검증 성공")).to_be_visible()
    expect(page.get_by_test_id("signer-name")).to_have_text(NAME)


def test_set_auth_data_with_disable_input_refuses_another_identity(desktop_page: Page, outside_rp, live_server):
    page = desktop_page
    other = {"name": "김철수", "phone": "01098765432"}
    new_subscriber(page, live_server, **other)
    new_subscriber(page, live_server)
    sign_at(page, outside_rp, live_server, "login", auto_connect=True, **other)  # 김철수, 자동연결 on

    open_page(page, outside_rp.url, "identity")
    frame = press(page, "identity")
    # 김철수's 자동연결 is not used for a request held to 홍길동.
    expect(frame.get_by_role("heading", name="가입정보 입력")).to_be_visible()
    expect(frame.get_by_text("이용기관에서 지정한 분의 가입정보로 진행합니다")).to_be_visible()
    # Nor is his 가입정보 typed over the read-only fields (a tampered form).
    frame.locator("input[readonly]").evaluate_all("inputs => inputs.forEach(i => i.removeAttribute('readonly'))")
    frame.get_by_label("이름").fill(other["name"])
    frame.get_by_label("휴대폰번호").fill(other["phone"])
    frame.get_by_role("button", name="다음").click()
    expect(frame.get_by_role("alert").filter(has_text="지정한 가입정보(이름·휴대폰번호·생년월일)로만")).to_be_visible()
    expect(frame.get_by_role("heading", name="가입정보 입력")).to_be_visible()


def test_check_cloud_conn_follows_auto_connect_and_disconnect(phone_page: Page, outside_rp, live_server):
    page = phone_page
    new_subscriber(page, live_server)
    connection = page.get_by_test_id("cloud-conn")

    open_page(page, outside_rp.url, "login")
    page.get_by_role("button", name="자동연결 확인").click()
    expect(connection).to_have_attribute("data-connected", "false")

    sign_at(page, outside_rp, live_server, "login", "mobile", auto_connect=True)
    open_page(page, outside_rp.url, "login")
    page.get_by_role("button", name="자동연결 확인").click()
    expect(connection).to_have_attribute("data-connected", "true")

    page.get_by_role("button", name="자동연결 해제").click()
    expect(connection).to_have_text("자동연결을 해제했습니다.")
    page.get_by_role("button", name="자동연결 확인").click()
    expect(connection).to_have_attribute("data-connected", "false")
    # and the next login asks for the 가입정보 again
    frame = press(page, "login", "mobile")
    expect(frame.get_by_role("heading", name="가입정보 입력")).to_be_visible()


def test_get_cert_info_list_gives_the_certificates_after_consent(desktop_page: Page, outside_rp, live_server):
    page = desktop_page
    serials = {new_subscriber(page, live_server, bank_code=code)["serial"] for code in ("004", "088")}
    open_page(page, outside_rp.url, "certlist")
    frame = press(page, "certlist")
    into_cloud(frame, page, live_server)
    expect(frame.get_by_role("list", name="제공할 인증서").get_by_role("listitem")).to_have_count(2)
    frame.get_by_role("button", name="동의하고 제공").click()
    expect(page.get_by_role("heading", name="제공받은 인증서 2개")).to_be_visible()
    listed = page.get_by_test_id("cert-info")
    assert {listed.nth(index).get_attribute("data-serial") for index in range(2)} == serials
    expect(listed.filter(has_text="사용 가능").filter(has_text="발급기관 확인됨")).to_have_count(2)


# --- the SDK's local readings ---------------------------------------------


def test_get_signer_cert_from_signed_val_reads_the_default_cms(desktop_page: Page, outside_rp, live_server):
    page = desktop_page
    new_subscriber(page, live_server)
    sign_at(page, outside_rp, live_server, "login")
    reading = sdk_checks(page).filter(has_text="getSignerCertFromSignedVal")
    expect(reading).to_have_attribute("data-ok", "yes", timeout=1000)


def test_get_cert_info_reads_the_serial_as_the_service_writes_it(desktop_page: Page, outside_rp, live_server):
    page = desktop_page
    # About one certificate in eight has such a serial: make some until there is one.
    for number in range(100):
        made = new_subscriber(page, live_server, phone=f"0105555{number:04d}")
        if len(made["serial"]) % 2:
            break
    else:
        pytest.fail("no serial with an odd number of hex digits in 100 certificates")
    open_page(page, outside_rp.url, "login")
    read = page.evaluate("pem => FinCert.Sdk.getCertInfo(pem).certSeqNum", made["cert_pem"])
    assert read == made["serial"]
