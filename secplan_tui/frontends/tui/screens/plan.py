"""The plan: a live preview compiled from the answers as they are now, three views, maturity bars, export; and
from it, snapshots and the changes since the last one, and in teaching exercises the briefing and the check.

Imported only when the plan is first opened (it brings in the Markdown widget and markdown-it-py).
"""

from __future__ import annotations

import re
from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.timer import Timer
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from secplan_tui.frontends.tui.exercising import ask_snapshot, is_learner, show_briefing, show_changes, show_check
from secplan_tui.frontends.tui.files import suggested_name
from secplan_tui.frontends.tui.screens.base import SecplanScreen, TitleBar
from secplan_tui.frontends.tui.text import join, plain, styled, unescape_markdown
from secplan_tui.frontends.tui.widgets.footer import KeyFooter
from secplan_tui.frontends.tui.widgets.marked import MarkedOptionList
from secplan_tui.frontends.tui.widgets.plan_view import MaturityBars, PlanMarkdown, chapters
from secplan_tui.frontends.tui.widgets.sessions import pass_text
from secplan_tui.plan import VIEWS, Plan, compile_plan, render_html, render_json, render_markdown
from secplan_tui.plan.markdown import markdown_blocks
from secplan_tui.session.controller import SessionController

PLAN_EXPORTS: dict[str, tuple[str, str]] = {
    "md": ("Full plan, Markdown", ".md"),
    "html": ("Full plan, HTML, to print or PDF", ".html"),
    "json": ("Full plan, JSON", ".json"),
    "summary.md": ("Summary, Markdown", ".md"),
    "summary.html": ("Summary, HTML", ".html"),
    "checklist.md": ("Checklist, Markdown", ".md"),
    "checklist.html": ("Checklist, HTML", ".html"),
}
"""What the plan can be exported as: the full plan by default, whatever the view on screen; ``VIEW.FORMAT`` for
another view (exporting.choose_format keeps the view when a name's suffix picks the format)."""


def _short_title(title: str) -> str:
    """A chapter title for the list: unescaped, without the trailing clause reference "(ISO 22342 5.2)"."""
    return re.sub(r"\s*\([^()]*\)$", "", unescape_markdown(title)) or unescape_markdown(title)


VIEW_LABELS = {"full": "Full plan", "summary": "Summary", "checklist": "Checklist"}


