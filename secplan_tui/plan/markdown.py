"""Render a Plan as Markdown: the full plan, a one-page executive summary, or a checklist grouped by owner.

Every string that comes from an answer or from the questionnaire passes through :func:`md_inline` (or
:func:`md_code` for identifiers) before it is placed, so it renders as itself and cannot add structure. The
output is a pure function of the Plan and the view: the same plan gives byte-identical Markdown.

The document is built as a list of :class:`Block` values (marking, front matter, parts, domains, appendices);
the Markdown is their concatenation, and the HTML renderer wraps each block in its own ``<section>`` so print
styles can break pages before domains.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from secplan_tui.core.errors import InvalidInput
from secplan_tui.plan.escape import md_code, md_inline, one_line
from secplan_tui.plan.records import (
    ConditionalAction,
    DiscoveryTask,
    DomainPlan,
    Fact,
    Maturity,
    MonthLoad,
    Plan,
    PlannedAction,
    RiskEntry,
    ThemedSection,
)
from secplan_tui.plan.schedule import YEAR_MONTHS
from secplan_tui.plan.vocabulary import RISK_BANDS, SKILL_LABELS

VIEWS: tuple[str, ...] = ("full", "summary", "checklist")
"""The views every renderer accepts."""

BAR_WIDTH = 10
"""Characters in a maturity bar."""
SUMMARY_RISKS = 6
SUMMARY_ACTIONS = 8
SUMMARY_DISCOVERY = 4
STATUS_LABELS = {"todo": "to do", "doing": "doing", "done": "done", "deferred": "deferred", "wont": "won't do"}


@dataclass(frozen=True)
class Block:
    """A self-contained piece of Markdown: it starts and ends at a block boundary."""

    kind: str
    """``marking``, ``front``, ``part``, ``domain`` or ``appendix``; the HTML renderer uses it for styling."""
    text: str
    """Markdown source without a trailing newline."""


def render_markdown(plan: Plan, view: str = "full") -> str:
    """Render a plan as Markdown.

    Args:
        plan: A compiled plan.
        view: ``full``, ``summary`` or ``checklist``.

    Returns:
        The Markdown text, ending with exactly one newline.

    Raises:
        InvalidInput: the view is not one of VIEWS.
    """
    return "\n\n".join(b.text for b in markdown_blocks(plan, view)) + "\n"


def markdown_blocks(plan: Plan, view: str = "full") -> list[Block]:
    """The blocks of a view, in order.

    Args:
        plan: A compiled plan.
        view: ``full``, ``summary`` or ``checklist``.

    Raises:
        InvalidInput: the view is not one of VIEWS.
    """
    if view == "full":
        return _full(plan)
    if view == "summary":
        return _summary(plan)
    if view == "checklist":
        return _checklist(plan)
    raise InvalidInput("Unknown view", f"'{one_line(view)}' is not a plan view; use one of {', '.join(VIEWS)}")


# ------------------------------------------------------------------------------------------------------------
# Small builders
# ------------------------------------------------------------------------------------------------------------


def _table(header: Sequence[str], rows: Iterable[Sequence[str]]) -> str:
    """A GFM table; cells must already be escaped (md_inline escapes ``|``)."""
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines)


def _bullets(items: Iterable[str], empty: str) -> str:
    """A bullet list of already-escaped items, or an escaped sentence when there are none."""
    lines = [f"- {item}" for item in items]
    return "\n".join(lines) if lines else md_inline(empty)


def _marking(plan: Plan) -> Block:
    return Block("marking", f"**{md_inline(plan.metadata.marking)}**")


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def _percent(value: int | None) -> str:
    return "n/a" if value is None else f"{value}%"


def maturity_words(m: Maturity) -> str:
    """A domain's maturity in a few words: "55%", "55%, 30% unknown", "unknown", "n/a"."""
    if m.applicable <= 0:
        return "n/a"
    if m.is_unknown:
        return "unknown"
    if m.unknown:
        return f"{m.percent}%, {m.unknown_percent}% unknown"
    return f"{m.percent}%"


