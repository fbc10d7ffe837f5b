"""The risk register: each malicious act rated for this organisation (likelihood x impact after the adjustments
whose condition holds), what an action's control would take off a risk's score, and how each High or Very high
risk is handled (treated within 90 days, accepted, or a gap with the reason).
"""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

from secplan_tui.core.model import Action, QuestionType, Risk, Status
from secplan_tui.plan.context import Context
from secplan_tui.plan.escape import one_line
from secplan_tui.plan.records import PlannedAction, RiskDecision, RiskEntry
from secplan_tui.plan.vocabulary import HIGH_SCORE, RISK_BANDS

TREAT_DAYS = 90
"""A High or Very high risk needs a treating action due within this many days, an acceptance, or a gap."""


def risk_rating(score: int) -> str:
    """The rating of a risk score (likelihood x impact) by RISK_BANDS."""
    for low, high, name in RISK_BANDS:
        if low <= score <= high:
            return name
    return "Very high" if score > 25 else "Low"


def risk_register(ctx: Context, action_ids: frozenset[str]) -> tuple[RiskEntry, ...]:
    """The risk register: risks that apply, rated after adjustments, highest first."""
    entries = [
        rated_risk(ctx, r, i, action_ids)
        for i, r in enumerate(ctx.q.risks)
        if r.when is None or r.when.evaluate(ctx.effective)
    ]
    return tuple(sorted(entries, key=lambda e: (-e.score, -e.impact, e.order)))


def rated_risk(ctx: Context, risk: Risk, index: int, action_ids: frozenset[str]) -> RiskEntry:
    """One risk rated for this organisation."""
    likelihood = _clamp(risk.likelihood)
    impact = _clamp(risk.impact)
    for adj in risk.adjustments:
        if adj.when.evaluate(ctx.effective):
            likelihood = _clamp(likelihood + adj.likelihood)
            impact = _clamp(impact + adj.impact)
    score = likelihood * impact
    return RiskEntry(
        id=one_line(risk.id),
        title=one_line(risk.title),
        description=one_line(risk.description),
        base_likelihood=_clamp(risk.likelihood),
        base_impact=_clamp(risk.impact),
        likelihood=likelihood,
        impact=impact,
        score=score,
        rating=risk_rating(score),
        treated_by=tuple(a for a in risk.treated_by if a in action_ids),
        order=index,
    )


def score_reduction(ctx: Context, action: Action, risk: Risk, score: int) -> int:
    """How far the risk's score falls if the controls the action's condition asks about were in place."""
    hypothetical = dict(ctx.effective)
    changed = False
    for qid in action.when.question_ids():
        question = ctx.q.question(qid)
        if qid not in ctx.effective or question is None or question.type is QuestionType.MULTI:
            continue
        best = next((c.id for c in question.choices if c.status is Status.IN_PLACE), None)
        if best is not None and hypothetical[qid] != best:
            hypothetical[qid] = best
            changed = True
    if not changed:
        return 0
    likelihood, impact = _clamp(risk.likelihood), _clamp(risk.impact)
    for adj in risk.adjustments:
        if adj.when.evaluate(hypothetical):
            likelihood = _clamp(likelihood + adj.likelihood)
            impact = _clamp(impact + adj.impact)
    return score - likelihood * impact


def handle_risks(
    ctx: Context, risks: tuple[RiskEntry, ...], actions: tuple[PlannedAction, ...]
) -> tuple[tuple[RiskEntry, ...], tuple[RiskDecision, ...]]:
    """Each High or Very high risk: treated (an action due within 90 days, or done), accepted (a treating
    action marked "won't do"), or a gap with the reason."""
    by_id = {a.id: a for a in actions}
    limit = ctx.plan_date + timedelta(days=TREAT_DAYS)
    director = ctx.title_of(ctx.director.id) if ctx.director else "Director"
    updated: list[RiskEntry] = []
    decisions: list[RiskDecision] = []
    for r in risks:
        if r.score < HIGH_SCORE:
            updated.append(r)
            continue
        treating = [by_id[a] for a in r.treated_by if a in by_id]
        open_ = [a for a in treating if a.status not in ("done", "wont")]
        if any(a.status == "done" for a in treating) or any(a.due <= limit for a in open_):
            handling = "treated"
        elif any(a.status == "wont" for a in treating) and not open_:
            handling = "accepted"
            notes = [a.status_note for a in treating if a.status == "wont" and a.status_note]
            reason = "; ".join(notes) if notes else "the treating action was marked \"won't do\""
            decisions.append(RiskDecision(r.id, r.title, r.rating, "accepted", one_line(reason), director))
        else:
            handling = "gap"
            if open_:
                first = min(a.due for a in open_)
                reason = (f"its first treating action is due on {first.isoformat()}, after 90 days, because "
                          "the hours before then are taken: find more hours, get help, or accept the risk "
                          "until then")
            elif r.conditional:
                reason = ("unknown until the discovery tasks about it are done; if the answers turn out "
                          "badly, the conditional actions listed with them treat it")
            elif any(a.status == "wont" for a in treating):
                reason = "its treating actions are marked \"won't do\" without a reason"
            else:
                reason = ("no action in this plan treats it: the answers given leave nothing to do here that "
                          "the questionnaire knows of, so treat it another way or accept it")
            decisions.append(RiskDecision(r.id, r.title, r.rating, "gap", reason, director))
        updated.append(replace(r, handling=handling))
    return tuple(updated), tuple(decisions)


def _clamp(value: int) -> int:
    return max(1, min(5, value))
