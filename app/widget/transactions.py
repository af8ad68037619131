"""A widget transaction's life: opened for one purpose, bound to one browser, moved along the
step table, finished once, its result handed to the relying party once.

Every purpose is opened by ``open_transaction`` — an RP's login or signature, 인증서 관리, a
bank's stage 2, and the phone that claims a PC's request. A transaction expires after
``TX_TTL`` seconds. When it finishes (``complete`` or ``close``) the result is handed over
in the same service call, to the response of the request that finished it; rendering only
shows what was handed over.
"""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from datetime import timedelta
from typing import Any

from app import contract, rules
from app.browser import browser_hash
from app.clock import utcnow
from app.errors import ServiceError
from app.extensions import db
from app.i18n import N_, message_in, text_in
from app.models import IssuanceOrder, RpClient, WidgetTransaction
from app.rp.clients import bind_nonce
from app.step_machine import IllegalMove, load_owned
from app.widget.lookups import children_of, parent_of
from app.widget.steps import STEPS, Flow, Step, advance


class TransactionMissing(ServiceError):
    status = 404
    code = "transaction_missing"
    sdk_code = contract.BAD_REQUEST
    message = N_("요청을 찾을 수 없습니다. 이용기관 화면에서 처음부터 다시 시작해주세요.")


class TransactionForeign(ServiceError):
    status = 403
    code = "transaction_foreign"
    sdk_code = contract.BAD_REQUEST
    message = N_("다른 브라우저에서 시작된 요청입니다. 이 브라우저에서 처음부터 다시 시작해주세요.")


class TransactionExpired(ServiceError):
    status = 410
    code = "transaction_expired"
    sdk_code = contract.EXPIRED

    def __init__(self) -> None:
        super().__init__(
            N_("요청 시간(%(ttl)s)이 지났습니다. 이용기관 화면에서 처음부터 다시 시작해주세요."),
            params={"ttl": rules.Duration(rules.current().tx_ttl)},
        )


class TransactionFinished(ServiceError):
    status = 409
    code = "transaction_finished"
    sdk_code = contract.BAD_REQUEST
    message = N_("이미 완료된 요청입니다. 같은 요청은 다시 처리할 수 없습니다.")


def sdk_result(transaction: WidgetTransaction, code: str, error: ServiceError | None = None) -> dict[str, Any]:
    """A failed result as the SDK's ``fail`` receives it, in the transaction's language: the
    error's message, or the code's own."""
    message = message_in(transaction.lang, error) if error else text_in(transaction.lang, contract.SDK_CODES[code])
    return {"ok": False, "code": code, "message": message}


def open_transaction(
    flow: Flow,
    browser_id: str,
    *,
    client: RpClient | None = None,
    origin: str | None = None,
    sign_type: str | None = None,
    plain_texts: Sequence[str] = (),
    nonce: str | None = None,
    order: IssuanceOrder | None = None,
    parent: WidgetTransaction | None = None,
    options: dict[str, Any] | None = None,
    lang: str = "kor",
) -> WidgetTransaction:
    """A new transaction on its flow's entry step (the one constructor for every purpose).

    A signing request binds its nonce here; a phone claiming a PC's request (``parent``)
    inherits the request and its deadline.
    """
    now = utcnow()
    transaction = WidgetTransaction(
        id=secrets.token_urlsafe(24),
        purpose=flow.value,
        step=STEPS.entry(flow).value,
        browser_hash=browser_hash(browser_id),
        rp_org_code=client.org_code if client else None,
        origin=origin,
        sign_type=sign_type,
        plain_texts=list(plain_texts),
        order_id=order.id if order else None,
        options=options or {},
        lang=lang,
        created_at=now,
        expires_at=now + timedelta(seconds=rules.current().tx_ttl),
    )
    if parent is not None:
        transaction.parent_id = parent.id
        transaction.rp_org_code = parent.rp_org_code
        transaction.sign_type = parent.sign_type
        transaction.plain_texts = list(parent.plain_texts)
        transaction.nonce = parent.nonce
        transaction.pair_code = parent.pair_code
        transaction.expires_at = parent.expires_at
        transaction.options = dict(parent.options or {})
        transaction.lang = parent.lang
    elif flow in (Flow.SIGN, Flow.CERT_LIST) and client is not None:
        transaction.nonce = bind_nonce(client, nonce, transaction.id)
    db.session.add(transaction)
    db.session.commit()
    return transaction


