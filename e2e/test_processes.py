"""Several app processes behind a load balancer share everything through the database.

Two gunicorn processes sit behind a round-robin proxy (e2e/proxy.py), so consecutive requests
of one login land on different processes. The login still works, and a rate limit counts the
requests of both.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from flask import Flask
from playwright.sync_api import expect
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from app.extensions import db
from e2e.conftest import _free_port
from e2e.flows import allow_cloud_access, choose_certificate, enter_identity, enter_sms_code, start_login, type_pin
from e2e.proxy import RoundRobinProxy
from tests.support import DEFAULT_PIN, TEST_CONFIG, make_test_app, reset_database, subscriber_with_certificate

ROOT = Path(__file__).resolve().parent.parent


@dataclass
class Cluster:
    app: Flask
    url: str
    rp_url: str


def _separate_postgres_database() -> str | None:
    """Under make test-pg, a database of its own (the e2e live server uses the main one)."""
    main = os.environ.get("TEST_DATABASE_URL")
    if not main:
        return None
    engine = create_engine(make_url(main).set(drivername="postgresql+psycopg"), isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.execute(text("DROP DATABASE IF EXISTS fincert_cluster WITH (FORCE)"))
        connection.execute(text("CREATE DATABASE fincert_cluster"))
    engine.dispose()
    return make_url(main).set(drivername="postgresql+psycopg", database="fincert_cluster").render_as_string(False)


def _wait_until_up(port: int, process: subprocess.Popen) -> None:
    for _ in range(200):
        if process.poll() is not None:
            raise RuntimeError(f"gunicorn on {port} exited with {process.returncode}")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=5):
                return
        except OSError:  # refused, reset or timed out while the process starts
            time.sleep(0.1)
    raise RuntimeError(f"gunicorn on {port} did not start")


@pytest.fixture
def cluster(tmp_path) -> Iterator[Cluster]:
    ports = [_free_port(), _free_port()]
    with RoundRobinProxy(ports) as proxy:
        url, rp_url = f"http://127.0.0.1:{proxy.port}", f"http://localhost:{proxy.port}"
        database = _separate_postgres_database()
        overrides = {"PUBLIC_URL": url, "DEMO_RP_ORIGINS": rp_url}
        if database:
            overrides["SQLALCHEMY_DATABASE_URI"] = database
        instance = tmp_path / "instance"
        app = make_test_app(instance, **overrides)
        with app.app_context():
            reset_database()
            from app.pki.ca import current_ca

            current_ca()  # created once, before the processes start
        env = {
            **os.environ,
            "FINCERT_INSTANCE_PATH": str(instance),
            "SECRET_KEY": TEST_CONFIG["SECRET_KEY"],
            "FINCERT_PUBLIC_URL": url,
            "FINCERT_DEMO_RP_ORIGINS": rp_url,
            "FINCERT_TESTBED": "1",
            "FINCERT_SCRYPT_N": str(TEST_CONFIG["SCRYPT_N"]),
            "FINCERT_RATE_LIMITS": "1",
            "FINCERT_LIMIT_RA_API_BANK": "3/86400",
            "FINCERT_TRUSTED_PROXIES": "1",
        }
        if database:
            env["DATABASE_URL"] = database
        else:
            env.pop("DATABASE_URL", None)
        gunicorn = str(Path(sys.executable).with_name("gunicorn"))
        processes = [
            subprocess.Popen(
                [gunicorn, "--workers", "1", "--threads", "4", "--bind", f"127.0.0.1:{port}", "wsgi:app"],
                cwd=ROOT,
                env=env,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
            for port in ports
        ]
        try:
            for port, process in zip(ports, processes, strict=True):
                _wait_until_up(port, process)
            yield Cluster(app=app, url=url, rp_url=rp_url)
        finally:
            for process in processes:
                process.terminate()
            for process in processes:
                process.wait(timeout=10)
            with app.app_context():
                db.engine.dispose()


def test_a_login_started_on_one_process_finishes_on_another(cluster, desktop_context):
    with cluster.app.app_context():
        subscriber_with_certificate(name="홍길동", phone="01012345678", birth="19900101", bank_code="004")
    page = desktop_context.new_page()
    served_by: dict[str, set[str]] = {}
    page.on(
        "response",
        lambda response: (
            served_by.setdefault(response.headers.get("x-upstream", "?"), set()).add(
                response.request.method
                + " "
                + response.url.split(str(cluster.url.rsplit(":", 1)[1]), 1)[1].split("?")[0]
            )
            if "/widget/" in response.url
            else None
        ),
    )
    frame = start_login(page, cluster.rp_url, "desktop")
    enter_identity(frame, "홍길동", "01012345678", "19900101")
    enter_sms_code(frame, page, cluster.url, "01012345678")
    allow_cloud_access(frame, auto_connect=False)
    choose_certificate(frame, "KB국민은행")
    type_pin(frame, DEFAULT_PIN)
    expect(page.get_by_role("heading", name="로그인 성공")).to_be_visible()
    assert {"0", "1"} <= set(served_by), served_by
    assert any(request.startswith("POST") for request in served_by["0"]) and any(
        request.startswith("POST") for request in served_by["1"]
    )


def test_a_rate_limit_counts_the_requests_of_every_process(cluster):
    with cluster.app.app_context():
        from app.ra.orders import create_api_key

        key = create_api_key("004")
    # A fixed window that turned over between the requests would reset the count: not near midnight UTC.
    seconds_into_day = time.time() % 86400
    if seconds_into_day > 86400 - 30:
        time.sleep(86400 - seconds_into_day + 1)
    body = b'{"name": "\\ud64d\\uae38\\ub3d9", "phone": "01012345678", "birth_date": "19900101", "kind": "issue"}'
    statuses, upstreams = [], []
    for _ in range(4):
        request = urllib.request.Request(
            f"{cluster.url}/api/v1/ra/orders",
            data=body,
            method="POST",
            headers={"Content-Type": "application/json", "Authorization": f"Bearer {key}"},
        )
        try:
            with urllib.request.urlopen(request) as response:
                statuses.append(response.status)
                upstreams.append(response.headers["X-Upstream"])
        except urllib.error.HTTPError as error:
            statuses.append(error.code)
            upstreams.append(error.headers["X-Upstream"])
            retry_after = error.headers["Retry-After"]
    assert statuses == [201, 201, 201, 429]
    assert set(upstreams) == {"0", "1"}
    assert int(retry_after) > 0
