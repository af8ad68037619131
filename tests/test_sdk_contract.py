"""The SDK contract as a relying party meets it: every sign option does what it says (checked by
the Flask-free verifier and by ``openssl cms``), what cannot be honoured is refused with 800001
and a reason, and every answer to a registered origin can be read by the page."""

from __future__ import annotations

import base64
import hashlib
import re
import subprocess
from datetime import timedelta
from pathlib import Path

import pytest
from cryptography import x509

from app import contract
from app.banks import get_bank
from app.clock import KST, utcnow
from app.cloud.certificates import x509_of
from app.extensions import db
from app.models import WidgetTransaction
from app.personal_info import parse_birth_date
from app.pki.ca import current_ca
from app.pki.verifier import embedded_content, signed_content, verify_signed_value, verify_vid
from app.ra.orders import open_order, place_order, redeem_order
from app.rp.clients import DEMO_ORG_CODE, demo_credentials
from app.rp.verification import SignedItem, service_trust, verify_for_rp
from app.widget import cert_list, cloud_access, signing
from app.widget.sdk import open_for_rp
from app.widget.sdk_routes import SDK_VERSION, sdk_integrity
from app.widget.steps import Step
from tests.support import DEFAULT_PIN, subscriber_with_certificate
from tests.widget_services import HONG, PC, RP_ORIGIN, demo_client, fresh_nonce, reach_cloud, type_pin

ROOT = Path(__file__).resolve().parent.parent
RRN = "9001011234568"  # fictitious, check digit valid; 홍길동 born 1990-01-01


def sdk_body(*requests: dict, **extra) -> dict:
    api_key, _secret = demo_credentials()
    return {"orgCode": DEMO_ORG_CODE, "apiKey": api_key, "op": "sign", "nonce": fresh_nonce(),
            "requests": list(requests), **extra}  # fmt: skip


def signed_by_pin(body: dict, certificate_id: int | None = None) -> tuple[WidgetTransaction, dict]:
    """Open the RP's request, reach the cloud, choose the certificate and type the PIN."""
    transaction = open_for_rp(body, origin=RP_ORIGIN, browser_id=PC)
    reach_cloud(transaction)
    if transaction.step == Step.SELECT:
        from app.widget.contexts import certificate_list

        first = certificate_list(transaction)["certificates"][0][0]
        signing.choose_certificate(transaction, certificate_id or first.id)
    type_pin(transaction)
    assert transaction.status == "done", (transaction.step, transaction.notice)
    return transaction, transaction.handoff


def check(result: dict, transaction: WidgetTransaction, index: int = 0, **content) -> None:
    """The RP's verification of ``signedVals[index]`` with the Flask-free verifier."""
    verify_signed_value(
        result["signedVals"][index],
        org_code=DEMO_ORG_CODE,
        nonce=transaction.nonce,
        trust=service_trust(),
        certificate=x509.load_pem_x509_certificate(result["certificate"].encode()),
        **content,
    )


def der(signed_val: str) -> bytes:
    return base64.urlsafe_b64decode(signed_val + "=" * (-len(signed_val) % 4))


def openssl_cms_verify(tmp_path: Path, signature: bytes, content: bytes | None) -> subprocess.CompletedProcess:
    (tmp_path / "root.pem").write_bytes(current_ca().root_pem)
    (tmp_path / "signature.der").write_bytes(signature)
    command = ["openssl", "cms", "-verify", "-CAfile", str(tmp_path / "root.pem"), "-inform", "DER", "-binary",
               "-in", str(tmp_path / "signature.der"), "-out", str(tmp_path / "out.bin")]  # fmt: skip
    if content is not None:
        (tmp_path / "content.bin").write_bytes(content)
        command += ["-content", str(tmp_path / "content.bin")]
    return subprocess.run(command, capture_output=True, check=False)


# --- formats -----------------------------------------------------------------------------------


