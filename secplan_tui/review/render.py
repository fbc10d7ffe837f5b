"""Render a :class:`~secplan_tui.review.compare.PlanDiff` for reading: a Markdown changelog
(:func:`render_diff_markdown`), the ``secplan-plan-diff`` JSON document (:func:`diff_to_dict`,
:func:`render_diff_json`, see docs/review.md) and a one-line summary (:func:`summarise_diff`).

Every piece of user text in the Markdown is escaped with ``md_inline`` (or ``md_code``), so nothing in a plan
can add a heading, list, table cell, link or HTML to the changelog.
"""

from __future__ import annotations

import json
from dataclasses import asdict
from typing import Any, Final

from secplan_tui.plan.escape import md_code, md_inline, one_line
from secplan_tui.plan.plan_json import ActionInfo, PlanInfo, RiskInfo
from secplan_tui.review.compare import (
    ANSWERED,
    STATE_TEXT,
    STATUS_WORDS,
    ActionChange,
    PlanDiff,
    RemovedAction,
)

DIFF_FORMAT: Final = "secplan-plan-diff"
"""The ``format`` field of a diff document (``secplan diff --json``)."""
DIFF_FORMAT_VERSION: Final = 1
"""The ``format_version`` of a diff document."""


def summarise_diff(diff: PlanDiff) -> str:
    """What changed, in one plain line (not Markdown), e.g. ``answers: 2 changed · actions: 1 added, 1 done or
    dropped · maturity: 1 domain changed · risks: 2 rated differently``; ``No changes: ...`` when nothing did."""
    if diff.is_empty:
        return "No changes: the same answers, actions, maturity and risks."

    def part(name: str, *counts: tuple[int, str]) -> str:
        shown = [f"{n} {what}" for n, what in counts if n]
        return f"{name}: {', '.join(shown)}" if shown else ""

    parts = [
        part("answers", (len(diff.answers), "changed")),
        part("actions", (len(diff.actions_added), "added"), (len(diff.actions_removed), "done or dropped"),
             (len(diff.actions_changed), "changed")),
        part("maturity", (len(diff.maturity), f"{'domain' if len(diff.maturity) == 1 else 'domains'} changed")),
        part("risks", (len(diff.risks_added), "new"), (len(diff.risks_removed), "gone"),
             (len(diff.risks_changed), "rated differently")),
    ]
    return " · ".join(p for p in parts if p)


def _percent(value: int | None) -> str:
    return "n/a" if value is None else f"{value}%"


def _points(delta: int | None) -> str:
    if delta is None:
        return "n/a"
    if delta == 0:
        return "no change"
    return f"{delta:+d} point{'s' if abs(delta) != 1 else ''}"


def _answer_cell(text: str, state: str) -> str:
    return _cell(text) if state == ANSWERED else f"*{STATE_TEXT[state]}*"


def _action_line(a: ActionInfo) -> str:
    return (
        f"**{md_inline(a.priority)}** {md_inline(a.title)} ({md_code(a.id)}): {md_inline(a.domain)}; "
        f"owner {md_inline(a.owner_title)}; due {md_inline(a.due)}"
    )


def _removed_line(r: RemovedAction) -> str:
    head = f"**{'Done' if r.outcome == 'done' else 'Dropped'}:** {md_inline(r.action.title)} ({md_code(r.action.id)})"
    q = f"“{md_inline(r.question)}”"
    old, new = md_inline(r.old_answer), md_inline(r.new_answer)
    reason = {
        "in_place": f"{q} is now answered “{new}” (was “{old}”): the control is in place.",
        "improved": f"{q} is now answered “{new}” (was “{old}”): better than before.",
        "not_applicable": f"{q} is now answered “{new}”: the action no longer applies.",
        "not_asked": f"{q} is no longer asked (was “{old}”), so the action no longer applies.",
        "changed": f"{q} is now answered “{new}” (was “{old}”), so the action no longer follows from the answers.",
        "unknown": "no answer that triggered it changed; the questionnaire itself may have changed.",
    }[r.basis]
    return f"{head}. {reason}"


