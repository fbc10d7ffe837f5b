"""The full plan's parts 3 and 4 as Markdown blocks: the security controls of each domain with its actions
(ISO 22342 5.4), the month-by-month roadmap, training and incident response, and the security controls process
with the maturity table (5.5).
"""

from __future__ import annotations

import re

from secplan_tui.plan.escape import md_inline
from secplan_tui.plan.markdown_common import (
    Block,
    action_line,
    fact_line,
    maturity_chart,
    md_bullets,
    md_table,
    short_number,
    when_words,
)
from secplan_tui.plan.records import DomainPlan, MonthLoad, Plan, PlannedAction, ThemedSection
from secplan_tui.plan.schedule import YEAR_MONTHS
from secplan_tui.plan.vocabulary import SKILL_LABELS

STATUS_LABELS = {"todo": "to do", "doing": "doing", "done": "done", "deferred": "deferred", "wont": "won't do"}


def controls_intro(plan: Plan) -> Block:
    """The heading of part 3 and what its actions add up to."""
    counts = plan.counts()
    progress = ""
    if counts["done"] or counts["wont"]:
        progress = f" Done so far: {counts['done']} of {counts['actions']}; won't do: {counts['wont']}."
    text = "\n\n".join(
        [
            "## 3. Security controls (ISO 22342 5.4)",
            md_inline(
                f"What is already in place, and what to do next, for each domain: {counts['actions']} "
                f"actions in all (P1: {counts['p1']}, P2: {counts['p2']}, P3: {counts['p3']}). P1 actions come "
                "first: naming a lead, getting help where needed, the quickest treatment of each high risk, and "
                "everything due in the first 30 days; P2 actions are due within 90 days and P3 later. Each due "
                f"date comes from the roadmap, which fits the hours each person has.{progress}"
            ),
        ]
    )
    return Block("part", text)


def domain_block(plan: Plan, d: DomainPlan, number: int) -> Block:
    """One domain's section of part 3: its maturity, what is in place, and its actions."""
    m = d.maturity
    if m.applicable <= 0:
        maturity = "no control applies yet" if m.controls == 0 else "no applicable control"
    elif m.is_unknown:
        maturity = (f"unknown: none of the {m.applicable} applicable controls is known yet ({m.dont_know} don't "
                    f"know, {m.unanswered} unanswered)")
    else:
        maturity = (
            f"{m.percent}% of the known controls in place ({m.in_place} in place and {m.partial} partly, of "
            f"{m.known} known); {m.unknown_percent}% unknown ({m.dont_know} don't know, {m.unanswered} "
            f"unanswered); {m.not_applicable} not applicable"
        )
    parts = [
        f"### 3.{number} {md_inline(d.title)} (ISO 22342 {d.clause})",
        f"**Maturity:** {md_inline(maturity)}",
        "#### What is already in place",
        md_bullets((md_inline(s.question) for s in d.strengths), "Nothing is recorded as in place yet."),
    ]
    if d.partial:
        parts += ["#### Partly in place", md_bullets((fact_line(f) for f in d.partial), "")]
    parts.append("#### Actions")
    if not d.actions:
        parts.append(md_inline("No action is triggered in this domain."))
    for a in d.actions:
        parts.append(_action(plan, a))
    return Block("domain", "\n\n".join(parts))


def _action(plan: Plan, a: PlannedAction) -> str:
    fields = [
        f"**Who:** {md_inline(a.owner_title)}",
        f"**Due:** {a.due.isoformat()}" if a.status not in ("done", "wont") else f"**Status:** {when_words(a)}",
        f"**Effort:** {md_inline(a.hours_text)}, {SKILL_LABELS.get(a.skill, 'anyone can do it')}",
    ]
    if a.status in ("doing", "deferred"):
        fields.append(f"**Status:** {STATUS_LABELS.get(a.status, a.status)}")
    waits = [plan.action(x) for x in a.after]
    if any(w is not None and w.status not in ("done", "wont") for w in waits):
        fields.append("**After:** " + "; ".join(md_inline(w.title) for w in waits if w is not None))
    # One paragraph rather than a list: easier to scan in print, and far fewer tokens for the HTML renderer.
    parts = [f"##### {a.priority} · {md_inline(a.title)}", " · ".join(fields)]
    if a.status_note:
        parts.append(f"**Note ({STATUS_LABELS.get(a.status, a.status)}"
                     f"{', ' + a.status_date if a.status_date else ''}):** {md_inline(a.status_note)}")
    if a.why:
        parts.append(f"**Why it matters:** {md_inline(a.why)}")
    if a.how:
        parts += ["**How:**", _how(a.how)]
    parts.append("**Triggered by these answers:**")
    parts.append(md_bullets((fact_line(f) for f in a.triggers), "The action applies to every organisation."))
    return "\n\n".join(parts)
