"""The question flow: a section sidebar and one question at a time; every confirmed answer is saved at once.

The screen only reacts: the controls post what the user meant, the SessionController checks and saves it, and
the engine's Flow says what is visible and what comes next.
"""

from __future__ import annotations

from dataclasses import replace
from functools import partial
from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.content import Content
from textual.widgets import Static

from secplan_tui.core.engine import DETAILS, ESSENTIALS, AnswerRejected, Flow
from secplan_tui.core.errors import SecplanError
from secplan_tui.core.model import DONT_KNOW, NOT_APPLICABLE, AnswerValue, Question
from secplan_tui.core.text import clean_text
from secplan_tui.frontends.tui.commands import PaletteCommand
from secplan_tui.frontends.tui.exercising import is_learner, show_briefing, show_check
from secplan_tui.frontends.tui.messages import AnswerGiven, SectionChosen
from secplan_tui.frontends.tui.screens.base import WIDE_KEYS, SecplanScreen, TitleBar
from secplan_tui.frontends.tui.text import join, plain, styled
from secplan_tui.frontends.tui.widgets.footer import KeyFooter
from secplan_tui.frontends.tui.widgets.question import QuestionPanel
from secplan_tui.frontends.tui.widgets.sidebar import SectionSidebar
from secplan_tui.session.controller import SessionController


def answer_text(question: Question, value: AnswerValue) -> str:
    """An answer in words, as the plan gives it (the plan package is imported on the first answer shown, not
    when a session opens)."""
    from secplan_tui.plan.compile import answer_text as plan_answer_text

    return plan_answer_text(question, value)


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def shown_pass(flow: Flow, current: str | None) -> str:
    """The pass counted on screen: the one of the question on show, else the one the answers are in."""
    question = flow.questionnaire.question(current) if current else None
    return flow.pass_of(question) if question is not None else flow.current_pass()


def progress_text(flow: Flow, current: str | None) -> str:
    """The one count: answered of the questions of the current pass that apply now, and the time left.

    "Essentials 11/38 · 14 min left" (the question says "Question 12 of 38 (essentials)"); a questionnaire asked
    in one pass has no pass name: "11/38 · 14 min left".
    """
    pass_ = shown_pass(flow, current)
    if pass_ not in (ESSENTIALS, DETAILS):
        answered, visible = flow.counts()
        return f"all {visible} answered"
    answered, visible = flow.pass_counts(pass_)
    minutes = flow.minutes_left(pass_)
    left = f" · {minutes} min left" if minutes else ""
    label = f"{pass_.capitalize()} " if flow.has_essentials else ""
    return f"{label}{answered}/{visible}{left}"


def saved_status(mark: str, answer: str, opened: int, closed: int, width: int) -> Content:
    """The status line after a save: the mark, the questions that appeared or left (never cut), then the
    answer, cut to fit ``width`` columns."""
    counts = ""
    if opened:
        counts += f" · {_plural(opened, 'more question')} now appl{'ies' if opened == 1 else 'y'}"
    if closed:
        counts += f" · {_plural(closed, 'question')} no longer appl{'ies' if closed == 1 else 'y'}"
    head = f"{mark} Saved{counts}"
    room = width - len(head) - 5  # " · " and the quotes
    echo = " ".join(clean_text(answer).split())
    if room < 4:
        return styled(head, "bold")
    if len(echo) > room:
        echo = echo[: room - 1].rstrip() + "\u2026"
    return join(styled(f"{mark} Saved", "bold"), counts, " · ", plain(f'"{echo}"'))


SCROLL_HELP = "Scroll the question, wherever the focus is (a page, or a line with Ctrl)"

FOOTER_ORDER: tuple[str, ...] = (
    "question.briefing", "question.check", "question.dont_know", "question.skip", "question.plan",
    "question.back", "question.note", "question.review", "question.sections", "question.save",
)
"""The footer's keys, most needed first: on a narrow terminal the last ones leave the footer (they still work,
and F1 lists them) so that the others fit on one line."""

SHORT_LABELS: dict[str, str] = {
    "question.briefing": "Brief", "question.sections": "Jump",
}
"""Footer labels under 80 columns (F1 lists every key with its full name)."""


