"""This RP's pages: a page per scenario (a nonce fetched as it is rendered), the verification of
a posted result, and the certificate list a person shared."""

from __future__ import annotations

import json
from typing import Any

from flask import Blueprint, abort, current_app, g, render_template, request
from flask.typing import ResponseReturnValue

from e2e.outside_rp.checks import SdkReadings, issued_by, sdk_readings, verify_result
from e2e.outside_rp.scenarios import SCENARIOS
from e2e.outside_rp.service_client import ServiceRefused

bp = Blueprint("outside_rp", __name__)
WRONG_API_KEY = "pk_this_key_was_never_issued_0000"


def _parts() -> dict[str, Any]:
    return current_app.extensions["outside_rp"]


def _json_field(name: str) -> Any:
    """A JSON form field the page script filled; None when absent or not JSON."""
    try:
        return json.loads(request.form.get(name) or "null")
    except ValueError:
        return None


@bp.get("/")
def index() -> ResponseReturnValue:
    """Every scenario, as links."""
    return render_template("outside_rp/index.html", scenarios=SCENARIOS.values())


@bp.get("/<slug>")
def scenario_page(slug: str) -> ResponseReturnValue:
    """A scenario's page: its own nonce, fetched now, so that the click needs no round trip."""
    scenario = SCENARIOS.get(slug) or abort(404)
    try:
        nonce = _parts()["client"].new_nonce()
    except (ServiceRefused, OSError) as problem:
        return render_template("outside_rp/unavailable.html", reason=str(problem)), 503
    _parts()["pending"].remember(nonce, scenario)
    if not scenario.frame_src_allows_service:
        g.frame_src_without_service = True
    config = current_app.config
    return render_template(
        "outside_rp/scenario.html",
        scenario=scenario,
        nonce=nonce,
        api_key=WRONG_API_KEY if scenario.wrong_api_key else config["API_KEY"],
        sign_parameters=scenario.sdk_parameters(nonce) if scenario.parts else None,
        sdk_url=f"{config['SERVICE_URL']}/sdk/v1/fincert-{config['SDK_VERSION']}.js",
    )


@bp.post("/results")
def results() -> ResponseReturnValue:
    """A signed result: verified by the service and by the verifier, for the request of its nonce."""
    nonce = request.form.get("nonce", "")
    scenario = _parts()["pending"].take(nonce)
    if scenario is None or scenario.action != "sign":
        return render_template("outside_rp/outcome.html", outcome=None, scenario=None), 422
    result = _json_field("result") or {}
    outcome = verify_result(
        scenario,
        result,
        nonce=nonce,
        org_code=current_app.config["ORG_CODE"],
        client=_parts()["client"],
        trust=_parts()["trust"],
    )
    if outcome.signers:
        readings = SdkReadings(
            cert_info=_json_field("cert_info"),
            signer_pem=request.form.get("signer_cert") if scenario.format == "CMS" else None,
            signer_error=request.form.get("signer_cert_error", ""),
        )
        outcome.sdk_checks = sdk_readings(outcome.signers[0], result, readings, current_app.config["POLICY_OID"])
    status = 200 if outcome.ok else 422
    return render_template("outside_rp/outcome.html", outcome=outcome, scenario=scenario, result=result), status


@bp.post("/certificates")
def certificates() -> ResponseReturnValue:
    """The list ``getCertInfoList`` returned, each certificate checked against the issuing CA."""
    scenario = _parts()["pending"].take(request.form.get("nonce", ""))
    infos = _json_field("cert_infos")
    if scenario is None or scenario.action != "certlist" or not isinstance(infos, list):
        return render_template("outside_rp/certificates.html", certificates=None), 422
    issuing_ca = _parts()["trust"].issuing_ca()
    listed = [
        {**info, "issued_here": issued_by(str(info.get("certificate", "")), issuing_ca)}
        for info in infos
        if isinstance(info, dict)
    ]
    return render_template("outside_rp/certificates.html", certificates=listed)
