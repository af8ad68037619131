"""The integrators' test bed: certificates without a bank, the SMS outbox as JSON."""

from __future__ import annotations

from cryptography import x509

from app import create_app
from app.extensions import db
from app.sms.gateway import send_message

PERSON = {"name": "테스트", "phone": "010-5555-0001", "birth_date": "19851212", "bank_code": "081", "pin": "246813"}


def test_a_subscriber_and_certificate_in_one_call(client):
    response = client.post("/testbed/subscribers", json=PERSON)
    assert response.status_code == 201
    certificate = x509.load_pem_x509_certificate(response.json["cert_pem"].encode())
    assert format(certificate.serial_number, "X") == response.json["serial"]
    assert response.json["subject"].startswith("테스트()081")


def test_bad_input_is_a_422_per_field(client):
    response = client.post("/testbed/subscribers", json={**PERSON, "pin": "111111", "bank_code": "999"})
    assert response.status_code == 422
    assert "bank_code" in response.json["error"]["fields"]
    response = client.post("/testbed/subscribers", json={**PERSON, "pin": "111111"})
    assert response.status_code == 422 and "같은 숫자" in response.json["error"]["fields"]["pin"]


def test_outbox_lists_messages_to_a_number_newest_first(client, app):
    send_message("01055550001", "첫째")
    send_message("01055550001", "둘째")
    send_message("01099990000", "남의 것")
    db.session.commit()
    messages = client.get("/testbed/outbox?to=010-5555-0001").json["messages"]
    assert [message["body"] for message in messages] == ["둘째", "첫째"]
    assert client.get("/testbed/outbox?to=nope").status_code == 422


def test_the_test_bed_is_off_unless_enabled(tmp_path):
    app = create_app({"INSTANCE_PATH": str(tmp_path), "SQLALCHEMY_DATABASE_URI": "sqlite://", "SECRET_KEY": "x"})
    client = app.test_client()
    assert client.post("/testbed/subscribers", json=PERSON).status_code == 404
    assert client.get("/testbed/outbox?to=01055550001").status_code == 404
