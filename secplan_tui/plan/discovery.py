"""What is still unknown: a discovery task for each "don't know" answer (who to ask, how to find out, by when,
and the conditional actions it decides), and the assumptions the plan made for "don't know" on a gating question.
"""

from __future__ import annotations

from datetime import timedelta

from secplan_tui.core.model import DONT_KNOW
from secplan_tui.core.text import clean_text
from secplan_tui.plan.context import Context
from secplan_tui.plan.escape import one_line
from secplan_tui.plan.records import Assumption, ConditionalAction, DiscoveryTask

DISCOVERY_HOURS = 0.5
"""Hours a discovery task takes: asking someone, looking at a setting."""
DISCOVERY_DAYS = 30
"""Days from the plan date to a discovery task's due date."""

GENERIC_DISCOVERY_HOW = (
    "Ask the person who looks after this area, check the relevant contract, settings or records, "
    "then record the answer in secplan and compile the plan again."
)


def discovery_tasks(ctx: Context, conditional: tuple[ConditionalAction, ...] = ()) -> tuple[DiscoveryTask, ...]:
    """A task for every visible question answered "don't know", with the conditional actions it decides."""
    tasks = []
    fallback = ctx.security_owner or ctx.director
    for q in ctx.visible:
        if ctx.effective.get(q.id) != DONT_KNOW:
            continue
        ask = ""
        if q.discover is not None and q.discover.ask and ctx.q.role(q.discover.ask) is not None:
            ask = q.discover.ask
        elif fallback is not None:
            ask = fallback.id
        ask_title = ctx.title_of(ask) if ask else "Security owner"
        how = clean_text(q.discover.how, keep_newlines=True).strip() if q.discover is not None else ""
        tasks.append(
            DiscoveryTask(
                question_id=one_line(q.id),
                question=one_line(q.text),
                section=ctx.section_title.get(q.section, q.section),
                ask=one_line(ask),
                ask_title=ask_title,
                how=one_line(how) or GENERIC_DISCOVERY_HOW,
                due=ctx.plan_date + timedelta(days=DISCOVERY_DAYS),
                conditional=tuple(c.id for c in conditional if q.id in c.questions),
            )
        )
    return tuple(tasks)


def assumptions(ctx: Context) -> tuple[Assumption, ...]:
    """The "don't know" answers on gating questions, and the questions each one showed."""
    return tuple(
        Assumption(one_line(q.id), one_line(q.text),
                   tuple(one_line(x.text) for x in (ctx.q.question(i) for i in shown) if x is not None))
        for q, shown in ctx.flow.assumed()
    )
