"""Exercise checks and the class report: scores, missed actions, report numbers, escaping, and the CLI commands."""

from __future__ import annotations

import argparse
import json
import random
import re
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime, timedelta
from functools import cache
from pathlib import Path

import pytest
from markdown_it import MarkdownIt

from secplan_tui.cli.exercise import add_exercise_commands, check_new_scenario, run_exercise_command
from secplan_tui.core import catalogue
from secplan_tui.core.engine import Flow
from secplan_tui.core.errors import InvalidInput, NotFound
from secplan_tui.core.model import AnswerValue, Question, Questionnaire, QuestionType, Status
from secplan_tui.plan import compile_plan
from secplan_tui.session.answer_files import progress_of
from secplan_tui.store import MemoryWorkspace, SessionStore, Workspace
from secplan_tui.teaching.check import (
    ACTION_WEIGHT,
    ANSWER_WEIGHT,
    DRIVER_WEIGHT,
    PLAIN_WEIGHT,
    answer_credit,
    check_exercise,
    check_json,
    driving_questions,
    render_check_markdown,
)
from secplan_tui.teaching.report import (
    HISTOGRAM_BUCKETS,
    ClassReport,
    LearnerSession,
    class_report,
    learner_sessions,
    render_report_html,
    render_report_markdown,
)
from secplan_tui.teaching.scenario import Scenario, learner_scenario, load_scenario

SCENARIOS = ("bike_shop", "architects", "distributor")


@cache
def scenario_and_questionnaire(scenario_id: str) -> tuple[Scenario, Questionnaire]:
    """A bundled scenario and its questionnaire, loaded once per test run."""
    scenario = load_scenario(scenario_id)
    return scenario, catalogue.load(scenario.questionnaire_id)


def fill(questionnaire: Questionnaire, answers: dict[str, AnswerValue],
         pick: Callable[[Question], AnswerValue]) -> dict[str, AnswerValue]:
    """Answer every visible question left unanswered with pick, until none is left."""
    answers = dict(answers)
    while unanswered := Flow(questionnaire, answers).unanswered():
        for question in unanswered:
            answers[question.id] = pick(question)
    return answers


def best_choice(question: Question) -> AnswerValue:
    """The in-place choice of a control question (the optimistic learner), else the first choice."""
    for choice in question.choices:
        if choice.status is Status.IN_PLACE:
            return choice.id
    return [question.choices[0].id] if question.type is QuestionType.MULTI else question.choices[0].id


# -- one learner ----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("scenario_id", SCENARIOS)
def test_model_answers_score_100(scenario_id: str) -> None:
    """A learner answering exactly as the model scores 100, with no difference and no missed or extra action."""
    scenario, questionnaire = scenario_and_questionnaire(scenario_id)
    check = check_exercise(scenario, questionnaire, dict(scenario.model_answers), learner="Model")
    assert check.score == 100
    assert check.answer_agreement == 1.0 and check.action_f1 == 1.0
    assert check.differences == () and check.missed_actions == () and check.extra_actions == ()
    assert all(d.percent == 100 for d in check.domains)
    assert check.complete


def test_learner_session_answered_as_the_model_scores_100() -> None:
    """A session started on a scenario and answered with the model answers, read back from the store, scores 100."""
    scenario, questionnaire = scenario_and_questionnaire("architects")
    store = MemoryWorkspace()
    meta = store.create("Ada", questionnaire.id, questionnaire.version, questionnaire.content_hash,
                        scenario=scenario.id)
    store.save_answers(meta.id, dict(scenario.model_answers))
    [session] = learner_sessions(store)
    check = check_exercise(scenario, questionnaire, session.answers, learner=session.name)
    assert check.score == 100
    report = class_report([session])
    assert [r.score for r in report.rows] == [100]
    assert report.histogram[-1] == 1


