"""The footer of key bindings, redrawn only when the keys it shows change (not on every focus move)."""

from __future__ import annotations

from typing import Any

from textual.screen import Screen
from textual.widgets import Footer


class KeyFooter(Footer):
    """Textual's Footer, minus the redraw when a focus move leaves the shown keys as they were, and redrawn in
    the same frame as the change that altered them."""

    def __init__(self) -> None:
        super().__init__(show_command_palette=False)
        self._shown: tuple[tuple[str, str, bool], ...] | None = None

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