def _bar(maturity: Maturity, width: int) -> str:
    """``#`` in place (of every applicable control), ``?`` unknown, ``-`` not in place; then the words."""
    label = maturity.title.ljust(width)
    if maturity.applicable <= 0:
        return f"{label}  {'.' * BAR_WIDTH}  n/a"
    applicable = maturity.applicable
    share_in = (maturity.in_place + maturity.partial / 2) / applicable
    filled = int(share_in * BAR_WIDTH + 0.5)
    unknown = int(maturity.unknown_share * BAR_WIDTH + 0.5)
    if maturity.unknown and unknown == 0:
        unknown = 1
    filled = min(filled, BAR_WIDTH - unknown)
    bar = "#" * filled + "?" * unknown + "-" * (BAR_WIDTH - filled - unknown)
    return f"{label}  {bar}  {maturity_words(maturity)}"


def maturity_chart(plan: Plan) -> str:
    """A bar per domain in a fenced code block. Domain titles are fixed strings, never user text."""
    width = max(len(d.maturity.title) for d in plan.domains)
    bars = [_bar(d.maturity, width) for d in plan.domains]
    key = "# in place   ? unknown   - not in place; the figure is the share of known controls in place"
    return "```text\n" + "\n".join(bars) + "\n\n" + key + "\n```"


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
    return _table(
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


def _action_line(plan: Plan, action_id: str, *, owner: bool = True) -> str:
    """One line naming an action of the plan, for lists in roles, risks and themed sections."""
    action = plan.action(action_id)
    if action is None:
        return md_code(action_id)
    who = f", {md_inline(action.owner_title)}" if owner else ""
    return f"{md_inline(action.title)} ({action.priority}{who}, {_when(action)})"


def _when(action: PlannedAction) -> str:
    """"due 2025-03-04", "done 2025-02-10", "won't do", "deferred to 2025-06-01"."""
    if action.status == "done":
        return f"done {action.status_date}" if action.status_date else "done"
    if action.status == "wont":
        return "won't do"
    if action.status == "deferred":
        return f"deferred to {action.due.isoformat()}"
    return f"due {action.due.isoformat()}"


def _box(action: PlannedAction) -> str:
    return "[x]" if action.status == "done" else "[ ]"


def _conditional_line(c: ConditionalAction) -> str:
    return (f"If {md_inline(c.condition)}: {md_inline(c.title)} ({md_inline(c.owner_title)}, "
            f"{md_inline(_hours_text(c.hours))})")


def _hours_text(hours: tuple[float, float]) -> str:
    low, high = hours
    return f"{_num(low)} h" if low == high else f"{_num(low)}–{_num(high)} h"


def _num(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:.1f}".rstrip("0").rstrip(".")


def _by_priority(plan: Plan, action_ids: tuple[str, ...] | list[str]) -> list[str]:
    """Action ids in plan order (priority, then due date, then library order)."""
    rank = {a.id: i for i, a in enumerate(plan.actions())}
    return sorted(action_ids, key=lambda a: rank.get(a, len(rank)))


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


def _fact_line(fact: Fact) -> str:
    return f"{md_inline(fact.question)} — {md_inline(fact.answer)}"


# ------------------------------------------------------------------------------------------------------------
# Full plan
# ------------------------------------------------------------------------------------------------------------


def _full(plan: Plan) -> list[Block]:
    blocks = [_marking(plan), _front(plan), _governance(plan), _risk(plan), _controls_intro(plan)]
    blocks += [_domain(plan, d, i + 1) for i, d in enumerate(plan.domains)]
    blocks.append(_controls_after(plan, len(plan.domains)))
    blocks.append(_process(plan))
    blocks.append(_appendix_answers(plan))
    blocks.append(_appendix_references(plan))
    blocks.append(_appendix_ids(plan))
    blocks.append(Block("marking", f"*End of plan.* **{md_inline(plan.metadata.marking)}**"))
    return blocks


def _stage_note(plan: Plan) -> str:
    """A sentence for a plan made before every question was answered, or ""."""
    if plan.first_pass:
        left = sum(n for _, n in plan.details_left)
        where = ", ".join(f"{t.lower()} {n}" for t, n in plan.details_left)
        return (f"First pass: this plan rests on the essential questions. {left} detail questions remain "
                f"({where}); answering them adds to the plan and makes it fit better.")
    if plan.stage == "essentials":
        return ("Draft: some essential questions are not answered yet, so this plan may miss actions that "
                "matter. Answer the essentials, then compile the plan again.")
    return ""


def _assumptions(plan: Plan) -> list[str]:
    """What the plan assumed, one sentence each (already escaped)."""
    found = []
    cap = plan.capacity
    if cap.assumed:
        found.append(md_inline(
            f"The hours the organisation can give to security were not answered: the plan assumes "
            f"{_num(cap.hours)} hours a month, usual for an organisation of this size. Give the real figure "
            "and compile again."
        ))
    for a in plan.assumed:
        shows = "; ".join(f"\u201c{x}\u201d" for x in a.shows[:2])
        more = f" and {len(a.shows) - 2} more" if len(a.shows) > 2 else ""
        found.append(md_inline(
            f"\u201c{a.question}\u201d was answered \u201cdon't know\u201d, so the plan assumed it may apply and "
            f"also asked {shows}{more}."
        ))
    return found


def _front(plan: Plan) -> Block:
    m = plan.metadata
    share = int(m.completeness * 100)
    questionnaire = f"{md_inline(m.questionnaire_title)} (version {md_inline(m.questionnaire_version)})"
    rows = [
        ["Marking", md_inline(m.marking)],
        ["Organisation", md_inline(m.organisation) if m.organisation else "not given"],
        ["Plan version", md_inline(m.plan_version)],
        ["Plan date", m.plan_date.isoformat()],
        ["Next review", m.next_review.isoformat()],
        ["Questionnaire", questionnaire],
    ]
    if m.session_name:
        rows.append(["Session", md_inline(m.session_name)])
    rows += [
        ["Answers", f"{m.answered} of {m.visible} questions answered ({share}%)"],
        ["Generated by", md_inline(m.generated_by)],
    ]
    distribution = _table(
        ["Copy", "Held by", "Name", "Date issued"],
        ([str(d.copy), md_inline(d.recipient), "", ""] for d in m.distribution),
    )
    parts = [f"# {md_inline(m.title)}"]
    note = _stage_note(plan)
    if note:
        parts.append(f"**{md_inline(note)}**")
    parts += [
        _table(["Document control", ""], rows),
        md_inline(
            "This plan describes weaknesses of the organisation. Keep it to the people on the "
            "distribution list and mark every copy. Others need only the actions and rules that "
            "apply to them: the checklist view lists them by person."
        ),
        "## Distribution",
        distribution,
    ]
    return Block("front", "\n\n".join(parts))


@dataclass
class _Holder:
    """The roles that share one title for this profile (in a micro firm, one person wears most hats)."""

    title: str
    """The shared title."""
    duties: list[str]
    """Each distinct accountability sentence, in role order."""
    actions: list[str]
    """Ids of the actions the roles own, in plan order."""
    discovery: int
    """How many discovery tasks name these roles."""


def _role_holders(plan: Plan) -> list[_Holder]:
    """Roles merged by title, in role order; their actions in plan order."""
    holders: dict[str, _Holder] = {}
    for role in plan.roles:
        holder = holders.setdefault(role.title, _Holder(role.title, [], [], 0))
        if role.accountability not in holder.duties:
            holder.duties.append(role.accountability)
        holder.actions += role.actions
        holder.discovery += len(role.discovery)
    rank = {a.id: i for i, a in enumerate(plan.actions())}
    for holder in holders.values():
        holder.actions.sort(key=lambda a: rank.get(a, len(rank)))
    return list(holders.values())


def _people_table(plan: Plan) -> str:
    """Who does the work, their hours a month and the work they have in the plan."""
    work: dict[str, tuple[int, float]] = {}
    for a in plan.open_actions():
        n, h = work.get(a.owner_title, (0, 0.0))
        work[a.owner_title] = (n + 1, h + a.mean_hours)
    source = {"shared": "share of the organisation's hours", "own": "hours of their own", "group": "many people"}
    rows = []
    for p in plan.capacity.people:
        n, h = work.get(p.title, (0, 0.0))
        months = h / p.hours if p.hours > 0 else 0.0
        rows.append([md_inline(p.title), f"{_num(round(p.hours, 1))} h", source.get(p.source, p.source), str(n),
                     f"{_num(round(h, 1))} h", f"about {max(1, round(months))}" if h else "–"])
    return _table(["Who", "Hours a month", "From", "Actions", "Work", "Months"], rows)


def _governance(plan: Plan) -> Block:
    parts = [
        "## 1. Governance (ISO 22342 5.2)",
        "### 1.1 Organisation profile and scope (5.2.3)",
        md_inline(plan.profile.scope),
    ]
    if plan.profile.facts:
        parts.append(
            _table(
                ["Profile", "Answer"],
                ([md_inline(f.question), md_inline(f.answer)] for f in plan.profile.facts),
            )
        )
    else:
        parts.append(md_inline("No profile questions have been answered yet."))
    assumed = _assumptions(plan)
    if assumed:
        parts += ["**What this plan assumed:**", _bullets(assumed, "")]
    parts += [
        "### 1.2 Objectives (5.2.2)",
        "\n".join(f"{i + 1}. {md_inline(o)}" for i, o in enumerate(plan.objectives)),
    ]
    holders = _role_holders(plan)
    parts += [
        "### 1.3 Leadership, roles and accountabilities (5.2.4, 5.2.6)",
        _table(
            ["Role", "Accountable for", "Actions", "Discovery tasks"],
            (
                [md_inline(h.title), md_inline(" ".join(h.duties)), str(len(h.actions)), str(h.discovery)]
                for h in holders
                if h.actions or h.discovery or h is holders[0]
            ),
        ),
    ]
    if plan.capacity.people:
        cap = plan.capacity
        given = "assumed" if cap.assumed else "as answered"
        roadmap = f"3.{len(plan.domains) + 1}"
        if plan.one_person:
            hours = md_inline(
                f"Hours for security: {_num(cap.hours)} a month ({given}). The roadmap ({roadmap}) never asks more "
                "of you in a month."
            )
        else:
            hours = md_inline(
                f"Hours for security: {_num(cap.hours)} a month ({given}), shared between the people below in "
                "proportion to their work; a provider or a team works to hours of its own. The roadmap "
                f"({roadmap}) never asks more of anyone in a month."
            )
        parts += [hours, _people_table(plan)]
    if plan.capacity.nobody_technical:
        parts.append(md_inline(
            "Nobody can do technical work now: the plan starts by getting IT help, and the technical actions "
            "go to that helper and wait for them."
        ))
    for holder in holders:
        if not holder.actions:
            continue
        parts.append(f"Actions for **{md_inline(holder.title)}**:")
        parts.append(_bullets((_action_line(plan, a, owner=False) for a in holder.actions), ""))
    if plan.one_person:
        communication = (
            f"This plan is marked {plan.metadata.marking}; keep it where only you and people you trust can read "
            "it, and let each new version replace the last.",
            "Look at your progress on the actions, and at any incident or near miss, at least every quarter.",
            "Anyone who helps you (an IT provider, a bookkeeper) gets only the actions that concern them.",
            "Keep the evidence for each completed action (date, proof) with the plan.",
        )
    else:
        communication = (
            f"This plan is marked {plan.metadata.marking}; copies go only to the people on the "
            f"distribution list, and each new version replaces the last.",
            "Progress on the actions, and any incident or near miss, is reviewed at least every "
            "quarter: as a standing item of management meetings where there are any.",
            "Everyone else receives the rules and actions that apply to them (the checklist view), "
            "not the full plan or its risk register.",
            "Keep the evidence for each completed action (date, who, proof) with the plan.",
        )
    parts += [
        "### 1.4 Communication, reporting and documented information (5.2.7–5.2.9)",
        _bullets((md_inline(x) for x in communication), ""),
    ]
    return Block("part", "\n\n".join(parts))


def _treatment_cell(plan: Plan, r: RiskEntry) -> str:
    """What treats a risk, for the register: the first treating actions, or what is decided."""
    names = [_short_title(plan, a) for a in _by_priority(plan, r.treated_by)]
    text = "; ".join(names[:3]) + (f"; and {len(names) - 3} more" if len(names) > 3 else "")
    if r.handling == "accepted":
        return (text + " — " if text else "") + "accepted"
    if r.handling == "gap":
        return (text + " — " if text else "") + "gap, see 2.5"
    if not text and r.conditional:
        return "unknown: see the discovery tasks"
    return text or "no action in this plan"


def _risk(plan: Plan) -> Block:
    bands = ", ".join(f"{name} {low}–{high}" for low, high, name in RISK_BANDS)
    parts = [
        "## 2. Management of risk (ISO 22342 5.3)",
        "### 2.1 Risk criteria (5.3.2)",
        md_inline(
            "Each malicious act is rated for likelihood from 1 (rare) to 5 (almost certain) and for impact "
            "from 1 "
            "(minor) to 5 (severe). The score is likelihood × impact, from 1 to 25. The ratings are: "
            f"{bands}. High and very high risks need treatment within 90 days, or a signed acceptance by "
            "leadership."
        ),
        "### 2.2 Risk register (5.3.3)",
    ]
    if plan.risks:
        parts.append(
            _table(
                ["Risk", "Likelihood", "Impact", "Score", "Rating", "Treated by"],
                (
                    [md_inline(r.title), str(r.likelihood), str(r.impact), str(r.score), r.rating,
                     _treatment_cell(plan, r)]
                    for r in plan.risks
                ),
            )
        )
    else:
        parts.append(md_inline("The questionnaire defines no risks that apply to this profile."))
    parts.append("### 2.3 Risk treatment and acceptance of residual risk (5.3.4, 5.3.5)")
    if not plan.risks:
        parts.append(md_inline("Nothing to treat or accept."))
    for r in plan.risks:
        parts.append(_risk_detail(plan, r))
    parts.append("### 2.4 Discovery tasks: what is still unknown (5.3.3)")
    parts.append(_discovery(plan))
    parts.append("### 2.5 High risks not treated within 90 days")
    parts.append(_decisions(plan))
    return Block("part", "\n\n".join(parts))


def _risk_detail(plan: Plan, r: RiskEntry) -> str:
    base = ""
    if (r.base_likelihood, r.base_impact) != (r.likelihood, r.impact):
        base = f" (before adjusting for this profile: {r.base_likelihood} × {r.base_impact})"
    if r.treated_by:
        treatment = "; ".join(_action_line(plan, a) for a in _by_priority(plan, r.treated_by))
    elif r.conditional:
        treatment = "unknown until the discovery tasks are done; " + "; ".join(
            _conditional_line(c) for c in plan.conditional if c.id in r.conditional
        )
    else:
        treatment = "no action in this plan treats this risk: treat it another way, or accept it below."
    lines = [
        f"#### {md_inline(r.title)} — {r.rating} ({r.score})",
    ]
    if r.description:
        lines.append(md_inline(r.description))
    items = [
        f"- **Likelihood × impact:** {r.likelihood} × {r.impact} = {r.score}{base}",
        f"- **Treatment:** {treatment}",
    ]
    if r.treated_by and r.conditional:
        items.append("- **If unknown answers turn out badly:** " + "; ".join(
            _conditional_line(c) for c in plan.conditional if c.id in r.conditional))
    items.append("- **Residual risk accepted by:** ____________________ **Date:** ____________")
    lines.append("\n".join(items))
    return "\n\n".join(lines)


def _decisions(plan: Plan) -> str:
    if not plan.decisions:
        high = sum(1 for r in plan.risks if r.score >= 10)
        if not high:
            return md_inline("No risk is rated high or very high.")
        return md_inline("Every high or very high risk has a treating action due within 90 days, or done.")
    items = []
    for d in plan.decisions:
        if d.kind == "accepted":
            items.append(f"**{md_inline(d.title)}** ({d.rating}): accepted by {md_inline(d.by)}: "
                         f"{md_inline(d.reason)}.")
        else:
            items.append(f"**{md_inline(d.title)}** ({d.rating}): gap: {md_inline(d.reason)}. To decide: "
                         f"{md_inline(d.by)}, who signs below the risk in 2.3.")
    return _bullets(items, "")


def _discovery_item(plan: Plan, t: DiscoveryTask, marker: str) -> str:
    pad = " " * len(marker)
    lines = [
        f"{marker}**Find out:** {md_inline(t.question)} ({md_inline(t.section)})",
        f"{pad}- **Who finds out:** {md_inline(t.ask_title)}",
        f"{pad}- **How:** {md_inline(t.how)}",
        f"{pad}- **Due:** {t.due.isoformat()}",
    ]
    for cid in t.conditional:
        c = plan.conditional_action(cid)
        if c is not None:
            lines.append(f"{pad}- **Then:** {_conditional_line(c)}")
    return "\n".join(lines)


def _discovery(plan: Plan) -> str:
    if not plan.discovery:
        return md_inline('No question was answered "don\'t know": there is nothing to find out.')
    last = max(t.due for t in plan.discovery)
    intro = md_inline(
        f'Every "don\'t know" answer is a task: find out by the date given (the last by {last.isoformat()}), '
        "record the answer, and compile the plan again. Until then the maturity shows these controls as unknown, "
        "and where an unknown answer could hide a serious weakness, the action to take if it turns out badly "
        "is given with the task."
    )
    items = [_discovery_item(plan, t, f"{i + 1}. ") for i, t in enumerate(plan.discovery)]
    return intro + "\n\n" + "\n".join(items)


def _controls_intro(plan: Plan) -> Block:
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


def _domain(plan: Plan, d: DomainPlan, number: int) -> Block:
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
        _bullets((md_inline(s.question) for s in d.strengths), "Nothing is recorded as in place yet."),
    ]
    if d.partial:
        parts += ["#### Partly in place", _bullets((_fact_line(f) for f in d.partial), "")]
    parts.append("#### Actions")
    if not d.actions:
        parts.append(md_inline("No action is triggered in this domain."))
    for a in d.actions:
        parts.append(_action(plan, a))
    return Block("domain", "\n\n".join(parts))