class QuestionScreen(SecplanScreen[None]):
    """One session's questions.

    Args:
        controller: The session being answered.
        start_at: A question to show first; None resumes at the first unanswered question.
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        # First, so that it leads the footer in learner sessions (check_action hides it in the others).
        Binding("f10", "briefing", "Briefing", key_display="F10", priority=True, id="question.briefing",
                tooltip="Read the scenario's briefing, with this question's hint (teaching exercises)"),
        Binding("i", "briefing", "Briefing", show=False, id="question.briefing_key"),
        Binding("f2", "dont_know", "Don't know", key_display="F2", priority=True, id="question.dont_know",
                tooltip="Answer \"don't know\"; the plan turns it into a task to find out"),
        Binding("d", "dont_know", "Don't know", show=False, id="question.dont_know_key"),
        Binding("f3", "not_applicable", "N/A", key_display="F3", priority=True, show=False,
                id="question.not_applicable", tooltip="Answer \"not applicable\" (where the question offers it)"),
        Binding("n", "not_applicable", "Not applicable", show=False, id="question.not_applicable_key"),
        Binding("f4", "skip", "Skip", key_display="F4", priority=True, id="question.skip",
                tooltip="Go to the next question without answering this one"),
        Binding("s", "skip", "Skip", show=False, id="question.skip_key"),
        Binding("f5", "back", "Back", key_display="F5", priority=True, id="question.back",
                tooltip="Go to the previous question"),
        Binding("b", "back", "Back", show=False, id="question.back_key"),
        Binding("f6", "sections", "Sections", key_display="F6", priority=True, id="question.sections",
                tooltip="Move to the section list; Enter jumps to a section"),
        Binding("j", "sections", "Sections", show=False, id="question.sections_key"),
        Binding("f7", "review", "Review", key_display="F7", priority=True, id="question.review",
                tooltip="List the unanswered and don't-know questions"),
        Binding("r", "review", "Review", show=False, id="question.review_key"),
        Binding("f8", "plan", "Plan", key_display="F8", priority=True, id="question.plan",
                tooltip="Preview and export the security plan"),
        Binding("p", "plan", "Plan", show=False, id="question.plan_key"),
        Binding("f9", "app.home", "Home", key_display="F9", show=False, priority=True, id="question.home",
                tooltip="Back to the list of sessions"),
        Binding("h", "app.home", "Home", show=False, id="question.home_key"),
        Binding("ctrl+s", "save", "Save", key_display="^s", priority=True, id="question.save",
                tooltip="Save the answer in the box (Enter does it too, except in long text)"),
        Binding("ctrl+n", "note", "Note", key_display="^n", priority=True, id="question.note",
                tooltip="Add or edit a note on this answer: why, where it came from, who to ask"),
        Binding("f12", "check", "Check", key_display="F12", priority=True, id="question.check",
                tooltip="Check your answers and plan against the scenario's model (teaching exercises)"),
        Binding("m", "check", "Check", show=False, id="question.check_key"),
        # The question scrolls wherever the focus is (the choice list would otherwise take PgUp/PgDn for itself).
        Binding("pageup", "scroll_question(-1)", "Scroll up", key_display="PgUp", show=False, priority=True,
                id="question.page_up", tooltip=SCROLL_HELP),
        Binding("pagedown", "scroll_question(1)", "Scroll down", key_display="PgDn", show=False, priority=True,
                id="question.page_down", tooltip=SCROLL_HELP),
        Binding("ctrl+up", "scroll_question(-2)", "Scroll up", key_display="Ctrl+Up", show=False, priority=True,
                id="question.line_up", tooltip=SCROLL_HELP),
        Binding("ctrl+down", "scroll_question(2)", "Scroll down", key_display="Ctrl+Down", show=False,
                priority=True, id="question.line_down", tooltip=SCROLL_HELP),
        Binding("enter", "details", "Details", key_display="Enter", id="question.details",
                tooltip="After the essentials: on to the details"),
    ]
    HELP_ALWAYS: ClassVar[frozenset[str]] = frozenset({"question.details"})
    """Keys F1 lists even while they do nothing (Enter works only between the passes)."""
    AUTO_FOCUS = ""
    """No focus on the first focusable widget (the section list) when the screen is built or shown: each question
    focuses its control, and the end and the pause between the passes focus nothing (Enter is for the screen).
    Giving the sections the focus first only to take it away costs the first frame a restyle and a footer."""

    def __init__(self, controller: SessionController, *, start_at: str | None = None) -> None:
        super().__init__()
        self.controller = controller
        self.start_at = start_at
        self.current: str | None = None
        """The question on show; None at the end of the questionnaire."""
        self._availability: tuple[bool | None, ...] = ()
        self.pause: tuple[str, str] | None = None
        """After the last essential question: (that question, the first detail question), until the user goes on."""

    def compose(self) -> ComposeResult:
        start = self.start_at
        if start is None or not self.controller.flow.is_visible(start):
            resume = self.controller.resume_point()
            start = resume.id if resume else None
        # The footer's keys depend on the question on show (check_action) and on the width: both are settled
        # before the footer is built, so that it is built once for the first frame, not again right after it.
        self.current = start
        narrow = self._fit_footer()
        yield TitleBar()
        with Horizontal(id="question-body"):
            yield SectionSidebar(self.secplan.glyphs, id="sidebar")
            panel = QuestionPanel(self.secplan.glyphs, id="panel")
            panel.cursor_blink = self.secplan.cursor_blink
            yield panel
        yield Static(Content(""), id="status")
        yield KeyFooter(compact=narrow)

    async def on_mount(self) -> None:
        if is_learner(self.controller):
            self.panel.put_hint_first()
        # Not show(): nothing is drawn yet, so there is no repaint to hold (holding it would only delay the first
        # frame, and make Textual lay the screen out twice).
        await self._show(self.current)
        if is_learner(self.controller) and not self.controller.answers:
            # A new exercise: every answer comes from the briefing's facts, so it comes first (as in plain mode).
            self.action_briefing()

    def on_screen_resume(self) -> None:
        self._update_progress()
        if self.pause is not None or self.current is None:
            self.call_after_refresh(self.set_focus, None)  # Enter is for the screen, not a section in the sidebar

    def on_resize(self) -> None:
        self._fit_footer()
        self._update_title()

    def _fit_footer(self) -> bool:
        """Show in the footer as many keys as fit the width, in the order of FOOTER_ORDER; under 80 columns the
        footer is compact and the labels short (SHORT_LABELS), so that the keys most needed still fit. Returns
        whether the footer is compact."""
        # Textual has no per-width footer, so the screen's own bindings get their `show` flag and label set here;
        # the keys themselves never change, so a keymap applied by the user is left as it is.
        width = (self.size.width or self.app.size.width) - 1
        narrow = width < 79
        footers = self.query(KeyFooter)
        for footer in footers:
            if footer.compact != narrow:
                footer.compact = narrow
        wanted: set[str] = set()
        used = 0
        bindings = {b.id: b for _, b in self._bindings if b.id in FOOTER_ORDER}
        for binding_id in FOOTER_ORDER:
            binding = bindings.get(binding_id)
            if binding is None or not self.check_action(binding.action, ()):
                continue
            label = SHORT_LABELS.get(binding_id, binding.description) if narrow else LONG_LABELS[binding_id]
            need = len(self.app.get_key_display(binding)) + len(label) + (2 if narrow else 3)
            if used + need <= width:
                wanted.add(binding_id)
                used += need
        changed = False
        for key, key_bindings in self._bindings.key_to_bindings.items():
            fitted = []
            for b in key_bindings:
                if b.id in FOOTER_ORDER:
                    label = SHORT_LABELS.get(b.id, LONG_LABELS[b.id]) if narrow else LONG_LABELS[b.id]
                    if b.show != (b.id in wanted) or b.description != label:
                        b = replace(b, show=b.id in wanted, description=label)
                fitted.append(b)
            if fitted != key_bindings:
                self._bindings.key_to_bindings[key] = fitted
                changed = True
        if changed:
            self.refresh_bindings()
        return narrow

    @property
    def panel(self) -> QuestionPanel:
        """The question panel."""
        return self.query_one("#panel", QuestionPanel)

    # -- showing --------------------------------------------------------------------------------------------

    async def show(self, question_id: str | None) -> None:
        """Show a question, or the end of the questionnaire for None, in one repaint."""
        self.secplan.hold_repaint()
        await self._show(question_id)

    async def _show(self, question_id: str | None) -> None:
        self.current = question_id
        self.pause = None
        if question_id is None:
            await self._show_end()
        else:
            question = self.controller.question(question_id)
            flow = self.controller.flow
            section = self.controller.questionnaire.section(question.section)
            if flow.is_visible(question_id):
                index, total = flow.pass_position(question_id)
                where = f" ({flow.pass_of(question)})" if flow.has_essentials else ""
                number = f"Question {index} of {total}{where}"
            else:
                number = "Question (not asked given your answers)"
            position = join(styled(number, "bold"), " · ", plain(section.title if section else question.section))
            stored = self.controller.answers.get(question_id)
            note = self.controller.answer_notes.get(question_id, "") if stored is not None else ""
            await self.panel.show_question(
                question, position=position, current=stored, answer_text=self._answer_text(question, stored),
                note=note,
            )
        self._update_progress()
        availability = tuple(self.check_action(a, ()) for a in ("dont_know", "not_applicable", "skip"))
        if availability != self._availability:
            self._availability = availability
            self.refresh_bindings()

    async def _show_end(self) -> None:
        flow = self.controller.flow
        answered, visible = flow.counts()
        unanswered, unsure = len(flow.unanswered()), len(flow.dont_know())
        g = self.secplan.glyphs
        if unanswered:
            message = styled(f"You reached the end. {_plural(unanswered, 'question')} still unanswered.", "bold")
        else:
            message = styled(f"{g.done} All {visible} questions that apply are answered.", "bold")
        lines = [f"{answered} of {visible} questions answered; {unsure} answered \"don't know\"."]
        if unanswered or unsure:
            lines.append("F7 (or r): review the unanswered and don't-know questions, one key each.")
        lines += [
            "F8 (or p): preview your security plan and export it.",
            "F5 (or b): back to the last question. F6: jump to a section. F9: home.",
        ]
        if is_learner(self.controller):
            lines += ["F12 (or m): check your answers and plan against the scenario's model.",
                      "F10 (or i): read the briefing again."]
        self.panel.show_end(message, Content("\n".join(lines)))
        self.set_focus(None)

    async def _show_first_pass_done(self, last_essential: str, first_detail: str) -> None:
        """Between the passes: the essentials are done, a first plan is ready; Enter carries on with the details."""
        self.current = None
        self.pause = (last_essential, first_detail)
        flow = self.controller.flow
        g = self.secplan.glyphs
        answered, total = flow.pass_counts(ESSENTIALS)
        details = len(flow.pass_questions(DETAILS))
        message = styled(f"{g.done} First pass done: {answered} of {total} essential questions answered.", "bold")
        lines = [
            "Your first plan is ready, marked \"first pass\".",
            "F8 (or p): see the plan now, and export it.",
            f"Enter: carry on with the details, domain by domain ({_plural(details, 'question')}, "
            f"about {flow.minutes_left(DETAILS)} min). They sharpen the plan.",
        ]
        if answered < total:
            lines.append(f"F7 (or r): answer the {_plural(total - answered, 'essential question')} you skipped.")
        lines.append("F5 (or b): back to the last question. F9: home; everything is saved.")
        self.panel.show_end(message, Content("\n".join(lines)))
        self.set_focus(None)
        self._update_progress()
        self.refresh_bindings()

    def action_scroll_question(self, step: int) -> None:
        """PgUp/PgDn (a page, step ±1) and Ctrl+Up/Down (a line, step ±2) scroll the question, whatever has focus."""
        panel = self.panel
        if abs(step) == 1:
            panel.scroll_to(y=panel.scroll_y + step * max(1, panel.scrollable_content_region.height - 1),
                            animate=False)
        else:
            panel.scroll_to(y=panel.scroll_y + (1 if step > 0 else -1), animate=False)

    async def action_details(self) -> None:
        """Enter after the essentials: the first detail question."""
        if self.pause is not None:
            await self.show(self.pause[1])

    async def _go_on(self, question_id: str) -> None:
        """Show what follows a question: the next one, the pause between the passes, or the end."""
        flow = self.controller.flow
        following = flow.next_question(question_id)
        question = self.controller.questionnaire.question(question_id)
        if (flow.has_essentials and following is not None and question is not None and question.essential
                and not following.essential):
            await self._show_first_pass_done(question_id, following.id)
            return
        await self._show(following.id if following else None)

    def _answer_text(self, question: Question, stored: AnswerValue | None) -> str | None:
        return None if stored is None else answer_text(question, stored)

    def _update_progress(self) -> None:
        flow = self.controller.flow
        section = None
        if self.current is not None:
            section = self.controller.question(self.current).section
        sidebar = self.query_one("#sidebar", SectionSidebar)
        # One count everywhere: the sidebar counts the pass the header counts.
        pass_ = shown_pass(flow, self.pause[0] if self.pause is not None else self.current)
        if pass_ == ESSENTIALS:
            sidebar.show_progress(flow.progress(ESSENTIALS), section, "in the details")
        elif pass_ == DETAILS and flow.has_essentials:
            sidebar.show_progress(flow.progress(DETAILS), section, f"{self.secplan.glyphs.done} essentials done")
        else:
            sidebar.show_progress(flow.progress(), section)
        self._update_title()

    def _update_title(self) -> None:
        """Name · count · time left; on a narrow screen the name is cut, never the count."""
        flow = self.controller.flow
        shown = self.pause[0] if self.pause is not None else self.current
        progress = progress_text(flow, shown)
        name = " ".join(clean_text(self.controller.meta.name).split())
        # As the title bar lays itself out: its keys on the right (fewer under 70 columns), one column of
        # padding each side of both parts, then " · " between the name and the count.
        width = self.size.width or self.app.size.width
        keys = WIDE_KEYS if width >= 70 else "F1 Help"
        room = width - (len(keys) + 2) - 2 - len(progress) - 3
        if 0 < room < len(name):
            name = name[: max(1, room - 1)].rstrip() + "\u2026"
        self.query_one(TitleBar).set_title(join(styled(name, "bold"), " · ", progress))

    def _status(self, content: Content) -> None:
        self.query_one("#status", Static).update(content)

    # -- reactions ------------------------------------------------------------------------------------------

    @on(AnswerGiven)
    async def _answer_given(self, message: AnswerGiven) -> None:
        message.stop()
        await self.save(message.question_id, message.value)

    async def save(self, question_id: str, value: object) -> bool:
        """Check and save an answer; then show what it changed and move to the next question.

        A value that cannot be saved stays in the control, with the reason under it and in a notice.
        """
        self.secplan.hold_repaint()  # one frame for the save, the marks, the next question and the footer
        return await self._save(question_id, value)

    async def _save(self, question_id: str, value: object) -> bool:
        g = self.secplan.glyphs
        before = {q.id for q in self.controller.flow.visible_questions()}
        try:
            stored = self.controller.answer(question_id, value)
        except SecplanError as exc:
            self.secplan.report(exc)
            reason = exc.reason if isinstance(exc, AnswerRejected) else exc.message
            self.panel.show_error(reason)
            self._status(join(styled(f"{g.failed} Not saved: ", "bold"), plain(reason)))
            return False
        after = {q.id for q in self.controller.flow.visible_questions()}
        question = self.controller.question(question_id)
        width = self.query_one("#status", Static).size.width or self.size.width or 80
        self._status(saved_status(g.saved, answer_text(question, stored), len(after - before), len(before - after),
                                  width))
        await self._go_on(question_id)
        return True

    @on(SectionChosen)
    async def _section_chosen(self, message: SectionChosen) -> None:
        message.stop()
        await self.jump_to_section(message.section_id)

    async def jump_to_section(self, section_id: str) -> None:
        """Show the first question of a section, or say why it has none."""
        first = self.controller.flow.first_in_section(section_id)
        if first is None:
            section = self.controller.questionnaire.section(section_id)
            title = clean_text(section.title) if section else section_id
            self.secplan.tell(f"No question in '{title}' applies, given your answers.", title="Section skipped")
            return
        await self.show(first.id)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # The footer stays the same from question to question (redrawing it costs a frame over SSH); a key
        # the question does not offer says so when pressed.
        if action in ("skip", "save", "dont_know", "not_applicable", "note"):
            return self.current is not None
        if action in ("briefing", "check"):
            return is_learner(self.controller)  # hidden, and inactive, outside teaching exercises
        if action == "details":
            return self.pause is not None
        return True

    # -- actions --------------------------------------------------------------------------------------------

    async def action_dont_know(self) -> None:
        """Answer "don't know"."""
        if self.current is None:
            return
        if not self.controller.question(self.current).dont_know:
            self.secplan.tell("This question has no \"don't know\" answer: it asks for a plain fact.",
                              title="Not offered here")
            return
        await self.save(self.current, DONT_KNOW)

    async def action_not_applicable(self) -> None:
        """Answer "not applicable"."""
        if self.current is None:
            return
        if not self.controller.question(self.current).not_applicable:
            self.secplan.tell("This question has no \"not applicable\" answer; skip it (F4) if it does not fit.",
                              title="Not offered here")
            return
        await self.save(self.current, NOT_APPLICABLE)

    async def action_save(self) -> None:
        """Save what is in the control now."""
        if self.current is None:
            return
        value = self.panel.pending_value()
        if value is None:
            return
        await self.save(self.current, value)

    async def action_skip(self) -> None:
        """Next question, leaving this one as it is."""
        if self.current is None:
            return
        self._status(Content("Skipped; the question stays unanswered until you answer it." if
                             self.current not in self.controller.flow.effective_answers() else ""))
        self.secplan.hold_repaint()
        await self._go_on(self.current)

    async def action_back(self) -> None:
        """Previous question."""
        if self.pause is not None:
            self._status(Content(""))
            await self.show(self.pause[0])
            return
        previous = self.controller.flow.previous_question(self.current)
        if previous is None:
            self.secplan.tell("This is the first question.")
            return
        self._status(Content(""))
        await self.show(previous.id)

    def action_sections(self) -> None:
        """Move to the section list."""
        sidebar = self.query_one("#sidebar", SectionSidebar)
        if self.current is not None:
            sidebar.select_section(self.controller.question(self.current).section)
        sidebar.focus()

    def action_review(self) -> None:
        """List the questions left to answer."""
        from secplan_tui.frontends.tui.screens.review import ReviewScreen

        self.app.push_screen(ReviewScreen(self.controller), self._reviewed)

    async def _reviewed(self, question_id: str | None) -> None:
        if question_id is not None:
            self._status(Content(""))
            await self.show(question_id)

    def action_plan(self) -> None:
        """Preview and export the plan."""
        from secplan_tui.frontends.tui.screens.plan import PlanScreen

        self.app.push_screen(PlanScreen(self.controller))

    def action_note(self) -> None:
        """Add, change or remove the note on the answer to the question on show."""
        from secplan_tui.frontends.tui.dialogs import TextDialog
        from secplan_tui.store import MAX_NOTE_LENGTH

        question_id = self.current
        if question_id is None:
            return
        if question_id not in self.controller.answers:
            self.secplan.tell("Answer the question first: a note is kept with its answer.", title="No answer yet")
            return
        note = self.controller.answer_notes.get(question_id, "")
        dialog = TextDialog(
            "Note on this answer",
            "Why this answer, where it came from, who to ask (one line; empty removes the note):",
            value=" ".join(clean_text(note).split()), max_length=MAX_NOTE_LENGTH, ok="Save note",
        )
        self.app.push_screen(dialog, partial(self._noted, question_id))

    def _noted(self, question_id: str, text: str | None) -> None:
        if text is None or question_id != self.current or question_id not in self.controller.answers:
            return
        g = self.secplan.glyphs
        note = " ".join(clean_text(text).split())
        question = self.controller.question(question_id)
        try:
            stored = self.controller.answer(question_id, self.controller.answers[question_id], note=note)
        except SecplanError as exc:
            self.secplan.report(exc)
            self._status(join(styled(f"{g.failed} Note not saved: ", "bold"), plain(exc.message)))
            return
        self.panel.show_note(answer_text(question, stored), note)
        self._status(styled(f"{g.saved} Note saved" if note else f"{g.saved} Note removed", "bold"))

    def action_briefing(self) -> None:
        """Read the scenario's briefing (learner sessions)."""
        question = self.controller.question(self.current) if self.current is not None else None
        show_briefing(self.secplan, self.controller, question)

    def action_check(self) -> None:
        """Check the answers and the plan against the scenario's model (learner sessions)."""
        show_check(self.secplan, self.controller)

    def palette_commands(self) -> list[PaletteCommand]:
        """A command per section to jump to."""
        commands = []
        for progress in self.controller.flow.progress():
            if progress.skipped:
                continue
            section = progress.section
            commands.append(PaletteCommand(
                f"Go to section: {clean_text(section.title)}",
                f"{progress.answered} of {progress.visible} answered",
                partial(self.jump_to_section, section.id),
            ))
        return commands


LONG_LABELS: dict[str, str] = {
    b.id: b.description for b in QuestionScreen.BINDINGS if isinstance(b, Binding) and b.id in FOOTER_ORDER
}
"""The footer's labels at 80 columns and more."""
