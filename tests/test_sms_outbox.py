"""The SMS gateway: the embedded outbox, and the dev page that shows it only when enabled."""

from __future__ import annotations

from app import create_app
from app.extensions import db
from app.sms.gateway import OutboxGateway, outbox_for, send_message


def test_the_default_gateway_delivers_into_the_outbox(app):
    send_message("01012345678", "[금융인증서비스] 인증번호 [123456]")
    db.session.commit()
    messages = outbox_for("01012345678")
    assert [message.body for message in messages] == ["[금융인증서비스] 인증번호 [123456]"]
    assert messages[0].gateway == OutboxGateway.name


def test_the_dev_outbox_page_lists_messages_for_a_number(client, app):
    send_message("01099998888", "인증번호 [654321]")
    db.session.commit()
    page = client.get("/dev/outbox/?to=010-9999-8888").get_data(as_text=True)
    assert "인증번호 [654321]" in page


def test_the_dev_outbox_is_off_unless_enabled(tmp_path):
    app = create_app({"INSTANCE_PATH": str(tmp_path), "SQLALCHEMY_DATABASE_URI": "sqlite://", "SECRET_KEY": "x"})
    assert app.config["DEV_OUTBOX"] is False
    assert app.test_client().get("/dev/outbox/").status_code == 404
