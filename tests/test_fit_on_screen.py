"""At 80x24, the main questionnaire's questions fit on one screen: for at least 90% of them the question, all its
choices, the line of keys and the first lines of "why this matters" show without scrolling.

Every question is shown in the real app, whatever the answers (a question hidden by the answers shows the same
way when it applies), and measured from the widgets' places in the question panel.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from textual.widget import Widget

from secplan_tui.core import catalogue
from secplan_tui.frontends.tui.app import make_app
from secplan_tui.frontends.tui.screens.question import QuestionScreen
from secplan_tui.frontends.tui.widgets.choices import ChoiceList
from secplan_tui.store import MemoryWorkspace

SIZE = (80, 24)
FIRST_LINES = 2
"""How many lines of "why this matters" (or of the hint, where it comes first) must show."""
REQUIRED = 0.90


def overflow(screen: QuestionScreen) -> int:
    """Rows by which the question on show misses the screen (0 when it fits): the question, every choice, the
    keys and the first lines of the text under them must be in the panel's visible height."""
    panel = screen.panel
    visible = panel.scrollable_content_region.height
    first_text: Widget | None = None
    for child in panel.children:
        if child.id in ("q-why", "q-hint") and child.display:
            first_text = child
            break
    assert first_text is not None, "every question of the main questionnaire says why it matters"
    need = first_text.virtual_region.y + min(FIRST_LINES, first_text.virtual_region.height)
    choices = panel.query_one(ChoiceList)
    hidden_choices = max(0, choices.option_count - choices.size.height) if choices.display else 0
    return max(0, need - visible) + hidden_choices


async def test_ninety_percent_of_questions_fit_at_80x24(tmp_path: Path) -> None:
    """Measured over every question of iso22342; the ones that do not fit are named in the failure."""
    questionnaire = catalogue.load("iso22342")
    store = MemoryWorkspace()
    meta = store.create("Fit", questionnaire.id, questionnaire.version, questionnaire.content_hash)
    app = make_app(store, plan_date=dt.date(2026, 1, 15), export_dir=tmp_path)
    app.cursor_blink = False
    misses: dict[str, int] = {}
    async with app.run_test(size=SIZE) as pilot:
        assert app.open_session(meta.id)
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, QuestionScreen)
        for question in questionnaire.questions():
            await screen.show(question.id)
            await pilot.pause()
            assert screen.panel.scroll_y == 0  # each question starts at its top
            rows = overflow(screen)
            if rows:
                misses[question.id] = rows
    total = len(questionnaire.questions())
    share = (total - len(misses)) / total
    print(f"fit on screen at 80x24: {total - len(misses)} of {total} questions ({share:.1%})")
    assert share >= REQUIRED, f"{share:.1%} fit; rows missing per question: {misses}"


async def test_the_measure_sees_a_question_that_does_not_fit(tmp_path: Path) -> None:
    """The measure is not blind: on a screen too short for a question's choices it reports the rows missing."""
    questionnaire = catalogue.load("iso22342")
    store = MemoryWorkspace()
    meta = store.create("Fit", questionnaire.id, questionnaire.version, questionnaire.content_hash)
    app = make_app(store, plan_date=dt.date(2026, 1, 15), export_dir=tmp_path)
    app.cursor_blink = False
    many = max(questionnaire.questions(), key=lambda q: len(q.choices))
    async with app.run_test(size=(80, 12)) as pilot:
        assert app.open_session(meta.id)
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, QuestionScreen)
        await screen.show(many.id)
        await pilot.pause()
        assert overflow(screen) > 0
