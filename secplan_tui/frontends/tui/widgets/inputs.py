"""A text box that never holds a control character, so nothing typed or pasted can reach the terminal as an escape."""

from __future__ import annotations

from textual.widgets import Input

from secplan_tui.core.text import clean_text


class CleanInput(Input):
    """Input whose value is cleaned of escape sequences and control characters as it is set, typed or pasted."""

    def validate_value(self, value: str) -> str:
        return clean_text(value)
