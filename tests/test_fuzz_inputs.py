"""Property tests: whatever a user types or an RP sends, the answer is never a 500.

Every form field of the widget, the bank sites, the home page and the demo RP, and every JSON
API body, gets very long text, wrong types, control characters, non-NFC Hangul, SQL and HTML
fragments. Forms answer a Korean page (2xx or 4xx); APIs answer a JSON error. HTML typed in
is never echoed unescaped.
"""

from __future__ import annotations

import re
import unicodedata
from urllib.parse import quote

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.api_json import MAX_JSON_DEPTH
from app.ra.orders import create_api_key
from app.rp.clients import demo_credentials, register_client
from tests.conftest import HTMX, csrf_token_from
from tests.support import subscriber_with_certificate
from tests.test_bank_issuance import Bank
from tests.widget_driver import RP_ORIGIN, WidgetBrowser

SCRIPT = "<script>alert(1)</script>"
FRAGMENTS = [
    "' OR 1=1 --",
    "'; DROP TABLE subscribers; --",
    SCRIPT,
    '"><img src=x onerror=alert(1)>',
    "{{ config }}",
    "%s%s%n",
    "../../etc/passwd",
    "０１０１２３４５６７８",
    "010-1234-5678\x00",
]
decomposed_hangul = st.text(alphabet=st.characters(min_codepoint=0x1100, max_codepoint=0x11FF), min_size=1, max_size=9)
nasty_text = st.one_of(
    st.text(max_size=40),
    st.text(min_size=2000, max_size=6000),
    st.text(alphabet=st.characters(min_codepoint=0, max_codepoint=31), min_size=1, max_size=20),
    decomposed_hangul,
    decomposed_hangul.map(lambda text: unicodedata.normalize("NFC", text) + "\u0301"),
    st.sampled_from(FRAGMENTS),
    st.from_regex(r"[0-9]{1,12}", fullmatch=True),
)
json_values = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False), nasty_text),
    lambda inner: st.one_of(st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=10), inner, max_size=4)),
    max_leaves=10,
)
# Arrays and objects nested up to 200,000 deep, closed or not: Python's parser recurses per level.
OPENERS = {"[": "]", '{"a":': "}", '[{"b":': "}]"}
deeply_nested = st.builds(
    lambda depth, opener, closed: opener * depth + ("0" + OPENERS[opener] * depth if closed else ""),
    st.one_of(st.integers(MAX_JSON_DEPTH + 1, 64), st.integers(1000, 200_000)),
    st.sampled_from(sorted(OPENERS)),
    st.booleans(),
)
FUZZ = settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
KOREAN = re.compile(r"[가-힣]")


def form_values(*names: str):
    return st.fixed_dictionaries({name: nasty_text for name in names})


def assert_handled(response) -> None:
    assert response.status_code < 500, response.get_data(as_text=True)[:500]
    body = response.get_data(as_text=True)
    if response.mimetype == "text/html" and response.status_code >= 400:
        assert KOREAN.search(body), body[:300]
    assert SCRIPT not in body


def assert_json_error(response) -> None:
    assert response.status_code < 500, response.get_data(as_text=True)[:500]
    if response.status_code >= 400:
        assert response.is_json and KOREAN.search(response.json["error"]["message"])


# --- the widget -----------------------------------------------------------------------------


@pytest.fixture
def browser(app, client):
    subscriber_with_certificate()
    return WidgetBrowser(app, client)


@FUZZ
@given(values=form_values("name", "phone", "birth_date"))
def test_identify_fields(browser, values):
    assert_handled(browser.post("identify", **values))


@FUZZ
@given(values=form_values("code"))
def test_sms_code_field(browser, values):
    browser.identify()
    assert_handled(browser.post("sms", **values))


@FUZZ
@given(values=form_values("auto_connect"))
def test_consent_field(browser, values):
    browser.identify()
    browser.post("sms", code=WidgetBrowser.latest_code("01012345678"))
    assert_handled(browser.post("consent", **values))