def _change_line(c: ActionChange) -> str:
    parts = [f"{f.field} {md_inline(f.old)} → {md_inline(f.new)}" for f in c.changes]
    return f"{md_inline(c.new.title)} ({md_code(c.new.id)}): {'; '.join(parts)}"


def _risk_text(r: RiskInfo) -> str:
    rating = f" {md_inline(r.rating)}" if md_inline(r.rating) else ""
    return f"score {r.score}{rating} (likelihood {r.likelihood} × impact {r.impact})"


def _count(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def _name(label: str, fallback: str) -> str:
    return md_inline(label) or fallback


def _cell(text: str) -> str:
    """User text for a table cell; a dash when empty, so every row keeps its cells."""
    return md_inline(text) or "—"


def render_diff_markdown(diff: PlanDiff, old_label: str | None = None, new_label: str | None = None) -> str:
    """A Markdown changelog of a diff: a summary, then answers, actions, maturity and risks.

    Every piece of user text (labels, questions, answers, titles) is escaped with ``md_inline``, so nothing in
    it can add a heading, list, table cell, link or HTML.

    Args:
        diff: The diff from :func:`diff_plans`.
        old_label: How to name the earlier plan (default: the label given to :func:`diff_plans`).
        new_label: How to name the later plan.

    Returns:
        Markdown text ending with one newline; it says "No changes" when nothing changed.
    """
    a_label = _name(old_label if old_label is not None else diff.old.label, "the earlier plan")
    b_label = _name(new_label if new_label is not None else diff.new.label, "the later plan")
    a, b = diff.old, diff.new
    out: list[str] = ["# Changes to the security plan", "", f"From **{a_label}** to **{b_label}**.", ""]
    if diff.questionnaire_changed:
        out += [
            f"> The plans come from different questionnaires: {md_inline(a.questionnaire_id)} version "
            f"{md_inline(a.questionnaire_version)}, then {md_inline(b.questionnaire_id)} version "
            f"{md_inline(b.questionnaire_version)}. Some changes below may come from the questionnaire rather "
            "than from the answers.",
            "",
        ]
    out += ["| | Before | After |", "|---|---|---|"]
    out.append(f"| Organisation | {_cell(a.organisation)} | {_cell(b.organisation)} |")
    out.append(f"| Plan date | {_cell(a.plan_date)} | {_cell(b.plan_date)} |")
    if a.answered is not None and b.answered is not None:
        out.append(f"| Questions answered | {a.answered} of {a.visible} | {b.answered} of {b.visible} |")
    for key, name in (
        ("actions", "Actions"),
        ("p1", "First-priority (P1) actions"),
        ("risks", "Risks in the register"),
        ("high_risks", "High or very high risks"),
        ("discovery", "Open questions (don't know)"),
    ):
        out.append(f"| {name} | {a.counts.get(key, 0)} | {b.counts.get(key, 0)} |")
    out.append("")
    if diff.is_empty:
        out += [
            "No changes: the same answers, actions, maturity and risks.",
            "",
        ]
        return "\n".join(out)

    out += [f"## Answers changed ({len(diff.answers)})", ""]
    if diff.answers:
        out += ["| Question | Before | After |", "|---|---|---|"]
        for c in diff.answers:
            out.append(
                f"| {md_inline(c.question)} ({md_code(c.question_id)}) | {_answer_cell(c.old_answer, c.old_state)} "
                f"| {_answer_cell(c.new_answer, c.new_state)} |"
            )
    else:
        out.append("No change.")
    out.append("")

    n_actions = len(diff.actions_added) + len(diff.actions_removed) + len(diff.actions_changed)
    out += [f"## Actions ({_count(n_actions, 'change')})", ""]
    if not n_actions:
        out += ["No change.", ""]
    if diff.actions_added:
        out += [f"### Added ({len(diff.actions_added)})", ""]
        out += [f"- {_action_line(x)}" for x in diff.actions_added]
        out.append("")
    if diff.actions_removed:
        out += [f"### No longer needed: done or dropped ({len(diff.actions_removed)})", ""]
        out += [f"- {_removed_line(x)}" for x in diff.actions_removed]
        out.append("")
    progress = _progress_words(diff)
    if progress:
        out += [f"Progress since then: {progress}.", ""]
    if diff.actions_changed:
        out += [f"### Changed ({len(diff.actions_changed)})", ""]
        out += [f"- {_change_line(x)}" for x in diff.actions_changed]
        out.append("")

    out += ["## Maturity by domain", ""]
    if diff.maturity:
        out += ["| Domain | Before | After | Change |", "|---|---|---|---|"]
        for m in diff.maturity:
            out.append(
                f"| {_cell(m.title)} | {_percent(m.old_percent)} | {_percent(m.new_percent)} | {_points(m.delta)} |"
            )
    else:
        out.append("No change.")
    out.append("")

    n_risks = len(diff.risks_added) + len(diff.risks_removed) + len(diff.risks_changed)
    out += [f"## Risks ({_count(n_risks, 'change')})", ""]
    if not n_risks:
        out += ["No change.", ""]
    if diff.risks_added:
        out += [f"### New in the register ({len(diff.risks_added)})", ""]
        out += [f"- {md_inline(r.title)} ({md_code(r.id)}): {_risk_text(r)}" for r in diff.risks_added]
        out.append("")
    if diff.risks_removed:
        out += [f"### No longer in the register ({len(diff.risks_removed)})", ""]
        out += [f"- {md_inline(r.title)} ({md_code(r.id)}): was {_risk_text(r)}" for r in diff.risks_removed]
        out.append("")
    if diff.risks_changed:
        out += [f"### Rated differently ({len(diff.risks_changed)})", ""]
        for rc in diff.risks_changed:
            word = "lower" if rc.delta < 0 else "higher" if rc.delta > 0 else "same score"
            out.append(
                f"- {md_inline(rc.new.title)} ({md_code(rc.new.id)}): {_risk_text(rc.old)} → {_risk_text(rc.new)} "
                f"({word}{'' if rc.delta == 0 else f', {rc.delta:+d}'})"
            )
        out.append("")
    return "\n".join(out)


def _progress_words(diff: PlanDiff) -> str:
    """The actions of both plans whose living-plan status changed, counted by their new status: "3 done, 1
    deferred", or "" when none did."""
    counts: dict[str, int] = {}
    for change in diff.actions_changed:
        if any(f.field == "status" for f in change.changes):
            word = STATUS_WORDS.get(change.new.status, change.new.status)
            counts[word] = counts.get(word, 0) + 1
    order = [STATUS_WORDS[k] for k in ("done", "doing", "deferred", "wont", "todo")]
    return ", ".join(f"{counts[w]} {w}" for w in order if w in counts)


def diff_to_dict(diff: PlanDiff, old_label: str | None = None, new_label: str | None = None) -> dict[str, Any]:
    """The diff as plain JSON-ready values (the ``secplan-plan-diff`` document, see docs/review.md)."""

    def side(info: PlanInfo, label: str | None) -> dict[str, Any]:
        d = asdict(info)
        d["label"] = one_line(label) if label is not None else info.label
        d["counts"] = dict(info.counts)
        return d

    return {
        "format": DIFF_FORMAT,
        "format_version": DIFF_FORMAT_VERSION,
        "old": side(diff.old, old_label),
        "new": side(diff.new, new_label),
        "changed": not diff.is_empty,
        "questionnaire_changed": diff.questionnaire_changed,
        "answers": [asdict(c) for c in diff.answers],
        "actions": {
            "added": [asdict(x) for x in diff.actions_added],
            "removed": [asdict(x) for x in diff.actions_removed],
            "changed": [asdict(x) for x in diff.actions_changed],
        },
        "maturity": [{**asdict(m), "delta": m.delta} for m in diff.maturity],
        "risks": {
            "added": [asdict(x) for x in diff.risks_added],
            "removed": [asdict(x) for x in diff.risks_removed],
            "changed": [{**asdict(x), "delta": x.delta} for x in diff.risks_changed],
        },
    }


def render_diff_json(diff: PlanDiff, old_label: str | None = None, new_label: str | None = None) -> str:
    """The diff as JSON text: keys sorted, two-space indent, one final newline (stable for scripts)."""
    return json.dumps(diff_to_dict(diff, old_label, new_label), sort_keys=True, indent=2, ensure_ascii=False) + "\n"
