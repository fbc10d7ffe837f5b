"""The plan's written parts around the actions: the objectives (ISO 22342 5.2.2), the roadmap's time boxes
(5.4.6), training (5.4.3), incident response (5.4.5), selection and implementation of controls (5.5.2, 5.5.3),
monitoring and review (5.5.4), and appendix B, the control references the actions cite.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import timedelta

from secplan_tui.core.model import PRIORITY_DAYS
from secplan_tui.plan.context import Context
from secplan_tui.plan.escape import one_line
from secplan_tui.plan.records import (
    DiscoveryTask,
    DomainPlan,
    PlannedAction,
    ReferenceEntry,
    Review,
    RiskEntry,
    RoadmapPhase,
    ThemedSection,
)
from secplan_tui.plan.schedule import MONTH_DAYS, YEAR_MONTHS

REVIEW_DAYS = 365
"""Days from the plan date to the next scheduled review."""

REVIEW_TRIGGERS: tuple[str, ...] = (
    "a security incident or a near miss",
    "a new site, a move, or a change to how the premises are used",
    "a new IT system or cloud service, or a major change to an existing one",
    "a change of IT provider or of another key supplier",
    "a big change in headcount, ownership, services or customers",
    "new legal, regulatory, contractual or insurance obligations",
    "a warning about a new threat to organisations like this one",
)
"""Events that call for a review before the scheduled date (ISO 22342 5.2.10, 5.3.7)."""

# Reference prefixes that tie an action to a themed section; chosen from the control catalogues, never from
# the wording of a particular questionnaire.
TRAINING_REFS: tuple[str, ...] = ("CIS:14.", "CSF:PR.AT-", "ISO27001:A.6.3")
RESPONSE_REFS: tuple[str, ...] = (
    "CIS:17.",
    "CIS:11.",
    "CSF:RS.",
    "CSF:RC.",
    "CSF:PR.DS-11",
    "CSF:ID.IM-04",
    "CSF:PR.IR-03",
    "ISO27001:A.5.24",
    "ISO27001:A.5.25",
    "ISO27001:A.5.26",
    "ISO27001:A.5.27",
    "ISO27001:A.5.28",
    "ISO27001:A.5.29",
    "ISO27001:A.5.30",
    "ISO27001:A.8.13",
    "ISO27001:A.8.14",
)
MONITORING_REFS: tuple[str, ...] = (
    "CSF:GV.OV-",
    "CSF:ID.IM-01",
    "CSF:ID.IM-02",
    "CSF:ID.IM-03",
    "CSF:DE.AE-",
    "CSF:DE.CM-01",
    "CSF:DE.CM-03",
    "CSF:DE.CM-06",
    "CSF:DE.CM-09",
    "CSF:GV.RM-03",
    "CIS:8.",
    "ISO27001:A.5.35",
    "ISO27001:A.5.36",
    "ISO27001:A.8.15",
    "ISO27001:A.8.16",
)

CATALOGUES: tuple[tuple[str, str], ...] = (
    ("ISO27001", "ISO/IEC 27001:2022 Annex A"),
    ("CSF", "NIST CSF 2.0"),
    ("CIS", "CIS Controls v8.1"),
    ("CE", "Cyber Essentials"),
)
"""Reference prefixes and the catalogue each names, in the order the appendix lists them."""


def objectives(
    ctx: Context,
    organisation: str,
    actions: tuple[PlannedAction, ...],
    risks: tuple[RiskEntry, ...],
    domains: tuple[DomainPlan, ...],
    discovery: tuple[DiscoveryTask, ...],
) -> tuple[str, ...]:
    """A few objectives derived from the plan's own content."""
    who = organisation or "the organisation"
    found = [
        f"Protect the people, information, IT systems and premises of {who} against malicious acts, in "
        f"proportion to the risks in this plan."
    ]
    open_ = [a for a in actions if a.status not in ("done", "wont")]
    first = [a for a in open_ if (a.due - ctx.plan_date).days <= PRIORITY_DAYS["P1"]]
    if first:
        found.append(
            f"Complete the {_plural(len(first), 'action')} due in the first 30 days by "
            f"{max(a.due for a in first).isoformat()}."
        )
    if open_:
        year_end = ctx.plan_date + timedelta(days=MONTH_DAYS * YEAR_MONTHS)
        later = [a for a in open_ if a.due > year_end]
        last = max(a.due for a in open_)
        if later:
            found.append(
                f"Complete {_plural(len(open_) - len(later), 'action')} of this plan within a year, by "
                f"{year_end.isoformat()}; the other {len(later)} move to year two (by {last.isoformat()}) "
                "unless more hours are found."
            )
        else:
            every = "the one open action" if len(open_) == 1 else f"all {len(open_)} open actions"
            found.append(f"Complete {every} of this plan by {last.isoformat()}.")
    high = [r for r in risks if r.score >= 10]
    if high:
        found.append(
            f"Bring the {len(high)} high or very high risk{'s' if len(high) != 1 else ''} in the "
            "register "
            f"down to a level the {ctx.title_of(ctx.director.id) if ctx.director else 'director'} "
            f"accepts in writing."
        )
    scored = [(d.maturity.score, i, d) for i, d in enumerate(domains) if d.maturity.score is not None]
    if scored:
        score, _, weakest = min(scored, key=lambda t: (t[0] or 0.0, t[1]))
        m = weakest.maturity
        if score is not None and score < 1:
            unknown = f"; {m.unknown_percent}% of its controls are unknown" if m.unknown else ""
            found.append(
                f"Raise the weakest domain, {weakest.title.lower()} ({m.percent}% of its known controls in "
                f"place now{unknown}), to at least {max(50, min(100, (m.percent or 0) + 30))}% by the next "
                "review."
            )
    if discovery:
        found.append(
            f"Answer the {len(discovery)} open question{'s' if len(discovery) != 1 else ''} (discovery "
            f"tasks) by {max(t.due for t in discovery).isoformat()}, each by its own date, and compile the "
            "plan again as the answers come in."
        )
    found.append(
        f"Review this plan by {(ctx.plan_date + timedelta(days=REVIEW_DAYS)).isoformat()}, or sooner "
        f"after any of the events listed under monitoring and review."
    )
    return tuple(found)


