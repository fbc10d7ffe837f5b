"""Dialogs: confirm, new session, a file to read, a file to write, a line of text. Each is self-contained and
returns what the user chose; the screen that opened it acts on that. Every dialog can be left with Tab to its
Cancel button and Enter (Esc works too, but is never needed)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, OptionList, Static
from textual.widgets.option_list import Option

from secplan_tui.core.catalogue import ScenarioEntry
from secplan_tui.frontends.tui.files import with_suffix
from secplan_tui.frontends.tui.text import join, plain, styled
from secplan_tui.frontends.tui.widgets.inputs import CleanInput
from secplan_tui.frontends.tui.widgets.marked import MarkedOptionList

if TYPE_CHECKING:
    from secplan_tui.core.catalogue import Entry

_DIALOG_CSS = """
{name} {{
    align: center middle;
    background: $background 60%;
}}
{name} > Vertical {{
    width: 64;
    max-width: 100%;
    height: auto;
    max-height: 100%;
    border: thick $primary;
    background: $surface;
    padding: 0 1;
}}
{name} .dialog-title {{
    text-style: bold;
    width: 1fr;
    margin-bottom: 1;
}}
{name} Label {{
    margin-top: 0;
}}
{name} .dialog-error {{
    color: $error;
    text-style: bold;
    height: auto;
}}
{name} .dialog-keys {{
    color: $text-muted;
    height: auto;
}}
{name} Horizontal.dialog-buttons {{
    height: auto;
    align-horizontal: right;
    margin-top: 1;
}}
{name} Horizontal.dialog-buttons Button {{
    margin-left: 2;
    min-width: 10;
}}
{name} OptionList {{
    height: auto;
    max-height: 6;
    border: none;
    &:focus {{
        border: none;
    }}
}}
"""


def _css(name: str) -> str:
    return _DIALOG_CSS.format(name=name)


class ConfirmDialog(ModalScreen[bool]):
    """Ask a yes/no question; "no" has the focus, so Enter alone never does the dangerous thing.

    Args:
        title: What is being decided ("Delete session?").
        message: The details, as Content (user text already made literal).
        yes: The label of the button that goes ahead.
        no: The label of the button that backs out.
    """

    DEFAULT_CSS = _css("ConfirmDialog")
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("y", "confirm", "Yes", id="dialog.yes"),
        Binding("n", "cancel", "No", id="dialog.no"),
        Binding("escape", "cancel", "No", show=False, id="dialog.cancel"),
        Binding("left,right", "app.focus_next", "Switch button", show=False, id="dialog.switch"),
    ]

    def __init__(self, title: str, message: Content, *, yes: str = "Yes", no: str = "No") -> None:
        super().__init__()
        self.title_text = title
        self.body = message
        self.yes_label = yes
        self.no_label = no

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(Content(self.title_text), classes="dialog-title")
            yield Static(self.body, id="confirm-message")
            with Horizontal(classes="dialog-buttons"):
                yield Button(Content(f"{self.yes_label} (y)"), id="yes", variant="error", compact=True)
                yield Button(Content(f"{self.no_label} (n)"), id="no", variant="primary", compact=True)
            yield Static(Content("y: yes · n: no · Tab: other button · Enter: press it"), classes="dialog-keys")

    def on_mount(self) -> None:
        self.query_one("#no", Button).focus()

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id == "yes")

    def action_confirm(self) -> None:
        """y: go ahead."""
        self.dismiss(True)

    def action_cancel(self) -> None:
        """n or Esc: back out."""
        self.dismiss(False)


@dataclass(frozen=True)
class NewSession:
    """What the new-session dialog asks for."""

    name: str
    questionnaire_id: str
    scenario_id: str | None = None
    """A teaching scenario: the session is a learner's exercise on it (on the scenario's questionnaire)."""


def _picks(entry: Entry | ScenarioEntry, request: NewSession) -> bool:
    """Whether the dialog's entry is the one a request was made with."""
    if isinstance(entry, ScenarioEntry):
        return request.scenario_id == entry.id
    return request.scenario_id is None and request.questionnaire_id == entry.id


