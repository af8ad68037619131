"""A phishing relay of 휴대폰으로 인증, played out: an attacker starts a real login at the real RP on
their own desktop, reads the live QR code and sends the victim's phone to it. The victim's phone
is on another network (the service sits behind one trusted proxy and the phone's requests carry
X-Forwarded-For), so the phone shows where the PC is, warns and asks; and a 송금 cannot be
approved on a phone at all unless the RP opted in."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, BrowserContext, Playwright, expect
from werkzeug.middleware.proxy_fix import ProxyFix

from e2e.conftest import _open_context, context_options
from e2e.flows import camera_reads, start_login, widget
from e2e.test_accessibility import axe_violations
from tests.support import subscriber_with_certificate

NAME, PHONE, BIRTH = "홍길동", "01012345678", "19900101"
VICTIM_ADDRESS = "198.51.100.23"
WARNING = "다른 곳에서 시작된 요청입니다. 누군가 QR 코드나 링크를 보내 주었다면 진행하지 마세요."


@pytest.fixture
def behind_a_proxy(live_server, monkeypatch) -> None:
    """The live service behind one trusted proxy, as ``create_app`` sets it up for
    ``FINCERT_TRUSTED_PROXIES=1``: the client address is the last X-Forwarded-For hop."""
    app = live_server.app
    monkeypatch.setitem(app.config, "TRUSTED_PROXIES", 1)
    monkeypatch.setattr(app, "wsgi_app", ProxyFix(app.wsgi_app, x_for=1, x_proto=1, x_host=1))


@pytest.fixture
def victim_phone(
    request: pytest.FixtureRequest, browser: Browser, playwright: Playwright, behind_a_proxy: None
) -> Iterator[BrowserContext]:
    """The victim's phone, on a network of its own (the attacker's desktop is 127.0.0.1); CSP
    bypassed so that axe-core can be injected to check the warning page."""
    options = {
        **context_options(playwright, "mobile"),
        "extra_http_headers": {"X-Forwarded-For": VICTIM_ADDRESS},
        "bypass_csp": True,
    }
    yield from _open_context(request, browser, playwright, "mobile", options)


def test_a_relayed_qr_code_shows_the_victim_where_the_pc_is_and_asks_before_anything(
    desktop_context, victim_phone, live_server, in_app
):
    subscriber_with_certificate(name=NAME, phone=PHONE, birth=BIRTH, bank_code="004")
    attacker = desktop_context.new_page()
    frame = start_login(attacker, live_server.rp_url, "desktop")
    frame.get_by_role("button", name="휴대폰으로 인증").click()
    relayed_url = camera_reads(frame, in_app)  # what the attacker's page sends the victim to

    victim = victim_phone.new_page()
    victim.goto(relayed_url)
    expect(victim.get_by_role("heading", name="휴대폰으로 인증")).to_be_visible()
    where = victim.get_by_role("region", name="이 요청을 시작한 PC")
    expect(where.get_by_test_id("pc-device")).to_have_text("Chrome · Linux")
    expect(where.get_by_test_id("pc-network")).to_have_text("127.0.0.1 · 이 휴대폰과 다른 네트워크")
    expect(where).to_contain_text("시작 시각")
    expect(victim.get_by_test_id("elsewhere-warning")).to_have_text(WARNING)

    # The matching 확인 코드 alone is not enough from another network.
    victim.get_by_role("button", name="확인 코드가 같습니다").click()
    expect(victim.get_by_text("직접 시작한 요청이 맞을 때만 확인란을 선택하고 계속해주세요").first).to_be_visible()
    expect(victim.get_by_role("heading", name="휴대폰으로 인증")).to_be_visible()
    expect(victim.get_by_label("PC에서 이 요청을 제가 직접 시작했습니다")).not_to_be_checked()
    assert axe_violations(victim) == []

    # The victim heeds the warning: the attacker's PC is told, and gets no signature.
    victim.get_by_role("button", name="취소").click()
    expect(frame.get_by_role("alert")).to_contain_text("휴대폰에서 인증을 취소했습니다", timeout=10_000)


def test_a_transfer_cannot_be_approved_on_a_phone_by_default(desktop_context, live_server, in_app):
    attacker = desktop_context.new_page()
    attacker.goto(f"{live_server.rp_url}/rp/demo/transfer")
    attacker.get_by_label("받는 은행").select_option(label="신한은행")
    attacker.get_by_label("받는 계좌번호").fill("110-123-456789")
    attacker.get_by_label("보낼 금액(원)").fill("1500000")
    attacker.get_by_role("button", name="금융인증서로 이체").click()
    frame = widget(attacker)
    expect(frame.get_by_role("heading", name="가입정보 입력")).to_be_visible()
    expect(frame.get_by_role("button", name="휴대폰으로 인증")).to_have_count(0)

    # Asked directly (the post the button would make), the service refuses too.
    status, text = frame.locator("form").first.evaluate(
        """async (form) => {
            const token = form.querySelector('input[name="csrf_token"]').value;
            // The transaction's address, from its 취소 form (the frame's own URL is the SDK's page).
            const cancel = document.querySelector('#widget-close form').getAttribute("action");
            const answer = await fetch(cancel.slice(0, -"cancel".length) + "remote", {
                method: "POST",
                headers: {"HX-Request": "true", "Content-Type": "application/x-www-form-urlencoded"},
                body: "csrf_token=" + encodeURIComponent(token),
            });
            return [answer.status, await answer.text()];
        }"""
    )
    assert status == 403 and "송금 요청은 휴대폰으로 인증할 수 없습니다. 이 PC에서 진행해주세요." in text