_STEP = re.compile(r"^\s*(?:\d{1,3}[.)]|[-*+\u2022])\s+(.*)$")


def _how_blocks(text: str) -> list[tuple[str, str]]:
    """Split an action's ``how`` into paragraphs and steps, so numbered steps render as a list we build."""
    blocks: list[tuple[str, str]] = []
    para: list[str] = []
    in_step = False

    def flush() -> None:
        if para:
            blocks.append(("p", " ".join(para)))
            para.clear()

    for line in text.split("\n"):
        m = _STEP.match(line)
        if m:
            flush()
            blocks.append(("step", m.group(1)))
            in_step = True
        elif not line.strip():
            flush()
            in_step = False
        elif in_step and blocks:
            kind, body = blocks[-1]
            blocks[-1] = (kind, f"{body} {line.strip()}")
        else:
            para.append(line.strip())
    flush()
    return blocks


def _how(text: str) -> str:
    parts: list[str] = []
    steps: list[str] = []
    for kind, body in _how_blocks(text):
        if kind == "step":
            steps.append(f"{len(steps) + 1}. {md_inline(body)}")
            continue
        if steps:
            parts.append("\n".join(steps))
            steps = []
        parts.append(md_inline(body))
    if steps:
        parts.append("\n".join(steps))
    return "\n\n".join(p for p in parts if p)


def _themed(plan: Plan, section: ThemedSection, heading: str, empty: str) -> list[str]:
    parts = [heading] + [md_inline(p) for p in section.paragraphs]
    if section.actions or empty:
        parts.append("**Related actions in this plan:**")
        parts.append(md_bullets((action_line(plan, a) for a in section.actions), empty))
    return parts


def _month_heading(m: MonthLoad) -> str:
    return f"Month {m.month}: {m.start.isoformat()} to {m.end.isoformat()}"


def _load_line(m: MonthLoad) -> str:
    parts = [f"{p} {short_number(round(used, 1))} of {short_number(round(cap, 1))} h" for p, used, cap in m.hours]
    return "Hours asked this month: " + "; ".join(parts) + "." if parts else ""


def _roadmap(plan: Plan) -> list[str]:
    """Month by month: what falls due, who does it, the hours, and the load on each person."""
    parts: list[str] = []
    c = plan.counts()
    cap = plan.capacity
    open_ = plan.open_actions()
    if c["done"] or c["wont"]:
        parts.append(md_inline(
            f"Progress: {c['done']} of {c['actions']} actions done"
            + (f", {c['wont']} marked won't do" if c["wont"] else "") + f"; {len(open_)} to go."
        ))
    given = "assumed for an organisation of this size" if cap.assumed else "as answered"
    parts.append(md_inline(
        f"The roadmap fits the hours each person has ({short_number(cap.hours)} hours a month for the organisation, "
        f"{given}; see 1.3). An action too big for one month's hours is spread over several and is due in the "
        "month it is finished."
    ))
    later = [m for m in plan.schedule if m.year > 1]
    year_two = [a for a in open_ if a.month > YEAR_MONTHS]
    for m in plan.schedule:
        if m.year > 1:
            continue
        parts.append(f"#### {_month_heading(m)}")
        rows = []
        for aid in m.actions:
            a = plan.action(aid)
            if a is None or a.status in ("done", "wont"):
                continue
            rows.append([a.due.isoformat(), md_inline(a.title), md_inline(a.owner_title), md_inline(a.hours_text),
                         a.priority])
        if rows:
            parts.append(md_table(["Due", "Action", "Who", "Hours", "Priority"], rows))
        if m.discovery:
            parts.append(md_inline(f"Also due: {len(m.discovery)} discovery tasks (2.4)."))
        if not rows and not m.discovery:
            parts.append(md_inline("Nothing falls due; work continues on longer actions."))
        line = _load_line(m)
        if line:
            parts.append(md_inline(line))
    if year_two:
        hours = sum(a.mean_hours for a in year_two)
        last = max(a.due for a in year_two)
        parts.append("#### Year two")
        parts.append(md_inline(
            f"The work does not fit in a year with the hours given: {_plural(len(year_two), 'action')} (about "
            f"{short_number(round(hours))} hours) {'moves' if len(year_two) == 1 else 'move'} to year two, the last "
            f"due on {last.isoformat()}. Find more hours, "
            "ask a provider to take some on, or accept the delay; they are listed here in the order they come."
        ))
        parts.append(md_table(
            ["Due", "Action", "Who", "Hours"],
            ([a.due.isoformat(), md_inline(a.title), md_inline(a.owner_title), md_inline(a.hours_text)]
             for a in sorted(year_two, key=lambda a: (a.due, a.rank))),
        ))
    elif not later and open_:
        parts.append(md_inline(f"Everything fits in the first year: the last action is due on "
                               f"{max(a.due for a in open_).isoformat()}."))
    done = [a for a in plan.actions() if a.status == "done"]
    if done:
        parts.append("#### Done")
        parts.append(md_bullets(
            (f"{md_inline(a.title)} ({md_inline(a.owner_title)}, {when_words(a)})" for a in done), ""))
    wont = [a for a in plan.actions() if a.status == "wont"]
    if wont:
        director = plan.director
        parts.append("#### Won't do: risks accepted")
        parts.append(md_inline(
            f"Each action below will not be done; the risk it would have reduced is accepted by {director}."
        ))
        risk_titles = {r.id: r.title for r in plan.risks}
        items = []
        for a in wont:
            risks = ", ".join(risk_titles[r] for r in a.risks if r in risk_titles)
            why = f": {a.status_note}" if a.status_note else ""
            items.append(md_inline(f"{a.title}" + (f" (risk: {risks})" if risks else "") + why))
        parts.append(md_bullets(items, ""))
    return parts


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def controls_after(plan: Plan, count: int) -> Block:
    """The end of part 3: the roadmap, training and awareness, incident response and continuity."""
    n = count + 1
    parts = [f"### 3.{n} Roadmap (5.4.6)"]
    parts += _roadmap(plan)
    parts += _themed(
        plan,
        plan.training,
        f"### 3.{n + 1} {md_inline(plan.training.title)} ({plan.training.clause})",
        "No training action is triggered; keep the routine above.",
    )
    ir = plan.incident_response
    parts += _themed(
        plan,
        ir,
        f"### 3.{n + 2} {md_inline(ir.title)} ({ir.clause})",
        "No response or continuity action is triggered; keep the routine above.",
    )
    return Block("part", "\n\n".join(parts))