def test_optimistic_learner_scores_low_and_the_missed_actions_are_named() -> None:
    """A learner who gets the profile right but claims every control is in place scores low; the check names the
    model's P1 actions they missed, with the answer behind each."""
    scenario, questionnaire = scenario_and_questionnaire("bike_shop")
    profile = {k: v for k, v in scenario.model_answers.items() if k.startswith("profile.")}
    answers = fill(questionnaire, profile, best_choice)
    check = check_exercise(scenario, questionnaire, answers, learner="Optimist")
    assert check.score < 30
    missed = {a.id: a for a in check.missed_actions}
    assert {"act.inf.remove_card_numbers", "act.ppl.callback_rule", "act.cyb.mfa_email"} <= set(missed)
    assert missed["act.inf.remove_card_numbers"].because == ("information.card_numbers",)
    assert missed["act.ppl.callback_rule"].priority == "P1"
    text = render_check_markdown(check)
    assert "Stop writing down or keeping card numbers" in text
    assert "`act.inf.remove_card_numbers` (because of `information.card_numbers`)" in text
    assert "Card numbers are written on job tickets" in text  # the scenario's reasoning is shown


def test_wrong_profile_loses_the_hidden_questions_and_their_actions() -> None:
    """Answering "servers: no" for the architects hides the NAS questions: they count as disagreeing, and the
    server actions appear among the missed ones because of profile.servers."""
    scenario, questionnaire = scenario_and_questionnaire("architects")
    answers = dict(scenario.model_answers)
    answers["profile.servers"] = "no"
    check = check_exercise(scenario, questionnaire, answers)
    differing = {r.question_id for r in check.differences}
    assert {"profile.servers", "cyber.server_patching", "physical.server_room"} <= differing
    missed = {a.id: a.because for a in check.missed_actions}
    assert "cyber.server_patching" in missed["act.cyb.patch_servers"]
    assert 50 < check.score < 100


def test_score_follows_the_documented_formula() -> None:
    """score = floor(100 * (0.6 A + 0.4 F)), with A the weighted credit and F the F1 of the two action sets."""
    scenario, questionnaire = scenario_and_questionnaire("distributor")
    rng = random.Random(7)
    answers = perturb(questionnaire, scenario, rng, share=0.4)
    check = check_exercise(scenario, questionnaire, answers)
    drivers = driving_questions(questionnaire)
    weights = {r.question_id: DRIVER_WEIGHT if r.question_id in drivers else PLAIN_WEIGHT for r in check.questions}
    assert all(r.weight == weights[r.question_id] for r in check.questions)
    a = sum(r.weight * r.credit for r in check.questions) / sum(weights.values())
    model = {x.id for x in compile_plan(questionnaire, scenario.model_answers, date(2030, 1, 1)).actions()}
    learner = {x.id for x in compile_plan(questionnaire, answers, date(2030, 1, 1)).actions()}
    f = 2 * len(model & learner) / (len(model) + len(learner))
    assert check.answer_agreement == pytest.approx(a)
    assert check.action_f1 == pytest.approx(f)
    assert check.score == int(100 * (ANSWER_WEIGHT * a + ACTION_WEIGHT * f) + 1e-9)
    assert {x.id for x in check.missed_actions} == model - learner
    assert {x.id for x in check.extra_actions} == learner - model
    assert 0 < check.score < 100


def test_answer_credit_rules() -> None:
    """Credit: equal 1; multiple choice by shared/all choices; numbers within 10%; don't know vs a value 0;
    an accepted answer 1."""
    _, questionnaire = scenario_and_questionnaire("bike_shop")
    cloud = questionnaire.question("profile.cloud")
    people = questionnaire.question("profile.people")
    mfa = questionnaire.question("cyber.mfa_email")
    assert cloud is not None and people is not None and mfa is not None
    assert answer_credit(cloud, ["email", "files", "accounting"], ["email", "files"]) == pytest.approx(2 / 3)
    assert answer_credit(cloud, ["email"], ["files"]) == 0.0
    assert answer_credit(cloud, ["email", "files"], ["files", "email"]) == 1.0
    assert answer_credit(people, 40, 44) == 1.0
    assert answer_credit(people, 40, 45) == 0.0
    assert answer_credit(people, 7, 8) == 0.0
    assert answer_credit(mfa, "no", "dont_know") == 0.0
    assert answer_credit(mfa, "dont_know", "no") == 0.0
    assert answer_credit(mfa, "no", None) == 0.0
    assert answer_credit(mfa, "no", "partly", accepted=("partly",)) == 1.0
    assert answer_credit(cloud, ["email"], ["email", "files"], accepted=(["email", "files", "hr"],)) == pytest.approx(
        2 / 3)


