"""Leadership and roles (ISO 22342 5.2.4, 5.2.6): each role's title for this profile, what it is accountable for
and what it owns, and the distribution list of the plan's copies.
"""

from __future__ import annotations

from secplan_tui.plan.context import Context
from secplan_tui.plan.escape import one_line
from secplan_tui.plan.records import DiscoveryTask, DistributionEntry, PlannedAction, RoleEntry


def role_entries(
    ctx: Context, actions: tuple[PlannedAction, ...], discovery: tuple[DiscoveryTask, ...], one_person: bool = False
) -> tuple[RoleEntry, ...]:
    """Every role with its title for this profile, what it answers for, and what it owns."""
    entries = []
    for role in ctx.q.roles:
        if one_person:
            duty = ("Everything in this plan: approving it, finding the time it needs, doing its actions and "
                    "accepting the risk that remains.")
        elif ctx.director is not None and role.id == ctx.director.id:
            duty = "Approves this plan, provides the budget and time it needs, and accepts residual risk."
        elif ctx.security_owner is not None and role.id == ctx.security_owner.id:
            leader = ctx.title_of(ctx.director.id) if ctx.director is not None else ""
            duty = ("Keeps this plan up to date and tracks the actions and discovery tasks."
                    if leader == ctx.role_titles[role.id] else
                    "Keeps this plan up to date, tracks the actions and discovery tasks, and reports progress "
                    "to leadership.")
        elif leader_title := (ctx.title_of(ctx.director.id) if ctx.director is not None else ""):
            duty = ("Carries out the actions below." if leader_title == ctx.role_titles[role.id]
                    else "Carries out the actions below and reports when each is done.")
        else:
            duty = "Carries out the actions below and reports when each is done."
        entries.append(
            RoleEntry(
                id=one_line(role.id),
                title=ctx.role_titles[role.id],
                accountability=duty,
                actions=tuple(a.id for a in actions if a.owner == one_line(role.id)),
                discovery=tuple(t.question_id for t in discovery if t.ask == one_line(role.id)),
            )
        )
    return tuple(entries)


def distribution(ctx: Context) -> tuple[DistributionEntry, ...]:
    """Placeholder rows: the director, the security owner (if another title), then one more reader."""
    recipients = [
        ctx.title_of(ctx.director.id) if ctx.director else "Director",
        ctx.title_of(ctx.security_owner.id) if ctx.security_owner else "Security owner",
    ]
    if recipients[0] == recipients[1]:
        recipients.pop()
    recipients.append("Other reader (need to know only)")
    return tuple(DistributionEntry(i + 1, r) for i, r in enumerate(recipients))
