"""The pieces every Markdown view of a plan is built from: the :class:`Block`, tables and bullet lists, the
maturity chart, one-line descriptions of actions and conditional actions, and the notes on what a plan assumed.

Each builder takes text from the plan through :func:`md_inline` (or :func:`md_code` for identifiers); what it
returns is Markdown source ready to place.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from secplan_tui.plan.escape import md_code, md_inline
from secplan_tui.plan.records import ConditionalAction, Fact, Maturity, Plan, PlannedAction

BAR_WIDTH = 10
"""Characters in a maturity bar."""


@dataclass(frozen=True)
class Block:
    """A self-contained piece of Markdown: it starts and ends at a block boundary."""

    kind: str
    """``marking``, ``front``, ``part``, ``domain`` or ``appendix``; the HTML renderer uses it for styling."""
    text: str
    """Markdown source without a trailing newline."""


def md_table(header: Sequence[str], rows: Iterable[Sequence[str]]) -> str:
    """A GFM table; cells must already be escaped (md_inline escapes ``|``)."""
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines)


def md_bullets(items: Iterable[str], empty: str) -> str:
    """A bullet list of already-escaped items, or an escaped sentence when there are none."""
    lines = [f"- {item}" for item in items]
    return "\n".join(lines) if lines else md_inline(empty)


def marking_block(plan: Plan) -> Block:
    """The confidentiality marking as a block of its own."""
    return Block("marking", f"**{md_inline(plan.metadata.marking)}**")


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


def action_line(plan: Plan, action_id: str, *, owner: bool = True) -> str:
    """One line naming an action of the plan, for lists in roles, risks and themed sections."""
    action = plan.action(action_id)
    if action is None:
        return md_code(action_id)
    who = f", {md_inline(action.owner_title)}" if owner else ""
    return f"{md_inline(action.title)} ({action.priority}{who}, {when_words(action)})"


def when_words(action: PlannedAction) -> str:
    """"due 2025-03-04", "done 2025-02-10", "won't do", "deferred to 2025-06-01"."""
    if action.status == "done":
        return f"done {action.status_date}" if action.status_date else "done"
    if action.status == "wont":
        return "won't do"
    if action.status == "deferred":
        return f"deferred to {action.due.isoformat()}"
    return f"due {action.due.isoformat()}"


def conditional_line(c: ConditionalAction) -> str:
    """A conditional action in one line: "If <condition>: <title> (<owner>, <hours>)"."""
    return (f"If {md_inline(c.condition)}: {md_inline(c.title)} ({md_inline(c.owner_title)}, "
            f"{md_inline(_hours_text(c.hours))})")


def _hours_text(hours: tuple[float, float]) -> str:
    low, high = hours
    return f"{short_number(low)} h" if low == high else f"{short_number(low)}–{short_number(high)} h"


def short_number(value: float) -> str:
    """A number of hours as short as it reads: 2, 2.5, 0.5."""
    return str(int(value)) if float(value).is_integer() else f"{value:.1f}".rstrip("0").rstrip(".")


def by_priority(plan: Plan, action_ids: tuple[str, ...] | list[str]) -> list[str]:
    """Action ids in plan order (priority, then due date, then library order)."""
    rank = {a.id: i for i, a in enumerate(plan.actions())}
    return sorted(action_ids, key=lambda a: rank.get(a, len(rank)))


def fact_line(fact: Fact) -> str:
    """A question and its answer in one line."""
    return f"{md_inline(fact.question)} — {md_inline(fact.answer)}"


def stage_note(plan: Plan) -> str:
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


def assumption_lines(plan: Plan) -> list[str]:
    """What the plan assumed, one sentence each (already escaped)."""
    found = []
    cap = plan.capacity
    if cap.assumed:
        found.append(md_inline(
            f"The hours the organisation can give to security were not answered: the plan assumes "
            f"{short_number(cap.hours)} hours a month, usual for an organisation of this size. Give the real figure "
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


def meta_line(plan: Plan) -> str:
    """The plan's version, dates and questionnaire in one sentence, for the short views."""
    m = plan.metadata
    return md_inline(
        f"Plan version {m.plan_version}, dated {m.plan_date.isoformat()}; next review "
        f"{m.next_review.isoformat()}. "
        f"Questionnaire: {m.questionnaire_title}, version {m.questionnaire_version}; {m.answered} of {m.visible} "
        f"questions answered ({int(m.completeness * 100)}%)."
    )
