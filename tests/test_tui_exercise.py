"""Teaching exercises and the yearly review in the app, from the keyboard: the briefing, the check against the model,
taking a snapshot and the changes since, and the exercise keys hidden and inert outside exercises."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot

from secplan_tui.core import catalogue
from secplan_tui.core.model import AnswerValue, Questionnaire
from secplan_tui.frontends.tui.app import SecplanApp
from secplan_tui.frontends.tui.commands import SecplanCommands
from secplan_tui.frontends.tui.dialogs import ConfirmDialog, TextDialog
from secplan_tui.frontends.tui.screens.document import BriefingScreen, ChangesScreen, CheckScreen, DocumentScreen
from secplan_tui.frontends.tui.screens.help import HelpScreen
from secplan_tui.frontends.tui.screens.plan import PlanScreen
from secplan_tui.frontends.tui.screens.question import QuestionScreen
from secplan_tui.frontends.tui.widgets.plan_view import PlanMarkdown
from secplan_tui.plan import compile_plan
from secplan_tui.plan.plan_json import plan_to_dict
from secplan_tui.review import diff_plans, summarise_diff
from secplan_tui.session.answer_files import progress_of
from secplan_tui.store import MemoryWorkspace, SessionMeta
from secplan_tui.teaching.check import check_exercise
from secplan_tui.teaching.scenario import Scenario, load_scenario
from tests.test_tui import (
    PLAN_DATE,
    SIZE,
    fixed_clock,
    keys,
    new_app,
    question_screen,
    screen_text,
    starter_session,
    type_text,
    user_name,
)

SCENARIO = "bike_shop"


@pytest.fixture(scope="module")
def bike_shop() -> tuple[Scenario, Questionnaire]:
    """The bike shop scenario and its questionnaire (loading them takes a moment: once per module)."""
    scenario = load_scenario(SCENARIO)
    return scenario, catalogue.load(scenario.questionnaire_id)


def learner_session(store: MemoryWorkspace, questionnaire: Questionnaire, answers: Mapping[str, AnswerValue],
                    *, name: str = "Ann", scenario: str = SCENARIO) -> SessionMeta:
    """A learner session on a scenario, with answers saved as the app would have saved them."""
    meta = store.create(name, questionnaire.id, questionnaire.version, questionnaire.content_hash, scenario=scenario)
    if answers:
        store.save_answers(meta.id, dict(answers), progress=progress_of(questionnaire, answers))
    return meta


def first_answers(scenario: Scenario, count: int) -> dict[str, AnswerValue]:
    """The first ``count`` model answers, in the scenario's order (the profile comes first)."""
    return dict(list(scenario.model_answers.items())[:count])


async def settle(pilot: Pilot[Any]) -> None:
    """Wait until the document being made in a thread is on screen."""
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


def document(app: SecplanApp, kind: type[DocumentScreen]) -> DocumentScreen:
    screen = app.screen
    assert isinstance(screen, kind), f"expected {kind.__name__}, found {type(screen).__name__}"
    return screen


def markdown_source(app: SecplanApp) -> str:
    """The Markdown the document screen shows now."""
    return app.screen.query_one("#doc-markdown", PlanMarkdown).source


def footer(app: SecplanApp) -> str:
    return screen_text(app).splitlines()[-1]


