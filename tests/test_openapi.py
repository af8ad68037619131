"""The OpenAPI document, checked against the running app by schemathesis (property-based)."""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.specs.openapi.checks import positive_data_acceptance

from app.ra.orders import create_api_key
from app.rp.clients import register_client
from tests.support import make_test_app, reset_database

# One app for the schema (schemathesis loads the document from it at import time).
_app = make_test_app(__import__("pathlib").Path(__import__("tempfile").mkdtemp(prefix="fincert-openapi-")))
schema = schemathesis.openapi.from_wsgi("/api/openapi.json", _app)


@pytest.fixture(scope="module")
def credentials(app):
    with _app.app_context():
        reset_database()
        bank_key = create_api_key("004")
        _client, _api_key, secret = register_client("OPENAPI_RP", "스키마 검사", ["https://rp.example"])
    yield {"/api/v1/ra/orders": bank_key, "/api/v1/rp/nonces": secret, "/api/v1/rp/verify": secret}
    # Under make test-pg both apps share one database, and this one seeded the demo RP with keys
    # derived from its own KEK: seed again with the session app's, or later tests get 800002.
    reset_database()


def test_the_document_is_served(client):
    document = client.get("/api/openapi.json").json
    assert document["openapi"] == "3.1.0"
    assert {"/api/v1/ra/orders", "/api/v1/rp/nonces", "/api/v1/rp/verify", "/testbed/subscribers"} <= set(
        document["paths"]
    )


@schema.parametrize()
@settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
def test_the_api_matches_its_document(case, credentials):
    """No 5xx, documented status codes, content types and bodies, for any generated input.

    ``positive_data_acceptance`` is left out on purpose: the service's rules (real dates, PIN
    rules, Korean names) are stricter than JSON Schema can say, so schema-valid input may be 422.
    """
    key = credentials.get(case.path)
    headers = {"Authorization": f"Bearer {key}"} if key else {}
    case.call_and_validate(headers=headers, excluded_checks=[positive_data_acceptance])
