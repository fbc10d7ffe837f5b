"""The class report: every learner session of a workspace (those started with ``--scenario``) checked against its
scenario's model, the class's numbers (completion, score distribution, the most-missed actions and questions),
and the report as Markdown or HTML.

Pseudonyms are numbered over every learner session given, so a learner keeps the same one in each scenario's
report. The report and its renderers are pure; only :func:`learner_sessions` reads the store, and only the
default loader of :func:`class_report` reads scenario and questionnaire files.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING

from secplan_tui.core import catalogue
from secplan_tui.core.errors import SecplanError
from secplan_tui.core.model import AnswerValue, Questionnaire
from secplan_tui.plan.compile import PRIORITY_ORDER, Plan, compile_plan
from secplan_tui.plan.escape import md_code, md_inline, one_line
from secplan_tui.teaching.check import (
    ACTION_WEIGHT,
    ANSWER_WEIGHT,
    PLAN_DATE,
    ExerciseCheck,
    check_exercise,
    share_percent,
)
from secplan_tui.teaching.scenario import Scenario, load_scenario

if TYPE_CHECKING:
    from secplan_tui.store import SessionStore

HISTOGRAM_BUCKETS: tuple[str, ...] = tuple(f"{10 * i}-{10 * i + 9}" for i in range(9)) + ("90-100",)
"""The score ranges of the class histogram; the last one holds 100."""
TOP_MISSED = 10
"""How many of the most-missed actions and questions the class report lists."""


@dataclass(frozen=True)
class LearnerSession:
    """What the class report needs from one learner session."""

    session_id: str
    name: str
    scenario_id: str
    created: str
    """ISO-8601 creation time; orders the pseudonyms."""
    answers: Mapping[str, AnswerValue] = field(hash=False)
    notes: Mapping[str, str] = field(default_factory=dict, hash=False)
    """The notes on the answers, by question id."""
    suspect: str | None = None
    """Why the session file is suspect (SessionMeta.suspect), or None."""


@dataclass(frozen=True)
class LearnerRow:
    """One learner in the class report."""

    label: str
    """The session's name, or its pseudonym ("Learner 03") in an anonymous report."""
    session_id: str
    """The session id; "" in an anonymous report."""
    scenario_id: str
    status: str
    """``complete``, ``in progress``, ``not started`` or ``scenario missing``."""
    check: ExerciseCheck | None
    """The check; None when not started or when the scenario cannot be loaded."""
    note: str = ""
    """Why there is no check, for ``scenario missing``."""
    suspect: str = ""
    """Why the session file is suspect (SessionMeta.suspect, one clean line), or ""."""

    @property
    def score(self) -> int | None:
        """The score, or None when the session was not checked."""
        return None if self.check is None else self.check.score


@dataclass(frozen=True)
class MissCount:
    """How many checked learners missed one action or question that their scenario's model has."""

    id: str
    title: str
    missed: int
    out_of: int
    """Checked learners whose model plan has the action (or whose model shows the question)."""


@dataclass(frozen=True)
class ClassReport:
    """The class report over the learner sessions of a workspace."""

    scenario_id: str | None
    """The scenario the report was limited to, or None for all."""
    scenarios: tuple[tuple[str, str], ...]
    """(id, title) of each scenario in the report."""
    anonymous: bool
    report_date: date | None
    rows: tuple[LearnerRow, ...]
    histogram: tuple[int, ...]
    """Checked learners per score bucket (HISTOGRAM_BUCKETS)."""
    missed_actions: tuple[MissCount, ...]
    """The most-missed model actions, most missed first; ties by priority, then library order."""
    missed_questions: tuple[MissCount, ...]
    """The questions most often answered differently from the model; ties in questionnaire order."""
    extra_actions: tuple[MissCount, ...]
    """Actions most often in learners' plans but not in the model's."""

    def count(self, status: str) -> int:
        """How many learners have this status."""
        return sum(1 for r in self.rows if r.status == status)

    @property
    def checked(self) -> tuple[LearnerRow, ...]:
        """The rows with a check (started sessions whose scenario loads)."""
        return tuple(r for r in self.rows if r.check is not None)