@pytest.mark.parametrize("algorithm", ["RSASSA-PKCS1-v1_5_SHA256", "RSASSA-PSS_SHA256_MGF_SHA256"])
def test_pkcs1_is_a_raw_signature_that_the_verifier_checks_with_the_results_certificate(app, algorithm):
    subscriber_with_certificate()
    request = {"signType": "05", "format": "PKCS1", "algorithm": algorithm, "contents": ["결제 39,000원"]}
    transaction, result = signed_by_pin(sdk_body(request))
    raw = der(result["signedVals"][0])
    assert len(raw) == 256  # an RSA-2048 signature, no CMS around it
    check(result, transaction, sign_type="05", plain_text="결제 39,000원", format="PKCS1")


def test_pss_is_used_when_asked_and_openssl_accepts_it(app, tmp_path):
    subscriber_with_certificate()
    request = {"signType": "02", "algorithm": "RSASSA-PSS_SHA256_MGF_SHA256", "contents": ["이체 1원"]}
    transaction, result = signed_by_pin(sdk_body(request))
    signature = der(result["signedVals"][0])
    assert bytes.fromhex("2a864886f70d01010a") in signature  # id-RSASSA-PSS
    content = signed_content(org_code=DEMO_ORG_CODE, sign_type="02", nonce=transaction.nonce, plain_text="이체 1원")
    assert openssl_cms_verify(tmp_path, signature, content).returncode == 0


def test_attached_cms_carries_the_content_and_verifies_without_it(app, tmp_path):
    subscriber_with_certificate()
    request = {"signType": "04", "withoutContent": False, "contents": ["전자계약 제1조"]}
    transaction, result = signed_by_pin(sdk_body(request))
    signature = der(result["signedVals"][0])
    expected = signed_content(
        org_code=DEMO_ORG_CODE, sign_type="04", nonce=transaction.nonce, plain_text="전자계약 제1조"
    )
    assert embedded_content(signature) == expected
    assert openssl_cms_verify(tmp_path, signature, None).returncode == 0
    assert (tmp_path / "out.bin").read_bytes() == expected
    check(result, transaction, sign_type="04", plain_text="전자계약 제1조")


def test_general_syntax_false_gives_a_bare_signed_data(app):
    subscriber_with_certificate()
    transaction, result = signed_by_pin(sdk_body({"generalSyntax": False}))
    assert der(result["signedVals"][0])[4:8] != bytes.fromhex("06092a86")  # no ContentInfo's OID first
    check(result, transaction, sign_type="01", plain_text="로그인")


def test_a_given_signing_time_is_the_signatures(app):
    subscriber_with_certificate()
    when = (utcnow() + timedelta(minutes=2)).replace(microsecond=0)  # after the certificate's start
    text = when.replace(tzinfo=__import__("datetime").UTC).astimezone(KST).strftime("%Y%m%d%H%M%S")
    transaction, result = signed_by_pin(sdk_body({"time": text}))
    signer = verify_signed_value(
        result["signedVals"][0], org_code=DEMO_ORG_CODE, sign_type="01", nonce=transaction.nonce,
        plain_text="로그인", trust=service_trust(),
    )  # fmt: skip
    assert signer.signing_time.replace(tzinfo=None) == when


def test_euc_kr_text_is_signed_in_euc_kr(app):
    subscriber_with_certificate()
    transaction, result = signed_by_pin(
        sdk_body({"signType": "05", "encoding": "EUC-KR", "contents": ["납부 5,000원"]})
    )
    check(result, transaction, sign_type="05", plain_text="납부 5,000원", encoding="EUC-KR")
    with pytest.raises(Exception, match="content_mismatch"):
        check(result, transaction, sign_type="05", plain_text="납부 5,000원")  # the UTF-8 bytes differ