def test_check_json_is_stable_and_complete() -> None:
    """The JSON check has the documented keys, and its numbers match the dataclass."""
    scenario, questionnaire = scenario_and_questionnaire("bike_shop")
    answers = dict(scenario.model_answers)
    answers["information.card_numbers"] = "never"
    check = check_exercise(scenario, questionnaire, answers, learner="Jo")
    data = json.loads(json.dumps(check_json(check)))
    assert set(data) == {"format", "scenario", "questionnaire", "session", "score", "answer_agreement",
                         "action_f1", "formula", "completion", "domains", "model_actions", "learner_actions",
                         "missed_actions", "extra_actions", "differences", "suspect"}
    assert data["suspect"] is None and data["differences"][0]["learner_note"] == ""
    assert data["score"] == check.score < 100
    assert [d["question"] for d in data["differences"]] == ["information.card_numbers"]
    assert data["differences"][0]["model"] == "written" and data["differences"][0]["learner"] == "never"
    assert [a["id"] for a in data["missed_actions"]] == ["act.inf.remove_card_numbers"]


# -- a class ----------------------------------------------------------------------------------------------------------


def perturb(questionnaire: Questionnaire, scenario: Scenario, rng: random.Random, share: float
            ) -> dict[str, AnswerValue]:
    """The model answers with about `share` of the visible questions changed to another valid answer, then every
    newly visible question answered at random: a deterministic, plausible learner."""
    answers = dict(scenario.model_answers)

    def other(question: Question, current: AnswerValue | None) -> AnswerValue:
        options: list[AnswerValue] = [c.id for c in question.choices if not c.exclusive]
        if question.type is QuestionType.MULTI:
            picked = rng.sample([c.id for c in question.choices if not c.exclusive], k=rng.randint(1, 2))
            return sorted(picked, key=question.choice_ids().index)
        if question.type is QuestionType.NUMBER:
            return max(1, int((current if isinstance(current, int) else 10) * rng.choice([0.5, 2])))
        if question.type in (QuestionType.TEXT, QuestionType.LONGTEXT):
            return "Some name"
        if question.dont_know:
            options.append("dont_know")
        choices = [o for o in options if o != current]
        return rng.choice(choices)

    for question in Flow(questionnaire, answers).visible_questions():
        if rng.random() < share and question.id != "profile.org_name":
            answers[question.id] = other(question, answers.get(question.id))
    return fill(questionnaire, answers, lambda q: other(q, None))


class Clock:
    """A clock that moves one minute per call, so session creation order is certain."""

    def __init__(self) -> None:
        self.now = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        self.now += timedelta(minutes=1)
        return self.now


HOSTILE = ["# x", "| a |", "<script>alert(1)</script>"]