async def test_briefing_opens_with_f10_or_i_and_closes_with_the_same_key(
    tmp_path: Path, bike_shop: tuple[Scenario, Questionnaire]
) -> None:
    """In a learner session F10 shows the briefing with the question's hint; F10 closes it; i does the same."""
    scenario, questionnaire = bike_shop
    store = MemoryWorkspace(clock=fixed_clock, user=user_name)
    meta = learner_session(store, questionnaire, first_answers(scenario, 3))
    app = new_app(store, tmp_path, session_id=meta.id)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        question = questionnaire.question(question_screen(app).current or "")
        assert question is not None and question.hint
        assert footer(app).lstrip().startswith("F10 Brief")  # under 80 columns the labels are short
        text = screen_text(app)
        assert "Hint: " + " ".join(question.hint.split()[:3]) in text
        assert text.index("Hint:") < text.index("Why this matters")
        await keys(pilot, "f10")
        await settle(pilot)
        document(app, BriefingScreen)
        text = screen_text(app)
        assert "Briefing: Penrose Cycles" in text
        assert f"Question on screen: {question.text}"[:70] in text.replace("\n", " ")
        assert "Hint: " + question.hint.split()[0] in text
        assert "What this exercise should teach you" in markdown_source(app)
        body = app.screen.query_one("#doc-body")
        await keys(pilot, "pagedown")
        assert body.scroll_y > 0, "the briefing scrolls from the keyboard"
        await keys(pilot, "f10")
        assert isinstance(app.screen, QuestionScreen)
        await keys(pilot, "i")
        await settle(pilot)
        document(app, BriefingScreen)
        await keys(pilot, "i")
        assert isinstance(app.screen, QuestionScreen)
        # From the plan screen too, without the question's block; F5 goes back.
        await keys(pilot, "f8", "i")
        await settle(pilot)
        document(app, BriefingScreen)
        assert "Question on screen" not in screen_text(app)
        await keys(pilot, "f5")
        assert isinstance(app.screen, PlanScreen)


async def test_a_new_exercise_opens_on_its_briefing(tmp_path: Path, bike_shop: tuple[Scenario, Questionnaire]) -> None:
    """A learner's first open of a new exercise shows the briefing first (every answer comes from its facts);
    closing it leaves them at question 1. Once something is answered, the session opens on its question."""
    scenario, questionnaire = bike_shop
    store = MemoryWorkspace(clock=fixed_clock, user=user_name)
    meta = learner_session(store, questionnaire, {})
    app = new_app(store, tmp_path, session_id=meta.id)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        document(app, BriefingScreen)
        assert "Briefing: Penrose Cycles" in screen_text(app)
        await keys(pilot, "f10")
        assert isinstance(app.screen, QuestionScreen)
        assert "Question 1 of" in screen_text(app)
    started = learner_session(store, questionnaire, first_answers(scenario, 1), name="Bo")
    app = new_app(store, tmp_path, session_id=started.id)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, QuestionScreen)