def test_binary_and_hash_contents_are_bound_like_texts(app):
    subscriber_with_certificate()
    document = "계약서 PDF의 바이트".encode()
    binary = base64.urlsafe_b64encode(document).decode().rstrip("=")
    digest = base64.urlsafe_b64encode(hashlib.sha256(document).digest()).decode().rstrip("=")
    transaction, result = signed_by_pin(
        sdk_body({"signType": "04", "contentType": "binary", "contents": [binary]},
                 {"signType": "04", "contentType": "hash", "contents": [digest]})
    )  # fmt: skip
    check(result, transaction, 0, sign_type="04", binary=binary)
    check(result, transaction, 1, sign_type="04", hash=digest)


def test_multi_sign_returns_one_value_per_content_in_order_and_verifies_once_with_one_nonce(app):
    subscriber_with_certificate()
    body = sdk_body({"signType": "02", "contents": ["이체 1", "이체 2"]}, {"signType": "05", "contents": ["결제 3"]})
    transaction, result = signed_by_pin(body)
    assert len(result["signedVals"]) == 3
    items = [SignedItem(result["signedVals"][0], "02", "plainText", "이체 1"),
             SignedItem(result["signedVals"][1], "02", "plainText", "이체 2"),
             SignedItem(result["signedVals"][2], "05", "plainText", "결제 3")]  # fmt: skip
    assert verify_for_rp(demo_client(), nonce=transaction.nonce, items=items).name == "홍길동"


def test_include_r_returns_the_r_that_confirms_the_persons_number(app):
    order, auth_code = place_order(
        get_bank("004"), name="홍길동", phone="01012345678", birth_date=parse_birth_date("19900101"),
        email=None, kind="issue", rrn=RRN,
    )  # fmt: skip
    certificate = redeem_order(open_order(order.ref_num, auth_code), pin=DEFAULT_PIN)
    transaction, result = signed_by_pin(sdk_body({"includeR": True}))
    r_value = base64.b64decode(result["rValue"])
    assert verify_vid(x509_of(certificate), RRN, r_value)
    assert not verify_vid(x509_of(certificate), "9001011234573", r_value)


def test_include_r_for_a_certificate_without_a_vid_ends_with_800001_and_a_reason(app):
    subscriber_with_certificate()
    transaction = open_for_rp(sdk_body({"includeR": True}), origin=RP_ORIGIN, browser_id=PC)
    reach_cloud(transaction)
    from app.widget.contexts import certificate_list

    signing.choose_certificate(transaction, certificate_list(transaction)["certificates"][0][0].id)
    type_pin(transaction)
    assert transaction.step == Step.CLOSED
    assert transaction.handoff["code"] == contract.BAD_REQUEST
    assert "본인확인" in transaction.handoff["message"]


# --- refusals ----------------------------------------------------------------------------------

REFUSED = {
    "sign type": ({"signType": "42"}, "signType"),
    "format": ({"format": "XML"}, "CMS 또는 PKCS1"),
    "PKCS1 with CMSInfo": ({"format": "PKCS1", "withoutContent": False}, "PKCS1"),
    "time far away": ({"time": "20200101000000"}, "분 이내"),
    "time not a time": ({"time": "tomorrow"}, "YYYYMMDDHHmmss"),
    "algorithm": ({"algorithm": "RSASSA-PKCS1-v1_5_SHA1"}, "algorithms"),
    "encoding": ({"encoding": "UTF-16"}, "encoding"),
    "not EUC-KR": ({"encoding": "EUC-KR", "contents": ["😀"]}, "EUC-KR"),
    "binary": ({"contentType": "binary", "contents": ["not base64!"]}, "base64url"),
    "hash length": ({"contentType": "hash", "contents": ["AAAA"]}, "SHA-256"),
    "bidi override": ({"contents": ["송금 \u202e원000,01"]}, "U+202E"),
    "too many": ({"contents": [f"{n}" for n in range(11)]}, "1~10"),
    "content kind": ({"contentType": "xml", "contents": ["x"]}, "plainText, binary, hash"),
}


