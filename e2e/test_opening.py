"""Round trips of a login as the browser makes them: the SDK's warm page is loaded at init, so
from the click on 금융인증서 로그인 the 3-step 자동연결 login is four requests in a row (open,
선택, PIN, the RP's verification) and three with a favourite. Counted, not timed."""

from __future__ import annotations

import re

from playwright.sync_api import Page, Request, expect

from app.extensions import db
from app.models import Certificate
from e2e.flows import WIDGET, full_login, type_pin, widget
from tests.support import DEFAULT_PIN, subscriber_with_certificate

STATIC = re.compile(r"/static/|\.css$|\.svg$|/favicon\.ico$")


def requests_after_the_click(page: Page) -> list[str]:
    """Every request the page and its frames make, as ``METHOD path`` with the transaction id
    replaced by ``<id>``; static files and the SDK's reload of its warm page left out."""
    seen: list[str] = []

    def note(request: Request) -> None:
        path = re.sub(r"^https?://[^/]+", "", request.url).split("?")[0]
        if STATIC.search(path) or path == "/widget/warm":
            return
        seen.append(request.method + " " + re.sub(r"/widget/t/[^/]+", "/widget/t/<id>", path))

    page.on("request", note)
    return seen


def ready_for_a_click(page: Page, rp_url: str) -> None:
    """The RP's login page with the SDK's warm page loaded (what init does while the visitor reads)."""
    page.goto(f"{rp_url}/rp/demo/")
    expect(widget(page).locator("[data-fincert-warm]")).to_be_attached()


def test_the_3_step_login_is_four_requests_and_with_a_favourite_three(desktop_page: Page, live_server, in_app):
    page = desktop_page
    subscriber_with_certificate(name="홍길동", phone="01012345678", birth="19900101", bank_code="004")
    full_login(page, live_server, "desktop", auto_connect=True)

    ready_for_a_click(page, live_server.rp_url)
    seen = requests_after_the_click(page)
    page.get_by_role("button", name="금융인증서 로그인").click()
    widget(page).get_by_role("listitem").filter(has_text="KB국민은행").get_by_role("button", name="선택").click()
    type_pin(widget(page), DEFAULT_PIN)
    expect(page.get_by_role("heading", name="로그인 성공")).to_be_visible()
    assert seen == ["POST /widget/open", "POST /widget/t/<id>/select", "POST /widget/t/<id>/pin", "POST /rp/demo/login"]

    for certificate in db.session.scalars(db.select(Certificate)):
        certificate.favourite = True
    db.session.commit()
    ready_for_a_click(page, live_server.rp_url)
    seen = requests_after_the_click(page)
    page.get_by_role("button", name="금융인증서 로그인").click()
    type_pin(widget(page), DEFAULT_PIN)
    expect(page.get_by_role("heading", name="로그인 성공")).to_be_visible()
    assert seen == ["POST /widget/open", "POST /widget/t/<id>/pin", "POST /rp/demo/login"]


def test_a_warm_page_whose_session_ended_is_reloaded_and_the_request_sent_again(
    desktop_page: Page, live_server, in_app
):
    page = desktop_page
    ready_for_a_click(page, live_server.rp_url)
    # The service's session ends while the RP page stays open (its CSRF token no longer matches).
    page.context.clear_cookies(domain="127.0.0.1")
    seen = requests_after_the_click(page)
    page.get_by_role("button", name="금융인증서 로그인").click()
    expect(widget(page).get_by_role("heading", name="가입정보 입력")).to_be_visible()
    assert seen.count("POST /widget/open") == 2
    assert page.locator(WIDGET).is_visible()