@FUZZ
@given(values=form_values("certificate_id"), action=st.sampled_from(["select", "favourite", "manage/details"]))
def test_certificate_choice_fields(browser, values, action):
    assert_handled(browser.post(action, **values))


@FUZZ
@given(values=form_values("key"))
def test_keypad_field(browser, values):
    assert_handled(browser.post("keypad", **values))


@FUZZ
@given(values=form_values("entry"))
def test_pin_entry_field(browser, values):
    assert_handled(browser.post("pin", **values))


@FUZZ
@given(values=form_values("device_id"))
def test_device_field(browser, values):
    assert_handled(browser.post("manage/device", **values))


@FUZZ
@given(values=form_values("ref_num", "auth_code"))
def test_issue_start_fields(client, csrf, values):
    assert_handled(client.post("/widget/issue", data={"csrf_token": csrf, **values}, headers=HTMX))


# --- the bank sites, the home page, the demo RP ---------------------------------------------


@pytest.fixture
def bank(client):
    return Bank(client)


@FUZZ
@given(values=form_values("service_terms", "personal_info", "unique_id"))
def test_bank_terms_fields(bank, values):
    assert_handled(bank.post("terms", **values))


@FUZZ
@given(values=form_values("ib_id", "name", "birth_date", "account_number", "account_password"))
def test_bank_customer_fields(bank, values):
    bank.post("terms", service_terms="y", personal_info="y", unique_id="y")
    bank.post("kind", kind="issue")
    assert_handled(bank.post("customer", **values))


@FUZZ
@given(values=form_values("kind"))
def test_bank_kind_field(bank, values):
    bank.post("terms", service_terms="y", personal_info="y", unique_id="y")
    assert_handled(bank.post("kind", **values))


@FUZZ
@given(step=st.sampled_from(["extra", "contact", "media"]), values=form_values("code", "email", "phone", "otp"))
def test_bank_later_step_fields(bank, step, values):
    assert_handled(bank.post(step, **values))


@FUZZ
@given(values=form_values("ib_id", "account_password", "code"))
def test_mobile_otp_fields(client, csrf, values):
    for path in ("", "/extra", "/extra/resend", "/confirm"):
        assert_handled(client.post(f"/bank/004/otp{path}", data={"csrf_token": csrf, **values}))


@FUZZ
@given(values=form_values("query"))
def test_home_bank_search_field(client, csrf, values):
    assert_handled(client.post("/banks/search", data={"csrf_token": csrf, **values}, headers=HTMX))


@FUZZ
@given(values=form_values("kind", "bank_code", "account", "amount", "signed_val"))
def test_demo_rp_fields(client, values):
    token = csrf_token_from(client.get("/rp/demo/transfer").get_data(as_text=True))
    for url in ("/rp/demo/prepare", "/rp/demo/transfer", "/rp/demo/login"):
        response = client.post(url, data={"csrf_token": token, **values})
        assert response.status_code < 500
        assert SCRIPT not in response.get_data(as_text=True)


# --- JSON APIs --------------------------------------------------------------------------------


@pytest.fixture
def keys(app):
    _client, _api_key, secret = register_client("FUZZ_RP", "퍼즈", ["https://fuzz.example"])
    return {"ra": create_api_key("004"), "rp": secret}


def json_endpoints(keys) -> list[tuple[str, dict[str, str]]]:
    """Every JSON endpoint, with what it needs to get as far as reading the body."""
    return [
        ("/api/v1/ra/orders", {"Authorization": f"Bearer {keys['ra']}"}),
        ("/api/v1/rp/verify", {"Authorization": f"Bearer {keys['rp']}"}),
        ("/api/v1/rp/nonces", {"Authorization": f"Bearer {keys['rp']}"}),
        ("/testbed/subscribers", {}),
        ("/widget/transactions", {"Origin": RP_ORIGIN}),
    ]