def roadmap(ctx: Context, actions: tuple[PlannedAction, ...]) -> tuple[RoadmapPhase, ...]:
    """Time boxes by due date: the first 30 days, within 90 days, within 12 months, and year two when the
    work does not fit in a year. Done and "won't do" actions are left out."""
    year = MONTH_DAYS * YEAR_MONTHS
    phases = (
        ("30_days", "First 30 days", "P1", PRIORITY_DAYS["P1"]),
        ("90_days", "Within 90 days", "P2", PRIORITY_DAYS["P2"]),
        ("12_months", "Within 12 months", "P3", year),
    )
    open_ = sorted((a for a in actions if a.status not in ("done", "wont")), key=lambda a: (a.due, a.rank))
    result = []
    low = -10**6
    for key, title, priority, days in phases:
        chosen = [a for a in open_ if low < (a.due - ctx.plan_date).days <= days]
        low = days
        result.append(RoadmapPhase(key, title, priority, ctx.plan_date + timedelta(days=days),
                                   tuple(a.id for a in chosen)))
    later = [a for a in open_ if (a.due - ctx.plan_date).days > year]
    if later:
        result.append(RoadmapPhase("year_two", "Year two", "P3", max(a.due for a in later),
                                   tuple(a.id for a in later)))
    return tuple(result)


def training(actions: tuple[PlannedAction, ...]) -> ThemedSection:
    """Training and awareness (ISO 22342 5.4.3, 5.2.7)."""
    return ThemedSection(
        key="training",
        title="Training and awareness",
        clause="5.4.3, 5.2.7",
        paragraphs=(
            "Everyone gets a short security briefing when they join and a refresher every year: how to "
            "spot "
            "phishing and payment-diversion fraud, how and where to report anything odd without blame, "
            "and the "
            "rules of this plan that apply to them.",
            "People in higher-risk roles (finance, administrators, reception, anyone who handles cash or "
            "personal data) get a short session on the tricks aimed at their role.",
            "Keep a simple record of who was briefed, on what, and when.",
        ),
        actions=tuple(a.id for a in actions if _refs_match(a.references, TRAINING_REFS)),
    )


def incident_response(actions: tuple[PlannedAction, ...]) -> ThemedSection:
    """Incident response and continuity (ISO 22342 5.4.5)."""
    return ThemedSection(
        key="incident_response",
        title="Incident response and continuity",
        clause="5.4.5",
        paragraphs=(
            "Keep a one-page incident plan within reach, on paper as well: who decides, who to call (IT "
            "support, insurer, bank, police, the data-protection regulator), how to cut an affected "
            "system off, "
            "how to restore from backups, and how to learn from what happened.",
            "A breach of personal data may have to be reported to the regulator within 72 hours of "
            "discovery; "
            "record the decision and the reasons either way.",
            "For each critical service, write down how work would go on without it for a week: "
            "workarounds, "
            "priorities, contacts, and who may spend money in a crisis.",
            "Rehearse once a year with a short table-top exercise, and after any real incident.",
        ),
        actions=tuple(a.id for a in actions if _refs_match(a.references, RESPONSE_REFS)),
    )


