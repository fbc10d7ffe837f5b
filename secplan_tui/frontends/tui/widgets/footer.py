"""The footer of key bindings, redrawn only when the keys it shows change (not on every focus move)."""

from __future__ import annotations

from typing import Any

from textual.app import ComposeResult
from textual.screen import Screen
from textual.widgets import Footer
from textual.widgets._footer import FooterKey


class KeyFooter(Footer):
    """Textual's Footer, minus the redraw when a focus move leaves the shown keys as they were, and redrawn in
    the same frame as the change that altered them.

    It shows the screen's keys from its first compose (Textual's Footer starts empty and is composed again once
    the screen says its keys are ready): a screen whose keys are right when it is built draws its first frame
    without building the footer twice.
    """

    def __init__(self, *, compact: bool = False) -> None:
        super().__init__(show_command_palette=False, compact=compact)
        self.set_reactive(Footer._bindings_ready, True)
        self._shown: tuple[tuple[str, str, bool], ...] | None = None

    def compose(self) -> ComposeResult:
        self._shown = self._signature(self.screen)
        # Each key is born compact (FooterKey's default) and told the footer's state when mounted: two restyles
        # of every key each time the keys change. Born in the footer's state, it needs neither.
        for widget in super().compose():
            if isinstance(widget, FooterKey):
                widget.set_reactive(FooterKey.compact, self.compact)
                widget.set_class(self.compact, "-compact", update=False)
            yield widget

    def _signature(self, screen: Screen[Any]) -> tuple[tuple[str, str, bool], ...]:
        return tuple(
            (binding.key, binding.description, enabled)
            for (_, binding, enabled, _) in screen.active_bindings.values()
            if binding.show
        )

    def bindings_changed(self, screen: Screen[Any]) -> None:
        self._bindings_ready = True
        if not screen.app.app_focus or not self.is_attached or screen is not self.screen:
            return
        signature = self._signature(screen)
        if signature == self._shown:
            return
        self._shown = signature
        # Right away rather than after the next refresh (as Footer does), so the new keys go out in the same
        # frame as the change that brought them.
        self.call_next(self.recompose)
