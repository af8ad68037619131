"""Template families, the htmx partial/full-page pattern, and the error pages."""

from __future__ import annotations

from flask import abort

from app import create_app
from tests.conftest import HTMX

IPHONE = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 Mobile/15E148"
DESKTOP = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 Chrome/156.0 Safari/537.36"


def family_of(response) -> str:
    html = response.get_data(as_text=True)
    return "touch" if 'class="family-touch' in html else "desktop" if 'class="family-desktop' in html else "?"


def test_desktop_by_default_and_touch_for_a_phone(client, app):
    assert family_of(client.get("/", headers={"User-Agent": DESKTOP})) == "desktop"
    assert family_of(app.test_client().get("/", headers={"User-Agent": IPHONE})) == "touch"


def test_the_client_hint_picks_touch_and_is_asked_for(client):
    response = client.get("/", headers={"User-Agent": DESKTOP, "Sec-CH-UA-Mobile": "?1"})
    assert family_of(response) == "touch"
    assert response.headers["Accept-CH"] == "Sec-CH-UA-Mobile"
    assert "Sec-CH-UA-Mobile" in response.headers["Vary"]


def test_the_ui_parameter_overrides_and_is_remembered(client):
    assert family_of(client.get("/?ui=touch", headers={"User-Agent": DESKTOP})) == "touch"
    assert family_of(client.get("/", headers={"User-Agent": DESKTOP})) == "touch"
    assert family_of(client.get("/?ui=desktop", headers={"User-Agent": IPHONE})) == "desktop"


def test_plain_post_gets_the_full_page_and_htmx_post_gets_the_partial(client, csrf):
    plain = client.post("/banks/search", data={"query": "국민", "csrf_token": csrf})
    assert plain.status_code == 200
    assert "<html" in plain.get_data(as_text=True)
    assert "KB국민은행" in plain.get_data(as_text=True)

    partial = client.post("/banks/search", data={"query": "카카오", "csrf_token": csrf}, headers=HTMX)
    body = partial.get_data(as_text=True)
    assert partial.status_code == 200
    assert "<html" not in body and 'id="bank-search"' in body
    assert "카카오뱅크" in body and "KB국민은행" not in body
    assert "HX-Request" in partial.headers["Vary"]


def test_validation_errors_are_422_with_the_message_tied_to_the_field(client, csrf):
    response = client.post("/banks/search", data={"query": "", "csrf_token": csrf}, headers=HTMX)
    body = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "찾을 은행 이름을 입력해주세요." in body
    assert 'aria-invalid="true"' in body and 'aria-describedby="query-hint query-error"' in body


def test_404_is_a_korean_page_and_an_htmx_fragment_into_main(client):
    page = client.get("/missing")
    assert page.status_code == 404 and "페이지를 찾을 수 없습니다" in page.get_data(as_text=True)
    fragment = client.get("/missing", headers=HTMX)
    assert fragment.status_code == 404
    assert "<html" not in fragment.get_data(as_text=True)
    assert fragment.headers["HX-Retarget"] == "#main"


def test_429_and_500_have_korean_pages(tmp_path):
    app = create_app({"INSTANCE_PATH": str(tmp_path), "SQLALCHEMY_DATABASE_URI": "sqlite://", "SECRET_KEY": "x"})

    @app.get("/boom")
    def boom():
        raise RuntimeError("unexpected")

    @app.get("/busy")
    def busy():
        abort(429)

    client = app.test_client()
    response = client.get("/boom")
    assert response.status_code == 500 and "일시적인 오류가 발생했습니다" in response.get_data(as_text=True)
    response = client.get("/busy", headers=HTMX)
    assert response.status_code == 429 and "요청이 너무 많습니다" in response.get_data(as_text=True)
