"""The step tables are the one place the flows are declared: every step renders, is reachable,
is documented, and every move goes through the table."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.bankdemo.steps import BANK_STEPS, BankStep
from app.models import DemoBankApplication, WidgetTransaction
from app.step_machine import IllegalMove
from app.widget.pin_entry import handled_steps
from app.widget.steps import STEPS, Flow, Step, advance, keypad_steps

ROOT = Path(__file__).resolve().parent.parent
TABLES = [pytest.param(STEPS, id="widget"), pytest.param(BANK_STEPS, id="bank")]


@pytest.mark.parametrize("table", TABLES)
def test_every_step_has_a_template_that_shows_the_tables_heading(table):
    for step, spec in table.steps.items():
        template = ROOT / "templates" / spec.partial
        assert template.exists(), f"{step}: {spec.partial} is missing"
        assert "step_heading(heading" in template.read_text(encoding="utf-8"), f"{spec.partial} ignores the heading"


@pytest.mark.parametrize("table", TABLES)
def test_the_steps_of_each_flow_are_exactly_those_it_can_reach(table):
    for flow in table.entries:
        declared = {step for step, spec in table.steps.items() if flow in spec.flows}
        assert table.reachable(flow) == declared, flow


@pytest.mark.parametrize("table", TABLES)
def test_moves_lead_to_steps_of_the_table(table):
    for step, spec in table.steps.items():
        assert set(spec.next) <= set(table.steps), step
        assert not (step in table.final and spec.next), f"final step {step} has moves"


def test_every_keypad_step_has_a_handler_for_a_complete_entry(app):
    assert set(keypad_steps()) == handled_steps()


def test_step_names_fit_their_columns():
    assert max(len(step) for step in Step) <= WidgetTransaction.__table__.c.step.type.length
    assert max(len(step) for step in BankStep) <= DemoBankApplication.__table__.c.step.type.length


def test_the_design_document_shows_both_tables_as_declared():
    design = (ROOT / "docs" / "design.md").read_text(encoding="utf-8")
    assert STEPS.markdown() in design, "docs/design.md: regenerate with `flask --app wsgi steps`"
    assert BANK_STEPS.markdown() in design, "docs/design.md: regenerate with `flask --app wsgi steps`"


def test_a_move_the_table_lacks_is_refused_with_a_korean_409():
    transaction = WidgetTransaction(purpose=Flow.SIGN.value, step=Step.IDENTIFY.value)
    with pytest.raises(IllegalMove) as refused:
        advance(transaction, Step.PIN)
    assert refused.value.status == 409 and "진행 순서가 올바르지 않습니다" in refused.value.message
    assert transaction.step == Step.IDENTIFY


def test_a_step_of_another_flow_is_refused():
    issuing = WidgetTransaction(purpose=Flow.ISSUE.value, step=Step.SMS.value)
    with pytest.raises(IllegalMove):
        advance(issuing, Step.CONSENT)
    advance(issuing, Step.NEW_PIN)
    assert issuing.step == Step.NEW_PIN


def test_closed_is_reachable_from_any_open_step_and_nothing_leaves_a_final_step():
    for step in Step:
        transaction = WidgetTransaction(purpose=Flow.SIGN.value, step=step.value)
        if step in STEPS.final:
            with pytest.raises(IllegalMove):
                advance(transaction, Step.CLOSED)
        elif Flow.SIGN.value in STEPS.steps[step].flows:
            advance(transaction, Step.CLOSED)
            assert transaction.step == Step.CLOSED
