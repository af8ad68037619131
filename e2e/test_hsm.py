"""One login against a live server whose KEK and CA keys are in a PKCS#11 token (SoftHSM2).

This module serves its own app (its own SQLite file and token) instead of the shared live
server: the ``live_server`` fixture below overrides the shared one for its test only.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest
from playwright.sync_api import Page, expect
from werkzeug.serving import make_server

from app.pki.ca import pki_dir
from e2e.conftest import LiveServer, _free_port
from e2e.flows import full_login
from tests.softhsm import session_token
from tests.support import make_test_app, subscriber_with_certificate


@pytest.fixture(scope="module")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """The app with its keys in a fresh SoftHSM2 token, served by a threaded server."""
    port = _free_port()
    url, rp_url = f"http://127.0.0.1:{port}", f"http://localhost:{port}"
    instance = tmp_path_factory.mktemp("e2e-hsm-instance")
    app = make_test_app(
        instance,
        SQLALCHEMY_DATABASE_URI=f"sqlite:///{instance}/fincert.sqlite3",
        PUBLIC_URL=url,
        DEMO_RP_ORIGINS=rp_url,
        DEMO_RP_URL=f"{rp_url}/rp/demo/",
        **session_token().app_config(),
    )
    server = make_server("127.0.0.1", port, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="live-hsm-server", daemon=True)
    thread.start()
    yield LiveServer(app=app, url=url, rp_url=rp_url)
    server.shutdown()
    thread.join(timeout=5)


def test_a_login_with_the_keys_in_the_token(desktop_page: Page, live_server, in_app):
    subscriber_with_certificate(name="홍길동", phone="01012345678", birth="19900101", bank_code="004")
    folder = pki_dir(in_app.instance_path)
    assert not list(folder.glob("*.key")) and (folder / "ca.p11.json").exists()
    full_login(desktop_page, live_server, "desktop", auto_connect=False)
    expect(desktop_page.get_by_test_id("signer-name")).to_have_text("홍길동")