@pytest.mark.parametrize("request_", list(REFUSED.values()), ids=list(REFUSED))
def test_what_cannot_be_honoured_is_refused_with_800001_and_a_reason(app, client, request_):
    fields, reason = request_
    response = client.post("/widget/transactions", json=sdk_body(fields), headers={"Origin": RP_ORIGIN})
    assert response.status_code == 422
    assert response.json["error"]["code"] == "800001" and reason in response.json["error"]["message"]
    assert response.headers["Access-Control-Allow-Origin"] == RP_ORIGIN  # the page can read why
    assert db.session.query(WidgetTransaction).count() == 0


def test_every_error_reaches_a_registered_page_with_its_code(app, client):
    api_key, _secret = demo_credentials()
    cases = [
        ({"orgCode": DEMO_ORG_CODE, "apiKey": "pk_wrong", "nonce": fresh_nonce()}, 403, "800002"),
        ({"orgCode": DEMO_ORG_CODE, "apiKey": api_key, "nonce": "short"}, 422, "800003"),
        ({"orgCode": DEMO_ORG_CODE, "apiKey": api_key, "nonce": fresh_nonce(), "lang": "fra"}, 422, "800001"),
        ({"orgCode": DEMO_ORG_CODE, "apiKey": api_key, "op": "teleport"}, 422, "800001"),
    ]
    for body, status, code in cases:
        response = client.post("/widget/transactions", json=body, headers={"Origin": RP_ORIGIN})
        assert (response.status_code, response.json["error"]["code"]) == (status, code), body
        assert response.headers["Access-Control-Allow-Origin"] == RP_ORIGIN
        assert response.headers["Access-Control-Allow-Credentials"] == "true"
    stranger = client.post("/widget/transactions", json=cases[0][0], headers={"Origin": "https://evil.example"})
    assert stranger.status_code == 403 and "Access-Control-Allow-Origin" not in stranger.headers


def test_init_checks_the_key_and_the_pages_origin(app, client):
    api_key, _secret = demo_credentials()
    ok = client.post(
        "/widget/sdk/hello", json={"orgCode": DEMO_ORG_CODE, "apiKey": api_key}, headers={"Origin": RP_ORIGIN}
    )
    assert ok.status_code == 200 and ok.json["ok"] is True
    wrong = client.post(
        "/widget/sdk/hello", json={"orgCode": DEMO_ORG_CODE, "apiKey": "x"}, headers={"Origin": RP_ORIGIN}
    )
    assert wrong.status_code == 403 and wrong.json["error"]["code"] == "800002"
    assert wrong.headers["Access-Control-Allow-Origin"] == RP_ORIGIN


def test_a_policy_of_another_service_is_refused(app, client):
    response = client.post("/widget/transactions", json=sdk_body({}, view={"oid": "1.2.410.200005.1.1.1"}),
                           headers={"Origin": RP_ORIGIN})  # fmt: skip
    assert response.json["error"]["code"] == "800001" and app.config["POLICY_OID"] in response.json["error"]["message"]


# --- view and setAuthData ----------------------------------------------------------------------


def test_view_cert_seq_num_preselects_and_last_access_cert_lists_only_the_last_used(app):
    _subscriber, kb = subscriber_with_certificate(bank_code="004")
    _subscriber, shinhan = subscriber_with_certificate(bank_code="088")
    preselected = open_for_rp(
        sdk_body({}, view={"certSeqNum": shinhan.serial.lower()}), origin=RP_ORIGIN, browser_id=PC
    )
    reach_cloud(preselected)
    assert (preselected.step, preselected.certificate_id) == (Step.PIN, shinhan.id)
    type_pin(preselected)

    from app.widget.contexts import certificate_list

    last_only = open_for_rp(sdk_body({}, view={"lastAccessCert": True}), origin=RP_ORIGIN, browser_id=PC)
    reach_cloud(last_only)
    assert [c.bank_code for c, _state in certificate_list(last_only)["certificates"]] == ["088"]


