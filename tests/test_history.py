"""최근 이용 내역 in 인증서 관리: what was done with the cloud, by whom, newest first."""

from __future__ import annotations

from app.widget import cloud_access, contexts, signing
from app.widget.steps import Step
from tests.support import subscriber_with_certificate
from tests.widget_services import log_in, open_login, open_management, prove_phone, reach_cloud, type_pin


def history_in_management() -> list[tuple[str, str]]:
    """The history 인증서 관리 shows 홍길동, as (label, detail), newest first."""
    transaction = open_management()
    cloud_access.begin(transaction, None)
    prove_phone(transaction)
    assert transaction.step == Step.MANAGE
    return [(entry.label, entry.detail) for entry in contexts.manage(transaction)["history"]]


def test_the_history_lists_a_login_with_the_rp_and_the_issuance(app):
    _subscriber, certificate = subscriber_with_certificate()
    log_in(certificate_id=certificate.id)

    entries = history_in_management()
    login = entries.index(("로그인·전자서명", "데모 이용기관 · 로그인 · KB국민은행 인증서"))
    issuance = entries.index(("인증서 발급", "KB국민은행 인증서"))
    assert login < issuance  # newest first
    assert [label for label, _detail in entries].count("인증서 발급") == 1  # one entry per issuance
    assert ("클라우드 접근 허용", "데모 이용기관") in entries


def test_the_history_names_the_sign_type_of_a_transfer(app):
    _subscriber, certificate = subscriber_with_certificate()
    transaction = open_login(sign_type="02", plain_texts=["금액: 150,000원"])
    reach_cloud(transaction)
    signing.choose_certificate(transaction, certificate.id)
    type_pin(transaction)

    assert ("로그인·전자서명", "데모 이용기관 · 송금 · KB국민은행 인증서") in history_in_management()


def test_the_history_shows_wrong_pins_against_the_configured_limit(app, monkeypatch):
    monkeypatch.setitem(app.config, "PIN_MAX_FAILURES", 3)
    _subscriber, certificate = subscriber_with_certificate()
    transaction = open_login()
    reach_cloud(transaction)
    signing.choose_certificate(transaction, certificate.id)
    for _ in range(3):
        type_pin(transaction, "975310")

    entries = history_in_management()
    assert entries[:2] == [
        ("비밀번호 3회 오류로 잠김", "KB국민은행 인증서"),
        ("비밀번호 오류", "KB국민은행 인증서 · 3/3회"),
    ]