def _action(plan: Plan, a: PlannedAction) -> str:
    fields = [
        f"**Who:** {md_inline(a.owner_title)}",
        f"**Due:** {a.due.isoformat()}" if a.status not in ("done", "wont") else f"**Status:** {_when(a)}",
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
    parts.append(_bullets((_fact_line(f) for f in a.triggers), "The action applies to every organisation."))
    return "\n\n".join(parts)


def _themed(plan: Plan, section: ThemedSection, heading: str, empty: str) -> list[str]:
    parts = [heading] + [md_inline(p) for p in section.paragraphs]
    if section.actions or empty:
        parts.append("**Related actions in this plan:**")
        parts.append(_bullets((_action_line(plan, a) for a in section.actions), empty))
    return parts


def _month_heading(m: MonthLoad) -> str:
    return f"Month {m.month}: {m.start.isoformat()} to {m.end.isoformat()}"


def _load_line(m: MonthLoad) -> str:
    parts = [f"{p} {_num(round(used, 1))} of {_num(round(cap, 1))} h" for p, used, cap in m.hours]
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
        f"The roadmap fits the hours each person has ({_num(cap.hours)} hours a month for the organisation, "
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
            parts.append(_table(["Due", "Action", "Who", "Hours", "Priority"], rows))
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
            f"{_num(round(hours))} hours) {'moves' if len(year_two) == 1 else 'move'} to year two, the last due on "
            f"{last.isoformat()}. Find more hours, "
            "ask a provider to take some on, or accept the delay; they are listed here in the order they come."
        ))
        parts.append(_table(
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
        parts.append(_bullets((f"{md_inline(a.title)} ({md_inline(a.owner_title)}, {_when(a)})" for a in done), ""))
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
        parts.append(_bullets(items, ""))
    return parts


def _controls_after(plan: Plan, count: int) -> Block:
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


def _process(plan: Plan) -> Block:
    review = plan.review
    parts = ["## 4. Security controls process (ISO 22342 5.5)"]
    parts += _themed(plan, plan.selection, f"### 4.1 {md_inline(plan.selection.title)} ({plan.selection.clause})", "")
    impl = plan.implementation
    parts += _themed(plan, impl, f"### 4.2 {md_inline(impl.title)} ({impl.clause})", "")
    parts += [
        "### 4.3 Monitoring and review (5.5.4, 5.2.10, 5.2.11)",
        f"**Next scheduled review:** {review.next_review.isoformat()}",
        md_inline("Review the plan earlier after any of these:"),
        _bullets((md_inline(t) for t in review.triggers), ""),
    ]
    parts += [md_inline(p) for p in review.paragraphs]
    if review.actions:
        parts += [
            "**Related actions in this plan:**",
            _bullets((_action_line(plan, a) for a in review.actions), ""),
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


def _appendix_answers(plan: Plan) -> Block:
    parts = [
        "## Appendix A. Answers given",
        md_inline("Every question shown for these answers, by section. Questions that the answers hide are left out."),
    ]
    for section in plan.answers:
        parts.append(f"### {md_inline(section.title)}")
        parts.append(
            _table(
                ["Id", "Question", "Answer"],
                (
                    [md_code(r.question_id), md_inline(r.question),
                     md_inline(r.answer) + (f" (note: {md_inline(r.note)})" if r.note else "")]
                    for r in section.rows
                ),
            )
        )
    if not plan.answers:
        parts.append(md_inline("No question is shown."))
    return Block("appendix", "\n\n".join(parts))


def _appendix_references(plan: Plan) -> Block:
    parts = [
        "## Appendix B. Control references",
        md_inline(
            "Identifiers only: ISO/IEC 27001:2022 Annex A, NIST CSF 2.0, CIS Controls v8.1 and Cyber "
            "Essentials, with the actions of this plan that cite each (their ids are in appendix C)."
        ),
    ]
    if plan.references:
        parts.append(
            _table(
                ["Reference", "Catalogue", "Actions"],
                (
                    [md_code(r.reference), md_inline(r.catalogue), ", ".join(md_code(a) for a in r.actions)]
                    for r in plan.references
                ),
            )
        )
    else:
        parts.append(md_inline("No action of this plan cites a control reference."))
    return Block("appendix", "\n\n".join(parts))


def _appendix_ids(plan: Plan) -> Block:
    """Identifiers for tracking tools and the questionnaire's author: actions, risks, the questionnaire."""
    m = plan.metadata
    parts = [
        "## Appendix C. Identifiers",
        md_inline("For tracking tools and for whoever maintains the questionnaire; the plan itself needs none."),
        _table(
            ["Item", "Identifier"],
            [
                ["Questionnaire", md_code(m.questionnaire_id)],
                ["Questionnaire hash", md_code(m.questionnaire_hash) if m.questionnaire_hash else "not recorded"],
            ],
        ),
    ]
    if plan.actions():
        parts.append(_table(
            ["Action", "Id", "References"],
            ([md_inline(a.title), md_code(a.id), ", ".join(md_code(r) for r in a.references) or "none"]
             for a in plan.actions()),
        ))
    if plan.conditional:
        parts.append(_table(
            ["Conditional action", "Id", "References"],
            ([md_inline(c.title), md_code(c.id), ", ".join(md_code(r) for r in c.references) or "none"]
             for c in plan.conditional),
        ))
    if plan.risks:
        parts.append(_table(["Risk", "Id"], ([md_inline(r.title), md_code(r.id)] for r in plan.risks)))
    return Block("appendix", "\n\n".join(parts))


# ------------------------------------------------------------------------------------------------------------
# Summary and checklist
# ------------------------------------------------------------------------------------------------------------


def _meta_line(plan: Plan) -> str:
    m = plan.metadata
    return md_inline(
        f"Plan version {m.plan_version}, dated {m.plan_date.isoformat()}; next review "
        f"{m.next_review.isoformat()}. "
        f"Questionnaire: {m.questionnaire_title}, version {m.questionnaire_version}; {m.answered} of {m.visible} "
        f"questions answered ({int(m.completeness * 100)}%)."
    )


def _short_title(plan: Plan, action_id: str) -> str:
    action = plan.action(action_id)
    if action is None:
        return md_code(action_id)
    return f"{md_inline(action.title)} ({action.priority})"


def _risk_summary(plan: Plan, r: RiskEntry) -> str:
    """What is done about a risk, in a few words, for the summary."""
    open_ = [a for a in (plan.action(x) for x in _by_priority(plan, r.treated_by))
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


def _summary(plan: Plan) -> list[Block]:
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
        f"**Actions:** {c['actions']}, about {_num(round(hours))} hours of work"
        + (f" ({c['done']} done)" if c["done"] else "")
        + f"; at {_num(cap.hours)} hours a month ({given}), {fits}",
        f"**Risks:** {c['risks']} in the register, {c['high_risks']} high or very high"
        + (f", {c['gaps']} not treated within 90 days" if c["gaps"] else ""),
        f"**Controls:** {c['strengths']} in place, {c['partial']} partly in place",
        f"**To find out:** {found}",
    ]
    parts = [f"# {md_inline(title)}", _meta_line(plan)]
    note = _stage_note(plan)
    if note:
        parts.append(f"**{md_inline(note)}**")
    parts += ["## At a glance", "\n".join(f"- {g}" for g in glance)]
    assumed = _assumptions(plan)
    if assumed:
        parts.append(_bullets(assumed[:2] + ([md_inline(f"And {len(assumed) - 2} more assumptions (1.1).")]
                                             if len(assumed) > 2 else []), ""))
    first = sorted(open_, key=lambda a: (a.due, a.rank))[:SUMMARY_ACTIONS]
    first.sort(key=lambda a: (a.rank != 0 and a.id != _first_id(plan), a.due, a.rank))
    parts += [
        "## Do first",
        _table(
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
        _table(
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
                    line += f"; {_conditional_line(cond)}"
            items.append(line)
        more = len(plan.discovery) - SUMMARY_DISCOVERY
        if more > 0:
            items.append(md_inline(f"and {more} more (2.4 in the full plan)"))
        parts += ["## To find out", _bullets(items, "")]
    parts += ["## Maturity", maturity_chart(plan)]
    return [_marking(plan), Block("front", "\n\n".join(parts))]


def _first_id(plan: Plan) -> str:
    """The plan's first open action (the lead's, when there is one)."""
    open_ = plan.open_actions()
    return open_[0].id if open_ else ""


def _checklist(plan: Plan) -> list[Block]:
    m = plan.metadata
    title = f"Checklist: {m.organisation}" if m.organisation else "Checklist"
    # (due, kind, rank, order, line) per person; people in role order, unknown ones last.
    groups: dict[str, list[tuple[str, int, int, int, str]]] = {}
    order = [r.title for r in plan.roles]
    for a in plan.actions():
        if a.status == "wont":
            continue
        line = f"- {_box(a)} {md_inline(a.title)} — {_when(a)} ({md_inline(a.hours_text)})"
        groups.setdefault(a.owner_title, []).append((a.due.isoformat(), 0, a.rank, a.order, line))
    for i, t in enumerate(plan.discovery):
        line = f"- [ ] Find out: {md_inline(t.question)} — due {t.due.isoformat()}"
        for cid in t.conditional:
            c = plan.conditional_action(cid)
            if c is not None:
                line += f"\n  - {_conditional_line(c)}"
        groups.setdefault(t.ask_title, []).append((t.due.isoformat(), 1, i, i, line))
    for owner in groups:
        if owner not in order:
            order.append(owner)
    parts = [
        f"# {md_inline(title)}",
        _meta_line(plan),
        md_inline("Tick each task when it is done and keep the evidence with the plan."),
    ]
    seen: set[str] = set()
    for owner in order:
        if owner in seen or owner not in groups:
            continue
        seen.add(owner)
        parts.append(f"## {md_inline(owner)}")
        parts.append("\n".join(item[4] for item in sorted(groups[owner])))
    if not groups:
        parts.append(md_inline("Nothing to do: no action is triggered and nothing is unknown."))
    return [_marking(plan), Block("front", "\n\n".join(parts))]