def test_enable_text_view_shows_a_logins_text_too(app, client):
    subscriber_with_certificate()
    from tests.widget_driver import WidgetBrowser

    plain = WidgetBrowser(app, client)
    texted = WidgetBrowser(app, client, extra={"view": {"enableTextView": True}})
    for browser in (plain, texted):
        browser.identify()
        browser.post("sms", code=browser.latest_code("01012345678"))
        listing = browser.post("consent").get_data(as_text=True)
        certificate_id = re.search(r'name="certificate_id" value="(\d+)"', listing).group(1)
        browser.post("select", certificate_id=certificate_id)
    assert "서명할 내용" not in plain.last.get_data(as_text=True)
    assert "서명할 내용" in texted.last.get_data(as_text=True)


def test_set_auth_data_prefills_and_with_disable_input_holds_the_widget_to_that_person(app, client):
    subscriber_with_certificate()
    auth = {"name": "홍길동", "phone": "010-1234-5678", "birthday": "19900101", "disableInput": True}
    transaction = open_for_rp(sdk_body({}, authData=auth), origin=RP_ORIGIN, browser_id=PC)
    cloud_access.begin(transaction, None)
    from app.widget.cloud_access import NotTheRequestedPerson
    from app.widget.contexts import identify

    with app.test_request_context():
        shown = identify(transaction)
    assert shown["identity_locked"] and shown["form"].name.data == "홍길동"
    with pytest.raises(NotTheRequestedPerson):
        cloud_access.submit_identity(transaction, name="김타인", phone="01099998888",
                                     birth_date=parse_birth_date("19800101"))  # fmt: skip
    cloud_access.submit_identity(transaction, name=HONG.name, phone=HONG.phone, birth_date=HONG.birth_date)
    assert transaction.step == Step.SMS


def test_a_disabled_input_ignores_another_persons_auto_connect(app):
    _subscriber, certificate = subscriber_with_certificate()
    from tests.widget_services import log_in

    _first, token = log_in(certificate_id=certificate.id, auto_connect=True)
    auth = {"name": "김타인", "phone": "01099998888", "birthday": "19800101", "disableInput": True}
    transaction = open_for_rp(sdk_body({}, authData=auth), origin=RP_ORIGIN, browser_id=PC)
    cloud_access.begin(transaction, token)
    assert transaction.step == Step.IDENTIFY and transaction.subscriber_id is None


# --- other methods -----------------------------------------------------------------------------


def test_get_cert_info_list_gives_the_list_after_consent(app):
    subscriber_with_certificate(bank_code="004")
    subscriber_with_certificate(bank_code="088")
    api_key, _secret = demo_credentials()
    body = {"orgCode": DEMO_ORG_CODE, "apiKey": api_key, "op": "certlist", "nonce": fresh_nonce()}
    transaction = open_for_rp(body, origin=RP_ORIGIN, browser_id=PC)
    reach_cloud(transaction)
    assert transaction.step == Step.SHARE
    cert_list.share(transaction)
    infos = transaction.handoff["certInfos"]
    assert sorted(info["bankCode"] for info in infos) == ["004", "088"]
    assert all(info["certificate"].startswith("-----BEGIN CERTIFICATE-----") for info in infos)
    assert "signedVals" not in transaction.handoff


def test_issue_opens_stage_two_for_a_banks_page_and_hands_it_the_certificate(app):
    order, auth_code = place_order(get_bank("004"), name="홍길동", phone="01012345678",
                                   birth_date=parse_birth_date("19900101"), email=None, kind="issue")  # fmt: skip
    api_key, _secret = demo_credentials()
    body = {"orgCode": DEMO_ORG_CODE, "apiKey": api_key, "op": "issue", "refNum": order.ref_num, "authCode": auth_code}
    transaction = open_for_rp(body, origin=RP_ORIGIN, browser_id=PC)
    assert transaction.step == Step.IDENTIFY and transaction.origin == RP_ORIGIN
    from tests.widget_services import prove_phone

    prove_phone(transaction)
    type_pin(transaction, "482916")
    type_pin(transaction, "482916")
    assert transaction.step == Step.ISSUED
    assert transaction.handoff["ok"] and transaction.handoff["certSeqNum"]