class PlanScreen(SecplanScreen[None]):
    """The plan for one session, one chapter at a time."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("v", "next_view", "View", tooltip="Switch between full plan, summary and checklist",
                id="plan.view"),
        Binding("f", "view('full')", "Full plan", show=False, id="plan.view_full"),
        Binding("s", "view('summary')", "Summary", show=False, id="plan.view_summary"),
        Binding("c", "view('checklist')", "Checklist", show=False, id="plan.view_checklist"),
        Binding("e", "export", "Export", tooltip="Write the plan to a Markdown, HTML or JSON file",
                id="plan.export"),
        Binding("g", "changes", "Changes", id="plan.changes",
                tooltip="What changed in the plan since the session's last snapshot"),
        Binding("a", "actions", "Actions", id="plan.actions",
                tooltip="The plan's actions by due date: tick them off, defer them, add notes"),
        Binding("t", "snapshot", "Snapshot", id="plan.snapshot",
                tooltip="Keep the plan as it is now in the session (e.g. at the yearly review), to compare later"),
        Binding("f5", "back", "Back", key_display="F5", priority=True, id="plan.back",
                tooltip="Back to where you were"),
        Binding("b", "back", "Back", show=False, id="plan.back_key"),
        Binding("f9", "app.home", "Home", key_display="F9", priority=True, id="plan.home",
                tooltip="Back to the list of sessions"),
        # Last in the footer: at 60 columns the keys every session has stay in view.
        Binding("i", "briefing", "Briefing", id="plan.briefing",
                tooltip="Read the scenario's briefing (teaching exercises)"),
        Binding("f10", "briefing", "Briefing", key_display="F10", show=False, id="plan.briefing_fkey"),
        Binding("m", "check", "Check", id="plan.check",
                tooltip="Check your answers and plan against the scenario's model (teaching exercises)"),
        Binding("f12", "check", "Check", key_display="F12", show=False, id="plan.check_fkey"),
    ]

    def __init__(self, controller: SessionController, *, view: str = "full") -> None:
        super().__init__()
        self.controller = controller
        self.view = view
        self.plan: Plan | None = None
        self.chapters: list[tuple[str, str]] = []
        self.chapter = 0
        self._pending: Timer | None = None

    def compose(self) -> ComposeResult:
        yield TitleBar()
        with Horizontal(id="plan-body"):
            with Vertical(id="plan-side"):
                yield MaturityBars(self.secplan.glyphs, id="maturity")
                yield Static(Content("Chapters"), id="chapters-title")
                yield MarkedOptionList(id="chapters")
            with VerticalScroll(id="plan-preview"):
                yield PlanMarkdown(id="plan-markdown")
        yield KeyFooter()

    async def on_mount(self) -> None:
        await self.refresh_plan()
        self.query_one("#chapters", OptionList).focus()

    # -- showing --------------------------------------------------------------------------------------------

    async def refresh_plan(self) -> None:
        """Compile the plan from the answers as they are now and show the current view."""
        meta = self.controller.meta
        store = self.controller.store
        # A living plan keeps its plan date: its last snapshot's, else the day its first action got a status.
        plan_date = self.controller.plan_date(self.secplan.plan_date)
        self.plan = compile_plan(
            self.controller.questionnaire, self.controller.answers, plan_date, session_name=meta.name,
            statuses=store.action_statuses(meta.id),
        )
        self.query_one("#maturity", MaturityBars).show_domains(self.plan.domains)
        await self._show_view()

    async def _show_view(self) -> None:
        assert self.plan is not None  # noqa: S101 - set by refresh_plan
        meta = self.controller.meta
        self.query_one(TitleBar).set_title(join(
            styled(meta.name, "bold"), f" · {VIEW_LABELS[self.view]} · {pass_text(self.controller.flow)}",
        ))
        if self._pending is not None:
            self._pending.stop()
            self._pending = None
        self.chapters = chapters(markdown_blocks(self.plan, self.view))
        chapter_list = self.query_one("#chapters", OptionList)
        chapter_list.set_options(
            Option(plain(_short_title(title))) for title, _ in self.chapters
        )
        self.chapter = 0
        chapter_list.highlighted = 0
        await self._show_chapter(0)

    async def _show_chapter(self, index: int) -> None:
        if not 0 <= index < len(self.chapters):
            return
        self.chapter = index
        await self.query_one("#plan-markdown", PlanMarkdown).update(self.chapters[index][1])
        self.query_one("#plan-preview", VerticalScroll).scroll_home(animate=False)

    @on(OptionList.OptionHighlighted, "#chapters")
    def _chapter_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        index = event.option_index
        if index == self.chapter:
            return
        # Arrowing through the list should not render every chapter on the way.
        if self._pending is not None:
            self._pending.stop()
        self._pending = self.set_timer(0.15, lambda: self._show_chapter(index))

    @on(OptionList.OptionSelected, "#chapters")
    async def _chapter_selected(self, event: OptionList.OptionSelected) -> None:
        if self._pending is not None:
            self._pending.stop()
            self._pending = None
        if event.option_index != self.chapter:
            await self._show_chapter(event.option_index)
        self.query_one("#plan-preview", VerticalScroll).focus()

    # -- actions --------------------------------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("briefing", "check"):
            return is_learner(self.controller)  # hidden, and inactive, outside teaching exercises
        return True

    async def action_view(self, view: str) -> None:
        """Show another view of the plan."""
        if view in VIEWS and view != self.view:
            self.view = view
            await self._show_view()

    async def action_next_view(self) -> None:
        """Full plan -> summary -> checklist -> full plan."""
        await self.action_view(VIEWS[(VIEWS.index(self.view) + 1) % len(VIEWS)])

    def action_back(self) -> None:
        """Back to where the plan was opened from."""
        self.dismiss(None)

    def action_export(self) -> None:
        """Ask for a folder, a file name and a format with the view (the full plan first), then write the plan."""
        from secplan_tui.frontends.tui.exporting import ExportFlow

        plan = self.plan
        if plan is None:
            return

        def render(fmt: str) -> str:
            view, _, kind = fmt.rpartition(".")
            view = view or "full"
            if kind == "html":
                return render_html(plan, view=view)
            if kind == "json":
                return render_json(plan)
            return render_markdown(plan, view=view)

        ExportFlow(self.secplan, "Export the plan", PLAN_EXPORTS,
                   suggested_name(self.controller.meta.name, "plan", ".md"), render).start()

    def action_changes(self) -> None:
        """What changed since the last snapshot."""
        show_changes(self.secplan, self.controller)

    def action_actions(self) -> None:
        """The plan's actions by due date, to tick off, defer or annotate."""
        from secplan_tui.frontends.tui.screens.actions import ActionsScreen

        async def back(_: None) -> None:
            await self.refresh_plan()  # the statuses changed: the plan and its progress follow

        self.app.push_screen(ActionsScreen(self.controller), back)

    def action_snapshot(self) -> None:
        """Ask for a label, then keep the plan on screen as a snapshot."""
        if self.plan is not None:
            ask_snapshot(self.secplan, self.controller, self.plan)

    def action_briefing(self) -> None:
        """Read the scenario's briefing (learner sessions)."""
        show_briefing(self.secplan, self.controller)

    def action_check(self) -> None:
        """Check the answers and the plan against the scenario's model (learner sessions)."""
        show_check(self.secplan, self.controller)
