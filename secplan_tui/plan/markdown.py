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
from datetime import timedelta

from secplan_tui.errors import InvalidInput
from secplan_tui.plan.compile import (
    DISCOVERY_DAYS,
    EFFORT_LABELS,
    PRIORITY_LABELS,
    RISK_BANDS,
    DomainPlan,
    Fact,
    Maturity,
    Plan,
    PlannedAction,
    RiskEntry,
    ThemedSection,
)
from secplan_tui.plan.sanitize import md_code, md_inline, one_line

VIEWS: tuple[str, ...] = ("full", "summary", "checklist")
"""The views every renderer accepts."""

BAR_WIDTH = 10
"""Characters in a maturity bar."""
SUMMARY_RISKS = 5
SUMMARY_ACTIONS = 10


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


def _bar(maturity: Maturity, width: int) -> str:
    percent = maturity.percent
    label = maturity.title.ljust(width)
    if percent is None:
        return f"{label}  {'.' * BAR_WIDTH}  n/a"
    filled = (percent * BAR_WIDTH + 50) // 100
    return f"{label}  {'#' * filled}{'-' * (BAR_WIDTH - filled)}  {percent:>3}%"


def maturity_chart(plan: Plan) -> str:
    """A bar per domain in a fenced code block. Domain titles are fixed strings, never user text."""
    width = max(len(d.maturity.title) for d in plan.domains)
    bars = [_bar(d.maturity, width) for d in plan.domains]
    return "```text\n" + "\n".join(bars) + "\n```"


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
                _percent(m.percent),
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
            "Score",
        ],
        rows,
    )


def _action_line(plan: Plan, action_id: str, *, owner: bool = True) -> str:
    """One line naming an action of the plan, for lists in roles, risks and themed sections."""
    action = plan.action(action_id)
    if action is None:
        return md_code(action_id)
    who = f", {md_inline(action.owner_title)}" if owner else ""
    return f"{md_inline(action.title)} ({action.priority}{who}, due {action.due.isoformat()})"


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
    blocks.append(Block("marking", f"*End of plan.* **{md_inline(plan.metadata.marking)}**"))
    return blocks