OLDER_QUESTIONNAIRES = ("starter",)
"""Questionnaires kept for the sessions that use them; the dialog says so (the main one now asks its essentials
first, which is what the starter was for)."""


class NewSessionDialog(ModalScreen[NewSession | None]):
    """Ask for a session name and a questionnaire, or a teaching exercise.

    Args:
        entries: The questionnaires to offer (at least one).
        exercises: The teaching scenarios to offer after them.
        name: A name to start with (after a refused attempt).
        error: Why the last attempt was refused.
        chosen: The refused attempt, whose questionnaire or exercise is marked again.
    """

    DEFAULT_CSS = _css("NewSessionDialog")
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", show=False, id="dialog.cancel"),
    ]

    def __init__(self, entries: Sequence[Entry], exercises: Sequence[ScenarioEntry] = (), *, name: str = "",
                 error: str = "", chosen: NewSession | None = None) -> None:
        super().__init__()
        from secplan_tui.core.catalogue import DEFAULT_QUESTIONNAIRE

        # The default questionnaire first: the cursor starts there, so Enter, Enter picks it.
        self.entries: list[Entry | ScenarioEntry] = [
            *sorted(entries, key=lambda e: e.id != DEFAULT_QUESTIONNAIRE), *exercises
        ]
        self.chosen = next((i for i, e in enumerate(self.entries) if chosen is not None and _picks(e, chosen)), 0)
        """The entry marked: the first, or the one of a refused attempt."""
        self.start_name = name
        self.error_text = error

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(Content("New session"), classes="dialog-title")
            yield Label(Content("Name, for example your organisation and the year:"))
            yield CleanInput(self.start_name, placeholder="e.g. Acme Ltd 2026", max_length=80, id="session-name")
            yield Label(Content("Questionnaire, or a teaching exercise:" if self._has_exercises else "Questionnaire:"))
            yield MarkedOptionList(
                *[Option(self._entry_prompt(index)) for index in range(len(self.entries))], id="questionnaire"
            )
            error = Static(plain(self.error_text), classes="dialog-error", id="dialog-error")
            error.display = bool(self.error_text)
            yield error
            with Horizontal(classes="dialog-buttons"):
                yield Button(Content("Create"), id="create", variant="primary", compact=True)
                yield Button(Content("Cancel"), id="cancel", compact=True)
            yield Static(
                Content("Enter: next, then create · Tab: next field · Up/Down: questionnaire"), classes="dialog-keys"
            )

    def on_mount(self) -> None:
        self.query_one("#questionnaire", OptionList).highlighted = self.chosen
        self.query_one("#session-name", Input).focus()

    @property
    def _has_exercises(self) -> bool:
        return any(isinstance(e, ScenarioEntry) for e in self.entries)

    def _entry_prompt(self, index: int) -> Content:
        entry = self.entries[index]
        mark = "(*)" if index == self.chosen else "( )"
        if isinstance(entry, ScenarioEntry):
            return join(f"{mark} ", "Exercise: ", plain(entry.title),
                        styled(f"  ({entry.id})", "$text-muted"))
        from secplan_tui.frontends.tui.catalogues import questionnaire_lengths

        length = questionnaire_lengths().get(entry.id)
        # Short, so that the teaching exercises after them still show in the list's six lines.
        title = join(f"{mark} ", plain(entry.title or entry.id))
        if entry.id in OLDER_QUESTIONNAIRES:
            minutes = f", {length.everything} min" if length else ""
            return join(title, styled(f" \u00b7 older and short{minutes}", "$text-muted"))
        if length is None:
            return title
        return join(title, "\n", styled(f"    {length.describe()}", "$text-muted"))

    @on(OptionList.OptionHighlighted, "#questionnaire")
    def _moved(self, event: OptionList.OptionHighlighted) -> None:
        # The choice is marked, not just highlighted, so it shows while the name has the focus.
        previous, self.chosen = self.chosen, event.option_index
        listing = self.query_one("#questionnaire", OptionList)
        for index in {previous, self.chosen}:
            listing.replace_option_prompt_at_index(index, self._entry_prompt(index))

    def _show_error(self, text: str) -> None:
        error = self.query_one("#dialog-error", Static)
        error.update(plain(text))
        error.display = True

    def _submit(self) -> None:
        name = self.query_one("#session-name", Input).value.strip()
        if not name:
            self._show_error("Type a name for the session first.")
            self.query_one("#session-name", Input).focus()
            return
        entry = self.entries[self.chosen]
        if isinstance(entry, ScenarioEntry):
            self.dismiss(NewSession(name, entry.questionnaire_id, scenario_id=entry.id))
        else:
            self.dismiss(NewSession(name, entry.id))

    @on(Input.Submitted, "#session-name")
    def _name_done(self) -> None:
        if len(self.entries) > 1 and self.focused is self.query_one("#session-name"):
            self.query_one("#questionnaire", OptionList).focus()
            return
        self._submit()

    @on(OptionList.OptionSelected, "#questionnaire")
    def _questionnaire_chosen(self) -> None:
        self._submit()

    @on(Button.Pressed, "#create")
    def _create(self) -> None:
        self._submit()

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        """Close without creating anything."""
        self.dismiss(None)


