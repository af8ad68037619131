"""A copy of the database is not enough to use a key: the KEK is needed too."""

from __future__ import annotations

import shutil

import pytest
from sqlalchemy import create_engine, text

from app.cloud.keystore import WrongPinForKey, unseal
from app.extensions import db
from tests.support import DEFAULT_PIN, subscriber_with_certificate


def test_a_stolen_database_with_the_right_pin_but_no_kek_opens_nothing(app, tmp_path):
    _subscriber, certificate = subscriber_with_certificate()
    database_file = db.engine.url.database
    if not database_file:
        pytest.skip("needs a file database")
    stolen = tmp_path / "stolen.sqlite3"
    db.session.commit()
    with db.engine.connect() as connection:
        connection.exec_driver_sql("PRAGMA wal_checkpoint(FULL)")
    shutil.copy(database_file, stolen)

    with create_engine(f"sqlite:///{stolen}").connect() as connection:
        blob, serial = connection.execute(
            text("SELECT key_blob, serial FROM certificates WHERE id = :id"), {"id": certificate.id}
        ).one()
        columns = [row[1] for row in connection.execute(text("PRAGMA table_info(certificates)"))]
    assert not any("pin" in column and "fail" not in column for column in columns)  # no PIN hash stored

    guessed_kek = bytes(32)
    with pytest.raises(WrongPinForKey):
        unseal(blob, DEFAULT_PIN, guessed_kek, context=serial)
    # Control: the same blob opens with the real KEK, so the failure above is the missing KEK.
    assert unseal(blob, DEFAULT_PIN, app.config["KEK"], context=serial)