async def test_an_exercise_can_be_started_from_the_new_session_dialog(tmp_path: Path) -> None:
    """n lists the teaching exercises after the questionnaires; picking one makes a learner session on the
    scenario's questionnaire, which opens on its briefing."""
    from secplan_tui.core.catalogue import ScenarioEntry
    from secplan_tui.frontends.tui.dialogs import NewSessionDialog
    from secplan_tui.frontends.tui.screens.home import HomeScreen

    store = MemoryWorkspace(clock=fixed_clock, user=user_name)
    app = new_app(store, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
        await keys(pilot, "n")
        dialog = app.screen
        assert isinstance(dialog, NewSessionDialog)
        assert "Questionnaire, or a teaching exercise:" in screen_text(app)
        assert "Exercise: Penrose Cycles" in screen_text(app)
        position = next(i for i, e in enumerate(dialog.entries) if isinstance(e, ScenarioEntry) and e.id == SCENARIO)
        await type_text(pilot, "Ann")
        await keys(pilot, "enter", *["down"] * position, "enter")
        await settle(pilot)
        [meta] = store.sessions()
        assert (meta.name, meta.scenario, meta.questionnaire_id) == ("Ann", SCENARIO, "iso22342")
        document(app, BriefingScreen)
        # The same name again is refused; the dialog comes back with the reason and the exercise still marked.
        await keys(pilot, "f9", "n")
        await type_text(pilot, "Ann")
        await keys(pilot, "enter", *["down"] * position, "enter")
        await pilot.pause()
        again = app.screen
        assert isinstance(again, NewSessionDialog) and again is not dialog
        assert again.chosen == position
        assert "(*) Exercise: Penrose Cycles" in screen_text(app)
        assert len(store.sessions()) == 1


async def test_check_of_the_model_answers_scores_100(tmp_path: Path, bike_shop: tuple[Scenario, Questionnaire]) -> None:
    """A learner who answered exactly as the model sees score 100 at once (F12), and again from the plan (m)."""
    scenario, questionnaire = bike_shop
    store = MemoryWorkspace(clock=fixed_clock, user=user_name)
    meta = learner_session(store, questionnaire, scenario.model_answers)
    app = new_app(store, tmp_path, session_id=meta.id)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert "F12 (or m): check your answers" in screen_text(app)  # the end of the questionnaire says how
        await keys(pilot, "f12")  # complete: no question asked first
        await settle(pilot)
        document(app, CheckScreen)
        text = screen_text(app)
        assert "Score 100 / 100" in text
        assert "floor(100 × (0.6 × A + 0.4 × F))" in text and "docs/exercise.md" in text
        assert "None: your plan has every action of the model plan." in markdown_source(app)
        await keys(pilot, "f12")
        assert isinstance(app.screen, QuestionScreen)
        await keys(pilot, "f8", "m")
        await settle(pilot)
        document(app, CheckScreen)
        assert "Score 100 / 100" in screen_text(app)
        await keys(pilot, "m")
        assert isinstance(app.screen, PlanScreen)


async def test_check_of_wrong_answers_scores_lower_and_names_the_missed_actions(
    tmp_path: Path, bike_shop: tuple[Scenario, Questionnaire]
) -> None:
    """Two wrong answers lose their actions: the score drops below 100 and both actions are named with the reason."""
    scenario, questionnaire = bike_shop
    answers = {**scenario.model_answers, "information.card_numbers": "never", "cyber.mfa_email": "yes"}
    expected = check_exercise(scenario, questionnaire, answers, learner="Ann")
    assert expected.score < 100
    store = MemoryWorkspace(clock=fixed_clock, user=user_name)
    meta = learner_session(store, questionnaire, answers)
    app = new_app(store, tmp_path, session_id=meta.id)
    async with app.run_test(size=SIZE) as pilot:
        await keys(pilot, "m")
        await settle(pilot)
        document(app, CheckScreen)
        assert f"Score {expected.score} / 100" in screen_text(app)
        source = markdown_source(app)
        assert "Actions the model plan has and yours lacks (2)" in source
        for action_id, because in (("act.inf.remove_card_numbers", "information.card_numbers"),
                                   ("act.cyb.mfa_email", "cyber.mfa_email")):
            line = next(line for line in source.splitlines() if action_id in line)
            assert because in line
        assert "Where your answers differ from the model (2)" in source


async def test_check_before_the_end_asks_first(tmp_path: Path, bike_shop: tuple[Scenario, Questionnaire]) -> None:
    """With questions left the check asks first (it shows the model answers); "not yet" keeps the question."""
    scenario, questionnaire = bike_shop
    store = MemoryWorkspace(clock=fixed_clock, user=user_name)
    profile = {k: v for k, v in scenario.model_answers.items() if k.startswith("profile.")}
    meta = learner_session(store, questionnaire, profile)
    expected = check_exercise(scenario, questionnaire, profile)
    app = new_app(store, tmp_path, session_id=meta.id)
    async with app.run_test(size=SIZE) as pilot:
        await keys(pilot, "f12")
        assert isinstance(app.screen, ConfirmDialog)
        assert "model answers" in screen_text(app)
        await keys(pilot, "n")
        assert isinstance(app.screen, QuestionScreen)
        await keys(pilot, "f12", "y")
        await settle(pilot)
        document(app, CheckScreen)
        assert expected.score < 20
        assert f"Score {expected.score} / 100" in screen_text(app)
        assert expected.missed_actions[0].id in markdown_source(app)


async def test_snapshot_then_changed_answer_is_listed_as_a_change(tmp_path: Path) -> None:
    """Plan screen: g says there is no snapshot yet; t keeps one with a label; after a new answer g lists it."""
    store = MemoryWorkspace(clock=fixed_clock, user=user_name)
    meta = starter_session(store, answers={"profile.org_name": "Acme", "profile.headcount": "small"})
    app = new_app(store, tmp_path, session_id=meta.id)
    async with app.run_test(size=SIZE) as pilot:
        await keys(pilot, "f8", "g")
        await settle(pilot)
        document(app, ChangesScreen)
        assert "no snapshot yet" in screen_text(app)
        await keys(pilot, "g", "t")
        assert isinstance(app.screen, TextDialog)
        await type_text(pilot, "review 2025")
        await keys(pilot, "enter")
        assert isinstance(app.screen, PlanScreen)
        snapshots = store.snapshots(meta.id)
        assert [s.label for s in snapshots] == ["review 2025"]
        assert snapshots[0].plan["format"] == "secplan-plan"
        assert any("snapshot 1" in n.message for n in app._notifications)
        await keys(pilot, "g")
        await settle(pilot)
        assert "No changes" in screen_text(app)
        # Answer one more question, then look again.
        await keys(pilot, "f5", "f5")
        assert question_screen(app).current == "profile.people"
        await type_text(pilot, "12")
        await keys(pilot, "enter", "f8", "g")
        await settle(pilot)
        document(app, ChangesScreen)
        expected = diff_plans(snapshots[0].plan, plan_to_dict(compile_plan(
            catalogue.load("starter"), store.answers(meta.id), PLAN_DATE, session_name="Acme")))
        assert expected.answers and expected.answers[0].question_id == "profile.people"
        text = screen_text(app)
        assert summarise_diff(expected) in text.replace("\n", "")
        assert f"answers: {len(expected.answers)} changed" in text
        source = markdown_source(app)
        assert 'snapshot 1 "review 2025"' in source
        assert f"## Answers changed ({len(expected.answers)})" in source
        row = next(line for line in source.splitlines() if "profile.people" in line)
        assert row.endswith("| *not answered* | 12 people |")


async def test_snapshot_without_a_label_takes_the_plan_date(tmp_path: Path) -> None:
    """An empty label is the plan date; Tab to Cancel and Enter keeps nothing."""
    store = MemoryWorkspace(clock=fixed_clock, user=user_name)
    meta = starter_session(store, answers={"profile.org_name": "Acme"})
    app = new_app(store, tmp_path, session_id=meta.id)
    async with app.run_test(size=SIZE) as pilot:
        await keys(pilot, "f8", "t", "tab", "tab", "enter")
        assert isinstance(app.screen, PlanScreen) and store.snapshots(meta.id) == []
        await keys(pilot, "t", "enter")
        assert [s.label for s in store.snapshots(meta.id)] == ["2026-01-15"]


async def test_exercise_keys_are_hidden_and_inert_outside_exercises(tmp_path: Path) -> None:
    """In an ordinary session F10/i and F12/m do nothing and are in no footer, palette or help; g and t are."""
    store = MemoryWorkspace(clock=fixed_clock, user=user_name)
    meta = starter_session(store, answers={"profile.org_name": "Acme"})
    app = new_app(store, tmp_path, session_id=meta.id)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert "Briefing" not in footer(app) and "F2 Don't know" in footer(app)
        await keys(pilot, "f10", "i", "f12", "m")
        assert isinstance(app.screen, QuestionScreen) and app.screen.current == "profile.headcount"
        names = [c.name for c in SecplanCommands(app.screen)._commands()]
        assert "Briefing" not in names and "Check" not in names
        await keys(pilot, "f1")
        help_text = str(app.screen.query_one("#help-keys").render())
        assert "question.briefing" not in help_text and "question.check" not in help_text
        await keys(pilot, "f1", "f8")
        assert isinstance(app.screen, PlanScreen)
        assert "Briefing" not in footer(app) and "Check" not in footer(app)
        assert "g Changes" in footer(app) and "t Snapshot" in footer(app)
        await keys(pilot, "i", "m", "f10", "f12")
        assert isinstance(app.screen, PlanScreen)
        names = [c.name for c in SecplanCommands(app.screen)._commands()]
        assert "Changes" in names and "Snapshot" in names and "Briefing" not in names


async def test_exercise_keys_in_palette_and_help_of_learner_sessions(
    tmp_path: Path, bike_shop: tuple[Scenario, Questionnaire]
) -> None:
    """A learner finds the briefing and the check in the command palette and on the help screen."""
    scenario, questionnaire = bike_shop
    store = MemoryWorkspace(clock=fixed_clock, user=user_name)
    meta = learner_session(store, questionnaire, first_answers(scenario, 2))
    app = new_app(store, tmp_path, session_id=meta.id)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        names = [c.name for c in SecplanCommands(app.screen)._commands()]
        assert "Briefing" in names and "Check" in names
        await keys(pilot, "f1")
        assert isinstance(app.screen, HelpScreen)
        help_text = str(app.screen.query_one("#help-keys").render())
        assert "F10 or i" in help_text and "question.briefing" in help_text and "F12 or m" in help_text
        await keys(pilot, "f1", "ctrl+p")
        await type_text(pilot, "briefing")
        await pilot.pause(0.3)
        await keys(pilot, "enter")
        await settle(pilot)
        document(app, BriefingScreen)


async def test_learner_at_60_by_20_sees_the_briefing_key_and_the_hint(
    tmp_path: Path, bike_shop: tuple[Scenario, Questionnaire]
) -> None:
    """At 60x20 the footer leads with F10, the hint comes before "why this matters", and the briefing repeats it."""
    scenario, questionnaire = bike_shop
    store = MemoryWorkspace(clock=fixed_clock, user=user_name)
    meta = learner_session(store, questionnaire, first_answers(scenario, 5))
    app = new_app(store, tmp_path, session_id=meta.id)
    async with app.run_test(size=(60, 20)) as pilot:
        await pilot.pause()
        question = questionnaire.question(question_screen(app).current or "")
        assert question is not None and question.hint
        assert footer(app).lstrip().startswith("F10 Brief")  # under 80 columns the labels are short
        text = screen_text(app)
        assert "Hint: " + " ".join(question.hint.split()[:3]) in text
        assert text.index("Hint:") < text.index("Why this matters")
        await keys(pilot, "f10")
        await settle(pilot)
        document(app, BriefingScreen)
        text = screen_text(app)
        assert "Hint:" in text and " ".join(question.hint.split()[:3]) in text
        assert "F10 or i: back to the question" in text
        assert markdown_source(app).startswith("# Briefing: Penrose Cycles")


async def test_missing_scenario_is_reported_not_raised(tmp_path: Path,
                                                       bike_shop: tuple[Scenario, Questionnaire]) -> None:
    """A learner session whose scenario file is gone says so in a notice and on the screen."""
    _, questionnaire = bike_shop
    store = MemoryWorkspace(clock=fixed_clock, user=user_name)
    meta = learner_session(store, questionnaire, {}, scenario="gone_scenario")
    app = new_app(store, tmp_path, session_id=meta.id)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)  # a new exercise opens on its briefing, here on why it cannot be shown
        screen = document(app, BriefingScreen)
        assert screen.failure is not None
        assert "Cannot show the briefing" in screen_text(app)
        assert any(n.severity == "error" and "gone_scenario" in n.message for n in app._notifications)
        await keys(pilot, "f10")
        assert isinstance(app.screen, QuestionScreen)


async def test_session_name_in_document_titles_is_literal(tmp_path: Path,
                                                          bike_shop: tuple[Scenario, Questionnaire]) -> None:
    """A session name that looks like markup shows as typed in the briefing's title."""
    scenario, questionnaire = bike_shop
    store = MemoryWorkspace(clock=fixed_clock, user=user_name)
    meta = learner_session(store, questionnaire, first_answers(scenario, 1), name="[b]Ann[/b] $x")
    app = new_app(store, tmp_path, session_id=meta.id)
    async with app.run_test(size=SIZE) as pilot:
        await keys(pilot, "f10")
        await settle(pilot)
        assert "[b]Ann[/b] $x · briefing" in screen_text(app)
