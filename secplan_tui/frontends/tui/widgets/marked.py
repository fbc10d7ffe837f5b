"""An OptionList whose cursor is also drawn as a mark, so it shows without colour (NO_COLOR, monochrome)."""

from __future__ import annotations

from typing import ClassVar

from rich.segment import Segment
from textual import events
from textual.geometry import Size
from textual.strip import Strip
from textual.widgets import OptionList

CURSOR = ">"
GUTTER_DEFAULT = 2


class MarkedOptionList(OptionList):
    """OptionList with a gutter holding ``>`` beside the highlighted option while the list has focus."""

    DEFAULT_CSS = """
    MarkedOptionList > .option-list--option {
        padding: 0 1 0 0;
    }
    """

    GUTTER: ClassVar[int] = GUTTER_DEFAULT
    """Cells left of each option for the cursor mark."""

    _wrapped_width = -1

    def _size_updated(self, size: Size, virtual_size: Size, container_size: Size, layout: bool = True) -> bool:
        # The layout pass that sized the list placed it; a second one would only repaint it (see quiet.py).
        return super()._size_updated(size, virtual_size, container_size, layout=False)

    def _get_left_gutter_width(self) -> int:
        return self.GUTTER

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        # OptionList measures prompts at the full width but wraps them beside the gutter.
        return super().get_content_height(container, viewport, width - self.GUTTER)

    def render_line(self, y: int) -> Strip:
        strip = super().render_line(y)
        style = self.get_visual_style("option-list--option").rich_style
        mark = " "
        try:
            option_index, line_offset = self._lines[self.scroll_offset.y + y]
        except IndexError:
            pass
        else:
            if self.has_focus and option_index == self.highlighted and line_offset == 0:
                mark = CURSOR
                style = self.get_visual_style("option-list--option", "option-list--option-highlighted").rich_style
        return Strip.join([Strip([Segment(mark.ljust(self.GUTTER), style)], self.GUTTER), strip])

    def _on_resize(self, event: events.Resize) -> None:  # type: ignore[override]  # Textual passes the event
        # OptionList drops its line cache and repaints on every resize; only a new width re-wraps the prompts,
        # and the new height is already painted by the layout that changed it.
        event.prevent_default()
        if event.size.width != self._wrapped_width:
            self._wrapped_width = event.size.width
            self._clear_caches()

    def on_focus(self, event: events.Focus) -> None:
        self.refresh()  # the cursor mark shows only with the focus

    def on_blur(self, event: events.Blur) -> None:
        self.refresh()
