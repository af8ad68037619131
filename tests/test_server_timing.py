"""``FINCERT_SERVER_TIMING=1``: each answer says where its time went (bench/load.py reads it)."""

from __future__ import annotations

import re

import pytest

from app.rp.clients import demo_credentials
from tests.support import make_test_app, reset_database


def test_off_by_default(client):
    assert "Server-Timing" not in client.get("/healthz").headers


@pytest.mark.committed  # its own app on its own database (the suite's rollback binds sessions elsewhere)
def test_when_on_each_answer_has_wall_cpu_sql_and_waiting_time(tmp_path):
    app = make_test_app(tmp_path, SERVER_TIMING=True)
    with app.app_context():
        reset_database()
        _api_key, secret = demo_credentials()
    answer = app.test_client().post("/api/v1/rp/nonces", headers={"Authorization": f"Bearer {secret}"})
    metrics = dict(re.findall(r"(\w+);dur=([\d.]+)", answer.headers["Server-Timing"]))
    assert set(metrics) == {"app", "cpu", "db", "lock"}
    assert float(metrics["db"]) > 0  # a nonce is written and committed
    assert float(metrics["app"]) >= float(metrics["db"]) >= float(metrics["lock"])
