"""A copy of the database is not enough to use a key: the KEK is needed too."""

from __future__ import annotations

import pytest
from sqlalchemy import create_engine, inspect, text

from app.cloud.keystore import WrongPinForKey, unseal
from app.extensions import db
from tests.support import DEFAULT_PIN, subscriber_with_certificate


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
    assert unseal(blob, DEFAULT_PIN, app.config["KEK"], context=serial)
