"""The one-page executive summary as Markdown blocks: the plan at a glance, what to do first, the risks and what
treats them, what to find out, and the maturity chart.
"""

from __future__ import annotations

from secplan_tui.plan.escape import md_inline
from secplan_tui.plan.markdown_common import (
    Block,
    assumption_lines,
    by_priority,
    conditional_line,
    marking_block,
    maturity_chart,
    md_bullets,
    md_table,
    meta_line,
    short_number,
    stage_note,
)
from secplan_tui.plan.records import Plan, RiskEntry
from secplan_tui.plan.schedule import YEAR_MONTHS

SUMMARY_RISKS = 6
SUMMARY_ACTIONS = 8
SUMMARY_DISCOVERY = 4


def summary_view(plan: Plan) -> list[Block]:
    """The blocks of the one-page summary: the marking and one front block."""
    m = plan.metadata
    c = plan.counts()
    cap = plan.capacity
    title = f"Security plan summary: {m.organisation}" if m.organisation else "Security plan summary"
    open_ = plan.open_actions()
    hours = sum(a.mean_hours for a in open_)
    year_two = sum(1 for a in open_ if a.month > YEAR_MONTHS)
    fits = f"{year_two} {'moves' if year_two == 1 else 'move'} to year two" if year_two else "all fit in the first year"
    given = "assumed" if cap.assumed else "as answered"
    found = (f"{c['discovery']} questions answered \"don't know\"" if c["discovery"]
             else "nothing: no question was answered \"don't know\"")
    glance = [
        f"**Actions:** {c['actions']}, about {short_number(round(hours))} hours of work"
        + (f" ({c['done']} done)" if c["done"] else "")
        + f"; at {short_number(cap.hours)} hours a month ({given}), {fits}",
        f"**Risks:** {c['risks']} in the register, {c['high_risks']} high or very high"
        + (f", {c['gaps']} not treated within 90 days" if c["gaps"] else ""),
        f"**Controls:** {c['strengths']} in place, {c['partial']} partly in place",
        f"**To find out:** {found}",
    ]
    parts = [f"# {md_inline(title)}", meta_line(plan)]
    note = stage_note(plan)
    if note:
        parts.append(f"**{md_inline(note)}**")
    parts += ["## At a glance", "\n".join(f"- {g}" for g in glance)]
    assumed = assumption_lines(plan)
    if assumed:
        parts.append(md_bullets(assumed[:2] + ([md_inline(f"And {len(assumed) - 2} more assumptions (1.1).")]
                                             if len(assumed) > 2 else []), ""))
    first = sorted(open_, key=lambda a: (a.due, a.rank))[:SUMMARY_ACTIONS]
    first.sort(key=lambda a: (a.rank != 0 and a.id != _first_id(plan), a.due, a.rank))
    parts += [
        "## Do first",
        md_table(
            ["Due", "Action", "Who", "Hours"],
            ([a.due.isoformat(), md_inline(a.title), md_inline(a.owner_title), md_inline(a.hours_text)]
             for a in first),
        )
        if first
        else md_inline("Nothing left to do: every action is done or decided."),
    ]
    high = [r for r in plan.risks if r.score >= 10]
    shown = high[:10] if len(high) >= SUMMARY_RISKS else plan.risks[:SUMMARY_RISKS]
    parts += [
        "## Risks and what treats them",
        md_table(
            ["Risk", "Rating", "First treatment"],
            ([md_inline(r.title), f"{r.rating} ({r.score})", _risk_summary(plan, r)] for r in shown),
        )
        if shown
        else md_inline("No risk in the register."),
    ]
    if plan.discovery:
        items = []
        for t in sorted(plan.discovery, key=lambda t: t.due)[:SUMMARY_DISCOVERY]:
            line = f"{md_inline(t.question)} ({md_inline(t.ask_title)}, by {t.due.isoformat()})"
            for cid in t.conditional[:1]:
                cond = plan.conditional_action(cid)
                if cond is not None:
                    line += f"; {conditional_line(cond)}"
            items.append(line)
        more = len(plan.discovery) - SUMMARY_DISCOVERY
        if more > 0:
            items.append(md_inline(f"and {more} more (2.4 in the full plan)"))
        parts += ["## To find out", md_bullets(items, "")]
    parts += ["## Maturity", maturity_chart(plan)]
    return [marking_block(plan), Block("front", "\n\n".join(parts))]


def _risk_summary(plan: Plan, r: RiskEntry) -> str:
    """What is done about a risk, in a few words, for the summary."""
    open_ = [a for a in (plan.action(x) for x in by_priority(plan, r.treated_by))
             if a is not None and a.status not in ("done", "wont")]
    done = [x for x in r.treated_by if (a := plan.action(x)) is not None and a.status == "done"]
    if r.handling == "accepted":
        return "accepted"
    if open_:
        first = min(open_, key=lambda a: a.due)
        more = f" (+{len(open_) - 1} more)" if len(open_) > 1 else ""
        gap = "; gap: due after 90 days" if r.handling == "gap" else ""
        return f"{md_inline(first.title)}, {first.due.isoformat()}{more}{gap}"
    if done:
        return f"{len(done)} done"
    if r.conditional:
        return "unknown until found out (see below)"
    return "nothing in this plan: treat or accept" if r.score >= 10 else "nothing in this plan"


def _first_id(plan: Plan) -> str:
    """The plan's first open action (the lead's, when there is one)."""
    open_ = plan.open_actions()
    return open_[0].id if open_ else ""
