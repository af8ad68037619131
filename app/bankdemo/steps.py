"""A bank's stage 1 (온라인 신원확인 / 가입자 등록) as a table of steps, on the same step machine
as the widget (``app/step_machine.py``; docs/design.md shows this table).

    terms → kind → customer → extra → contact → media → done
"""

from __future__ import annotations

from enum import StrEnum

from app.bankdemo import contexts
from app.bankdemo.forms import ContactForm, CustomerForm, ExtraAuthForm, KindForm, TermsForm
from app.models import DemoBankApplication
from app.step_machine import StepSpec, StepTable


class BankStep(StrEnum):
    TERMS = "terms"
    KIND = "kind"
    CUSTOMER = "customer"
    EXTRA = "extra"
    CONTACT = "contact"
    MEDIA = "media"
    DONE = "done"


STAGE_ONE = frozenset({"stage1"})

# fmt: off
BANK_STEPS: StepTable[BankStep] = StepTable(
    steps={
        BankStep.TERMS: StepSpec(
            "partials/bank/steps/terms.html", "이용약관 동의", "금융인증서 발급을 위해 아래 약관에 동의해주세요",
            form=TermsForm, flows=STAGE_ONE, next=(BankStep.KIND,),
        ),
        BankStep.KIND: StepSpec(
            "partials/bank/steps/kind.html", "발급 신청", "발급 또는 재발급을 선택해주세요",
            form=KindForm, flows=STAGE_ONE, next=(BankStep.CUSTOMER,),
        ),
        BankStep.CUSTOMER: StepSpec(
            "partials/bank/steps/customer.html", "고객정보 입력",
            "전자금융거래 가입정보를 입력해주세요 (영업점에서 대면 신원확인된 고객 대상)",
            form=CustomerForm, context=contexts.customer, flows=STAGE_ONE, next=(BankStep.EXTRA,),
        ),
        BankStep.EXTRA: StepSpec(
            "partials/bank/steps/extra.html", "추가인증", "전자금융사기예방서비스 추가인증",
            form=ExtraAuthForm, context=contexts.extra, flows=STAGE_ONE, next=(BankStep.CONTACT,),
        ),
        BankStep.CONTACT: StepSpec(
            "partials/bank/steps/contact.html", "개인정보 입력",
            "입력한 이메일, 휴대폰번호로 인증서 관련 안내(갱신 안내 메일 등)를 보내드립니다",
            form=ContactForm, context=contexts.contact, flows=STAGE_ONE, next=(BankStep.MEDIA,),
        ),
        # The form depends on the customer's medium (OTP or 보안카드): the context builds it.
        BankStep.MEDIA: StepSpec(
            "partials/bank/steps/media.html", "보안매체 인증", "안전한 인증서 발급을 위한 보안매체 인증",
            context=contexts.media, flows=STAGE_ONE, next=(BankStep.DONE,),
        ),
        BankStep.DONE: StepSpec(
            "partials/bank/steps/done.html", "금융인증서 발급/저장",
            "은행 신원확인이 끝났습니다. 클라우드에 금융인증서를 발급·저장합니다",
            context=contexts.done, flows=STAGE_ONE,
        ),
    },
    entries={"stage1": BankStep.TERMS},
    final=frozenset({BankStep.DONE}),
)
# fmt: on


def advance(application: DemoBankApplication, target: BankStep) -> None:
    """Move an application to ``target``: the only place a bank step changes."""
    BANK_STEPS.advance(application, target)
