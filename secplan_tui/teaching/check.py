"""The check of one learner's answers against a scenario's model: the score, what differs, and the check as
Markdown or JSON.

The check compares answers question by question and compares the two compiled plans action by action. The score
(0 to 100) is::

    score = floor(100 * (0.6 * A + 0.4 * F))

rounded down, so that only a learner who matches the model everywhere scores 100.

- ``A``, the answer agreement, is a weighted mean over the questions the *model* answers make visible (free-text
  questions such as the organisation's name are left out): ``A = sum(weight * credit) / sum(weight)``.
  A question's weight is 2 when it drives something (an action's trigger, or whether another question or section
  is shown) and 1 otherwise. Its credit, from 0 to 1, is:

  - 1 when the learner's answer equals the model answer or one of the scenario's ``accepted`` answers;
  - for multiple choice, the overlap of the two sets of choices, ``|L & M| / |L | M|`` (Jaccard), taking the best
    over the model answer and the accepted ones: picking email and files where the model has email, files and
    accounting gives 2/3;
  - for numbers, 1 when within 10% of the model value (40 and 44 agree; 7 and 8 do not), else 0;
  - 0 otherwise: a different choice, "don't know" where the model knows (or the reverse), or no answer, including
    a question the learner's own answers hide.

- ``F``, the action overlap, is the F1 score of the learner plan's actions against the model plan's:
  ``F = 2 * |both| / (|model| + |learner|)``, and 1 when both plans have no action.

A learner who answers exactly as the model scores A = 1 and F = 1, so 100. The per-domain agreement shown beside
the score is the unweighted mean credit of the domain's questions.
The check and its renderers are pure: no file, clock or terminal. The class report (``report.py``) runs the check
over every learner session of a workspace.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from secplan_tui.core.engine import Flow
from secplan_tui.core.model import (
    DOMAIN_TITLES,
    DOMAINS,
    AnswerValue,
    Question,
    Questionnaire,
    QuestionType,
)
from secplan_tui.plan.compile import NOT_ANSWERED, Plan, PlannedAction, answer_text, compile_plan
from secplan_tui.plan.escape import md_code, md_inline, one_line
from secplan_tui.teaching.scenario import Scenario

ANSWER_WEIGHT = 0.6
"""Share of the score that comes from answer agreement."""
ACTION_WEIGHT = 0.4
"""Share of the score that comes from the overlap of the two plans' actions (F1)."""
SCORE_FORMULA = f"score = floor(100 × ({ANSWER_WEIGHT:g} × A + {ACTION_WEIGHT:g} × F))"
"""The score's formula in one line, from the weights above (A: answer agreement, F: action overlap, F1)."""
DRIVER_WEIGHT = 2
"""Weight of a question that drives an action or another question's visibility."""
PLAIN_WEIGHT = 1
"""Weight of any other scored question."""
NUMBER_TOLERANCE = 0.10
"""A number answer within this share of the model value agrees."""

PLAN_DATE = date(2000, 1, 1)
"""The date both plans are compiled with: actions do not depend on it, and a fixed date keeps the check pure."""


@dataclass(frozen=True)
class QuestionResult:
    """One question the model answers make visible, compared."""

    question_id: str
    domain: str
    """One of model.DOMAINS."""
    text: str
    """The question as asked (clean, not escaped)."""
    model: str
    """The model answer for display."""
    learner: str
    """The learner's answer for display, or "not answered"."""
    model_value: AnswerValue
    """The model answer as stored."""
    learner_value: AnswerValue | None
    """The learner's effective answer, None when unanswered or hidden."""
    credit: float
    """0 to 1 (see the module docstring)."""
    weight: int
    """DRIVER_WEIGHT or PLAIN_WEIGHT."""
    reasoning: str = ""
    """The scenario's reasoning for the model answer, or ""."""
    accepted: tuple[str, ...] = ()
    """Other answers the scenario accepts, for display."""
    order: int = 0
    """Position in the questionnaire; breaks ties in the class report."""
    learner_note: str = ""
    """The learner's note on the answer (their reasoning), one clean line, or ""."""

    @property
    def agrees(self) -> bool:
        """Whether the answer counts as fully agreeing."""
        return self.credit >= 1.0