def _front(plan: Plan) -> Block:
    m = plan.metadata
    share = int(m.completeness * 100)
    questionnaire = (
        f"{md_inline(m.questionnaire_title)} ({md_code(m.questionnaire_id)}, version "
        f"{md_inline(m.questionnaire_version)})"
    )
    rows = [
        ["Marking", md_inline(m.marking)],
        ["Organisation", md_inline(m.organisation) if m.organisation else "not given"],
        ["Plan version", md_inline(m.plan_version)],
        ["Plan date", m.plan_date.isoformat()],
        ["Next review", m.next_review.isoformat()],
        ["Questionnaire", questionnaire],
        ["Questionnaire hash", md_code(m.questionnaire_hash) if m.questionnaire_hash else "not recorded"],
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
    text = "\n\n".join(
        [
            f"# {md_inline(m.title)}",
            _table(["Document control", ""], rows),
            md_inline(
                "This plan describes weaknesses of the organisation. Keep it to the people on the "
                "distribution list and mark every copy. Others need only the actions and rules that "
                "apply to them: the checklist view lists them by owner."
            ),
            "## Distribution",
            distribution,
        ]
    )
    return Block("front", text)


@dataclass
class _Holder:
    """The roles that share one title for this profile (in a micro firm, the owner wears most hats)."""

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
    for holder in holders:
        if not holder.actions:
            continue
        parts.append(f"Actions for **{md_inline(holder.title)}**:")
        parts.append(_bullets((_action_line(plan, a, owner=False) for a in holder.actions), ""))
        if len(holder.actions) > HEAVY_LOAD and sum(1 for h in holders if h.actions) > 1:
            parts.append(
                md_inline(
                    f"That is {len(holder.actions)} actions for one role: share them out, or agree later due dates "
                    "for the P2 and P3 ones, so that none is dropped."
                )
            )
    parts += [
        "### 1.4 Communication, reporting and documented information (5.2.7–5.2.9)",
        _bullets(
            (
                md_inline(s)
                for s in (
                    f"This plan is marked {plan.metadata.marking}; copies go only to the people on the "
                    f"distribution list, and each new version replaces the last.",
                    "Progress on the actions, and any incident or near miss, is reviewed at least every "
                    "quarter: as a standing item of management meetings where there are any.",
                    "Everyone else receives the rules and actions that apply to them (the checklist view), "
                    "not the full plan or its risk register.",
                    "Keep the evidence for each completed action (date, who, proof) with the plan.",
                )
            ),
            "",
        ),
    ]
    return Block("part", "\n\n".join(parts))


def _risk(plan: Plan) -> Block:
    bands = ", ".join(f"{name} {low}–{high}" for low, high, name in RISK_BANDS)
    parts = [
        "## 2. Management of risk (ISO 22342 5.3)",
        "### 2.1 Risk criteria (5.3.2)",
        md_inline(
            "Each malicious act is rated for likelihood from 1 (rare) to 5 (almost certain) and for impact "
            "from 1 "
            "(minor) to 5 (severe). The score is likelihood × impact, from 1 to 25. The ratings are: "
            f"{bands}. High and very high risks need treatment or a signed acceptance by leadership."
        ),
        "### 2.2 Risk register (5.3.3)",
    ]
    if plan.risks:
        parts.append(
            _table(
                ["Risk", "Likelihood", "Impact", "Score", "Rating", "Treated by"],
                (
                    [
                        md_inline(r.title),
                        str(r.likelihood),
                        str(r.impact),
                        str(r.score),
                        r.rating,
                        "; ".join(_short_title(plan, a) for a in _by_priority(plan, r.treated_by))
                        or "no action in this plan",
                    ]
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
    return Block("part", "\n\n".join(parts))


def _risk_detail(plan: Plan, r: RiskEntry) -> str:
    base = ""
    if (r.base_likelihood, r.base_impact) != (r.likelihood, r.impact):
        base = f" (before adjusting for this profile: {r.base_likelihood} × {r.base_impact})"
    if r.treated_by:
        treatment = "; ".join(_action_line(plan, a) for a in _by_priority(plan, r.treated_by))
    else:
        treatment = "no action in this plan treats this risk: treat it, or accept it below."
    lines = [
        f"#### {md_inline(r.title)} — {r.rating} ({r.score})",
    ]
    if r.description:
        lines.append(md_inline(r.description))
    lines.append(
        "\n".join(
            [
                f"- **Risk id:** {md_code(r.id)}",
                f"- **Likelihood × impact:** {r.likelihood} × {r.impact} = {r.score}{base}",
                f"- **Treatment:** {treatment}",
                "- **Residual risk accepted by:** ____________________ **Date:** ____________",
            ]
        )
    )
    return "\n\n".join(lines)


def _discovery(plan: Plan) -> str:
    if not plan.discovery:
        return md_inline('No question was answered "don\'t know": there is nothing to find out.')
    intro = md_inline(
        f'Every "don\'t know" answer is a task: find out by {plan.discovery[0].due.isoformat()}, record the '
        f"answer, and compile the plan again. Unknown controls count as not in place until then."
    )
    items = []
    for i, t in enumerate(plan.discovery):
        marker = f"{i + 1}. "
        pad = " " * len(marker)
        items.append(
            "\n".join(
                [
                    f"{marker}**Find out:** {md_inline(t.question)} ({md_inline(t.section)})",
                    f"{pad}- **Ask:** {md_inline(t.ask_title)}",
                    f"{pad}- **How:** {md_inline(t.how)}",
                    f"{pad}- **Due:** {t.due.isoformat()}",
                ]
            )
        )
    return intro + "\n\n" + "\n".join(items)


def _controls_intro(plan: Plan) -> Block:
    counts = plan.counts()
    text = "\n\n".join(
        [
            "## 3. Security controls (ISO 22342 5.4)",
            md_inline(
                f"What is already in place, and what to do next, for each domain: {counts['actions']} "
                "actions in all "
                f"(P1: {counts['p1']}, P2: {counts['p2']}, P3: {counts['p3']}). P1 is due within 30 days of "
                "the plan "
                f"date, P2 within 90 days and P3 within 12 months."
            ),
        ]
    )
    return Block("part", text)


def _domain(plan: Plan, d: DomainPlan, number: int) -> Block:
    m = d.maturity
    if m.percent is None:
        maturity = "no control applies yet" if m.controls == 0 else "no applicable control"
    else:
        maturity = (
            f"{m.percent}% ({m.in_place} of {m.applicable} applicable controls in place, {m.partial} "
            f"partly; {m.dont_know} don't know, {m.unanswered} unanswered, {m.not_applicable} not "
            f"applicable)"
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
        parts.append(_action(a))
    return Block("domain", "\n\n".join(parts))


def _action(a: PlannedAction) -> str:
    refs = ", ".join(md_code(r) for r in a.references) or "none"
    effort = EFFORT_LABELS.get(a.effort, "")
    fields = [
        f"**Owner:** {md_inline(a.owner_title)}",
        f"**Due:** {a.due.isoformat()} ({PRIORITY_LABELS.get(a.priority, '')})",
        f"**Effort:** {md_inline(a.effort)}" + (f", {effort}" if effort else ""),
        f"**Action id:** {md_code(a.id)}",
        f"**References:** {refs}",
    ]
    # One paragraph rather than a list: easier to scan in print, and far fewer tokens for the HTML renderer.
    parts = [f"##### {a.priority} · {md_inline(a.title)}", " · ".join(fields)]
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


def _controls_after(plan: Plan, count: int) -> Block:
    n = count + 1
    parts = [f"### 3.{n} Roadmap (5.4.6)"]
    discovery_note = ""
    if plan.discovery:
        due = (plan.metadata.plan_date + timedelta(days=DISCOVERY_DAYS)).isoformat()
        discovery_note = f"Also due by {due}: {len(plan.discovery)} discovery tasks (2.4)."
    for phase in plan.roadmap:
        parts.append(f"#### {md_inline(phase.title)} ({phase.priority}, by {phase.due.isoformat()})")
        rows = []
        for aid in phase.actions:
            a = plan.action(aid)
            if a is None:
                continue
            rows.append(
                [
                    a.due.isoformat(),
                    md_inline(a.title),
                    md_inline(a.owner_title),
                    md_inline(next((d.title for d in plan.domains if d.domain == a.domain), a.domain)),
                ]
            )
        parts.append(
            _table(["Due", "Action", "Owner", "Domain"], rows) if rows else md_inline("No action in this phase.")
        )
        if phase.key == "30_days" and discovery_note:
            parts.append(md_inline(discovery_note))
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
            "The share of applicable controls in place in each domain: in place counts 1, partly in place ½, "
            "not "
            "in place 0. Don't know and unanswered count as 0 and are shown apart; not applicable is left "
            "out."
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
                ([md_code(r.question_id), md_inline(r.question), md_inline(r.answer)] for r in section.rows),
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
            "Essentials, with the actions of this plan that cite each."
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


# ------------------------------------------------------------------------------------------------------------
# Summary and checklist
# ------------------------------------------------------------------------------------------------------------


def _meta_line(plan: Plan) -> str:
    m = plan.metadata
    return md_inline(
        f"Plan version {m.plan_version}, dated {m.plan_date.isoformat()}; next review "
        f"{m.next_review.isoformat()}. "
        f"Questionnaire {m.questionnaire_id} version {m.questionnaire_version}; {m.answered} of {m.visible} "
        f"questions answered ({int(m.completeness * 100)}%)."
    )


HEAVY_LOAD = 20
"""Actions one role can carry before the plan suggests sharing them out."""


def _short_title(plan: Plan, action_id: str) -> str:
    action = plan.action(action_id)
    if action is None:
        return md_code(action_id)
    return f"{md_inline(action.title)} ({action.priority})"


def _top_actions(plan: Plan) -> list[PlannedAction]:
    """The actions that matter most: by priority, then by the worst risk they treat, then plan order."""
    worst: dict[str, int] = {}
    for risk in plan.risks:
        for action_id in risk.treated_by:
            worst[action_id] = max(worst.get(action_id, 0), risk.score)
    ranked = sorted(plan.actions(), key=lambda a: (a.priority, -worst.get(a.id, 0), a.due, a.order))
    return ranked[:SUMMARY_ACTIONS]


def _summary(plan: Plan) -> list[Block]:
    m = plan.metadata
    c = plan.counts()
    title = f"Security plan summary: {m.organisation}" if m.organisation else "Security plan summary"
    glance = [
        f"**Actions:** {c['actions']} (P1: {c['p1']}, P2: {c['p2']}, P3: {c['p3']})",
        f"**Risks:** {c['risks']} in the register, {c['high_risks']} high or very high",
        f"**Controls:** {c['strengths']} in place, {c['partial']} partly in place",
        f"**Discovery tasks:** {c['discovery']} questions to find out",
    ]
    high = sum(1 for r in plan.risks if r.score >= 10)
    top_risks = plan.risks[: max(SUMMARY_RISKS, min(high, 8))]
    actions = _top_actions(plan)
    parts = [
        f"# {md_inline(title)}",
        _meta_line(plan),
        "## At a glance",
        "\n".join(f"- {g}" for g in glance),
        "## Top risks",
        _table(
            ["Risk", "Score", "Rating", "Treated by"],
            ([md_inline(r.title), str(r.score), r.rating, _plural(len(r.treated_by), "action")] for r in top_risks),
        )
        if top_risks
        else md_inline("No risk in the register."),
        "## Top actions",
        _table(
            ["Priority", "Action", "Owner", "Due"],
            ([a.priority, md_inline(a.title), md_inline(a.owner_title), a.due.isoformat()] for a in actions),
        )
        if actions
        else md_inline("No action is triggered."),
        "## Maturity",
        _table(["Domain", "Score"], ([md_inline(d.title), _percent(d.maturity.percent)] for d in plan.domains)),
        maturity_chart(plan),
    ]
    return [_marking(plan), Block("front", "\n\n".join(parts))]


def _checklist(plan: Plan) -> list[Block]:
    m = plan.metadata
    title = f"Checklist: {m.organisation}" if m.organisation else "Checklist"
    # (due, kind, priority rank, order, line) per owner title; owners in role order, unknown owners last.
    groups: dict[str, list[tuple[str, int, str, int, str]]] = {}
    order = [r.title for r in plan.roles]
    for a in plan.actions():
        line = f"- [ ] {md_inline(a.title)} — due {a.due.isoformat()} ({a.priority})"
        groups.setdefault(a.owner_title, []).append((a.due.isoformat(), 0, a.priority, a.order, line))
    for i, t in enumerate(plan.discovery):
        line = f"- [ ] Find out: {md_inline(t.question)} — due {t.due.isoformat()} (P1)"
        groups.setdefault(t.ask_title, []).append((t.due.isoformat(), 1, "P1", i, line))
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