class PathDialog(ModalScreen[str | None]):
    """Ask for the path of a file to read.

    Args:
        title: What the file is for ("Import answers").
        prompt: What to type.
        value: The path to start with.
    """

    DEFAULT_CSS = _css("PathDialog")
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", show=False, id="dialog.cancel"),
    ]

    def __init__(self, title: str, prompt: str, value: str = "") -> None:
        super().__init__()
        self.title_text = title
        self.prompt_text = prompt
        self.start_value = value

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(Content(self.title_text), classes="dialog-title")
            yield Label(Content(self.prompt_text))
            yield CleanInput(self.start_value, placeholder="path/to/answers.yaml", id="path")
            with Horizontal(classes="dialog-buttons"):
                yield Button(Content("OK"), id="ok", variant="primary", compact=True)
                yield Button(Content("Cancel"), id="cancel", compact=True)
            yield Static(Content("Enter: OK · Tab: buttons"), classes="dialog-keys")

    def on_mount(self) -> None:
        self.query_one("#path", Input).focus()

    @on(Input.Submitted, "#path")
    @on(Button.Pressed, "#ok")
    def _ok(self) -> None:
        value = self.query_one("#path", Input).value.strip()
        self.dismiss(value or None)

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        """Close without reading anything."""
        self.dismiss(None)


@dataclass(frozen=True)
class ExportRequest:
    """Where and how to write a file, as typed (the screen checks it)."""

    folder: str
    name: str
    format: str


