"""Home page (links to every demo), the bank finder and ``/healthz``."""

from __future__ import annotations

from flask import Blueprint, current_app, jsonify
from flask.typing import ResponseReturnValue
from sqlalchemy import text

from app.banks import list_banks, search_banks, text_color_on
from app.extensions import db
from app.home.forms import BankSearchForm
from app.rendering import render_page

bp = Blueprint("home", __name__)


def _home_context() -> dict:
    return {
        "banks": list_banks(),
        "testbed": current_app.config["TESTBED"],
        "dev_outbox": current_app.config["DEV_OUTBOX"],
    }


@bp.get("/")
def index() -> ResponseReturnValue:
    """The home page: what the service is and a link to every demo."""
    return render_page("partials/home/index.html", form=BankSearchForm(), found=None, **_home_context())


@bp.post("/banks/search")
def bank_search() -> ResponseReturnValue:
    """Find issuing banks by name; htmx swaps only the finder section."""
    form = BankSearchForm()
    valid = form.validate_on_submit()
    return render_page(
        "partials/home/bank_search.html",
        page="partials/home/index.html",
        status=200 if valid else 422,
        form=form,
        found=search_banks(form.query.data) if valid else None,
        **_home_context(),
    )


@bp.get("/healthz")
def healthz() -> ResponseReturnValue:
    """Liveness and database reachability, for load balancers and monitors."""
    try:
        db.session.execute(text("SELECT 1"))
        database = "ok"
    except Exception:  # noqa: BLE001 - any failure means "not reachable" here
        db.session.rollback()
        database = "unavailable"
    healthy = database == "ok"
    body = {"status": "ok" if healthy else "degraded", "version": current_app.config["VERSION"], "database": database}
    return jsonify(body), 200 if healthy else 503


@bp.get("/banks.css")
def bank_colours() -> ResponseReturnValue:
    """Each bank's brand colour as CSS classes, built from the bank data (no inline styles)."""
    rules = [
        f".bank-color-{bank.code}{{background-color:{bank.color};color:{text_color_on(bank.color)}}}"
        f".bank-border-{bank.code}{{border-color:{bank.color}}}"
        for bank in list_banks()
    ]
    response = current_app.response_class("\n".join(rules) + "\n", mimetype="text/css")
    response.headers["Cache-Control"] = "public, max-age=300"
    return response
