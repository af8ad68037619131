"""A copy of the database is not enough to use a key: the KEK is needed too; and with the KEK
in a PKCS#11 token, a copy of the database and of the whole instance folder is not enough."""

from __future__ import annotations

import shutil
import sqlite3

import pytest
from sqlalchemy import create_engine, inspect, text

from app import create_app
from app.cloud.certificates import WrongPin, find_by_serial, unlock_private_key
from app.cloud.keystore import WrongPinForKey, unseal
from app.extensions import db
from app.key_source import FileKeySource, key_source
from app.pki.ca import load_ca
from tests.softhsm import session_token
from tests.support import DEFAULT_PIN, make_test_app, reset_database, subscriber_with_certificate


@pytest.mark.committed
def test_a_stolen_database_with_the_right_pin_but_no_kek_opens_nothing(app):
    _subscriber, certificate = subscriber_with_certificate()
    # The thief reads the database with their own connection: everything in it, nothing else.
    thief = create_engine(db.engine.url)
    with thief.connect() as connection:
        blob, serial = connection.execute(
            text("SELECT key_blob, serial FROM certificates WHERE id = :id"), {"id": certificate.id}
        ).one()
        everything = " ".join(
            str(value)
            for table in inspect(connection).get_table_names()
            for row in connection.execute(text(f'SELECT * FROM "{table}"'))
            for value in row
        )
    thief.dispose()
    assert DEFAULT_PIN not in everything  # no PIN, nor a PIN hash that would leak it

    guessed_kek = bytes(32)
    with pytest.raises(WrongPinForKey):
        unseal(blob, DEFAULT_PIN, guessed_kek, context=serial)
    # Control: the same blob opens with the real KEK, so the failure above is the missing KEK.
    assert unseal(blob, DEFAULT_PIN, key_source(), context=serial)


@pytest.mark.committed
def test_a_stolen_database_and_instance_folder_without_the_token_open_nothing(tmp_path):
    """With the KEK in a token, the thief copies the database and the whole instance folder
    (certificates, key references, the lock files, everything) and still opens no key."""
    instance = tmp_path / "instance"
    service = make_test_app(
        instance, SQLALCHEMY_DATABASE_URI=f"sqlite:///{instance}/fincert.sqlite3", **session_token().app_config()
    )
    with service.app_context():
        reset_database()
        _subscriber, certificate = subscriber_with_certificate()
        serial, blob = certificate.serial, certificate.key_blob
        assert unlock_private_key(certificate, DEFAULT_PIN)  # control: with the token it opens
        db.session.remove()
        db.engine.dispose()

    stolen = tmp_path / "stolen"
    shutil.copytree(instance, stolen)
    assert not list((stolen / "pki").glob("*.key")) and not (stolen / "kek.key").exists()
    with sqlite3.connect(stolen / "fincert.sqlite3") as copy:  # the copy really holds the sealed key
        assert copy.execute("SELECT key_blob FROM certificates WHERE serial = ?", (serial,)).fetchone() == (blob,)

    # Every file of the copy tried as a KEK, raw and as the instance KEK file format would hold it.
    for path in stolen.rglob("*"):
        if path.is_file():
            for candidate in _kek_candidates(path.read_bytes()):
                with pytest.raises(WrongPinForKey):
                    unseal(blob, DEFAULT_PIN, candidate, context=serial)

    # The thief runs the service on the copy, without the token: the right PIN opens nothing.
    thief = create_app(
        {
            "INSTANCE_PATH": str(stolen),
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{stolen}/fincert.sqlite3",
            "SECRET_KEY": "x",
            "PKCS11_MODULE": "",  # no token, whatever this machine's environment says
        }
    )
    with thief.app_context():
        copied = find_by_serial(serial)
        assert copied is not None and copied.key_blob == blob
        with pytest.raises(WrongPin):
            unlock_private_key(copied, DEFAULT_PIN)
        with pytest.raises(FileNotFoundError):  # the CA keys are not in the folder either
            load_ca(str(stolen), FileKeySource(thief.config["KEK"]))
        db.session.remove()


def _kek_candidates(data: bytes) -> list[bytes]:
    import base64
    import hashlib

    candidates = [hashlib.sha256(data).digest()]
    if len(data) >= 32:
        candidates.append(data[:32])
    try:
        decoded = base64.urlsafe_b64decode(data.strip() + b"=" * (-len(data.strip()) % 4))
        if len(decoded) == 32:
            candidates.append(decoded)
    except ValueError:
        pass
    return candidates