def selection(ctx: Context, actions: tuple[PlannedAction, ...]) -> ThemedSection:
    """Selection of controls (ISO 22342 5.5.2): how the actions came to be in the plan."""
    return ThemedSection(
        key="selection",
        title="Selection of controls",
        clause="5.5.2",
        paragraphs=(
            f"The {len(actions)} action{'s' if len(actions) != 1 else ''} of this plan were selected "
            "from the "
            f'action library of the questionnaire "{one_line(ctx.q.title)}" by the answers given: each '
            f"action lists the answers that triggered it, its priority, owner and due date, and the "
            "control "
            f"catalogues it maps to (appendix B).",
            "Where a control cannot be put in place, record the decision and the reason, and accept the "
            "residual risk in the risk register.",
        ),
        actions=(),
    )


def implementation() -> ThemedSection:
    """Implementation, testing and evaluation (ISO 22342 5.5.3)."""
    return ThemedSection(
        key="implementation",
        title="Implementation, testing and evaluation",
        clause="5.5.3",
        paragraphs=(
            "When an action is done, record the date, who did it and the evidence: a screenshot, a "
            "contract "
            "clause, a log entry, a signed form.",
            "Test each control after it is put in place: restore a file from backup, try to sign in "
            "without "
            "the second step, walk the premises after hours, check that a leaver's account no longer "
            "works.",
        ),
        actions=(),
    )


def review(ctx: Context, actions: tuple[PlannedAction, ...], one_person: bool = False) -> Review:
    """Monitoring and review (ISO 22342 5.5.4, 5.2.10, 5.2.11, 5.3.7)."""
    owner = ctx.title_of(ctx.security_owner.id) if ctx.security_owner else "The security lead"
    if one_person:
        progress = ("Every quarter, set aside an hour to look at this plan: actions done, late and blocked, "
                    "open discovery tasks, and any incident or near miss.")
    else:
        progress = (f"{owner} reports progress to the people who run the organisation at least every quarter "
                    "(at management meetings where there are any): actions done, late and blocked, open "
                    "discovery tasks, and any incident or near miss.")
    return Review(
        next_review=ctx.plan_date + timedelta(days=REVIEW_DAYS),
        triggers=REVIEW_TRIGGERS,
        paragraphs=(
            progress,
            "At each review, answer the questionnaire again, compile a new version of this plan, and "
            "compare "
            "the maturity of each domain with the last version.",
        ),
        actions=tuple(a.id for a in actions if _refs_match(a.references, MONITORING_REFS)),
    )


def references(actions: tuple[PlannedAction, ...]) -> tuple[ReferenceEntry, ...]:
    """Every control reference the plan's actions cite, by catalogue then number."""
    users: dict[str, list[str]] = {}
    for action in actions:
        for ref in action.references:
            users.setdefault(ref, [])
            if action.id not in users[ref]:
                users[ref].append(action.id)
    rank = {prefix: i for i, (prefix, _) in enumerate(CATALOGUES)}
    names = dict(CATALOGUES)

    def key(ref: str) -> tuple[int, str, tuple[tuple[int, int | str], ...]]:
        prefix = ref.split(":", 1)[0]
        return (rank.get(prefix, len(rank)), prefix, _natural_key(ref))

    return tuple(
        ReferenceEntry(ref, names.get(ref.split(":", 1)[0], "Other"), tuple(users[ref]))
        for ref in sorted(users, key=key)
    )


def _refs_match(references: Iterable[str], prefixes: tuple[str, ...]) -> bool:
    for ref in references:
        for prefix in prefixes:
            # "ISO27001:A.5.2" must not match "ISO27001:A.5.24": a prefix ending in a digit matches whole ids.
            if ref == prefix or (ref.startswith(prefix) and not prefix[-1].isdigit()):
                return True
    return False


def _natural_key(text: str) -> tuple[tuple[int, int | str], ...]:
    return tuple((0, int(part)) if part.isdigit() else (1, part) for part in re.split(r"(\d+)", text) if part)


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"
