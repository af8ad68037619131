"""Fixtures shared by the unit tests: one app and database per session; each test's writes are
rolled back (tests marked ``committed`` really commit and get the database reset instead)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.support import make_test_app, reset_database, rolled_back

TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"|"X-CSRFToken": "([^"]+)"')


@pytest.fixture(scope="session")
def app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Flask]:
    """The app on a migrated database in a temporary instance folder."""
    application = make_test_app(tmp_path_factory.mktemp("instance"))
    with application.app_context():
        reset_database()
        yield application


@pytest.fixture(autouse=True)
def clean_database(request: pytest.FixtureRequest, app: Flask) -> Iterator[None]:
    """Every test starts from the seeded banks and demo data, and leaves nothing behind."""
    if request.node.get_closest_marker("committed"):
        yield
        reset_database()
        return
    with rolled_back():
        yield


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    """A browser-like client (cookies kept between requests)."""
    return app.test_client()


@pytest.fixture
def runner(app: Flask) -> Any:
    """The ``flask`` command-line runner."""
    return app.test_cli_runner()


def csrf_token_from(html: str) -> str:
    """The CSRF token embedded in a rendered page."""
    match = TOKEN.search(html)
    assert match, "no CSRF token in the page"
    return match.group(1) or match.group(2)


@pytest.fixture
def csrf(client: FlaskClient) -> str:
    """A CSRF token valid for ``client``'s session."""
    return csrf_token_from(client.get("/").get_data(as_text=True))


HTMX = {"HX-Request": "true"}
