"""One error model for everything a person, a bank or a relying party can be refused.

A service raises a ``ServiceError`` (usually a subclass naming the case) that carries:

- ``message``: Korean, shown as is — or, in an English widget transaction, translated where it
  is shown (``app.i18n.message_of``): the Korean text with named values (``%(failures)d``, filled
  from ``params``) is the id of its translation in ``app/translations``;
- ``field``: the form or JSON field it belongs to, if any;
- ``status``: the HTTP status;
- ``sdk_code``: the SDK result code (``800001``…, see ``app.contract``) when a relying party
  must hear about it;
- ``code``: a stable machine-readable code for the JSON APIs.

The edges map it once: ``app.error_pages`` to a page or htmx fragment (and JSON for the APIs),
the widget and the bank sites to their current step with the message in place, the SDK
entry point to an SDK error. This module imports nothing from Flask, so the Flask-free
verifier can use it too.
"""

from __future__ import annotations

from collections.abc import Mapping


def N_(text: str) -> str:
    """Mark Korean text for the English catalog: ``pybabel extract`` collects it into
    ``app/translations/messages.pot``, and it is translated where it is shown (``app.i18n``).
    Returns the text unchanged (this module stays free of Flask)."""
    return text


class ServiceError(Exception):
    """A refusal with everything an edge needs to show it."""

    status: int = 422
    message: str = N_("요청을 처리할 수 없습니다.")
    field: str | None = None
    sdk_code: str | None = None
    code: str = "invalid_request"
    retry_after: int | None = None  # seconds, for a 429 or 503

    def __init__(
        self,
        message: str | None = None,
        *,
        params: Mapping[str, object] | None = None,
        field: str | None = None,
        status: int | None = None,
        sdk_code: str | None = None,
        code: str | None = None,
        fields: dict[str, str] | None = None,
    ) -> None:
        if message is not None:
            self.message = message
        # The Korean text before its values are filled in: the id of its translation.
        self.message_id = self.message
        self.params = dict(params or {})
        if self.params:
            self.message = self.message_id % self.params
        if field is not None:
            self.field = field
        if status is not None:
            self.status = status
        if sdk_code is not None:
            self.sdk_code = sdk_code
        if code is not None:
            self.code = code
        self.fields: dict[str, str] = dict(fields or {})
        if self.field and self.field not in self.fields:
            self.fields[self.field] = self.message
        super().__init__(self.message)

    def __str__(self) -> str:
        return self.message
