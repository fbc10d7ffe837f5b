"""Widgets that paint once per layout, for small redraws over slow links.

When a layout pass gives a widget a new size, Textual stores its new virtual size through a reactive that asks
for another layout, and so another frame that repaints the widget with nothing changed. For these widgets the
layout pass that sized them already placed everything, so the size is stored quietly. Over SSH this halves the
bytes an answer costs (the question panel changes size with every question).
"""

from __future__ import annotations

from textual.containers import Vertical, VerticalScroll
from textual.geometry import Size
from textual.scrollbar import ScrollBar
from textual.widgets import Static


class QuietStatic(Static):
    """A Static whose resize does not ask for a second layout."""

    def _size_updated(self, size: Size, virtual_size: Size, container_size: Size, layout: bool = True) -> bool:
        return super()._size_updated(size, virtual_size, container_size, layout=False)


class QuietVertical(Vertical):
    """A Vertical whose resize does not ask for a second layout."""

    def _size_updated(self, size: Size, virtual_size: Size, container_size: Size, layout: bool = True) -> bool:
        return super()._size_updated(size, virtual_size, container_size, layout=False)


class QuietVerticalScroll(VerticalScroll):
    """A VerticalScroll whose resize does not ask for a second layout, and whose scrollbar is repainted only when
    it would look different (not when content that fits grows or shrinks and still fits)."""

    def _size_updated(self, size: Size, virtual_size: Size, container_size: Size, layout: bool = True) -> bool:
        return super()._size_updated(size, virtual_size, container_size, layout=False)

    def _scroll_update(self, virtual_size: Size) -> None:
        # As Widget._scroll_update (vertical scrolling only), minus the repaint of a bar that looks the same.
        self._refresh_scrollbars()
        if self.show_vertical_scrollbar and self.styles.scrollbar_size_vertical:
            bar = self.vertical_scrollbar
            window = self.container_size.height - self.scrollbar_size_horizontal
            if bar.window_virtual_size <= bar.window_size and virtual_size.height <= window:
                bar.set_reactive(ScrollBar.window_virtual_size, virtual_size.height)
                bar.set_reactive(ScrollBar.window_size, window)
            else:
                bar.window_virtual_size = virtual_size.height
                bar.window_size = window
                bar.refresh()
        self.scroll_x = self.validate_scroll_x(self.scroll_x)
        self.scroll_y = self.validate_scroll_y(self.scroll_y)
