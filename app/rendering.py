"""The one place that knows the htmx conventions of this project.

A plain request gets a full page of the chosen template family with the partial inside;
an htmx request gets the partial alone. Errors and validation failures keep their 4xx
status: htmx is configured (``responseHandling``) to swap them into ``#main``.
"""

from __future__ import annotations

from typing import Any

from flask import Response, g, make_response, redirect, render_template, request

from app.errors import N_
from app.ui import choose_family

MAIN = "#main"


def wants_partial() -> bool:
    """True for an htmx request that swaps part of a page (not a history restore)."""
    return bool(request.htmx) and not request.htmx.history_restore_request


def render_page(
    partial: str, *, page: str | None = None, layout: str = "site", status: int = 200, **context: Any
) -> Response:
    """Render ``partial`` alone (htmx) or inside ``<family>/<layout>.html`` (plain).

    ``page`` is the partial of the whole page when the htmx fragment is only a section of
    it (that page template includes the section, so both paths share the markup).
    """
    if wants_partial():
        body = render_template(partial, **context)
    else:
        # Error handlers can run before the family was picked (e.g. a CSRF failure).
        if not g.get("ui"):
            g.ui = choose_family(request)
        family = g.ui
        body = render_template(f"{family}/{layout}.html", partial=page or partial, **context)
    response = make_response(body, status)
    response.vary.add("HX-Request")
    return response


def into_main(response: Response) -> Response:
    """Make an htmx response replace the whole ``#main`` container, whatever the trigger aimed at."""
    if wants_partial():
        response.headers["HX-Retarget"] = MAIN
        response.headers["HX-Reswap"] = "innerHTML"
    return response


BACK_TO_CURRENT = N_("지난 단계로는 돌아갈 수 없습니다. 현재 단계부터 계속해주세요.")


def push_step(response: Response, url: str) -> Response:
    """Give a step reached by an htmx post its own history entry (``url`` names the step), so that
    Back stays on the flow's page: the server then shows the current step again
    (``BACK_TO_CURRENT``) instead of leaving the flow or repeating what was done."""
    if wants_partial() and request.method == "POST" and response.status_code == 200:
        response.headers["HX-Push-Url"] = url
    return response


def go_to(url: str) -> Response:
    """Navigate the browser: ``HX-Redirect`` for htmx, a 303 for a plain form post."""
    if wants_partial():
        response = make_response("", 204)
        response.headers["HX-Redirect"] = url
        return response
    return redirect(url, code=303)


def form_errors(form: Any) -> list[str]:
    """Every error message of a WTForms form, in field order (for the error summary)."""
    messages: list[str] = []
    for field in form:
        messages.extend(str(message) for message in field.errors)
    return messages


def attach_error(form: Any, field_name: str, message: str) -> None:
    """Show a service's error message on the field it belongs to."""
    field = getattr(form, field_name, None)
    if field is None:
        field = next(iter(form))
    field.errors = [*list(field.errors or []), message]