@dataclass(frozen=True)
class DomainAgreement:
    """How far the learner agrees with the model in one domain."""

    domain: str
    title: str
    questions: int
    """Scored questions the model makes visible in the domain."""
    agreed: int
    """Of those, answered in full agreement."""
    credit: float
    """Sum of the credits (partial multiple-choice overlap counts in part)."""
    model_maturity: int | None
    """The model plan's maturity percentage for the domain (None for the profile or when nothing applies)."""
    learner_maturity: int | None
    """The learner plan's maturity percentage."""

    @property
    def agreement(self) -> float:
        """Mean credit, 0 to 1 (1 when the domain has no scored question)."""
        return 1.0 if self.questions == 0 else self.credit / self.questions

    @property
    def percent(self) -> int:
        """The agreement as a whole percentage, rounded down."""
        return _percent(self.agreement)


@dataclass(frozen=True)
class ActionDifference:
    """An action one plan has and the other lacks, with the answers that made the difference."""

    id: str
    title: str
    domain: str
    priority: str
    because: tuple[str, ...]
    """Question ids in the action's trigger where the learner's effective answer differs from the model's."""
    order: int = 0
    """Position in the action library; breaks ties after priority in the class report."""


@dataclass(frozen=True)
class ExerciseCheck:
    """The result of checking one learner's answers against a scenario's model."""

    scenario_id: str
    scenario_title: str
    questionnaire_id: str
    questionnaire_version: str
    learner: str
    """The session's name as given (clean); renderers escape it."""
    answered: int
    """Visible questions the learner answered, in the learner's own flow."""
    visible: int
    """Questions the learner's answers make visible."""
    domains: tuple[DomainAgreement, ...]
    """One per domain with scored questions, in plan order."""
    questions: tuple[QuestionResult, ...]
    """Every scored question, in questionnaire order."""
    model_actions: tuple[str, ...]
    """Action ids of the model plan, in plan order."""
    learner_actions: tuple[str, ...]
    """Action ids of the learner's plan, in plan order."""
    missed_actions: tuple[ActionDifference, ...]
    """In the model plan, not in the learner's."""
    extra_actions: tuple[ActionDifference, ...]
    """In the learner's plan, not in the model's."""
    answer_agreement: float
    """A: the weighted answer agreement, 0 to 1."""
    action_f1: float
    """F: the F1 overlap of the actions, 0 to 1."""
    score: int
    """floor(100 * (0.6 A + 0.4 F)), 0 to 100: only a full match scores 100."""
    suspect: str = ""
    """Why the learner's session file is suspect (SessionMeta.suspect, one clean line), or ""."""

    @property
    def differences(self) -> tuple[QuestionResult, ...]:
        """The questions where the learner does not fully agree, in questionnaire order."""
        return tuple(q for q in self.questions if not q.agrees)

    @property
    def complete(self) -> bool:
        """Whether the learner answered every question their answers make visible."""
        return self.answered >= self.visible


def driving_questions(questionnaire: Questionnaire) -> frozenset[str]:
    """Question ids that drive something: an action's trigger or a question's or a section's condition."""
    found: set[str] = set()
    for action in questionnaire.actions:
        found |= action.when.question_ids()
    for section in questionnaire.sections:
        if section.when is not None:
            found |= section.when.question_ids()
        for question in section.questions:
            if question.when is not None:
                found |= question.when.question_ids()
    return frozenset(found)


def is_scored(question: Question) -> bool:
    """Whether a question takes part in the agreement: every type but free text (names and descriptions)."""
    return question.type not in (QuestionType.TEXT, QuestionType.LONGTEXT)


def answer_credit(
    question: Question, model: AnswerValue, learner: AnswerValue | None, accepted: Sequence[AnswerValue] = ()
) -> float:
    """How far a learner's answer agrees with the model answer (or an accepted one), from 0 to 1.

    Equal answers score 1. For a multiple-choice question two lists of choices score their Jaccard overlap
    (shared choices / all choices picked). For a number, an answer at most NUMBER_TOLERANCE x |model| away scores
    1 (40 and 44 agree; 7 and 8 do not). Anything else, "don't know" against a real answer included, scores 0.
    The best credit over the model answer and the accepted answers counts.
    """
    if learner is None:
        return 0.0
    best = 0.0
    for target in (model, *accepted):
        best = max(best, _credit_one(question, target, learner))
        if best >= 1.0:
            return 1.0
    return best


def _credit_one(question: Question, model: AnswerValue, learner: AnswerValue) -> float:
    if _same(model, learner):
        return 1.0
    if isinstance(model, list) and isinstance(learner, list):
        a, b = set(model), set(learner)
        union = a | b
        return len(a & b) / len(union) if union else 1.0
    numeric = question.type is QuestionType.NUMBER
    if numeric and _is_number(model) and _is_number(learner):
        assert isinstance(model, int | float) and isinstance(learner, int | float)  # noqa: S101 - narrowed above
        return 1.0 if abs(learner - model) <= NUMBER_TOLERANCE * abs(model) + 1e-9 else 0.0
    return 0.0