def parsing_endpoints(keys) -> list[tuple[str, dict[str, str]]]:
    """The JSON endpoints that parse a body (a nonce is asked for with none)."""
    return [(url, headers) for url, headers in json_endpoints(keys) if url != "/api/v1/rp/nonces"]


@FUZZ
@given(body=json_values, raw=st.one_of(st.none(), st.binary(max_size=200)))
def test_api_bodies(client, keys, body, raw):
    for url, headers in json_endpoints(keys):
        if raw is None:
            response = client.post(url, json=body, headers=headers)
        else:
            response = client.post(url, data=raw, headers={**headers, "Content-Type": "application/json"})
        assert_json_error(response)


@FUZZ
@given(body=deeply_nested)
def test_deeply_nested_bodies_get_a_json_error(client, keys, body):
    for url, headers in parsing_endpoints(keys):
        response = client.post(url, data=body, headers={**headers, "Content-Type": "application/json"})
        assert 400 <= response.status_code < 500, (url, response.status_code)
        assert_json_error(response)


def test_200000_brackets_get_a_400_in_each_apis_own_shape(client, keys):
    brackets = "[" * 200_000
    for url, headers in parsing_endpoints(keys):
        response = client.post(url, data=brackets, headers={**headers, "Content-Type": "application/json"})
        assert response.status_code == 400 and response.is_json, (url, response.status_code)
        expected = "800001" if url == "/widget/transactions" else "invalid_json"
        assert response.json["error"]["code"] == expected
        assert "16단계" in response.json["error"]["message"]


def test_a_body_over_the_size_limit_gets_a_413_in_json(client, keys):
    huge = '{"name": "' + "가" * 100_000 + '"}'  # 300 KB of UTF-8
    for url, headers in parsing_endpoints(keys):
        response = client.post(url, data=huge.encode(), headers={**headers, "Content-Type": "application/json"})
        assert response.status_code == 413 and response.is_json, (url, response.status_code)


@FUZZ
@given(body=json_values)
def test_sdk_transaction_bodies(client, body):
    api_key, _secret = demo_credentials()
    shaped = {"orgCode": "DEMO_RP", "apiKey": api_key, **body} if isinstance(body, dict) else body
    response = client.post("/widget/transactions", json=shaped, headers={"Origin": RP_ORIGIN})
    assert_json_error(response)


@FUZZ
@given(serial=nasty_text.filter(lambda text: "/" not in text and text.strip()), to=nasty_text)
def test_query_and_path_values(client, serial, to):
    assert_json_error(client.get(f"/pki/status/{serial}"))
    assert_json_error(client.get("/testbed/outbox", query_string={"to": to}))


# --- every widget entry point -------------------------------------------------------------

path_text = nasty_text.filter(lambda text: "/" not in text and text.strip() not in ("", ".", ".."))


def widget_urls(app, value: str) -> list[tuple[str, str]]:
    """(method, URL) of every widget route, each path part filled with ``value``."""
    urls = []
    for rule in app.url_map.iter_rules():
        if not rule.endpoint.startswith("widget."):
            continue
        path = rule.rule
        for argument in rule.arguments:
            path = re.sub(rf"<(?:[a-z]+:)?{argument}>", quote(value, safe=""), path)
        urls += [(method, path) for method in sorted(rule.methods - {"HEAD", "OPTIONS"})]
    return urls


@FUZZ
@given(value=path_text, query=nasty_text, values=form_values("name", "ref_num", "auth_code", "key", "code"))
def test_every_widget_entry_point(app, client, csrf, value, query, values):
    """Whatever path, query and form an entry point gets, a Korean page or JSON error, no 500."""
    for method, url in widget_urls(app, value):
        if method == "GET":
            response = client.get(url, query_string={"at": query, "banks": query, "ui": query})
        elif url == "/widget/transactions":
            response = client.post(url, json=values, headers={"Origin": RP_ORIGIN})
        else:
            response = client.post(url, data={"csrf_token": csrf, **values}, headers=HTMX)
        if url == "/widget/transactions":
            assert_json_error(response)
        else:
            assert_handled(response)
