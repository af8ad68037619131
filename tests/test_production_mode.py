"""Production mode: ``FINCERT_ENV=production`` refuses what only development may have, and
``make serve`` runs without it."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from app import create_app
from app.config import UnsafeConfiguration

ROOT = Path(__file__).resolve().parent.parent
PRODUCTION = {
    "ENVIRONMENT": "production",
    "TESTBED": False,
    "DEV_OUTBOX": False,
    "SMS_PROVIDER_URL": "https://sms.example/send",
    "PUBLIC_URL": "https://cert.example",
    "SQLALCHEMY_DATABASE_URI": "sqlite://",
    "SECRET_KEY": "x",
}


def start(tmp_path, **changes):
    return create_app({"INSTANCE_PATH": str(tmp_path), **PRODUCTION, **changes})


def test_a_production_configuration_starts(tmp_path):
    assert start(tmp_path).config["ENVIRONMENT"] == "production"


@pytest.mark.parametrize(
    ("changes", "reason"),
    [
        ({"TESTBED": True}, "FINCERT_TESTBED is on"),
        ({"DEV_OUTBOX": True}, "FINCERT_DEV_OUTBOX is on"),
        ({"SMS_PROVIDER_URL": ""}, "FINCERT_SMS_PROVIDER_URL is not set"),
        ({"PUBLIC_URL": "http://cert.example"}, "must reach the service over https"),
    ],
)
def test_production_refuses_to_start_and_says_why(tmp_path, changes, reason):
    with pytest.raises(UnsafeConfiguration, match=reason):
        start(tmp_path, **changes)


def test_every_reason_is_given_at_once(tmp_path):
    with pytest.raises(UnsafeConfiguration) as refused:
        start(tmp_path, TESTBED=True, DEV_OUTBOX=True, SMS_PROVIDER_URL="", PUBLIC_URL="http://cert.example")
    assert str(refused.value).count("\n- ") == 4


@pytest.mark.parametrize("url", ["http://127.0.0.1:5000", "http://localhost:8000", "http://[::1]:5000"])
def test_a_loopback_address_may_use_http(tmp_path, url):
    start(tmp_path, PUBLIC_URL=url)


def test_the_environment_variable_turns_production_on(tmp_path, monkeypatch):
    monkeypatch.setenv("FINCERT_ENV", "production")
    monkeypatch.setenv("FINCERT_TESTBED", "1")
    with pytest.raises(UnsafeConfiguration, match="FINCERT_TESTBED is on"):
        create_app({"INSTANCE_PATH": str(tmp_path), "SQLALCHEMY_DATABASE_URI": "sqlite://", "SECRET_KEY": "x"})


def test_a_misspelt_environment_is_refused_rather_than_taken_for_development(tmp_path, monkeypatch):
    monkeypatch.setenv("FINCERT_ENV", "prod")
    with pytest.raises(UnsafeConfiguration, match="FINCERT_ENV must be one of development, production"):
        create_app({"INSTANCE_PATH": str(tmp_path), "SQLALCHEMY_DATABASE_URI": "sqlite://", "SECRET_KEY": "x"})


def test_development_keeps_the_demo_conveniences(tmp_path):
    app = create_app({"INSTANCE_PATH": str(tmp_path), "SQLALCHEMY_DATABASE_URI": "sqlite://", "SECRET_KEY": "x"})
    assert app.config["ENVIRONMENT"] == "development"


def test_make_serve_runs_without_the_test_bed_or_the_dev_outbox():
    planned = subprocess.run(["make", "-n", "serve"], cwd=ROOT, capture_output=True, text=True, check=True).stdout
    assert "gunicorn" in planned
    assert "FINCERT_TESTBED" not in planned and "FINCERT_DEV_OUTBOX" not in planned
    demo = subprocess.run(["make", "-n", "serve-demo"], cwd=ROOT, capture_output=True, text=True, check=True).stdout
    assert "FINCERT_TESTBED=1 FINCERT_DEV_OUTBOX=1" in demo and "gunicorn" in demo