def _is_number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _same(a: AnswerValue | None, b: AnswerValue | None) -> bool:
    if isinstance(a, list) and isinstance(b, list):
        return sorted(a) == sorted(b)
    if _is_number(a) and _is_number(b):
        return a == b
    return type(a) is type(b) and a == b


def _percent(share: float) -> int:
    # Rounded down, like the score: 99.6% agreement is not shown as a full 100%.
    return int(share * 100 + 1e-9)


def share_percent(share: float) -> int:
    """A share from 0 to 1 as a whole percentage, rounded down like the score (99.6% is shown as 99%)."""
    return _percent(share)


def _display(question: Question, value: AnswerValue | None) -> str:
    return NOT_ANSWERED if value is None else answer_text(question, value)


def check_exercise(
    scenario: Scenario,
    questionnaire: Questionnaire,
    answers: Mapping[str, AnswerValue],
    *,
    learner: str = "",
    model_plan: Plan | None = None,
    notes: Mapping[str, str] | None = None,
    suspect: str | None = None,
) -> ExerciseCheck:
    """Check a learner's answers against the scenario's model answers.

    Args:
        scenario: The scenario, with its model answers.
        questionnaire: The questionnaire the scenario and the answers belong to.
        answers: The learner's stored answers (hidden ones are ignored, as in the plan).
        learner: The session's name, for the report.
        model_plan: The model plan, when the caller compiled it already (a class report compiles it once).
        notes: The learner's notes on their answers, by question id (shown beside the differences).
        suspect: Why the learner's session file is suspect (SessionMeta.suspect), shown with the learner.

    Returns:
        The check, with the score.
    """
    model_flow = Flow(questionnaire, scenario.model_answers)
    learner_flow = Flow(questionnaire, answers)
    model_eff = model_flow.effective_answers()
    learner_eff = learner_flow.effective_answers()
    drivers = driving_questions(questionnaire)
    domain_of = {s.id: s.domain for s in questionnaire.sections}
    position = {q.id: i for i, q in enumerate(questionnaire.questions())}

    results: list[QuestionResult] = []
    for question in model_flow.visible_questions():
        if not is_scored(question) or question.id not in model_eff:
            continue
        model_value = model_eff[question.id]
        learner_value = learner_eff.get(question.id)
        accepted = tuple(scenario.accepted.get(question.id, ()))
        results.append(
            QuestionResult(
                question_id=question.id,
                domain=domain_of.get(question.section, "profile"),
                text=one_line(question.text),
                model=_display(question, model_value),
                learner=_display(question, learner_value),
                model_value=model_value,
                learner_value=learner_value,
                credit=answer_credit(question, model_value, learner_value, accepted),
                weight=DRIVER_WEIGHT if question.id in drivers else PLAIN_WEIGHT,
                reasoning=one_line(scenario.reasoning.get(question.id, "")),
                accepted=tuple(answer_text(question, a) for a in accepted),
                order=position[question.id],
                learner_note=one_line((notes or {}).get(question.id, "")) if learner_value is not None else "",
            )
        )

    model_plan = model_plan or compile_plan(questionnaire, scenario.model_answers, PLAN_DATE)
    learner_plan = compile_plan(questionnaire, answers, PLAN_DATE)
    model_ids = tuple(a.id for a in model_plan.actions())
    learner_ids = tuple(a.id for a in learner_plan.actions())
    model_set, learner_set = set(model_ids), set(learner_ids)

    def difference(action: PlannedAction) -> ActionDifference:
        library = next((a for a in questionnaire.actions if a.id == action.id), None)
        ids = library.when.question_ids() if library is not None else frozenset()
        because = sorted(
            (qid for qid in ids if not _same(model_eff.get(qid), learner_eff.get(qid))),
            key=lambda qid: (position.get(qid, len(position)), qid),
        )
        return ActionDifference(action.id, action.title, action.domain, action.priority, tuple(because),
                                action.order)

    missed = tuple(difference(a) for a in model_plan.actions() if a.id not in learner_set)
    extra = tuple(difference(a) for a in learner_plan.actions() if a.id not in model_set)

    total_weight = sum(r.weight for r in results)
    agreement = 1.0 if total_weight == 0 else sum(r.weight * r.credit for r in results) / total_weight
    both = len(model_set & learner_set)
    f1 = 1.0 if not model_set and not learner_set else 2 * both / (len(model_set) + len(learner_set))
    # Rounded down: one missed action in ninety must not show as a perfect 100.
    score = _percent(ANSWER_WEIGHT * agreement + ACTION_WEIGHT * f1)

    model_maturity = {d.domain: d.maturity.percent for d in model_plan.domains}
    learner_maturity = {d.domain: d.maturity.percent for d in learner_plan.domains}
    domains = []
    for domain in DOMAINS:
        in_domain = [r for r in results if r.domain == domain]
        if not in_domain:
            continue
        domains.append(
            DomainAgreement(
                domain=domain,
                title=DOMAIN_TITLES.get(domain, domain),
                questions=len(in_domain),
                agreed=sum(1 for r in in_domain if r.agrees),
                credit=sum(r.credit for r in in_domain),
                model_maturity=model_maturity.get(domain),
                learner_maturity=learner_maturity.get(domain),
            )
        )
    answered, visible = learner_flow.counts()
    return ExerciseCheck(
        scenario_id=scenario.id,
        scenario_title=scenario.title,
        questionnaire_id=questionnaire.id,
        questionnaire_version=questionnaire.version,
        learner=one_line(learner),
        answered=answered,
        visible=visible,
        domains=tuple(domains),
        questions=tuple(results),
        model_actions=model_ids,
        learner_actions=learner_ids,
        missed_actions=missed,
        extra_actions=extra,
        answer_agreement=agreement,
        action_f1=f1,
        score=score,
        suspect=one_line(suspect or ""),
    )



