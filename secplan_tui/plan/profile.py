"""The organisation as the answers describe it: its name, the scope paragraph, the profile facts (ISO 22342 5.2.3),
and appendix A, every visible question with its answer.
"""

from __future__ import annotations

import math

from secplan_tui.core.model import AnswerValue, QuestionType
from secplan_tui.core.text import clean_text
from secplan_tui.plan.context import Context
from secplan_tui.plan.escape import one_line
from secplan_tui.plan.facts import answer_text
from secplan_tui.plan.records import AnswerRow, AnswerSection, Fact
from secplan_tui.plan.vocabulary import ANSWER_LABELS, NOT_ANSWERED

ORG_NAME_IDS: tuple[str, ...] = (
    "profile.org_name",
    "profile.organisation_name",
    "profile.organization_name",
    "profile.organisation",
    "profile.organization",
    "profile.company",
    "profile.name",
)
"""Question ids that hold the organisation's name, in order of preference (else: first text question of the
profile)."""


def organisation(ctx: Context) -> str:
    """The organisation's name from the profile, or ""."""
    profile_qs = [q for q in ctx.visible if ctx.domain_of_section.get(q.section) == "profile"]
    by_id = {q.id: q for q in profile_qs}
    candidates = [by_id[i] for i in ORG_NAME_IDS if i in by_id]
    candidates += [q for q in profile_qs if q.id.endswith(".org_name") and q not in candidates]
    if not candidates:
        candidates = [q for q in profile_qs if q.type is QuestionType.TEXT][:1]
    for q in candidates:
        value = ctx.effective.get(q.id)
        if isinstance(value, str) and value not in ANSWER_LABELS:
            name = one_line(value)
            if name:
                return name
    return ""


def scope(ctx: Context, organisation: str, answered: int, visible: int) -> str:
    """A paragraph on what the plan covers and what it rests on."""
    who = organisation or "the organisation"
    share = 100 if visible == 0 else int(answered * 100 / visible)
    return (
        f"This plan covers {who}: its people, information, IT and cyber systems, and physical premises "
        "and "
        f"assets, as described by the profile below, against malicious acts such as theft, fraud, "
        "intrusion, "
        f"cyber attack and insider abuse. It rests on the answers to the questionnaire "
        f'"{one_line(ctx.q.title)}" (version {one_line(ctx.q.version)}): {answered} of {visible} '
        f"questions answered ({share}%)."
    )


def profile_facts(ctx: Context) -> tuple[Fact, ...]:
    """The answered questions of the profile sections."""
    return tuple(
        ctx.fact(q)
        for q in ctx.visible
        if ctx.domain_of_section.get(q.section) == "profile" and q.id in ctx.effective
    )


def answers_appendix(ctx: Context) -> tuple[AnswerSection, ...]:
    """Every visible question with its answer, by section; hidden questions are left out."""
    result = []
    for section in ctx.q.sections:
        rows = []
        for q in section.questions:
            if q.id not in ctx.visible_ids:
                continue
            value = ctx.effective.get(q.id)
            rows.append(
                AnswerRow(
                    question_id=one_line(q.id),
                    question=one_line(q.text),
                    answer=NOT_ANSWERED if value is None else answer_text(q, value),
                    value=None if value is None else _clean_value(value),
                    note=one_line(ctx.notes.get(q.id, "")) if value is not None else "",
                )
            )
        if rows:
            result.append(AnswerSection(one_line(section.id), one_line(section.title), tuple(rows)))
    return tuple(result)


def _clean_value(value: AnswerValue) -> str | int | float | tuple[str, ...]:
    if isinstance(value, list | tuple):
        return tuple(one_line(str(v)) for v in value)
    if isinstance(value, str):
        return clean_text(value, keep_newlines=True).strip()
    if isinstance(value, float) and not math.isfinite(value):
        return repr(value)  # JSON has no NaN or infinity; the engine refuses them, but be safe
    return value
