"""Multi-step flows as data: a table of steps and the one function that moves along it.

The widget (``app/widget/steps.py``) and a bank's stage 1 (``app/bankdemo/steps.py``) each
declare their steps once: the partial that renders the step, its heading, the function
that builds its template context (reads only, rendering writes nothing), the form it
shows, the flows it belongs to and the steps it may go to. ``StepTable.advance`` is the
only place a record's step changes, and it refuses any move the table does not allow.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, Generic, TypeVar

from app.browser import browser_hash
from app.errors import N_, ServiceError
from app.extensions import db

S = TypeVar("S", bound=StrEnum)
Context = Callable[[Any], dict[str, Any]]


def no_context(_record: Any) -> dict[str, Any]:
    return {}


class IllegalMove(ServiceError):
    """A move the step table does not allow (an old tab, a replayed or forged post)."""

    status = 409
    code = "out_of_order"
    message = N_("진행 순서가 올바르지 않습니다. 현재 단계부터 계속해주세요.")


@dataclass(frozen=True)
class StepSpec(Generic[S]):
    """One step: how it looks and where it may lead."""

    partial: str
    heading: str
    subtitle: str = ""
    context: Context = no_context
    form: Callable[..., Any] | None = None  # the step's form class (or a function of the record)
    flows: frozenset[str] = frozenset()
    next: tuple[S, ...] = ()


@dataclass(frozen=True)
class StepTable(Generic[S]):
    """The steps of one kind of record, and the rules for moving between them.

    ``anytime`` steps (e.g. "closed") may be reached from every step that is not ``final``.
    ``flow_of`` tells which flow a record follows, so that a step of another flow is refused.
    """

    steps: Mapping[S, StepSpec[S]]
    entries: Mapping[str, S]
    final: frozenset[S] = frozenset()
    anytime: frozenset[S] = frozenset()
    flow_of: Callable[[Any], str] | None = None

    def __getitem__(self, step: str) -> StepSpec[S]:
        return self.steps[self.as_step(step)]

    def as_step(self, value: str) -> S:
        """The enum member for a stored step name (ValueError for a name the table lacks)."""
        step_type = type(next(iter(self.steps)))
        return step_type(value)

    def may_move(self, record: Any, target: S) -> bool:
        current = self.as_step(record.step)
        if current in self.final:
            return False
        if target not in self[current].next and target not in self.anytime:
            return False
        return self.flow_of is None or self.flow_of(record) in self.steps[target].flows

    def advance(self, record: Any, target: S) -> None:
        """Move ``record`` to ``target`` (the only place a step changes), or raise ``IllegalMove``."""
        if not self.may_move(record, target):
            raise IllegalMove()
        record.step = target.value

    def entry(self, flow: str) -> S:
        return self.entries[flow]

    def reachable(self, flow: str) -> set[S]:
        """Every step a record of ``flow`` can reach from its entry (for tests and docs)."""
        seen: set[S] = set()
        todo = [self.entries[flow]]
        while todo:
            step = todo.pop()
            if step in seen:
                continue
            seen.add(step)
            if step in self.final:
                continue
            for target in (*self.steps[step].next, *self.anytime):
                if flow in self.steps[target].flows:
                    todo.append(target)
        return seen

    def markdown(self) -> str:
        """The table as Markdown, as docs/design.md shows it (a test keeps the two equal)."""
        lines = ["| step | heading | flows | may go to |", "|---|---|---|---|"]
        for step, spec in self.steps.items():
            moves = ", ".join(f"`{target.value}`" for target in spec.next) or "—"
            if step not in self.final and self.anytime:
                moves += " (+ " + ", ".join(f"`{s.value}`" for s in sorted(self.anytime)) + ")"
            flows = ", ".join(sorted(spec.flows)) or "—"
            lines.append(f"| `{step.value}` | {spec.heading} | {flows} | {moves} |")
        return "\n".join(lines)


_RECORD_ID = re.compile(r"[A-Za-z0-9_-]{1,40}")


def is_record_id(value: str | None) -> bool:
    """Whether ``value`` can be a flow record's id (``secrets.token_urlsafe``, at most 40 characters).
    Anything else is not looked up: PostgreSQL refuses a NUL byte in a query with an error."""
    return bool(value) and _RECORD_ID.fullmatch(value) is not None


def load_owned(
    model: type, record_id: str, browser_id: str | None, *, missing: ServiceError, foreign: ServiceError
) -> Any:
    """The record with this id, if this browser started it."""
    record = db.session.get(model, record_id) if is_record_id(record_id) else None
    if record is None:
        raise missing
    if not browser_id or record.browser_hash != browser_hash(browser_id):
        raise foreign
    return record