ScenarioLoader = Callable[[str], tuple[Scenario, Questionnaire]]
"""Gives a scenario and its questionnaire by scenario id; raises SecplanError when it cannot."""


def load_with_questionnaire(scenario_id: str) -> tuple[Scenario, Questionnaire]:
    """The scenario with this id and its questionnaire, from the scenario folders."""
    scenario = load_scenario(scenario_id)
    return scenario, catalogue.load(scenario.questionnaire_id)


def pseudonyms(sessions: Iterable[LearnerSession]) -> dict[str, str]:
    """Stable pseudonyms by session id: "Learner 01", "Learner 02"... in order of creation (then id).

    The width grows past 99 learners, so names sort as numbers.
    """
    ordered = sorted(sessions, key=lambda s: (s.created, s.session_id))
    width = max(2, len(str(len(ordered))))
    return {s.session_id: f"Learner {i:0{width}d}" for i, s in enumerate(ordered, start=1)}


def class_report(
    sessions: Sequence[LearnerSession],
    *,
    scenario_id: str | None = None,
    anonymous: bool = False,
    report_date: date | None = None,
    loader: ScenarioLoader = load_with_questionnaire,
) -> ClassReport:
    """Check every learner session and gather the class's numbers.

    Pseudonyms are numbered over all the sessions given (before the scenario filter), so a learner keeps the same
    pseudonym in the report of each scenario. A session with no answers is "not started" and takes no part in the
    histogram or the most-missed lists; nor does one whose scenario cannot be loaded ("scenario missing").

    Args:
        sessions: The learner sessions (see :func:`learner_sessions`).
        scenario_id: Only sessions on this scenario.
        anonymous: Show pseudonyms instead of session names, and no session ids.
        report_date: Printed on the report.
        loader: Gives a scenario and its questionnaire by id (tests pass their own).
    """
    names = pseudonyms(sessions)
    chosen = [s for s in sessions if scenario_id is None or s.scenario_id == scenario_id]
    loaded: dict[str, tuple[Scenario, Questionnaire, Plan] | str] = {}
    rows: list[LearnerRow] = []
    for session in chosen:
        label = names[session.session_id] if anonymous else one_line(session.name)
        sid = "" if anonymous else session.session_id
        if session.scenario_id not in loaded:
            try:
                scenario, questionnaire = loader(session.scenario_id)
            except SecplanError as exc:
                loaded[session.scenario_id] = one_line(exc.message.splitlines()[0] if exc.message else exc.title)
            else:
                plan = compile_plan(questionnaire, scenario.model_answers, PLAN_DATE)
                loaded[session.scenario_id] = (scenario, questionnaire, plan)
        found = loaded[session.scenario_id]
        if isinstance(found, str):
            rows.append(LearnerRow(label, sid, session.scenario_id, "scenario missing", None, found,
                                   one_line(session.suspect or "")))
            continue
        scenario, questionnaire, model_plan = found
        if not session.answers:
            rows.append(LearnerRow(label, sid, session.scenario_id, "not started", None,
                                   suspect=one_line(session.suspect or "")))
            continue
        check = check_exercise(scenario, questionnaire, session.answers, learner=label, model_plan=model_plan,
                               notes=session.notes, suspect=session.suspect)
        status = "complete" if check.complete else "in progress"
        rows.append(LearnerRow(label, sid, session.scenario_id, status, check,
                               suspect=one_line(session.suspect or "")))
    if anonymous:
        rows.sort(key=lambda r: r.label)
    else:
        rows.sort(key=lambda r: (r.label.casefold(), r.label, r.session_id))

    checked = [r.check for r in rows if r.check is not None]
    histogram = [0] * len(HISTOGRAM_BUCKETS)
    for c in checked:
        histogram[min(c.score // 10, len(HISTOGRAM_BUCKETS) - 1)] += 1

    titles: dict[str, str] = {}
    # Ties are broken by (priority, library position) for actions and by questionnaire position for questions.
    rank: dict[str, tuple[int, int]] = {}
    action_missed: dict[str, int] = {}
    action_has: dict[str, int] = {}
    extra: dict[str, int] = {}
    question_missed: dict[str, int] = {}
    question_has: dict[str, int] = {}
    for c in checked:
        for aid in c.model_actions:
            action_has[aid] = action_has.get(aid, 0) + 1
        for diff in c.missed_actions:
            action_missed[diff.id] = action_missed.get(diff.id, 0) + 1
            titles[f"action:{diff.id}"] = diff.title
            rank[f"action:{diff.id}"] = (PRIORITY_ORDER.get(diff.priority, 9), diff.order)
        for diff in c.extra_actions:
            extra[diff.id] = extra.get(diff.id, 0) + 1
            titles[f"action:{diff.id}"] = diff.title
            rank[f"action:{diff.id}"] = (PRIORITY_ORDER.get(diff.priority, 9), diff.order)
        for r in c.questions:
            question_has[r.question_id] = question_has.get(r.question_id, 0) + 1
            titles[f"question:{r.question_id}"] = r.text
            rank[f"question:{r.question_id}"] = (0, r.order)
            if not r.agrees:
                question_missed[r.question_id] = question_missed.get(r.question_id, 0) + 1

    def top(counts: dict[str, int], out_of: Callable[[str], int], kind: str) -> tuple[MissCount, ...]:
        ranked = sorted(counts.items(), key=lambda kv: (-kv[1], rank.get(f"{kind}:{kv[0]}", (9, 0)), kv[0]))
        ranked = ranked[:TOP_MISSED]
        return tuple(MissCount(k, titles.get(f"{kind}:{k}", k), n, out_of(k)) for k, n in ranked)

    scenario_titles: dict[str, str] = {}
    for key, value in loaded.items():
        scenario_titles[key] = value[0].title if not isinstance(value, str) else key
    return ClassReport(
        scenario_id=scenario_id,
        scenarios=tuple(sorted(scenario_titles.items())),
        anonymous=anonymous,
        report_date=report_date,
        rows=tuple(rows),
        histogram=tuple(histogram),
        missed_actions=top(action_missed, lambda k: action_has.get(k, 0), "action"),
        missed_questions=top(question_missed, lambda k: question_has.get(k, 0), "question"),
        extra_actions=top(extra, lambda k: len(checked), "action"),
    )


def learner_sessions(store: SessionStore) -> list[LearnerSession]:
    """Every learner session of a workspace (those started with a scenario) with its answers, oldest first.

    Give them all to :func:`class_report` and let it filter by scenario, so pseudonyms stay the same in every
    scenario's report.
    """
    found = []
    for meta in store.sessions():
        if meta.scenario is None:
            continue
        found.append(LearnerSession(meta.id, meta.name, meta.scenario, meta.created, store.answers(meta.id),
                                    store.answer_notes(meta.id), meta.suspect))
    return sorted(found, key=lambda s: (s.created, s.session_id))


# -- rendering the report ---------------------------------------------------------------------------------------


def histogram_lines(report: ClassReport, width: int = 40) -> list[str]:
    """The score distribution as fixed-width text lines: ``90-100 | ####### 7``.

    One ``#`` per learner, scaled down when the largest bucket holds more than ``width``.
    """
    largest = max(report.histogram, default=0)
    scale = 1.0 if largest <= width else width / largest
    lines = []
    for label, count in zip(HISTOGRAM_BUCKETS, report.histogram, strict=True):
        bar = "#" * (round(count * scale) if count else 0)
        if count and not bar:
            bar = "#"
        lines.append(f"{label:>6} | {bar:<{width}} {count}".rstrip())
    return lines


def render_report_markdown(report: ClassReport) -> str:
    """The class report as Markdown. Session names and every other text are escaped; the histogram is a fenced
    block of fixed text that holds no learner text."""
    checked = report.checked
    title = "Class report"
    if report.scenario_id is not None:
        scenario_title = dict(report.scenarios).get(report.scenario_id, report.scenario_id)
        title += f": {scenario_title}"
    out = [f"# {md_inline(title)}", ""]
    facts = []
    if report.report_date is not None:
        facts.append(f"Date {report.report_date.isoformat()}")
    facts.append(f"{len(report.rows)} learner session{'s' if len(report.rows) != 1 else ''}")
    if report.anonymous:
        facts.append("names replaced by pseudonyms")
    out += [" · ".join(facts), ""]
    if report.scenarios:
        out += ["Scenarios: " + "; ".join(f"{md_code(sid)} {md_inline(t)}" for sid, t in report.scenarios), ""]

    out += ["## Completion", "", "| Status | Learners |", "|---|---|"]
    for status in ("complete", "in progress", "not started", "scenario missing"):
        n = report.count(status)
        if n or status != "scenario missing":
            out.append(f"| {status} | {n} |")
    out.append("")

    out += ["## Score distribution", ""]
    if checked:
        scores = sorted(r.check.score for r in checked if r.check is not None)
        mean = sum(scores) / len(scores)
        middle = len(scores) // 2
        median = scores[middle] if len(scores) % 2 else (scores[middle - 1] + scores[middle]) / 2
        out += [f"{len(scores)} checked: lowest {scores[0]}, median {_num(median)}, mean {_num(mean)}, "
                f"highest {scores[-1]}.", ""]
    out += ["```text", *histogram_lines(report), "```", ""]

    out += ["## Most-missed actions", "", "Actions of the model plan that learners' plans lack.", ""]
    if report.missed_actions:
        out += ["| Action | Missed by | Title |", "|---|---|---|"]
        out += [f"| {md_code(m.id)} | {m.missed} of {m.out_of} | {md_inline(m.title)} |" for m in report.missed_actions]
    else:
        out.append("None.")
    out += ["", "## Most-missed questions", "", "Questions answered differently from the model.", ""]
    if report.missed_questions:
        out += ["| Question | Missed by | Text |", "|---|---|---|"]
        out += [f"| {md_code(m.id)} | {m.missed} of {m.out_of} | {md_inline(m.title)} |"
                for m in report.missed_questions]
    else:
        out.append("None.")
    if report.extra_actions:
        out += ["", "## Actions most often added", "", "Actions in learners' plans that the model plan does not have.",
                "", "| Action | Added by | Title |", "|---|---|---|"]
        out += [f"| {md_code(m.id)} | {m.missed} of {m.out_of} | {md_inline(m.title)} |" for m in report.extra_actions]

    out += ["", "## Learners", ""]
    if not report.rows:
        out.append("No learner sessions yet: learners start one with `secplan new NAME --scenario ID`.")
    else:
        head = "| Learner | Scenario | Answered | Status | Score | Answers | Actions | Missed | Added |"
        if not report.anonymous:
            head = "| Learner | Session | Scenario | Answered | Status | Score | Answers | Actions | Missed | Added |"
        out += [head, "|" + "---|" * (head.count("|") - 1)]
        for row in report.rows:
            cells = [md_inline(row.label) + (f" (suspect: {md_inline(row.suspect)})" if row.suspect else "")]
            if not report.anonymous:
                cells.append(md_code(row.session_id))
            cells.append(md_code(row.scenario_id))
            c = row.check
            if c is None:
                cells += ["-", md_inline(row.status + (f": {row.note}" if row.note else "")), "-", "-", "-", "-", "-"]
            else:
                cells += [f"{c.answered}/{c.visible}", row.status, str(c.score),
                          f"{share_percent(c.answer_agreement)}%", f"{share_percent(c.action_f1)}%",
                          str(len(c.missed_actions)), str(len(c.extra_actions))]
            out.append("| " + " | ".join(cells) + " |")
    out += ["", f"Score = {ANSWER_WEIGHT:g} × answer agreement + {ACTION_WEIGHT:g} × action overlap (F1); "
                "see docs/exercise.md."]
    return "\n".join(out) + "\n"


def _num(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:.1f}"


REPORT_CSS = """\
pre { font-family: "Cascadia Mono", Consolas, "DejaVu Sans Mono", monospace; line-height: 1.25; }
"""
"""Styles the class report adds to the plan's stylesheet."""


def render_report_html(report: ClassReport) -> str:
    """The class report as one self-contained HTML page, through the plan's markdown-it renderer and stylesheet
    (raw HTML off, links and images disabled, no script, a Content-Security-Policy that forbids both)."""
    from secplan_tui.plan.html import render_markdown_page

    title = "Class report"
    if report.scenario_id is not None:
        title += ": " + dict(report.scenarios).get(report.scenario_id, report.scenario_id)
    return render_markdown_page(render_report_markdown(report), one_line(title), body_class="view-report",
                                extra_css=REPORT_CSS)
