"""The logic table of a questionnaire (``secplan show``): ids, types, choices, conditions and triggered actions."""

from __future__ import annotations

import textwrap
from collections import Counter

from secplan_tui.core.model import DOMAINS, Question, Questionnaire


def _question_json(q: Question) -> dict[str, object]:
    doc: dict[str, object] = {
        "id": q.id,
        "type": q.type.value,
        "text": q.text,
        "choices": [
            {"id": c.id, "label": c.label, **({"status": c.status.value} if c.status else {})} for c in q.choices
        ],
        "when": q.when.source if q.when else None,
        "dont_know": q.dont_know,
        "not_applicable": q.not_applicable,
        "control": q.is_control,
    }
    if q.type.value == "number":
        doc.update({"min": q.minimum, "max": q.maximum, "integer": q.integer, "unit": q.unit})
    return doc


def logic_json(q: Questionnaire) -> dict[str, object]:
    """The logic table as a stable JSON-ready dict (the CLI contract's ``show --json``)."""
    questions = q.questions()
    per_domain = Counter(s.domain for s in q.sections for _ in s.questions)
    triggered_by: dict[str, list[str]] = {}
    for a in q.actions:
        for qid in sorted(a.when.question_ids()):
            triggered_by.setdefault(qid, []).append(a.id)
    return {
        "id": q.id,
        "version": q.version,
        "title": q.title,
        "content_hash": q.content_hash,
        "counts": {
            "sections": len(q.sections),
            "questions": len(questions),
            "conditional_questions": sum(
                1 for s in q.sections for x in s.questions if x.when is not None or s.when is not None
            ),
            "questions_per_domain": {d: per_domain.get(d, 0) for d in DOMAINS},
            "actions": len(q.actions),
            "actions_per_domain": {d: sum(1 for a in q.actions if a.domain == d) for d in DOMAINS[1:]},
            "risks": len(q.risks),
            "roles": len(q.roles),
        },
        "sections": [
            {
                "id": s.id,
                "title": s.title,
                "domain": s.domain,
                "when": s.when.source if s.when else None,
                "questions": [{**_question_json(x), "actions": triggered_by.get(x.id, [])} for x in s.questions],
            }
            for s in q.sections
        ],
        "actions": [
            {
                "id": a.id,
                "title": a.title,
                "domain": a.domain,
                "priority": a.priority,
                "owner": a.owner,
                "effort": a.effort,
                "when": a.when.source,
                "references": list(a.references),
            }
            for a in q.actions
        ],
        "roles": [
            {"id": r.id, "title": r.title, "cases": [{"when": c.when.source, "title": c.title} for c in r.cases]}
            for r in q.roles
        ],
        "risks": [
            {
                "id": r.id,
                "title": r.title,
                "likelihood": r.likelihood,
                "impact": r.impact,
                "when": r.when.source if r.when else None,
                "treated_by": list(r.treated_by),
            }
            for r in q.risks
        ],
    }


def logic_table(q: Questionnaire) -> str:
    """The logic table as plain text for a terminal or a diff."""
    out: list[str] = [f"{q.title} — {q.id} version {q.version}", ""]
    triggered_by: dict[str, list[str]] = {}
    for a in q.actions:
        for qid in sorted(a.when.question_ids()):
            triggered_by.setdefault(qid, []).append(a.id)
    for s in q.sections:
        head = f"[{s.id}] {s.title} ({s.domain})"
        if s.when:
            head += f"  when {s.when.source}"
        out.append(head)
        for x in s.questions:
            out.append(f"  {x.id}  {x.type.value}{'  control' if x.is_control else ''}")
            if x.when:
                out.append(f"      when: {x.when.source}")
            if x.choices:
                out.append("      choices: " + ", ".join(c.id for c in x.choices))
            if x.type.value == "number":
                out.append(f"      range: {x.minimum if x.minimum is not None else '-'} .. "
                           f"{x.maximum if x.maximum is not None else '-'} {x.unit}".rstrip())
            if x.id in triggered_by:
                out.append("      triggers: " + ", ".join(triggered_by[x.id]))
        out.append("")
    out.append("Actions")
    for a in q.actions:
        out.append(f"  {a.id}  {a.priority} {a.effort} owner={a.owner} domain={a.domain}")
        out.extend(textwrap.wrap(f"when: {a.when.source}", 100, initial_indent="      ", subsequent_indent="        "))
        if a.references:
            out.append("      refs: " + ", ".join(a.references))
    if q.risks:
        out.append("")
        out.append("Risks")
        for r in q.risks:
            out.append(f"  {r.id}  L{r.likelihood} I{r.impact}  treated by: {', '.join(r.treated_by) or '-'}")
    return "\n".join(out) + "\n"
