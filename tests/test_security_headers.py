"""The security baseline on every response (DESIGN §5)."""

from __future__ import annotations


def test_every_page_carries_the_baseline_headers(client):
    response = client.get("/")
    csp = response.headers["Content-Security-Policy"]
    for directive in (
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "frame-ancestors 'none'",
    ):
        assert directive in csp
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "strict-origin-when-cross-origin"


def test_json_and_error_responses_carry_them_too(client):
    for response in (client.get("/healthz"), client.get("/no-such-page")):
        assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]
        assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_session_cookie_works_inside_a_relying_partys_iframe(client):
    response = client.get("/?ui=touch")  # remembering the override starts a session
    cookie = next(value for value in response.headers.getlist("Set-Cookie") if value.startswith("fincert_session="))
    for attribute in ("Secure", "HttpOnly", "SameSite=None", "Partitioned"):
        assert attribute in cookie


def test_a_post_without_csrf_token_is_refused_with_a_korean_page(client):
    response = client.post("/banks/search", data={"query": "국민"})
    assert response.status_code == 400
    assert "보안 확인이 만료되었습니다" in response.get_data(as_text=True)


def test_htmx_is_configured_without_eval_and_sends_the_csrf_header(client):
    html = client.get("/").get_data(as_text=True)
    assert '"allowEval":false' in html
    assert '"allowScriptTags":false' in html
    assert '"includeIndicatorStyles":false' in html
    assert '"historyCacheSize":0' in html
    assert 'hx-headers=\'{"X-CSRFToken": "' in html
    assert "/static/vendor/htmx.min.js" in html
