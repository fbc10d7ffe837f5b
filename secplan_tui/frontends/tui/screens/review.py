"""The review: the questions still unanswered and those answered "don't know", each one key away."""

from __future__ import annotations

from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.content import Content
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from secplan_tui.frontends.tui.screens.base import SecplanScreen, TitleBar
from secplan_tui.frontends.tui.text import join, plain, styled
from secplan_tui.frontends.tui.widgets.footer import KeyFooter
from secplan_tui.frontends.tui.widgets.marked import MarkedOptionList
from secplan_tui.session.controller import SessionController


class ReviewList(MarkedOptionList):
    """Questions to revisit; Enter or the digit shown opens one."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(str(n), f"pick({n - 1})", show=False, id=f"review.pick_{n}") for n in range(1, 10)
    ]

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.question_ids: list[str | None] = []

    def action_pick(self, number: int) -> None:
        """Open the question with that number."""
        numbered = [i for i, qid in enumerate(self.question_ids) if qid is not None]
        if 0 <= number < len(numbered):
            self.highlighted = numbered[number]
            self.action_select()


class ReviewScreen(SecplanScreen[str | None]):
    """Lists what is left; dismisses with the question the user picked (None to go back)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("f5", "back", "Back", key_display="F5", priority=True, id="review.back",
                tooltip="Back to the questions"),
        Binding("b", "back", "Back", show=False, id="review.back_key"),
        Binding("f8", "plan", "Plan", key_display="F8", priority=True, id="review.plan",
                tooltip="Preview and export the security plan"),
        Binding("p", "plan", "Plan", show=False, id="review.plan_key"),
        Binding("f9", "app.home", "Home", key_display="F9", priority=True, id="review.home",
                tooltip="Back to the list of sessions"),
    ]

    def __init__(self, controller: SessionController) -> None:
        super().__init__()
        self.controller = controller

    def compose(self) -> ComposeResult:
        yield TitleBar()
        yield Static(id="review-intro")
        yield ReviewList(id="review-list")
        yield KeyFooter()

    def on_mount(self) -> None:
        flow = self.controller.flow
        meta = self.controller.meta
        self.query_one(TitleBar).set_title(join(styled(meta.name, "bold"), " · review"))
        unanswered, unsure = flow.unanswered(), flow.dont_know()
        review = self.query_one("#review-list", ReviewList)
        options: list[Option] = []
        ids: list[str | None] = []
        number = 0
        for heading, questions in (("Not answered", unanswered), ("Answered \"don't know\"", unsure)):
            if not questions:
                continue
            options.append(Option(styled(f"{heading} ({len(questions)})", "bold"), disabled=True))
            ids.append(None)
            for question in questions:
                number += 1
                key = f"{number}" if number <= 9 else " "
                section = self.controller.questionnaire.section(question.section)
                title = section.title if section else question.section
                options.append(Option(join(f"{key:>2} ", plain(question.text), styled(f" ({title})", "dim"))))
                ids.append(question.id)
        review.question_ids = ids
        review.set_options(options)
        intro = self.query_one("#review-intro", Static)
        if number == 0:
            intro.update(Content(
                "Nothing left: every question that applies is answered, and none is \"don't know\". "
                "F8 (or p) shows your plan; F5 (or b) goes back."
            ))
            self.set_focus(None)
            return
        intro.update(Content(
            f"{len(unanswered)} not answered, {len(unsure)} \"don't know\". A digit or Enter opens a question; "
            "\"don't know\" answers become discovery tasks in the plan."
        ))
        first = next(i for i, qid in enumerate(ids) if qid is not None)
        review.highlighted = first
        review.focus()

    @on(OptionList.OptionSelected, "#review-list")
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        question_id = self.query_one("#review-list", ReviewList).question_ids[event.option_index]
        if question_id is not None:
            self.dismiss(question_id)

    def action_back(self) -> None:
        """Back to the questions, where they were."""
        self.dismiss(None)

    def action_plan(self) -> None:
        """Preview and export the plan."""
        from secplan_tui.frontends.tui.screens.plan import PlanScreen

        self.app.push_screen(PlanScreen(self.controller))