def process_block(plan: Plan) -> Block:
    """Part 4: selection and implementation of controls, monitoring and review, maturity by domain."""
    review = plan.review
    parts = ["## 4. Security controls process (ISO 22342 5.5)"]
    parts += _themed(plan, plan.selection, f"### 4.1 {md_inline(plan.selection.title)} ({plan.selection.clause})", "")
    impl = plan.implementation
    parts += _themed(plan, impl, f"### 4.2 {md_inline(impl.title)} ({impl.clause})", "")
    parts += [
        "### 4.3 Monitoring and review (5.5.4, 5.2.10, 5.2.11)",
        f"**Next scheduled review:** {review.next_review.isoformat()}",
        md_inline("Review the plan earlier after any of these:"),
        md_bullets((md_inline(t) for t in review.triggers), ""),
    ]
    parts += [md_inline(p) for p in review.paragraphs]
    if review.actions:
        parts += [
            "**Related actions in this plan:**",
            md_bullets((action_line(plan, a) for a in review.actions), ""),
        ]
    parts += [
        "### 4.4 Determining effectiveness: maturity by domain (5.5.5)",
        md_inline(
            "The share of the known controls in place in each domain: in place counts 1, partly in place ½, "
            "not in place 0. Don't know and unanswered controls are not counted as missing: they are shown "
            "apart as unknown, and a domain where nothing is known is shown as unknown, never as zero. Not "
            "applicable is left out."
        ),
        _maturity_table(plan),
        maturity_chart(plan),
    ]
    return Block("part", "\n\n".join(parts))


def _maturity_table(plan: Plan) -> str:
    rows = []
    for d in plan.domains:
        m = d.maturity
        rows.append(
            [
                md_inline(m.title),
                str(m.in_place),
                str(m.partial),
                str(m.not_in_place),
                str(m.dont_know),
                str(m.unanswered),
                str(m.not_applicable),
                "unknown" if m.is_unknown else _percent(m.percent),
                f"{m.unknown_percent}%" if m.applicable > 0 else "n/a",
            ]
        )
    return md_table(
        [
            "Domain",
            "In place",
            "Partly",
            "Not in place",
            "Don't know",
            "Unanswered",
            "Not applicable",
            "Score of known",
            "Unknown",
        ],
        rows,
    )


def _percent(value: int | None) -> str:
    return "n/a" if value is None else f"{value}%"
