"""금융인증서비스: the application factory."""

from __future__ import annotations

import os
from typing import Any

from flask import Flask, g, request
from sqlalchemy import event
from sqlalchemy.engine import Engine
from werkzeug.middleware.proxy_fix import ProxyFix

from app import config as settings
from app.extensions import csrf, db, htmx, migrate

VERSION = "0.1.0"
PROJECT_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def create_app(config: dict[str, Any] | None = None) -> Flask:
    """Build the app. ``config`` overrides everything (tests pass INSTANCE_PATH and the DB URL)."""
    config = dict(config or {})
    instance_path = config.pop("INSTANCE_PATH", None) or os.environ.get("FINCERT_INSTANCE_PATH")
    app = Flask(
        __name__,
        instance_path=os.path.abspath(instance_path) if instance_path else None,
        template_folder=os.path.join(PROJECT_ROOT, "templates"),
        static_folder=os.path.join(PROJECT_ROOT, "static"),
    )
    os.makedirs(app.instance_path, mode=0o700, exist_ok=True)

    app.config.update(settings.settings_from_env(os.environ))
    app.config.update(
        VERSION=VERSION,
        SQLALCHEMY_DATABASE_URI=settings.database_url(os.environ, app.instance_path),
        SQLALCHEMY_ENGINE_OPTIONS={},
        SESSION_COOKIE_NAME="fincert_session",
        # The widget runs in a relying party's iframe: its cookies must be third-party-capable
        # (SameSite=None; Secure) and partitioned per top-level site (CHIPS).
        SESSION_COOKIE_SECURE=True,
        SESSION_COOKIE_SAMESITE="None",
        SESSION_COOKIE_PARTITIONED=True,
        SESSION_COOKIE_HTTPONLY=True,
        MAX_CONTENT_LENGTH=256 * 1024,
        # Static URLs carry a content hash (app.assets), so a long cache is safe.
        SEND_FILE_MAX_AGE_DEFAULT=365 * 24 * 3600,
        WTF_CSRF_SSL_STRICT=False,
        JSON_AS_ASCII=False,
    )
    app.config.update(config)
    settings.check_environment(app.config)
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql"):
        # A server that restarted leaves dead pooled connections; test each one before use.
        app.config["SQLALCHEMY_ENGINE_OPTIONS"] = {
            "pool_pre_ping": True,
            "pool_size": 10,
            "max_overflow": 20,
            **app.config["SQLALCHEMY_ENGINE_OPTIONS"],
        }
    if app.config.get("TRUSTED_PROXIES"):
        # Behind a load balancer: trust its X-Forwarded-* headers (client address for rate limits).
        hops = int(app.config["TRUSTED_PROXIES"])
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)  # type: ignore[method-assign]
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = settings.secret_key(os.environ, app.instance_path)
    if not app.config.get("KEK") and not app.config.get("PKCS11_MODULE"):
        # With a PKCS#11 token the KEK is inside it (app.key_source); no kek.key is made.
        app.config["KEK"] = settings.key_encryption_key(os.environ, app.instance_path)
    app.json.ensure_ascii = False  # type: ignore[attr-defined]

    db.init_app(app)
    migrate.init_app(app, db, directory=os.path.join(PROJECT_ROOT, "migrations"))
    csrf.init_app(app)
    htmx.init_app(app)

    from app import error_pages, i18n, security_headers, server_timing
    from app.ui import choose_family

    i18n.init_app(app)
    security_headers.init_app(app)
    error_pages.init_app(app)
    server_timing.init_app(app)

    @app.before_request
    def pick_template_family() -> None:
        g.ui = choose_family(request)

    @app.context_processor
    def template_globals() -> dict[str, Any]:
        from app import rules

        return {"ui": g.get("ui", "desktop"), "app_version": VERSION, "rules": rules.current()}

    from app import rules
    from app.assets import asset_url
    from app.banks import issue_page_url
    from app.clock import kst
    from app.rendering import form_errors

    app.jinja_env.filters.update(duration=rules.duration, days=rules.days, kst=kst)
    app.jinja_env.globals.update(
        form_errors=form_errors,
        asset_url=asset_url,
        bank_page_url=lambda bank: issue_page_url(bank, app.config["PUBLIC_URL"]),
        demo_rp_url=app.config["DEMO_RP_URL"],
    )

    _register_blueprints(app)
    _register_commands(app)
    return app


def _register_blueprints(app: Flask) -> None:
    from app.bankdemo.routes import bp as bank_bp
    from app.home.routes import bp as home_bp
    from app.openapi import bp as openapi_bp
    from app.pki.routes import bp as pki_bp
    from app.ra.api import bp as ra_api_bp
    from app.rp.api import bp as rp_api_bp
    from app.rpdemo.routes import bp as rpdemo_bp
    from app.sms.routes import bp as outbox_bp
    from app.testbed.routes import bp as testbed_bp
    from app.widget import issue_routes, manage_routes, remote_routes, routes, sdk_routes  # noqa: F401 - views
    from app.widget.pages import bp as widget_bp
    from app.widget.sdk_routes import sdk_bp

    blueprints = (
        home_bp,
        openapi_bp,
        bank_bp,
        pki_bp,
        ra_api_bp,
        rp_api_bp,
        rpdemo_bp,
        outbox_bp,
        testbed_bp,
        widget_bp,
        sdk_bp,
    )
    for blueprint in blueprints:
        app.register_blueprint(blueprint)


def _register_commands(app: Flask) -> None:
    from app.bankdemo.commands import demo_cli
    from app.cloud.commands import cert_cli
    from app.commands import register
    from app.pki.commands import ca_cli
    from app.ra.commands import ra_cli
    from app.rp.commands import rp_cli

    register(app)
    for group in (ca_cli, cert_cli, ra_cli, rp_cli, demo_cli):
        app.cli.add_command(group)


@event.listens_for(Engine, "connect")
def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    """WAL and a busy timeout let threads and processes share the SQLite file safely."""
    if type(dbapi_connection).__module__.startswith("sqlite3"):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA busy_timeout=30000")
        # In WAL mode NORMAL is safe against application crashes and saves an fsync per commit.
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()