def load(transaction_id: str, browser_id: str | None) -> WidgetTransaction:
    """The transaction, if it is this browser's; an expired open one is closed on the way."""
    transaction = load_owned(
        WidgetTransaction, transaction_id, browser_id, missing=TransactionMissing(), foreign=TransactionForeign()
    )
    if transaction.status == "open" and transaction.expires_at <= utcnow():
        result = sdk_result(transaction, contract.EXPIRED, TransactionExpired())
        close(transaction, "failed", result, notice=result["message"])
        db.session.commit()
    return transaction


def require(transaction: WidgetTransaction, *steps: Step) -> None:
    """Refuse a post that does not belong to the current step."""
    if transaction.status != "open" or transaction.step in STEPS.final:
        if transaction.result and transaction.result.get("code") == contract.EXPIRED:
            raise TransactionExpired()
        raise TransactionFinished()
    if transaction.step not in steps:
        raise IllegalMove()


def close(
    transaction: WidgetTransaction,
    status: str,
    result: dict[str, Any],
    notice: str | None = None,
    *,
    by_its_browser: bool = True,
) -> None:
    """End the request without a signature. A paired PC or phone learns it too.

    ``by_its_browser``: this request comes from the browser showing the transaction, so its
    response hands the result over (a PC closed by its phone hears it on its next poll).
    """
    advance(transaction, Step.CLOSED)
    transaction.status = status
    transaction.result = {"ok": False, **result}
    transaction.keypad = None
    transaction.pending_pin = None
    transaction.notice = notice
    parent = parent_of(transaction)
    if parent is not None and parent.status == "open":
        if status == "cancelled":
            message = text_in(parent.lang, N_("휴대폰에서 인증을 취소했습니다."))
        else:
            message = notice or result.get("message")
        close(parent, status, result, notice=message, by_its_browser=False)
        transaction.result = None  # the phone's own screen has no RP to answer
    for child in children_of(transaction):
        if child.status == "open":
            advance(child, Step.CLOSED)
            child.status, child.result = status, None
            child.notice = text_in(child.lang, N_("PC에서 인증을 끝냈습니다. PC 화면을 확인해주세요."))
    if by_its_browser:
        hand_over(transaction)


def complete(transaction: WidgetTransaction, result: dict[str, Any]) -> None:
    """The request succeeded. A phone that finished a PC's request hands the result to the PC."""
    transaction.keypad = None
    transaction.pending_pin = None
    parent = parent_of(transaction)
    if parent is not None:
        advance(parent, Step.DONE)
        parent.status, parent.result = "done", result
        advance(transaction, Step.REMOTE_DONE)
        transaction.status, transaction.result = "done", None
        return
    advance(transaction, Step.DONE)
    transaction.status, transaction.result = "done", result
    hand_over(transaction)


def cancel(transaction: WidgetTransaction) -> None:
    """취소 or 닫기: the RP's request ends with 800000, or with 800007 when the person had no
    usable certificate (closing the bank list is not a change of mind)."""
    if transaction.status != "open":
        raise TransactionFinished()
    if transaction.step == Step.NOCERT:
        close(transaction, "failed", sdk_result(transaction, contract.NO_CERTIFICATE))
    else:
        close(transaction, "cancelled", sdk_result(transaction, contract.CANCELLED))
    db.session.commit()


def site_of(transaction: WidgetTransaction) -> str:
    """Which site's pages show this transaction (what its cookies are partitioned by): the RP's,
    when the widget runs inside the RP's page, else the service's own."""
    return (transaction.rp_org_code or "") if transaction.origin else ""


def hand_over(transaction: WidgetTransaction) -> None:
    """Give a finished transaction's result to its RP page, once: the response of this request
    carries it (``transaction.handoff``). A reload later shows the step without it."""
    if transaction.origin is None or transaction.result is None or transaction.result_taken_at is not None:
        return
    transaction.result_taken_at = utcnow()
    transaction.handoff = transaction.result
