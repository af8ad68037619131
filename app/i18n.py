"""The widget's two languages: Korean, the source text, and English (docs/design.md, "Languages").

A relying party opens the widget with the SDK's ``lang`` (``'kor'`` or ``'eng'``); the warm page
is asked for in it (``?lang=``), the transaction keeps it (``WidgetTransaction.lang``), and each
request of that transaction — its steps, its errors, the SMS it sends — speaks it. Everything
else (the home page, the banks' sites, the test bed, the JSON APIs for servers) is Korean.

Korean strings are the message ids: marked with ``N_`` (a class's message, a table's label),
``_``/``gettext`` (text made while rendering) or ``lazy_gettext`` (form labels and messages), and
extracted into ``app/translations/messages.pot`` (``make translations``). The English catalog is
``app/translations/en/LC_MESSAGES/messages.po``; its compiled ``.mo`` is built by ``make setup``.
In Korean the catalog is never consulted: text is shown exactly as written.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from flask import Flask, g
from flask_babel import force_locale, get_locale, get_translations, gettext, refresh

from app.errors import N_, ServiceError
from app.extensions import babel

__all__ = ["N_", "KOREAN", "ENGLISH", "init_app", "use_language", "language", "text_in", "message_in", "message_of"]

KOREAN, ENGLISH = "kor", "eng"  # the SDK's names
LOCALES = {KOREAN: "ko", ENGLISH: "en"}  # → the catalogs' locales
TRANSLATIONS = Path(__file__).resolve().parent / "translations"


def init_app(app: Flask) -> None:
    """Flask-Babel with the catalogs of ``app/translations``; the locale is the request's language."""
    app.config.setdefault("BABEL_DEFAULT_LOCALE", LOCALES[KOREAN])
    app.config.setdefault("BABEL_TRANSLATION_DIRECTORIES", str(TRANSLATIONS))
    # WTForms' own messages stay as they were (Flask-WTF would switch them to its Korean catalog).
    app.config.setdefault("WTF_I18N_ENABLED", False)
    babel.init_app(app, locale_selector=_locale)
    # Templates call ``_`` a hundred times a page; Flask-Babel's callables look the catalog up
    # through the request context on every call. Korean is the source text, so a Korean page
    # needs no catalog at all (a template's ``_`` speaks the request's language: text in another
    # language goes through ``text_in``, never through a template).
    app.jinja_env.install_gettext_callables(
        gettext=_template_gettext,
        ngettext=_template_ngettext,
        pgettext=lambda context, text: get_translations().upgettext(context, text),
        npgettext=lambda context, singular, plural, n: get_translations().unpgettext(context, singular, plural, n),
        newstyle=True,
    )

    @app.context_processor
    def page_language() -> dict[str, Any]:
        return {"page_lang": str(get_locale() or LOCALES[KOREAN])}


def _template_gettext(text: str) -> str:
    return text if language() == KOREAN else get_translations().ugettext(text)


def _template_ngettext(singular: str, plural: str, n: int) -> str:
    if language() == KOREAN:
        return singular if n == 1 else plural
    return get_translations().ungettext(singular, plural, n)


def _locale() -> str:
    return LOCALES[language()]


def language() -> str:
    """The current request's language: ``kor`` unless a widget transaction (or the SDK's
    request before it exists) said ``eng``."""
    return g.get("language") or KOREAN


def use_language(lang: object) -> None:
    """From now on this request speaks ``lang`` (an SDK language; anything else is Korean)."""
    chosen = lang if isinstance(lang, str) and lang in LOCALES else KOREAN
    if g.get("language") != chosen:
        g.language = chosen
        refresh()


def text_in(lang: str | None, message: str, **params: Any) -> str:
    """``message`` (Korean, marked with ``N_``) in ``lang``, whatever the request speaks: for what
    a transaction keeps or sends in its own language (its notices, its result, its SMS)."""
    if lang != ENGLISH:
        return message % params if params else message
    with force_locale(LOCALES[ENGLISH]):
        return gettext(message, **params)


def message_of(error: ServiceError) -> str:
    """An error's message in the request's language."""
    return message_in(language(), error)


def message_in(lang: str | None, error: ServiceError) -> str:
    """An error's message in ``lang``: the Korean ``message`` as it is, or its translation with
    the same values."""
    if lang != ENGLISH:
        return error.message
    with force_locale(LOCALES[ENGLISH]):
        return gettext(error.message_id, **_shown(error.params))


def _shown(params: Mapping[str, object]) -> dict[str, object]:
    # A value that is itself an error (a reason inside a message) is shown in the same language.
    return {
        name: message_in(ENGLISH, value) if isinstance(value, ServiceError) else value for name, value in params.items()
    }
