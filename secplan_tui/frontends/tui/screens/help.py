"""The help screen (F1): how the app works, and every key of the screen it was opened from, with binding ids."""

from __future__ import annotations

from typing import Any, ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen, Screen
from textual.widgets import Static

from secplan_tui.frontends.tui.text import join, styled

GENERAL = (
    "secplan asks about your organisation one question at a time and builds a security plan from the answers.",
    "Every answer is saved the moment you confirm it (Enter, a digit, or Ctrl+S), so you can stop at any point "
    "and carry on later: open the session again from the home screen.",
    "\"Don't know\" is always a fair answer where it is offered: the plan turns it into a task saying who to ask "
    "and how to find out. Skipping leaves a question unanswered; the review lists what is left.",
    "Notes: Ctrl+N on a question adds a note to its answer, or changes it: why you answered so, where the fact "
    "came from, who to ask. The note is saved with the answer and shown under it, in the plan's list of answers "
    "and, in a teaching exercise, to the trainer beside any answer that differs from the model.",
    "Changing an earlier answer takes effect at once: questions that no longer apply drop out of the plan (their "
    "answers are kept), and new ones appear in the sections on the left.",
    "Yearly review: on the plan screen, t keeps the plan as it is now as a snapshot (say, at this year's review), "
    "and g shows what changed since the last snapshot: answers, actions, maturity and risks.",
    "Teaching exercises (a session started from a scenario): F10 or i shows the organisation's briefing, with the "
    "hint of the question on screen; F12 or m checks your answers and plan against the scenario's model and gives "
    "a score from 0 to 100. Both work on the question and plan screens.",
    "Ctrl+P opens the command palette; Ctrl+Q quits. To change a key, set SECPLAN_KEYMAP, for example "
    "SECPLAN_KEYMAP=\"question.dont_know=ctrl+d,question.skip=ctrl+k\" (the ids are in brackets below).",
)


CONTROL_KEYS = (
    ("Tab", "Move between the parts of the screen (and to buttons in dialogs)"),
    ("Up/Down", "Move in a list; PgUp/PgDn scroll"),
    ("Enter", "Choose, confirm or save"),
    ("1-9", "Pick a numbered choice at once (Space ticks in multiple choice)"),
)


class HelpScreen(ModalScreen[None]):
    """Help for the screen underneath.

    Args:
        under: The screen the help was asked from.
    """

    DEFAULT_CSS = """
    HelpScreen {
        align: center middle;
        background: $background 60%;
    }
    HelpScreen > Vertical {
        width: 90%;
        max-width: 100;
        height: 90%;
        border: thick $primary;
        background: $surface;
    }
    HelpScreen VerticalScroll {
        padding: 0 1;
    }
    HelpScreen .help-keys-line {
        color: $text-muted;
        height: 1;
        padding: 0 1;
    }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q,enter", "close", "Close", show=False, id="help.close"),
    ]

    def __init__(self, under: Screen[Any]) -> None:
        super().__init__()
        self.under = under

    def compose(self) -> ComposeResult:
        with Vertical():
            with VerticalScroll(id="help-body"):
                yield Static(styled("secplan help", "bold"))
                yield Static(Content("\n\n".join(GENERAL)), id="help-general")
                yield Static(self._keys(), id="help-keys")
            yield Static(Content("F1, Enter or q: close · arrows/PgUp/PgDn: scroll"), classes="help-keys-line")

    def on_mount(self) -> None:
        self.query_one("#help-body").focus()

    def _keys(self) -> Content:
        groups: dict[str, tuple[list[str], str, list[str]]] = {}
        always: frozenset[str] = getattr(self.under, "HELP_ALWAYS", frozenset())
        # The bindings of the screen and the app as they are now (remapped keys included); the screen's
        # active_bindings would leave out the letter keys while a text box has the focus.
        for node in (self.under, self.app):
            for bindings in node._bindings.key_to_bindings.values():
                for binding in bindings:
                    if not binding.description or binding.system:
                        continue
                    if node.check_action(binding.action, ()) is False and binding.id not in always:
                        continue  # not offered here (the exercise keys outside teaching exercises)
                    # Keys of one action share a line, whatever its parameters ("PgUp or PgDn or Ctrl+Up ...").
                    group = binding.action.partition("(")[0]
                    keys, _, ids = groups.setdefault(group, ([], binding.tooltip or binding.description, []))
                    keys.append(self.app.get_key_display(binding))
                    if binding.id and binding.id not in ids:
                        ids.append(binding.id)
        lines: list[Content] = [styled("\nKeys on this screen", "bold")]
        for keys, description, ids in groups.values():
            shown = " or ".join(dict.fromkeys(keys))
            tag = styled(f"  [{', '.join(ids)}]", "dim") if ids else Content("")
            lines.append(join(styled(f"{shown:<14}", "bold"), f" {description}", tag))
        for control_keys, what in CONTROL_KEYS:
            lines.append(join(styled(f"{control_keys:<14}", "bold"), f" {what}"))
        return Content("\n").join(lines)

    def action_close(self) -> None:
        """Close the help."""
        self.dismiss(None)
