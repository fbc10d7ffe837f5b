"""The checklist view as Markdown blocks: each person's actions and discovery tasks as tick boxes, by due date,
with nothing of the risk register, so that it can go to everyone who has work in the plan.
"""

from __future__ import annotations

from secplan_tui.plan.escape import md_inline
from secplan_tui.plan.markdown_common import Block, conditional_line, marking_block, meta_line, when_words
from secplan_tui.plan.records import Plan, PlannedAction


def checklist_view(plan: Plan) -> list[Block]:
    """The blocks of the checklist: the marking and one front block with a section per person."""
    m = plan.metadata
    title = f"Checklist: {m.organisation}" if m.organisation else "Checklist"
    # (due, kind, rank, order, line) per person; people in role order, unknown ones last.
    groups: dict[str, list[tuple[str, int, int, int, str]]] = {}
    order = [r.title for r in plan.roles]
    for a in plan.actions():
        if a.status == "wont":
            continue
        line = f"- {_box(a)} {md_inline(a.title)} — {when_words(a)} ({md_inline(a.hours_text)})"
        groups.setdefault(a.owner_title, []).append((a.due.isoformat(), 0, a.rank, a.order, line))
    for i, t in enumerate(plan.discovery):
        line = f"- [ ] Find out: {md_inline(t.question)} — due {t.due.isoformat()}"
        for cid in t.conditional:
            c = plan.conditional_action(cid)
            if c is not None:
                line += f"\n  - {conditional_line(c)}"
        groups.setdefault(t.ask_title, []).append((t.due.isoformat(), 1, i, i, line))
    for owner in groups:
        if owner not in order:
            order.append(owner)
    parts = [
        f"# {md_inline(title)}",
        meta_line(plan),
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
    return [marking_block(plan), Block("front", "\n\n".join(parts))]


def _box(action: PlannedAction) -> str:
    return "[x]" if action.status == "done" else "[ ]"