# -- rendering one check ----------------------------------------------------------------------------------------


def _maturity(value: int | None) -> str:
    return "-" if value is None else f"{value}%"


def _because(diff: ActionDifference) -> str:
    if not diff.because:
        return ""
    return " (because of " + ", ".join(md_code(q) for q in diff.because) + ")"


def render_check_markdown(check: ExerciseCheck, *, differences_table: bool = False, narrow: bool = False) -> str:
    """The check as Markdown: score, agreement per domain, missed and extra actions, differences with reasoning.

    Every text that comes from a learner, a scenario or a questionnaire is escaped, so no answer can add structure.

    Args:
        check: The check.
        differences_table: The differences as one table row per question instead of a heading and a list each
            (the app's Markdown widget draws a table as one widget, and a hundred headings and lists take seconds).
        narrow: Agreement per domain in three columns, which fit an 80-column terminal (six do not, and the app
            then shows one record per domain).
    """
    out: list[str] = [f"# Exercise check: {md_inline(check.scenario_title)}", ""]
    who = f"Session {md_inline(check.learner)} · " if check.learner else ""
    out += [
        f"{who}Scenario {md_code(check.scenario_id)} · Questionnaire {md_code(check.questionnaire_id)} "
        f"version {md_inline(check.questionnaire_version)}",
        "",
        *([f"**Suspect session file:** {md_inline(check.suspect)}", ""] if check.suspect else []),
        f"**Score: {check.score} / 100** = {ANSWER_WEIGHT:g} × answer agreement {_percent(check.answer_agreement)}% "
        f"+ {ACTION_WEIGHT:g} × action overlap {_percent(check.action_f1)}%",
        "",
        f"You answered {check.answered} of the {check.visible} questions your answers show"
        + ("." if check.complete else "; unanswered questions count as disagreeing."),
        "",
        "## Agreement per domain",
        "",
    ]
    if narrow:
        out += ["| Domain | Agreed (agreement) | Maturity: model / yours |", "|---|---|---|"]
        out += [f"| {md_inline(d.title)} | {d.agreed} of {d.questions} ({d.percent}%) | "
                f"{_maturity(d.model_maturity)} / {_maturity(d.learner_maturity)} |" for d in check.domains]
    else:
        out += ["| Domain | Questions | Agreed | Agreement | Maturity (model) | Maturity (yours) |",
                "|---|---|---|---|---|---|"]
        out += [f"| {md_inline(d.title)} | {d.questions} | {d.agreed} | {d.percent}% | "
                f"{_maturity(d.model_maturity)} | {_maturity(d.learner_maturity)} |" for d in check.domains]
    out += ["", "Partly matching multiple-choice answers count in part (shared choices / all choices picked).", ""]

    out += [f"## Actions the model plan has and yours lacks ({len(check.missed_actions)})", ""]
    if check.missed_actions:
        out += [f"- **{a.priority}** {md_inline(a.title)} {md_code(a.id)}{_because(a)}" for a in check.missed_actions]
    else:
        out.append("None: your plan has every action of the model plan.")
    out += ["", f"## Actions your plan has and the model's lacks ({len(check.extra_actions)})", ""]
    if check.extra_actions:
        out += [f"- **{a.priority}** {md_inline(a.title)} {md_code(a.id)}{_because(a)}" for a in check.extra_actions]
    else:
        out.append("None.")

    differences = check.differences
    out += ["", f"## Where your answers differ from the model ({len(differences)})", ""]
    if not differences:
        out.append("None: every answer agrees with the model.")
    if differences_table and differences:
        out += _differences_table(differences)
        differences = ()
    for r in differences:
        out += [f"### {md_code(r.question_id)} {md_inline(r.text)}", ""]
        out.append(f"- **Your answer:** {md_inline(r.learner)}")
        out.append(f"- **Model answer:** {_model_shown(r)}")
        out += [f"- **{label}:** {text}" for label, text in _notes(r)]
        out.append("")
    while out and out[-1] == "":
        out.pop()
    return "\n".join(out) + "\n"


