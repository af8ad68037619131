"""What each step of a bank's stage 1 shows (reads only; named in ``steps.BANK_STEPS``)."""

from __future__ import annotations

from typing import Any

from flask import current_app

from app.bankdemo.customers import MAX_WRONG_ANSWERS, customer_of
from app.bankdemo.forms import ContactForm, media_form
from app.banks import get_bank
from app.extensions import db
from app.keyed_hash import unseal_value
from app.models import DemoBankApplication, SmsChallenge
from app.personal_info import format_phone, mask_phone
from app.sms.timers import code_timers


def customer(_application: DemoBankApplication) -> dict[str, Any]:
    """With the test bed on, a pointer to the demo customers."""
    return {"testbed": bool(current_app.config.get("TESTBED")), "max_wrong_answers": MAX_WRONG_ANSWERS}


def extra(application: DemoBankApplication) -> dict[str, Any]:
    challenge = db.session.get(SmsChallenge, application.sms_challenge_id)
    assert challenge is not None
    return code_timers(challenge) | {
        "masked_phone": mask_phone(challenge.phone),
        "channel": get_bank(application.bank_code).extra_auth,
    }


def otp_extra(challenge: SmsChallenge) -> dict[str, Any]:
    """추가인증 of a mobile OTP enrollment: where the code went and its timers."""
    return code_timers(challenge) | {"masked_phone": mask_phone(challenge.phone)}


def contact(application: DemoBankApplication) -> dict[str, Any]:
    form = ContactForm(formdata=None)
    form.phone.data = format_phone((application.contact or {}).get("phone", "") or "") or None
    return {"form": form}


def media(application: DemoBankApplication) -> dict[str, Any]:
    return {"form": media_form(application, formdata=None), "medium": customer_of(application).medium}


def done(application: DemoBankApplication) -> dict[str, Any]:
    """참조번호 and 인가코드, carried to stage 2 in the widget."""
    assert application.ref_num and application.auth_code_sealed
    auth_code = unseal_value("bank-auth-code", application.auth_code_sealed, application.id)
    return {"ref_num": application.ref_num, "auth_code": auth_code}