class ExportDialog(ModalScreen[ExportRequest | None]):
    """Ask for a folder, a file name and a format.

    Args:
        title: What is exported ("Export the plan").
        folder: The folder to offer.
        name: The file name to offer.
        formats: Format id -> (label, suffix), in the order offered.
        format: The format chosen at first.
        error: Why the last attempt was refused.
    """

    DEFAULT_CSS = _css("ExportDialog")
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", show=False, id="dialog.cancel"),
    ]

    def __init__(
        self,
        title: str,
        *,
        folder: str,
        name: str,
        formats: Mapping[str, tuple[str, str]],
        format: str,
        error: str = "",
    ) -> None:
        super().__init__()
        self.title_text = title
        self.folder = folder
        self.file_name = name
        self.formats = dict(formats)
        self.format_ids = list(self.formats)
        self.format = format
        self.error_text = error

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(Content(self.title_text), classes="dialog-title")
            yield Label(Content("Folder:"))
            yield CleanInput(self.folder, id="folder")
            yield Label(Content("File name (no folders in it):"))
            yield CleanInput(self.file_name, id="file-name", max_length=120)
            yield Label(Content("Format:"))
            yield MarkedOptionList(*[Option(self._format_prompt(f)) for f in self.format_ids], id="format")
            error = Static(plain(self.error_text), classes="dialog-error", id="dialog-error")
            error.display = bool(self.error_text)
            yield error
            with Horizontal(classes="dialog-buttons"):
                yield Button(Content("Export"), id="export", variant="primary", compact=True)
                yield Button(Content("Cancel"), id="cancel", compact=True)
            yield Static(Content("Enter in the name: export · Tab: next field · Up/Down in Format: choose"),
                         classes="dialog-keys")

    def _format_prompt(self, fmt: str) -> Content:
        label, suffix = self.formats[fmt]
        mark = "(*)" if fmt == self.format else "( )"
        return Content(f"{mark} {label} ({suffix})")

    def on_mount(self) -> None:
        self.query_one("#format", OptionList).highlighted = self.format_ids.index(self.format)
        self.query_one("#file-name", Input).focus()

    @on(OptionList.OptionHighlighted, "#format")
    def _format_moved(self, event: OptionList.OptionHighlighted) -> None:
        fmt = self.format_ids[event.option_index]
        if fmt == self.format:
            return
        self.format = fmt
        formats = self.query_one("#format", OptionList)
        for index, f in enumerate(self.format_ids):
            formats.replace_option_prompt_at_index(index, self._format_prompt(f))
        name = self.query_one("#file-name", Input)
        suffixes = tuple(s for _, s in self.formats.values()) + (".htm", ".yml")
        if name.value.strip():
            name.value = with_suffix(name.value.strip(), self.formats[fmt][1], suffixes)

    @on(OptionList.OptionSelected, "#format")
    @on(Input.Submitted, "#file-name")
    @on(Button.Pressed, "#export")
    def _submit(self) -> None:
        self.dismiss(
            ExportRequest(
                self.query_one("#folder", Input).value, self.query_one("#file-name", Input).value, self.format
            )
        )

    @on(Input.Submitted, "#folder")
    def _folder_done(self) -> None:
        self.query_one("#file-name", Input).focus()

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        """Close without writing anything."""
        self.dismiss(None)


class TextDialog(ModalScreen[str | None]):
    """Ask for one line of text that may be left empty (a snapshot label); dismisses with the text as typed, or
    None when cancelled.

    Args:
        title: What the text is for ("Take a snapshot of the plan").
        prompt: What to type, and what an empty answer means.
        value: The text to start with (after a refused attempt).
        placeholder: Shown while the box is empty.
        max_length: The most characters the box takes.
        error: Why the last attempt was refused.
        ok: The label of the button that goes ahead.
    """

    DEFAULT_CSS = _css("TextDialog")
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", show=False, id="dialog.cancel"),
    ]

    def __init__(self, title: str, prompt: str, *, value: str = "", placeholder: str = "", max_length: int = 0,
                 error: str = "", ok: str = "OK") -> None:
        super().__init__()
        self.title_text = title
        self.prompt_text = prompt
        self.start_value = value
        self.placeholder = placeholder
        self.max_length = max_length
        self.error_text = error
        self.ok_label = ok

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(Content(self.title_text), classes="dialog-title")
            yield Static(Content(self.prompt_text), id="text-prompt")  # a Static wraps on a narrow terminal
            yield CleanInput(self.start_value, placeholder=self.placeholder, max_length=self.max_length, id="text")
            error = Static(plain(self.error_text), classes="dialog-error", id="dialog-error")
            error.display = bool(self.error_text)
            yield error
            with Horizontal(classes="dialog-buttons"):
                yield Button(Content(self.ok_label), id="ok", variant="primary", compact=True)
                yield Button(Content("Cancel"), id="cancel", compact=True)
            yield Static(Content(f"Enter: {self.ok_label.lower()} · Tab: buttons"), classes="dialog-keys")

    def on_mount(self) -> None:
        self.query_one("#text", Input).focus()

    @on(Input.Submitted, "#text")
    @on(Button.Pressed, "#ok")
    def _ok(self) -> None:
        self.dismiss(self.query_one("#text", Input).value)

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        """Close without doing anything."""
        self.dismiss(None)