def _model_shown(r: QuestionResult) -> str:
    """The model answer, with the other answers the scenario accepts."""
    model = md_inline(r.model)
    if r.accepted:
        model += " (also accepted: " + "; ".join(md_inline(a) for a in r.accepted) + ")"
    return model


def _notes(r: QuestionResult) -> list[tuple[str, str]]:
    """What else a difference comes with, as (label, Markdown text)."""
    notes: list[tuple[str, str]] = []
    if r.learner_note:
        notes.append(("Learner's note", md_inline(r.learner_note)))
    if 0 < r.credit < 1:
        notes.append(("Partly matching", f"{_percent(r.credit)}%"))
    if r.weight == DRIVER_WEIGHT:
        notes.append(("Drives actions or other questions", "counts double"))
    if r.reasoning:
        notes.append(("Why the model answers so", md_inline(r.reasoning)))
    return notes


def _differences_table(differences: Sequence[QuestionResult]) -> list[str]:
    rows = ["| Question | Your answer | Model answer | Notes |", "|---|---|---|---|"]
    for r in differences:
        notes = " ".join(f"{label}: {text}" + ("" if text.endswith((".", "!", "?")) else ".")
                         for label, text in _notes(r))
        rows.append(f"| {md_code(r.question_id)} {md_inline(r.text)} | {md_inline(r.learner)} | {_model_shown(r)} | "
                    f"{notes or '—'} |")
    return rows


def _json_value(value: AnswerValue | None) -> object:
    if isinstance(value, list):
        return list(value)
    return value


def _diff_json(diff: ActionDifference) -> dict[str, object]:
    return {"id": diff.id, "title": diff.title, "domain": diff.domain, "priority": diff.priority,
            "because": list(diff.because)}


def check_json(check: ExerciseCheck) -> dict[str, object]:
    """The check as a JSON-ready dict (documented in docs/exercise.md; keys are stable)."""
    return {
        "format": 1,
        "scenario": {"id": check.scenario_id, "title": check.scenario_title},
        "questionnaire": {"id": check.questionnaire_id, "version": check.questionnaire_version},
        "session": check.learner,
        "suspect": check.suspect or None,
        "score": check.score,
        "answer_agreement": round(check.answer_agreement, 4),
        "action_f1": round(check.action_f1, 4),
        "formula": {"answer_weight": ANSWER_WEIGHT, "action_weight": ACTION_WEIGHT,
                    "driver_weight": DRIVER_WEIGHT, "plain_weight": PLAIN_WEIGHT,
                    "number_tolerance": NUMBER_TOLERANCE},
        "completion": {"answered": check.answered, "visible": check.visible, "complete": check.complete},
        "domains": [
            {"domain": d.domain, "title": d.title, "questions": d.questions, "agreed": d.agreed,
             "agreement": round(d.agreement, 4), "model_maturity": d.model_maturity,
             "learner_maturity": d.learner_maturity}
            for d in check.domains
        ],
        "model_actions": list(check.model_actions),
        "learner_actions": list(check.learner_actions),
        "missed_actions": [_diff_json(a) for a in check.missed_actions],
        "extra_actions": [_diff_json(a) for a in check.extra_actions],
        "differences": [
            {"question": r.question_id, "domain": r.domain, "text": r.text, "weight": r.weight,
             "credit": round(r.credit, 4), "model": _json_value(r.model_value), "learner": _json_value(r.learner_value),
             "model_text": r.model, "learner_text": r.learner, "accepted": list(r.accepted),
             "reasoning": r.reasoning, "learner_note": r.learner_note}
            for r in check.differences
        ],
    }


def render_check_json(check: ExerciseCheck) -> str:
    """The check as JSON text, ending with a newline."""
    return json.dumps(check_json(check), indent=2, ensure_ascii=False) + "\n"
