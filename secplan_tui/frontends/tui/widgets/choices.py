"""A list of choices for single, yes/no and multiple-choice questions, with its state in text marks.

The selected choice reads ``(*)`` and a ticked one ``[x]``, so the state never depends on colour. Digits pick
(or tick) a choice directly; Enter confirms. "Don't know" and "not applicable" appear as the last entries when
the question offers them and always confirm at once.
"""

from __future__ import annotations

from typing import ClassVar

from textual import events
from textual.binding import Binding, BindingType
from textual.content import Content
from textual.widgets.option_list import Option

from secplan_tui.core.model import DONT_KNOW, NOT_APPLICABLE, AnswerValue, Question, QuestionType
from secplan_tui.frontends.tui.messages import AnswerGiven
from secplan_tui.frontends.tui.text import Glyphs, join, plain, styled
from secplan_tui.frontends.tui.widgets.marked import MarkedOptionList

SPECIAL_LABELS = {DONT_KNOW: "Don't know", NOT_APPLICABLE: "Not applicable"}


class ChoiceList(MarkedOptionList):
    """The choices of one question; posts :class:`AnswerGiven` when the user confirms.

    Args:
        question: The question whose choices to list.
        current: The stored answer, if any (marks the chosen entries).
        glyphs: The marks to draw.
    """

    DEFAULT_CSS = """
    ChoiceList {
        height: auto;
        max-height: 16;
        border: none;
        padding: 0;
        &:focus {
            border: none;
        }
    }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("space", "tick", "Tick", show=False, id="choices.tick"),
        *[Binding(str(n), f"pick({n - 1})", show=False, id=f"choices.pick_{n}") for n in range(1, 10)],
    ]

    def __init__(
        self, question: Question | None, current: AnswerValue | None, glyphs: Glyphs, *, id: str | None = None
    ) -> None:
        super().__init__(id=id)
        self.glyphs = glyphs
        self.question: Question | None = None
        self.multi = False
        self.values: list[str] = []
        self.labels: list[str] = []
        self.ticked: set[str] = set()
        if question is not None:
            self._set_question(question, current)
            self.add_options(self._options_now())

    def load(self, question: Question, current: AnswerValue | None) -> None:
        """Show another question's choices in this list (cheaper than a new widget)."""
        self._set_question(question, current)
        self.set_options(self._options_now())
        self.refresh(layout=True)  # the list is as tall as its choices
        self._highlight_chosen()

    def _set_question(self, question: Question, current: AnswerValue | None) -> None:
        self.question = question
        self.multi = question.type is QuestionType.MULTI
        self.values = list(question.choice_ids())
        self.labels = [c.label for c in question.choices]
        for special in (DONT_KNOW, NOT_APPLICABLE):
            offered = question.dont_know if special == DONT_KNOW else question.not_applicable
            if offered:
                self.values.append(special)
                self.labels.append(SPECIAL_LABELS[special])
        if isinstance(current, list):
            self.ticked = {str(v) for v in current}
        elif isinstance(current, str):
            self.ticked = {current}
        else:
            self.ticked = set()

    def _options_now(self) -> list[Option]:
        return [Option(self._prompt(i)) for i in range(len(self.values))]

    def _highlight_chosen(self) -> None:
        chosen = [i for i, value in enumerate(self.values) if value in self.ticked]
        # Not through the watcher: it would scroll by the list's old height (the new one is not laid out yet);
        # the list is sized to show all its choices, so there is nothing to scroll to.
        self.set_reactive(ChoiceList.highlighted, chosen[0] if chosen else 0)
        self.scroll_to(0, 0, animate=False, immediate=True)
        self.refresh()

    def on_mount(self) -> None:
        self._highlight_chosen()

    def _is_special(self, index: int) -> bool:
        return self.values[index] in SPECIAL_LABELS

    def _prompt(self, index: int) -> Content:
        on = self.values[index] in self.ticked
        if self.multi and not self._is_special(index):
            mark = self.glyphs.check_on if on else self.glyphs.check_off
        else:
            mark = self.glyphs.radio_on if on else self.glyphs.radio_off
        number = f"{index + 1} " if index < 9 else "  "
        label = styled(self.labels[index], "italic") if self._is_special(index) else plain(self.labels[index])
        return join(number, mark, " ", label)

    def show_marks(self) -> None:
        """Redraw the marks and put the cursor on the chosen entry (after a save failed)."""
        self._refresh_prompts()
        self._highlight_chosen()

    def _refresh_prompts(self) -> None:
        for index in range(len(self.values)):
            self.replace_option_prompt_at_index(index, self._prompt(index))

    def _tick(self, index: int) -> None:
        if self.question is None:
            return
        value = self.values[index]
        if value in self.ticked:
            self.ticked.discard(value)
        else:
            choice = self.question.choice(value)
            if choice is not None and choice.exclusive:
                self.ticked = {value}
            else:
                exclusive = {c.id for c in self.question.choices if c.exclusive}
                self.ticked = (self.ticked - exclusive - set(SPECIAL_LABELS)) | {value}
        self._refresh_prompts()

    def _confirm(self, index: int) -> None:
        if self.question is None:
            return
        value = self.values[index]
        if not self.multi or self._is_special(index):
            # The marks are redrawn only if the save fails (show_marks); on success the next question replaces
            # them, and drawing them first would cost a frame of its own.
            self.ticked = {value}
            self.post_message(AnswerGiven(self.question.id, value))
            return
        if not (self.ticked - set(SPECIAL_LABELS)):
            self._tick(index)  # Enter on a choice with nothing ticked picks that choice.
        picked = [v for v in self.values if v in self.ticked and v not in SPECIAL_LABELS]
        self.post_message(AnswerGiven(self.question.id, picked))

    def pending_value(self) -> object | None:
        """What Enter would confirm now: the ticked choices, or the highlighted one."""
        if self.multi:
            picked = [v for v in self.values if v in self.ticked and v not in SPECIAL_LABELS]
            if picked:
                return picked
        if self.highlighted is None:
            return None
        value = self.values[self.highlighted]
        return [value] if self.multi and not self._is_special(self.highlighted) else value

    def action_tick(self) -> None:
        """Space: tick or untick the highlighted choice (multiple choice); pick it otherwise."""
        if self.highlighted is None:
            return
        if self.multi and not self._is_special(self.highlighted):
            self._tick(self.highlighted)
        else:
            self._confirm(self.highlighted)

    def action_pick(self, index: int) -> None:
        """A digit: tick the choice with that number (multiple choice), or pick it and confirm."""
        if not 0 <= index < len(self.values):
            return
        if self.multi and not self._is_special(index):
            self.highlighted = index
            self._tick(index)
        else:
            self._confirm(index)  # the next question replaces the list; moving the cursor first costs a frame

    async def _on_click(self, event: events.Click) -> None:
        clicked = event.style.meta.get("option")
        if self.multi and isinstance(clicked, int) and not self._is_special(clicked):
            event.prevent_default()  # a click ticks, as Space does; Enter confirms
            self.highlighted = clicked
            self._tick(clicked)

    def action_select(self) -> None:
        """Enter: confirm."""
        if self.highlighted is not None:
            self._confirm(self.highlighted)