def test_check_and_disconnect_cloud_connection_from_the_warm_frame(app, client):
    _subscriber, certificate = subscriber_with_certificate()
    api_key, _secret = demo_credentials()
    from tests.conftest import csrf_token_from
    from tests.widget_services import log_in

    _login, token = log_in(certificate_id=certificate.id, auto_connect=True)
    client.set_cookie("fincert_device", token, domain="localhost")
    page = client.get(f"/widget/warm?org={DEMO_ORG_CODE}")
    assert f"frame-ancestors {RP_ORIGIN}" in page.headers["Content-Security-Policy"]
    headers = {"X-CSRFToken": csrf_token_from(page.get_data(as_text=True))}
    question = {"orgCode": DEMO_ORG_CODE, "apiKey": api_key, "origin": RP_ORIGIN}
    assert client.post("/widget/cloud-conn", json=question, headers=headers).json == {"connected": True}
    assert client.post("/widget/cloud-conn/disconnect", json=question, headers=headers).json["disconnected"]
    assert client.post("/widget/cloud-conn", json=question, headers=headers).json == {"connected": False}
    forged = client.post("/widget/cloud-conn", json={**question, "origin": "https://evil.example"}, headers=headers)
    assert forged.status_code == 403 and forged.json["error"]["code"] == "800002"


def test_the_warm_frame_may_be_framed_by_the_calling_rp_only(app, client):
    from app.rp.clients import register_client

    register_client("OTHER_SHOP", "다른 쇼핑몰", ["https://other-shop.example"])
    csp = client.get(f"/widget/warm?org={DEMO_ORG_CODE}").headers["Content-Security-Policy"]
    assert f"frame-ancestors {RP_ORIGIN}" in csp and "other-shop" not in csp
    assert "frame-ancestors 'none'" in client.get("/widget/warm").headers["Content-Security-Policy"]


# --- the pinnable SDK --------------------------------------------------------------------------


def test_the_sdk_is_served_at_a_versioned_immutable_url_the_readme_pins(app, client):
    pinned = client.get(f"/sdk/v1/fincert-{SDK_VERSION}.js")
    assert pinned.status_code == 200 and "immutable" in pinned.headers["Cache-Control"]
    assert pinned.headers["Access-Control-Allow-Origin"] == "*"
    body = pinned.get_data()
    assert f'var VERSION = "{SDK_VERSION}"' in body.decode()
    digest = "sha384-" + base64.b64encode(hashlib.sha384(body).digest()).decode()
    assert digest == sdk_integrity()
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert f"/sdk/v1/fincert-{SDK_VERSION}.js" in readme and digest in readme, "update the README's integrity"
    latest = client.get("/sdk/v1/fincert.js")
    assert latest.get_data() == body and "immutable" not in latest.headers["Cache-Control"]
    assert client.get("/sdk/v1/fincert-0.0.1.js").status_code == 404


def test_an_rp_may_register_its_own_nonce(app, client):
    _api_key, secret = demo_credentials()
    own = "my-own-nonce-" + fresh_nonce()
    headers = {"Authorization": f"Bearer {secret}"}
    created = client.post("/api/v1/rp/nonces", json={"nonce": own}, headers=headers)
    assert created.status_code == 201 and created.json["nonce"] == own
    again = client.post("/api/v1/rp/nonces", json={"nonce": own}, headers=headers)
    assert again.status_code == 422 and again.json["error"]["code"] == "nonce_rejected"
    assert client.post("/api/v1/rp/nonces", headers=headers).status_code == 201  # the service's own
