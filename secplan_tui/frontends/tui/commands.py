"""The command palette (ctrl+p): every key binding of the current screen as a command, plus what the screen adds.

Names come from binding descriptions and from screens' ``palette_commands``; names are literal Content and help
lines are escaped, since the palette reads help as markup.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import partial
from typing import Any

from textual.app import App
from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.content import Content
from textual.markup import escape
from textual.screen import Screen


@dataclass(frozen=True)
class PaletteCommand:
    """One entry of the command palette."""

    name: str
    help: str
    run: Callable[[], Any]


def binding_commands(screen: Screen[Any]) -> Iterator[PaletteCommand]:
    """A command for each described action bound on the screen and the app, once each, with its keys."""
    seen: dict[str, list[str]] = {}
    described: dict[str, tuple[str, str, Any]] = {}
    for active in screen.active_bindings.values():
        binding = active.binding
        if binding.system or not binding.description or not active.enabled:
            continue
        if not isinstance(active.node, Screen | App):
            continue  # a widget's own keys (cursor movement) are not commands
        seen.setdefault(binding.action, []).append(screen.app.get_key_display(binding))
        described.setdefault(binding.action, (binding.description, binding.tooltip, active.node))
    for action, (description, tooltip, node) in described.items():
        shown = ", ".join(dict.fromkeys(seen[action]))
        help_text = f"{tooltip} ({shown})" if tooltip else shown
        yield PaletteCommand(description, help_text, partial(node.run_action, action))


class SecplanCommands(Provider):
    """secplan's commands for the screen the palette was opened on."""

    def _commands(self) -> list[PaletteCommand]:
        screen = self.screen
        commands = list(binding_commands(screen))
        extra = getattr(screen, "palette_commands", None)
        if callable(extra):
            commands.extend(extra())
        app = screen.app
        commands.append(PaletteCommand("Change theme", "Pick colours; the ansi themes suit 16-colour terminals",
                                       app.action_change_theme))
        commands.append(PaletteCommand("Quit", "Leave secplan; every confirmed answer is already saved (^q)",
                                       app.action_quit))
        return commands

    async def discover(self) -> Hits:
        for command in self._commands():
            yield DiscoveryHit(Content(command.name), command.run, text=command.name, help=escape(command.help))

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for command in self._commands():
            score = matcher.match(command.name)
            if score > 0:
                yield Hit(score, Content(command.name), command.run, text=command.name, help=escape(command.help))
