"""The long-text control of the question panel: a text area with a Save button.

A module of its own so that Textual's TextArea loads, and the control is mounted, only when a session first shows
a long-text question: most questions never need it, and the first frame of a session is drawn without it.
"""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.message import Message
from textual.widgets import Button, TextArea

from secplan_tui.core.text import clean_text


class AnswerArea(TextArea, inherit_bindings=False):
    """A TextArea without its F5-F7 selection keys, which the question screen uses for navigation."""

    BINDINGS = [b for b in TextArea.BINDINGS if not (isinstance(b, Binding) and b.key in ("f5", "f6", "f7"))]


class LongAnswer(Vertical):
    """A text area with a Save button (Enter makes a new line in the text, so saving needs its own key)."""

    DEFAULT_CSS = """
    LongAnswer {
        height: auto;
    }
    LongAnswer TextArea {
        height: 6;
    }
    """

    class Saved(Message):
        """The Save button was pressed: the text in the area is the answer."""

    def __init__(self, *, cursor_blink: bool = True) -> None:
        super().__init__(id="answer-long-box")
        self.area = AnswerArea(soft_wrap=True, tab_behavior="focus", show_line_numbers=False, id="answer-long")
        self.area.cursor_blink = cursor_blink

    def compose(self) -> ComposeResult:
        yield self.area
        yield Button(Content("Save answer"), id="save-long", compact=True)

    def load(self, text: str) -> None:
        """Put a text in the area, the cursor at its end."""
        self.area.load_text(text)
        self.area.move_cursor(self.area.document.end)

    def focus(self, scroll_visible: bool = True) -> LongAnswer:
        self.area.focus(scroll_visible)
        return self

    @on(TextArea.Changed, "#answer-long")
    def _clean(self, event: TextArea.Changed) -> None:
        # Pasted text can carry escape sequences; they never reach the screen (the engine cleans what is saved).
        text = event.text_area.text
        cleaned = clean_text(text, keep_newlines=True)
        if cleaned != text:
            event.text_area.load_text(cleaned)

    @on(Button.Pressed, "#save-long")
    def _save(self, event: Button.Pressed) -> None:
        event.stop()
        self.post_message(self.Saved())
