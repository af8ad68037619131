"""The widget's steps: every step of every flow, declared once, and the one function that moves
a transaction along them (docs/design.md, "The widget's steps" shows this table).

Flows (a transaction's ``purpose``):

- ``sign``: a relying party's login or signature. 5 steps the first time on a browser
  (start → identify → sms → consent → select → pin), 3 with 자동연결 (start → select → pin),
  straight to the PIN with a favourite; ``nocert`` when the cloud holds nothing usable.
- ``issue``: stage 2 of a bank's issuance (identify → sms → new_pin → confirm_pin → issued).
- ``manage``: 인증서 관리 (start → identify → sms → consent → manage …), also entered from
  a login's certificate list.
- ``remote``: the phone half of 휴대폰으로 인증 (pair → start → … → remote_done); the PC's
  transaction waits on ``remote``.
- ``certlist``: the SDK's ``getCertInfoList``: the cloud is reached as for a login, then the person
  agrees to give the RP the list of their certificates (``share``).

``closed`` (cancelled, locked, expired) may be reached from any step that is not final.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from app.errors import N_
from app.models import WidgetTransaction
from app.step_machine import StepSpec, StepTable
from app.widget import contexts
from app.widget.forms import ConsentForm, IdentifyForm, PairForm, RenewForm, SmsCodeForm


class Step(StrEnum):
    START = "start"
    IDENTIFY = "identify"
    SMS = "sms"
    CONSENT = "consent"
    SELECT = "select"
    NOCERT = "nocert"
    PIN = "pin"
    RENEW_OFFER = "renew_offer"
    DONE = "done"
    CLOSED = "closed"
    NEW_PIN = "new_pin"
    CONFIRM_PIN = "confirm_pin"
    ISSUED = "issued"
    REMOTE = "remote"
    PAIR = "pair"
    REMOTE_DONE = "remote_done"
    MANAGE = "manage"
    CERT_DETAIL = "cert_detail"
    CHANGE_CURRENT = "change_current"
    CHANGE_NEW = "change_new"
    CHANGE_CONFIRM = "change_confirm"
    DELETE_ASK = "delete_ask"
    DELETE_CONFIRM = "delete_confirm"
    SHARE = "share"


class Flow(StrEnum):
    SIGN = "sign"
    ISSUE = "issue"
    MANAGE = "manage"
    REMOTE = "remote"
    CERT_LIST = "certlist"


class KeypadUse(StrEnum):
    """What a secure-keypad entry is for (the keypad is reshuffled for each)."""

    PIN = "pin"  # the current PIN of a certificate
    NEW = "new"  # a new PIN
    CONFIRM = "confirm"  # the new PIN again


@dataclass(frozen=True)
class WidgetStep(StepSpec[Step]):
    keypad: KeypadUse | None = None  # a secure-keypad step: what its six digits are


def _flows(*flows: Flow) -> frozenset[str]:
    return frozenset(flow.value for flow in flows)


SIGN, ISSUE, MANAGE, REMOTE, CERT_LIST = Flow.SIGN, Flow.ISSUE, Flow.MANAGE, Flow.REMOTE, Flow.CERT_LIST
# Subtitles may name the PIN's length: ``pages.render_step`` fills ``%(pin_length)d``.
PIN_PROMPT = N_("금융인증서 비밀번호 %(pin_length)d자리를 입력해주세요")
# Where reaching a cloud leads (자동연결, 클라우드 접근 권한 확인, back from 인증서 관리).
INTO_CLOUD = (Step.SELECT, Step.PIN, Step.NOCERT, Step.MANAGE, Step.SHARE)
# The 인증서 관리 pages, entered alone or from a login's certificate list.
# fmt: off
MANAGE_PAGES = (Step.MANAGE, Step.CERT_DETAIL, Step.CHANGE_CURRENT, Step.CHANGE_NEW, Step.CHANGE_CONFIRM,
                Step.DELETE_ASK, Step.DELETE_CONFIRM)
# fmt: on
# Out of a 인증서 관리 page: back to its list, back to the login, or 관리 마치기.
LEAVE_MANAGE = (Step.MANAGE, Step.SELECT, Step.PIN, Step.NOCERT, Step.DONE)

# fmt: off
STEPS: StepTable[Step] = StepTable(
    steps={
        Step.START: WidgetStep(
            "partials/widget/start.html", N_("금융인증 로그인 선택"),
            N_("금융인증서비스 시작을 위해 화면을 터치해주세요"),
            context=contexts.start, flows=_flows(SIGN, MANAGE, REMOTE, CERT_LIST), next=(Step.IDENTIFY, *INTO_CLOUD),
        ),
        Step.IDENTIFY: WidgetStep(
            "partials/widget/identify.html", N_("가입정보 입력"),
            N_("금융인증서비스 시작을 위해 가입정보(이름/휴대폰번호/생년월일)를 입력해주세요"),
            context=contexts.identify, form=IdentifyForm,
            flows=_flows(SIGN, ISSUE, MANAGE, REMOTE, CERT_LIST), next=(Step.SMS, Step.REMOTE),
        ),
        Step.SMS: WidgetStep(
            "partials/widget/sms.html", N_("휴대폰 점유인증"),
            N_("가입정보의 휴대폰을 점유하고 있는지 확인을 위한 SMS문자를 받으신 후 인증번호 숫자를 입력해주세요"),
            context=contexts.sms, form=SmsCodeForm,
            flows=_flows(SIGN, ISSUE, MANAGE, REMOTE, CERT_LIST),
            next=(Step.CONSENT, Step.NOCERT, Step.MANAGE, Step.NEW_PIN),
        ),
        Step.CONSENT: WidgetStep(
            "partials/widget/consent.html", N_("클라우드 접근 권한 확인"),
            N_("이 브라우저에서 금융인증서 클라우드를 이용하도록 허용합니다"),
            context=contexts.consent, form=ConsentForm,
            flows=_flows(SIGN, MANAGE, REMOTE, CERT_LIST), next=INTO_CLOUD,
        ),
        Step.SELECT: WidgetStep(
            "partials/widget/select.html", N_("인증서 선택"), N_("사용할 인증서를 선택해주세요"),
            context=contexts.certificate_list,
            flows=_flows(SIGN, REMOTE), next=(Step.PIN, Step.MANAGE, Step.REMOTE),
        ),
        Step.NOCERT: WidgetStep(
            "partials/widget/nocert.html", N_("사용할 수 있는 금융인증서가 없습니다"),
            N_("금융인증서가 없는 경우 PC/모바일 구분없이 22개 거래은행의 금융인증서 발급 페이지로 연결해 드립니다"),
            context=contexts.certificate_list,
            flows=_flows(SIGN, MANAGE, REMOTE, CERT_LIST), next=(Step.MANAGE, Step.REMOTE),
        ),
        Step.PIN: WidgetStep(
            "partials/widget/pin.html", N_("비밀번호 입력"), PIN_PROMPT, context=contexts.pin, keypad=KeypadUse.PIN,
            flows=_flows(SIGN, REMOTE), next=(Step.DONE, Step.REMOTE_DONE, Step.RENEW_OFFER, Step.SELECT),
        ),
        Step.RENEW_OFFER: WidgetStep(
            "partials/widget/renew_offer.html", N_("인증서 갱신"), N_("유효기간이 얼마 남지 않았습니다"),
            context=contexts.renew_offer, form=RenewForm, flows=_flows(SIGN, REMOTE),
            next=(Step.DONE, Step.REMOTE_DONE),
        ),
        Step.DONE: WidgetStep(
            "partials/widget/done.html", N_("인증 완료"), N_("이용기관으로 결과를 전달했습니다"),
            context=contexts.done, flows=_flows(SIGN, MANAGE, CERT_LIST),
        ),
        Step.CLOSED: WidgetStep(
            "partials/widget/closed.html", N_("인증을 완료하지 못했습니다"),
            context=contexts.closed, flows=_flows(SIGN, ISSUE, MANAGE, REMOTE, CERT_LIST),
        ),
        Step.NEW_PIN: WidgetStep(
            "partials/widget/pin.html", N_("비밀번호 설정"), PIN_PROMPT, context=contexts.new_pin, keypad=KeypadUse.NEW,
            flows=_flows(ISSUE), next=(Step.CONFIRM_PIN,),
        ),
        Step.CONFIRM_PIN: WidgetStep(
            "partials/widget/pin.html", N_("비밀번호 확인"),
            N_("같은 비밀번호 %(pin_length)d자리를 한 번 더 입력해주세요"),
            context=contexts.confirm_pin, keypad=KeypadUse.CONFIRM,
            flows=_flows(ISSUE), next=(Step.NEW_PIN, Step.ISSUED),
        ),
        Step.ISSUED: WidgetStep(
            "partials/widget/issued.html", N_("발급 완료"),
            N_("금융인증서가 발급되어 클라우드에 안전하게 저장되었습니다"),
            context=contexts.issued, flows=_flows(ISSUE),
        ),
        Step.REMOTE: WidgetStep(
            "partials/widget/remote.html", N_("휴대폰으로 인증"),
            N_("휴대폰 카메라로 QR 코드를 찍고, 휴대폰에서 인증을 마쳐주세요"),
            context=contexts.remote, flows=_flows(SIGN), next=(Step.IDENTIFY, Step.SELECT, Step.NOCERT, Step.DONE),
        ),
        Step.PAIR: WidgetStep(
            "partials/widget/pair.html", N_("휴대폰으로 인증"), N_("PC에서 요청한 인증입니다. 내용을 확인해주세요"),
            context=contexts.pair, form=PairForm, flows=_flows(REMOTE), next=(Step.START,),
        ),
        Step.REMOTE_DONE: WidgetStep(
            "partials/widget/remote_done.html", N_("휴대폰 인증 완료"), N_("PC 화면으로 돌아가 계속해주세요"),
            flows=_flows(REMOTE),
        ),
        Step.MANAGE: WidgetStep(
            "partials/widget/manage.html", N_("인증서 관리"), context=contexts.manage,
            flows=_flows(SIGN, MANAGE, REMOTE),
            next=(Step.CERT_DETAIL, Step.CHANGE_CURRENT, Step.DELETE_ASK, *LEAVE_MANAGE[1:]),
        ),
        Step.CERT_DETAIL: WidgetStep(
            "partials/widget/cert_detail.html", N_("인증서 상세"), context=contexts.cert_detail,
            flows=_flows(SIGN, MANAGE, REMOTE), next=(Step.CHANGE_CURRENT, Step.DELETE_ASK, *LEAVE_MANAGE),
        ),
        Step.CHANGE_CURRENT: WidgetStep(
            "partials/widget/pin.html", N_("비밀번호 변경"),
            N_("지금 사용하는 비밀번호 %(pin_length)d자리를 입력해주세요"),
            context=contexts.change_pin, keypad=KeypadUse.PIN,
            flows=_flows(SIGN, MANAGE, REMOTE), next=(Step.CHANGE_NEW, *LEAVE_MANAGE),
        ),
        Step.CHANGE_NEW: WidgetStep(
            "partials/widget/pin.html", N_("새 비밀번호 입력"), N_("새 비밀번호 %(pin_length)d자리를 입력해주세요"),
            context=contexts.change_new_pin, keypad=KeypadUse.NEW,
            flows=_flows(SIGN, MANAGE, REMOTE), next=(Step.CHANGE_CONFIRM, *LEAVE_MANAGE),
        ),
        Step.CHANGE_CONFIRM: WidgetStep(
            "partials/widget/pin.html", N_("새 비밀번호 확인"),
            N_("새 비밀번호 %(pin_length)d자리를 한 번 더 입력해주세요"),
            context=contexts.change_pin, keypad=KeypadUse.CONFIRM,
            flows=_flows(SIGN, MANAGE, REMOTE), next=(Step.CHANGE_NEW, *LEAVE_MANAGE),
        ),
        Step.DELETE_ASK: WidgetStep(
            "partials/widget/delete_ask.html", N_("인증서 삭제"), N_("삭제한 인증서는 폐지되어 다시 쓸 수 없습니다"),
            context=contexts.delete_ask, flows=_flows(SIGN, MANAGE, REMOTE),
            next=(Step.DELETE_CONFIRM, *LEAVE_MANAGE),
        ),
        Step.SHARE: WidgetStep(
            "partials/widget/share.html", N_("인증서 정보 제공"), N_("이용기관에 아래 인증서 정보를 제공합니다"),
            context=contexts.certificate_list, flows=_flows(CERT_LIST), next=(Step.DONE,),
        ),
        Step.DELETE_CONFIRM: WidgetStep(
            "partials/widget/pin.html", N_("인증서 삭제"),
            N_("삭제하려면 이 인증서의 비밀번호 %(pin_length)d자리를 입력해주세요"),
            context=contexts.change_pin, keypad=KeypadUse.PIN,
            flows=_flows(SIGN, MANAGE, REMOTE), next=LEAVE_MANAGE,
        ),
    },
    entries={SIGN: Step.START, MANAGE: Step.START, ISSUE: Step.IDENTIFY, REMOTE: Step.PAIR, CERT_LIST: Step.START},
    final=frozenset({Step.DONE, Step.CLOSED, Step.ISSUED, Step.REMOTE_DONE}),
    anytime=frozenset({Step.CLOSED}),
    flow_of=lambda transaction: transaction.purpose,
)
# fmt: on


def advance(transaction: WidgetTransaction, target: Step) -> None:
    """Move a transaction to ``target``: the only place a widget step changes."""
    STEPS.advance(transaction, target)


def spec(transaction: WidgetTransaction) -> WidgetStep:
    """The current step's declaration."""
    step = STEPS[transaction.step]
    assert isinstance(step, WidgetStep)
    return step


def keypad_steps() -> tuple[Step, ...]:
    """The steps that take a secure-keypad entry."""
    return tuple(step for step, declared in STEPS.steps.items() if isinstance(declared, WidgetStep) and declared.keypad)