def make_class(store: SessionStore) -> dict[str, dict[str, AnswerValue]]:
    """Fourteen learners on two scenarios: 2 not started, 2 half done, the rest complete; some with hostile names.

    Returns the answers given, by session name.
    """
    given: dict[str, dict[str, AnswerValue]] = {}
    names = [f"Learner name {i:02d}" for i in range(14)]
    names[3], names[6], names[9] = HOSTILE
    for i, name in enumerate(names):
        scenario_id = "bike_shop" if i % 3 else "architects"
        scenario, questionnaire = scenario_and_questionnaire(scenario_id)
        meta = store.create(name, questionnaire.id, questionnaire.version, questionnaire.content_hash,
                            scenario=scenario_id)
        if i in (4, 11):
            given[name] = {}
            continue  # not started
        answers = perturb(questionnaire, scenario, random.Random(1000 + i), share=0.05 + 0.06 * i)
        if i in (5, 12):
            visible = [q.id for q in Flow(questionnaire, answers).visible_questions()]
            for qid in visible[len(visible) // 2:]:
                answers.pop(qid, None)  # half done
        store.save_answers(meta.id, answers, progress=progress_of(questionnaire, answers))
        given[name] = answers
    return given


@pytest.fixture
def classroom(tmp_path: Path) -> Iterator[tuple[Workspace, dict[str, dict[str, AnswerValue]]]]:
    """A workspace on disk with a generated class of fourteen learners (and one ordinary session)."""
    store = Workspace(tmp_path / "class", clock=Clock())
    given = make_class(store)
    _, questionnaire = scenario_and_questionnaire("bike_shop")
    store.create("Trainer's own plan", questionnaire.id, questionnaire.version, questionnaire.content_hash)
    yield store, given


def test_class_report_numbers_are_right(classroom: tuple[Workspace, dict[str, dict[str, AnswerValue]]]) -> None:
    """Completion counts, histogram buckets and the most-missed action all match checks made independently."""
    store, given = classroom
    sessions = learner_sessions(store)
    assert len(sessions) == 14  # the trainer's session has no scenario and is left out
    report = class_report(sessions, report_date=date(2026, 3, 2))
    assert report.count("not started") == 2
    assert report.count("in progress") == 2
    assert report.count("complete") == 10

    scores: dict[str, int] = {}
    lacking: dict[str, int] = {}
    having: dict[str, int] = {}
    for session in sessions:
        if not given[session.name]:
            continue
        scenario, questionnaire = scenario_and_questionnaire(session.scenario_id)
        scores[session.name] = check_exercise(scenario, questionnaire, given[session.name]).score
        model = {a.id for a in compile_plan(questionnaire, scenario.model_answers, date(2026, 1, 1)).actions()}
        mine = {a.id for a in compile_plan(questionnaire, given[session.name], date(2026, 1, 1)).actions()}
        for action_id in model:
            having[action_id] = having.get(action_id, 0) + 1
            if action_id not in mine:
                lacking[action_id] = lacking.get(action_id, 0) + 1
    assert {r.label: r.score for r in report.rows if r.score is not None} == scores
    expected = [0] * len(HISTOGRAM_BUCKETS)
    for score in scores.values():
        expected[min(score // 10, 9)] += 1
    assert list(report.histogram) == expected
    assert sum(report.histogram) == 12
    assert len(set(scores.values())) > 3, "the generated class should spread its scores"

    top = report.missed_actions[0]
    assert top.missed == max(lacking.values())
    assert lacking[top.id] == top.missed and having[top.id] == top.out_of
    assert [m.missed for m in report.missed_actions] == sorted((m.missed for m in report.missed_actions), reverse=True)

    text = render_report_markdown(report)
    lines = text.splitlines()
    start = lines.index("```text")
    assert lines[start + 1: start + 11] == [
        f"{label:>6} | {'#' * n:<40} {n}".rstrip() for label, n in zip(HISTOGRAM_BUCKETS, expected, strict=True)
    ]
    assert f"| `{top.id}` | {top.missed} of {top.out_of} |" in text
    assert "| complete | 10 |" in text and "| not started | 2 |" in text and "| in progress | 2 |" in text


def test_anonymous_report_names_no_learner_and_keeps_stable_pseudonyms(
    classroom: tuple[Workspace, dict[str, dict[str, AnswerValue]]],
) -> None:
    """--anonymous: no session name or id appears; pseudonyms follow creation order and survive the scenario filter."""
    store, _given = classroom
    sessions = learner_sessions(store)
    report = class_report(sessions, anonymous=True)
    for fmt in (render_report_markdown, render_report_html):
        text = fmt(report)
        for session in sessions:
            assert session.name not in text
            assert session.session_id not in text
        assert "alert(1)" not in text and "# x" not in text  # nothing of the hostile names is left
    assert [r.label for r in report.rows] == [f"Learner {i:02d}" for i in range(1, 15)]
    first = min(sessions, key=lambda s: s.created)
    by_pseudonym = {r.label: r for r in report.rows}
    assert by_pseudonym["Learner 01"].scenario_id == first.scenario_id
    only_architects = class_report(sessions, scenario_id="architects", anonymous=True)
    named = class_report(sessions, scenario_id="architects")
    assert {r.label for r in only_architects.rows} == {"Learner 01", "Learner 04", "Learner 07", "Learner 10",
                                                      "Learner 13"}
    assert {r.scenario_id for r in named.rows} == {"architects"}
    assert sorted(r.score or -1 for r in only_architects.rows) == sorted(r.score or -1 for r in named.rows)


def table_rows(markdown: str, header_start: str) -> list[list[str]]:
    """The body rows of the table whose header starts with header_start, as markdown-it parses them."""
    tokens = MarkdownIt("commonmark").enable("table").parse(markdown)
    tables: list[list[list[str]]] = []
    current: list[list[str]] | None = None
    row: list[str] = []
    for i, tok in enumerate(tokens):
        if tok.type == "table_open":
            current = []
        elif tok.type == "tr_open":
            row = []
        elif tok.type in ("th_open", "td_open"):
            row.append(tokens[i + 1].content if tokens[i + 1].type == "inline" else "")
        elif tok.type == "tr_close" and current is not None:
            current.append(row)
        elif tok.type == "table_close" and current is not None:
            tables.append(current)
            current = None
    for table in tables:
        if table and table[0] and table[0][0].startswith(header_start):
            return table[1:]
    raise AssertionError(f"no table starting {header_start!r}")


def test_hostile_learner_names_are_escaped_in_markdown_and_html(
    classroom: tuple[Workspace, dict[str, dict[str, AnswerValue]]],
) -> None:
    """Names such as '# x', '| a |' and '<script>' add no heading, table cell or tag to the report."""
    store, _given = classroom
    report = class_report(learner_sessions(store))
    text = render_report_markdown(report)
    headings = [t for t in MarkdownIt("commonmark").parse(text) if t.type == "heading_open"]
    assert len(headings) == 1 + sum(1 for line in text.splitlines() if line.startswith("## "))
    assert not any(line.startswith("# x") for line in text.splitlines())
    rows = table_rows(text, "Learner")
    assert len(rows) == 14 and all(len(r) == 10 for r in rows)
    labels = {r[0] for r in rows}
    # markdown-it unescapes "\\|" when it splits the row into cells, so that name arrives whole in its one cell.
    assert {"\\# x", "| a |", "\\<script\\>alert(1)\\</script\\>"} <= labels
    html = render_report_html(report)
    assert "<script" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "Content-Security-Policy" in html
    for hostile in HOSTILE:
        check = check_exercise(*scenario_and_questionnaire("bike_shop"), dict(load_scenario("bike_shop").model_answers),
                               learner=hostile)
        first_lines = render_check_markdown(check).splitlines()[:4]
        assert sum(1 for line in first_lines if line.startswith("#")) == 1


def test_empty_workspace_gives_an_empty_report() -> None:
    """A class with no learner sessions yet gives a report that says so, with an all-zero histogram."""
    report = class_report([])
    assert report.rows == () and sum(report.histogram) == 0
    assert "No learner sessions yet" in render_report_markdown(report)


def test_session_whose_scenario_is_gone_is_listed_not_fatal() -> None:
    """A session on a scenario that no longer exists is listed as 'scenario missing' and takes no part in numbers."""
    scenario, _questionnaire = scenario_and_questionnaire("bike_shop")
    sessions = [LearnerSession("aaaa0001", "Kim", "retired_scenario", "2026-01-01T00:00:00Z", {"profile.sector": "x"}),
                LearnerSession("aaaa0002", "Lee", "bike_shop", "2026-01-02T00:00:00Z", dict(scenario.model_answers))]
    report = class_report(sessions)
    status = {r.label: (r.status, r.score) for r in report.rows}
    assert status == {"Kim": ("scenario missing", None), "Lee": ("complete", 100)}
    assert sum(report.histogram) == 1
    assert "scenario missing" in render_report_markdown(report)


# -- the CLI commands (through argparse, before cli.py wires them) -----------------------------------------------------


def parse(argv: list[str]) -> argparse.Namespace:
    """Parse argv with a parser that has only the exercise commands, as cli.build_parser will add them."""
    from secplan_tui.cli.main import _Parser

    parser = _Parser(prog="secplan")
    add_exercise_commands(parser.add_subparsers(dest="command", parser_class=_Parser))
    return parser.parse_args(argv)


def test_cli_check_prints_markdown_and_json(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """`exercise check SESSION` prints the check; with --json, JSON whose score matches the Markdown's."""
    scenario, questionnaire = scenario_and_questionnaire("distributor")
    store = Workspace(tmp_path / "ws")
    qid, sid = check_new_scenario("distributor")
    assert (qid, sid) == ("iso22342", "distributor")
    meta = store.create("Robin", qid, questionnaire.version, questionnaire.content_hash, scenario=sid)
    answers = dict(scenario.model_answers)
    answers["cyber.remote_access"] = ["vpn"]
    store.save_answers(meta.id, answers)
    assert run_exercise_command(parse(["exercise", "check", "Robin"]), store) == 0
    text = capsys.readouterr().out
    assert "act.cyb.close_open_rdp" in text
    score = int(re.search(r"\*\*Score: (\d+) / 100\*\*", text).group(1))  # type: ignore[union-attr]
    assert run_exercise_command(parse(["exercise", "check", meta.id, "--json"]), store) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["score"] == score < 100
    assert [a["id"] for a in data["missed_actions"]] == ["act.cyb.close_open_rdp"]


def test_cli_check_refuses_a_session_without_scenario() -> None:
    """`exercise check` on an ordinary session says it is not an exercise (exit 2 via InvalidInput)."""
    _, questionnaire = scenario_and_questionnaire("bike_shop")
    store = MemoryWorkspace()
    store.create("Plain", questionnaire.id, questionnaire.version, questionnaire.content_hash)
    with pytest.raises(InvalidInput) as caught:
        run_exercise_command(parse(["exercise", "check", "Plain"]), store)
    assert type(caught.value) is InvalidInput and caught.value.title == "Not an exercise"
    assert caught.value.exit_code == 2 and "not started from a scenario" in caught.value.message


def test_cli_report_writes_html_and_markdown(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """`exercise report -o FILE` picks HTML from the name, --format md to stdout, --scenario filters, --anonymous
    hides names; an unknown --scenario is refused."""
    store = MemoryWorkspace(clock=Clock())
    given = make_class(store)
    out = tmp_path / "class.html"
    assert run_exercise_command(parse(["exercise", "report", "-o", str(out), "--anonymous"]), store) == 0
    html = out.read_text(encoding="utf-8")
    assert html.startswith("<!DOCTYPE html>") and "Learner 01" in html
    assert not any(name in html for name in given)
    capsys.readouterr()
    assert run_exercise_command(parse(["exercise", "report", "--scenario", "architects", "--format", "md"]), store) == 0
    text = capsys.readouterr().out
    assert text.startswith("# Class report: Fenwick Ashby Architects")
    assert "Learner name 01" not in text and "Learner name 00" in text  # 01 is on bike_shop, 00 on architects
    with pytest.raises(NotFound):
        run_exercise_command(parse(["exercise", "report", "--scenario", "no_such_scenario"]), store)
    with pytest.raises(InvalidInput) as caught:
        run_exercise_command(parse(["exercise"]), store)
    assert type(caught.value) is InvalidInput and caught.value.title == "Missing command"


def test_check_new_scenario_refuses_unknown_and_conflicting() -> None:
    """`new --scenario` checks the scenario, and refuses a --questionnaire that is not the scenario's."""
    with pytest.raises(NotFound):
        check_new_scenario("nope")
    with pytest.raises(InvalidInput) as caught:
        check_new_scenario("bike_shop", questionnaire="starter")
    assert not isinstance(caught.value, NotFound)
    assert "uses questionnaire 'iso22342'" in caught.value.message
    assert check_new_scenario("bike_shop", questionnaire="iso22342") == ("iso22342", "bike_shop")


def test_report_dataclass_exposes_checked_rows(classroom: tuple[Workspace, dict[str, dict[str, AnswerValue]]]) -> None:
    """ClassReport.checked holds exactly the started sessions, each with a check."""
    store, given = classroom
    report: ClassReport = class_report(learner_sessions(store))
    assert {r.label for r in report.checked} == {name for name, answers in given.items() if answers}


def test_a_learner_sessions_scenario_errors_by_class() -> None:
    """learner_scenario: an ordinary session or a scenario on another questionnaire is an InvalidInput, a scenario
    that is gone a NotFound; `exercise check` raises the same."""
    _, questionnaire = scenario_and_questionnaire("bike_shop")
    store = MemoryWorkspace()
    plain = store.create("Plain", questionnaire.id, questionnaire.version, questionnaire.content_hash)
    other = store.create("Other", "starter", "1.0", "0" * 64, scenario="bike_shop")
    gone = store.create("Gone", questionnaire.id, questionnaire.version, questionnaire.content_hash,
                        scenario="gone_scenario")
    with pytest.raises(InvalidInput) as caught:
        learner_scenario(store.meta(plain.id))
    assert type(caught.value) is InvalidInput and caught.value.title == "Not an exercise"
    with pytest.raises(InvalidInput) as caught:
        learner_scenario(store.meta(other.id))
    assert type(caught.value) is InvalidInput and caught.value.title == "Scenario mismatch"
    assert "uses questionnaire 'starter', but scenario 'bike_shop' uses 'iso22342'" in caught.value.message
    with pytest.raises(NotFound) as caught:
        learner_scenario(store.meta(gone.id))
    assert caught.value.title == "Scenario unavailable" and "gone_scenario" in caught.value.message
    with pytest.raises(NotFound):
        run_exercise_command(parse(["exercise", "check", "Gone"]), store)
