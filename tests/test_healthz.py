"""``/healthz`` for load balancers."""


def test_healthz_reports_version_and_database(client, app):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json == {"status": "ok", "version": app.config["VERSION"], "database": "ok"}
