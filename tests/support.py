"""Helpers for tests (unit and e2e): building the test app and emptying its database."""

from __future__ import annotations

import contextvars
import os
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import flask_migrate
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import event, text

from app import create_app
from app.extensions import db
from app.seeding import seed_all

# Fast KDF parameters for tests only; the production default is in app/config.py.
TEST_CONFIG: dict[str, Any] = {
    "TESTING": True,
    "SCRYPT_N": 2**10,
    "TESTBED": True,
    "DEV_OUTBOX": True,
    "SECRET_KEY": "test-secret-key-not-for-production",
    # Tests drive many logins from one address; the rate-limit tests turn limits on themselves.
    "RATE_LIMITS_ENABLED": False,
}


class IsolatedClient(FlaskClient):
    """A test client whose requests get their own app context, as in production.

    The tests hold an app context for database work; without this, each request would
    reuse it and share ``g`` and the database session with the test and other requests.
    """

    def open(self, *args: Any, **kwargs: Any) -> Any:
        return contextvars.Context().run(super().open, *args, **kwargs)


def make_test_app(instance: Path, **overrides: Any) -> Flask:
    """An app on its own instance folder; the database is PostgreSQL when TEST_DATABASE_URL is set."""
    config = {**TEST_CONFIG, "INSTANCE_PATH": str(instance), **overrides}
    database_url = os.environ.get("TEST_DATABASE_URL")
    if database_url and "SQLALCHEMY_DATABASE_URI" not in overrides:
        config["SQLALCHEMY_DATABASE_URI"] = database_url
    application = create_app(config)
    application.test_client_class = IsolatedClient
    with application.app_context():
        if application.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql"):
            db.session.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
            db.session.commit()
        flask_migrate.upgrade()
    return application


@contextmanager
def rolled_back() -> Iterator[None]:
    """Run a test inside one outer transaction that is rolled back afterwards.

    Every session of the test and of its requests is bound to one connection; the code's own
    commits and rollbacks become savepoints inside the outer transaction (SQLAlchemy's
    "joining a session into an external transaction"). Tests that need several connections
    (races, a thief's engine) are marked ``committed`` and use ``reset_database`` instead.
    """
    db.session.remove()
    connection = db.engine.connect()
    if connection.dialect.name == "sqlite":
        # pysqlite starts transactions on its own and would let a released SAVEPOINT commit:
        # take over, so that BEGIN/SAVEPOINT/RELEASE mean what they say.
        connection.connection.driver_connection.isolation_level = None
        event.listen(connection, "begin", lambda conn: conn.exec_driver_sql("BEGIN"))
    outer = connection.begin()
    factory = db.session.session_factory
    saved_class, saved_kw = factory.class_, dict(factory.kw)
    factory.class_ = type("TestSession", (saved_class,), {"get_bind": lambda self, *args, **kwargs: connection})
    factory.kw["join_transaction_mode"] = "create_savepoint"
    try:
        yield
    finally:
        db.session.remove()
        factory.class_, factory.kw = saved_class, saved_kw
        outer.rollback()
        if connection.dialect.name == "sqlite":
            connection.connection.driver_connection.isolation_level = ""
        connection.close()


def reset_database() -> None:
    """Delete every row (children first), then seed the banks and demo data again."""
    db.session.rollback()
    if db.engine.dialect.name == "postgresql":
        names = ", ".join(f'"{table.name}"' for table in db.metadata.sorted_tables)
        db.session.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
    else:
        for table in reversed(db.metadata.sorted_tables):
            db.session.execute(table.delete())
    db.session.commit()
    db.session.expunge_all()  # the rows are gone: the objects the session still holds must go too
    seed_all()


DEFAULT_PIN = "246813"


def subscriber_with_certificate(
    name: str = "홍길동",
    phone: str = "01012345678",
    birth: str = "19900101",
    bank_code: str = "004",
    pin: str = DEFAULT_PIN,
    **issue_options: Any,
):
    """A cloud account with one certificate, made through the same services a bank uses."""
    from app.banks import get_bank
    from app.cloud.certificates import find_or_create_subscriber, issue_certificate
    from app.personal_info import parse_birth_date

    subscriber = find_or_create_subscriber(name, phone, parse_birth_date(birth))
    certificate = issue_certificate(subscriber, get_bank(bank_code), pin, **issue_options)
    db.session.commit()
    return subscriber, certificate


def run_in_parallel(app, count: int, action: Callable[[], str]) -> list[str]:
    """``count`` threads, each with its own app context and connection, released together."""
    outcomes: list[str] = []
    start = threading.Barrier(count)

    def worker() -> None:
        with app.app_context():
            try:
                start.wait(timeout=30)
                outcomes.append(action())
            finally:
                db.session.remove()

    threads = [threading.Thread(target=worker) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcomes
