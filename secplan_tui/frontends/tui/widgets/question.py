"""The question panel: one question with the control that fits its type, its answer, and why it matters.

The panel posts :class:`AnswerGiven` when the user confirms a value in its control; it never checks or saves.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual import on
from textual.app import ComposeResult
from textual.content import Content
from textual.widget import Widget
from textual.widgets import Input, Static

from secplan_tui.core.engine import DEFAULT_TEXT_LENGTH
from secplan_tui.core.model import SPECIAL_VALUES, AnswerValue, Question, QuestionType
from secplan_tui.core.text import clean_text
from secplan_tui.frontends.tui.messages import AnswerGiven
from secplan_tui.frontends.tui.text import Glyphs, join, plain, styled
from secplan_tui.frontends.tui.widgets.choices import ChoiceList
from secplan_tui.frontends.tui.widgets.inputs import CleanInput
from secplan_tui.frontends.tui.widgets.quiet import QuietStatic, QuietVertical, QuietVerticalScroll

if TYPE_CHECKING:
    from secplan_tui.frontends.tui.widgets.long_answer import LongAnswer


def _number(x: float) -> str:
    return str(int(x)) if float(x).is_integer() else str(x)


def bounds_text(question: Question) -> str:
    """What a number question accepts, in words: "A whole number from 1 to 500 (people)."."""
    kind = "A whole number" if question.integer else "A number"
    lo, hi = question.minimum, question.maximum
    if lo is not None and hi is not None:
        text = f"{kind} from {_number(lo)} to {_number(hi)}"
    elif lo is not None:
        text = f"{kind} of at least {_number(lo)}"
    elif hi is not None:
        text = f"{kind} of at most {_number(hi)}"
    else:
        text = kind
    return f"{text} ({question.unit})." if question.unit else f"{text}."


def _typed(current: AnswerValue | None, *, keep_newlines: bool = False) -> str:
    """What a text box shows for a stored answer ("don't know" shows as empty), cleaned of control characters."""
    if current is None or current in SPECIAL_VALUES or isinstance(current, list):
        return ""
    return clean_text(str(current), keep_newlines=keep_newlines)


class QuestionPanel(QuietVerticalScroll):
    """Shows one question at a time, or the end of the questionnaire.

    The three controls (a choice list, a text box, a long-text area) stay mounted and only the one that fits the
    question is shown: changing question then repaints what changed, without mounting anything. The long-text
    area is the exception: it is mounted when the first long-text question is shown (Textual's TextArea costs the
    first frame a dozen milliseconds or more, and most sessions show few such questions), and stays.
    """

    def __init__(self, glyphs: Glyphs, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.glyphs = glyphs
        self.question: Question | None = None
        self.cursor_blink = True
        self._long: LongAnswer | None = None

    def compose(self) -> ComposeResult:
        yield QuietStatic(id="q-position")
        yield QuietStatic(id="q-text")
        with QuietVertical(id="q-control"):
            choices = ChoiceList(None, None, self.glyphs, id="answer-choices")
            choices.display = False
            yield choices
            box = CleanInput(id="answer-text", select_on_focus=False)
            box.cursor_blink = self.cursor_blink
            box.display = False
            yield box
        yield QuietStatic(id="q-keys")
        yield QuietStatic(id="q-error")
        yield QuietStatic(id="q-answer")
        yield QuietStatic(id="q-why")
        yield QuietStatic(id="q-hint")

    # -- what the screen calls -------------------------------------------------------------------------------

    async def show_question(
        self, question: Question, *, position: Content, current: AnswerValue | None, answer_text: str | None,
        note: str = "",
    ) -> None:
        """Show a question with its current answer (if any) and the answer's note in the control that fits it, and
        focus that."""
        if question.type is QuestionType.LONGTEXT and self._long is None:
            await self._mount_long_answer()
        self.question = question
        self._set("#q-position", position)
        self._set("#q-text", styled(question.text, "bold"))
        self._set("#q-error", Content(""))
        self._set("#q-answer", self._answer_line(answer_text, note))
        why = join(styled("Why this matters: ", "bold"), plain(question.why)) if question.why else Content("")
        hint = join(styled("Hint: ", "bold"), plain(question.hint)) if question.hint else Content("")
        self._set("#q-why", why)
        self._set("#q-hint", hint)
        self._set("#q-keys", Content(self._keys_text(question)))
        control = self._load(question, current)
        for widget in self._controls():
            widget.display = widget is control
        if self.scroll_y:
            self.scroll_home(animate=False)
        # Focused now rather than on the app's next turn (Widget.focus), so the first frame of a session shows the
        # control focused instead of drawing it again a moment later.
        self.screen.set_focus(self._long.area if control is self._long else control, scroll_visible=False)

    def show_end(self, message: Content, details: Content) -> None:
        """Show the end of the questionnaire (no control)."""
        self.question = None
        for widget in self._controls():
            widget.display = False
        self._set("#q-position", Content(""))
        self._set("#q-text", message)
        for widget_id in ("#q-keys", "#q-error", "#q-answer", "#q-hint"):
            self._set(widget_id, Content(""))
        self._set("#q-why", details)
        self.scroll_home(animate=False)

    def put_hint_first(self) -> None:
        """Show the hint above "why this matters" (teaching exercises: the hint is what a learner needs, and on a
        small terminal what comes last is below the fold)."""
        self.move_child(self.query_one("#q-hint"), before=self.query_one("#q-why"))

    def show_error(self, message: str) -> None:
        """Say why the value was not saved, under the control (the value stays as typed)."""
        self._set("#q-error", join(styled(f"{self.glyphs.failed} Not saved: ", "bold"), plain(message)))
        control = self.control()
        if isinstance(control, ChoiceList):
            control.show_marks()

    def control(self) -> Widget | None:
        """The control of the question on show (None at the end)."""
        if self.question is None:
            return None
        return next((widget for widget in self._controls() if widget.display), None)

    def pending_value(self) -> object | None:
        """The value in the control now, as the user left it (None when there is nothing to save)."""
        control = self.control()
        if isinstance(control, ChoiceList):
            return control.pending_value()
        if isinstance(control, Input):
            return control.value
        if control is not None and control is self._long:
            return self._long.area.text
        return None

    # -- building --------------------------------------------------------------------------------------------

    def _controls(self) -> tuple[Widget, ...]:
        controls: tuple[Widget, ...] = (
            self.query_one("#answer-choices", ChoiceList),
            self.query_one("#answer-text", Input),
        )
        return controls if self._long is None else (*controls, self._long)

    async def _mount_long_answer(self) -> None:
        """Mount the long-text control, hidden, after the other controls (see the class docstring)."""
        from secplan_tui.frontends.tui.widgets.long_answer import LongAnswer

        long = LongAnswer(cursor_blink=self.cursor_blink)
        long.display = False
        await self.query_one("#q-control", QuietVertical).mount(long)
        self._long = long

    def _load(self, question: Question, current: AnswerValue | None) -> Widget:
        """Put the question into the control that fits its type; returns that control."""
        kind = question.type
        if kind.has_choices:
            choices = self.query_one("#answer-choices", ChoiceList)
            choices.load(question, current)
            return choices
        if kind is QuestionType.LONGTEXT and self._long is not None:
            self._long.load(_typed(current, keep_newlines=True))
            return self._long
        box = self.query_one("#answer-text", Input)
        if kind is QuestionType.NUMBER:
            box.type = "integer" if question.integer else "number"
            box.max_length = None
            box.placeholder = "Type a number"
        else:
            box.type = "text"
            box.max_length = question.max_length or DEFAULT_TEXT_LENGTH
            box.placeholder = "Type your answer"
        box.value = _typed(current)
        box.cursor_position = len(box.value)
        return box

    def _set(self, selector: str, content: Content) -> None:
        static = self.query_one(selector, Static)
        static.update(content)
        static.display = bool(content.plain)

    def show_note(self, answer_text: str | None, note: str) -> None:
        """Show the saved answer again with its (new) note."""
        self._set("#q-answer", self._answer_line(answer_text, note))

    def _answer_line(self, answer_text: str | None, note: str = "") -> Content:
        if answer_text is None:
            return styled("Not answered yet.", "italic")
        line = join(styled(f"{self.glyphs.saved} Saved answer: ", "bold"), plain(answer_text))
        if note:
            # The user's words, literal and on one line: no markup, no Markdown, no escape sequence.
            line = join(line, "\n", styled("Note: ", "bold"), plain(" ".join(clean_text(note).split())))
        return line

    def _keys_text(self, question: Question) -> str:
        kind = question.type
        parts: list[str] = []
        if kind is QuestionType.MULTI:
            parts.append("Space ticks, Enter saves")
        elif kind.has_choices:
            parts.append("Enter or a digit saves")
        elif kind is QuestionType.LONGTEXT:
            parts.append("Ctrl+S saves (or Tab to the button)")
        else:
            parts.append("Enter saves")
        if question.type is QuestionType.NUMBER:
            parts.insert(0, bounds_text(question))
        if not kind.has_choices:
            if question.dont_know:
                parts.append("F2 don't know")
            if question.not_applicable:
                parts.append("F3 not applicable")
        parts.append("F4 skip")
        return " · ".join(parts)

    @on(Input.Submitted, "#answer-text")
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if self.question is not None:
            self.post_message(AnswerGiven(self.question.id, event.value))

    def on_long_answer_saved(self, event: LongAnswer.Saved) -> None:
        event.stop()
        if self.question is not None and self._long is not None:
            self.post_message(AnswerGiven(self.question.id, self._long.area.text))
