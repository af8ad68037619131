"""The factory: secrets are generated per instance (mode 0600), never built in."""

from __future__ import annotations

import base64
import stat

import pytest

from app import create_app
from app.config import database_url, key_encryption_key, settings_from_env


def test_secrets_are_generated_into_the_instance_folder_with_mode_0600(tmp_path, monkeypatch):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.delenv("FINCERT_KEK", raising=False)
    app = create_app({"INSTANCE_PATH": str(tmp_path), "SQLALCHEMY_DATABASE_URI": "sqlite://"})
    for name in ("secret_key", "kek.key"):
        path = tmp_path / name
        assert path.exists()
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert len(app.config["KEK"]) == 32
    # A second start reuses them: sessions and encrypted keys survive restarts.
    again = create_app({"INSTANCE_PATH": str(tmp_path), "SQLALCHEMY_DATABASE_URI": "sqlite://"})
    assert again.config["SECRET_KEY"] == app.config["SECRET_KEY"]
    assert again.config["KEK"] == app.config["KEK"]


def test_two_instances_get_different_secrets(tmp_path, monkeypatch):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.delenv("FINCERT_KEK", raising=False)
    first = create_app({"INSTANCE_PATH": str(tmp_path / "a"), "SQLALCHEMY_DATABASE_URI": "sqlite://"})
    second = create_app({"INSTANCE_PATH": str(tmp_path / "b"), "SQLALCHEMY_DATABASE_URI": "sqlite://"})
    assert first.config["SECRET_KEY"] != second.config["SECRET_KEY"]
    assert first.config["KEK"] != second.config["KEK"]


def test_kek_from_the_environment_wins_and_is_checked(tmp_path):
    kek = bytes(range(32))
    encoded = base64.urlsafe_b64encode(kek).decode().rstrip("=")
    assert key_encryption_key({"FINCERT_KEK": encoded}, str(tmp_path)) == kek
    assert not (tmp_path / "kek.key").exists()
    with pytest.raises(RuntimeError):
        key_encryption_key({"FINCERT_KEK": base64.b64encode(b"short").decode()}, str(tmp_path))


def test_database_url_defaults_to_sqlite_in_the_instance_folder_and_maps_postgres(tmp_path):
    assert database_url({}, str(tmp_path)) == f"sqlite:///{tmp_path}/fincert.sqlite3"
    assert database_url({"DATABASE_URL": "postgres://u:p@h/db"}, "x") == "postgresql+psycopg://u:p@h/db"
    assert database_url({"DATABASE_URL": "postgresql://u@h/db"}, "x") == "postgresql+psycopg://u@h/db"


def test_rules_come_from_the_environment():
    settings = settings_from_env({"FINCERT_PIN_MAX_FAILURES": "3", "FINCERT_TESTBED": "1"})
    assert settings["PIN_MAX_FAILURES"] == 3
    assert settings["TESTBED"] is True
    assert settings_from_env({})["TESTBED"] is False
    assert settings_from_env({})["DEV_OUTBOX"] is False
