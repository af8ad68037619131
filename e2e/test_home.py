"""The home page in both families, and an htmx partial swap."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect


def test_home_page_uses_the_family_of_the_device(page: Page, live_server, family):
    page.goto(live_server.url + "/")
    expect(page.get_by_role("heading", name="금융인증서비스", level=1)).to_be_visible()
    expected = "family-touch" if family == "mobile" else "family-desktop"
    expect(page.locator("body")).to_have_class(re.compile(expected))
    expect(page.get_by_role("link", name="KB국민은행")).to_be_visible()


def test_bank_search_swaps_only_its_section(desktop_page: Page, live_server):
    page = desktop_page
    page.goto(live_server.url + "/")
    page.evaluate("window.__notReloaded = true")
    page.get_by_label("은행 이름").fill("신한")
    with page.expect_response(lambda r: r.url.endswith("/banks/search")) as answer:
        page.get_by_role("button", name="은행 찾기").click()
    assert answer.value.request.headers.get("hx-request") == "true"
    expect(page.get_by_role("status")).to_contain_text("검색 결과 1개")
    expect(page.get_by_role("status").get_by_role("link", name="신한은행 (088)")).to_be_visible()
    assert page.evaluate("window.__notReloaded") is True


def test_bank_search_shows_the_korean_error_on_the_field(phone_page: Page, live_server):
    page = phone_page
    page.goto(live_server.url + "/")
    page.evaluate("window.__notReloaded = true")
    page.get_by_role("button", name="은행 찾기").click()
    field = page.get_by_label("은행 이름")
    expect(field).to_have_attribute("aria-invalid", "true")
    expect(page.get_by_role("alert")).to_contain_text("찾을 은행 이름을 입력해주세요.")
    assert page.evaluate("window.__notReloaded") is True


def test_the_page_works_without_javascript(browser, playwright, live_server):
    from e2e.conftest import context_options

    context = browser.new_context(**context_options(playwright, "desktop"), java_script_enabled=False)
    page = context.new_page()
    page.goto(live_server.url + "/")
    page.get_by_label("은행 이름").fill("카카오")
    page.get_by_role("button", name="은행 찾기").click()
    expect(page.get_by_role("status")).to_contain_text("카카오뱅크")
    context.close()
