"""Plain mode (``secplan ask``): the questionnaire one question at a time, on questionary or as plain lines.

``run_plain`` picks the front end: interactive questionary prompts when stdin and stdout are terminals and
``TERM`` is not ``dumb``, else line mode (:mod:`secplan_tui.frontends.plain.lines`, which never writes an escape
sequence). Both drive the same :class:`~secplan_tui.session.controller.SessionController`, so every answer is
checked and saved durably the moment it is given, and both resume at the first unanswered question.

Exit status: 0 when the end is reached or the user stops with ``q`` / "Stop here"; 1 when input ends (EOF,
Ctrl-D); 130 on Ctrl-C. In every case each answer given before is saved, and the last line says how to go on.
questionary and prompt_toolkit are imported only when the interactive front end is used.
"""

from __future__ import annotations

import io
import os
import shutil
import sys
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any, Literal, TextIO

from secplan_tui.core.engine import check_answer
from secplan_tui.core.errors import InvalidInput
from secplan_tui.core.model import DONT_KNOW, NOT_APPLICABLE, SPECIAL_VALUES, AnswerValue, Question, QuestionType
from secplan_tui.core.text import clean_text
from secplan_tui.frontends.plain.driver import (
    QUESTION_ROWS,
    Command,
    Prompt,
    Reply,
    Unclear,
    describe,
    how_to_answer,
    note_line,
    run_flow,
    screenfuls,
    user_message,
    wrap,
)
from secplan_tui.frontends.plain.lines import LineUI, is_terminal, parse_line
from secplan_tui.session.controller import SessionController

if TYPE_CHECKING:
    from prompt_toolkit.application import Application
    from prompt_toolkit.key_binding import KeyPressEvent
    from questionary.prompts.common import InquirerControl

    from secplan_tui.core.model import Questionnaire
    from secplan_tui.store import SessionStore

Mode = Literal["auto", "interactive", "line"]


def needs_line_mode(stdin: TextIO, stdout: TextIO, environ: Mapping[str, str]) -> bool:
    """Whether plain mode must use line mode: stdin or stdout is not a terminal, or ``TERM`` is ``dumb``.

    The CLI uses it too, to fall back from the TUI (with a one-line notice) when there is no terminal.
    """
    if environ.get("TERM", "").strip().lower() == "dumb":
        return True
    return not (is_terminal(stdin) and is_terminal(stdout))


def no_app_reason(stdin: TextIO, stdout: TextIO, environ: Mapping[str, str]) -> str:
    """Why the full-screen app cannot run here, in words a user can act on ("" when it can).

    ``TERM=dumb`` is a terminal that cannot move the cursor or draw (Emacs' shell, some IDE consoles, serial
    lines), which is not the same as no terminal at all (a pipe or a file).
    """
    if environ.get("TERM", "").strip().lower() == "dumb":
        return ("TERM is \"dumb\": this terminal cannot move the cursor, so no full-screen app "
                "(set TERM, e.g. TERM=xterm-256color, to use it)")
    if not is_terminal(stdin):
        return "input is not a terminal (it comes from a file or a pipe), so no full-screen app"
    if not is_terminal(stdout):
        return "output is not a terminal (it goes to a file or a pipe), so no full-screen app"
    return ""


def run_plain(
    store: SessionStore,
    session_id: str,
    questionnaire: Questionnaire,
    *,
    mode: Mode = "auto",
    stdin: TextIO | None = None,
    stdout: TextIO | None = None,
    command: str = "secplan",
) -> int:
    """Ask a session's questions in plain mode, from the first unanswered one, saving each answer at once.

    Args:
        store: Where the session lives.
        session_id: The session's id (already resolved from a name by the caller).
        questionnaire: The questionnaire the session answers.
        mode: ``interactive`` (questionary prompts), ``line`` (plain lines, no escape sequence at all), or
            ``auto``: interactive when stdin and stdout are terminals and TERM is not dumb, else line.
        stdin: Where answers come from (default ``sys.stdin``).
        stdout: Where text goes (default ``sys.stdout``). In interactive mode the prompts themselves are drawn
            by prompt_toolkit on the current app session's output unless stdin/stdout are terminals given here.
        command: How the user runs secplan on this workspace (``secplan --data-dir DIR`` when they gave one), for
            the commands suggested on the way out.

    Returns:
        0 at the end or when the user stops; 1 when input ends before the end; 130 on Ctrl-C.

    Raises:
        SecplanError: the session cannot be read (saving errors are shown and the question asked again).
    """
    # With stdin closed (`secplan ask x <&-`) Python has no sys.stdin: that is input that has ended.
    source = stdin if stdin is not None else sys.stdin or io.StringIO()
    sink = stdout if stdout is not None else sys.stdout
    if mode == "auto":
        mode = "line" if needs_line_mode(source, sink, os.environ) else "interactive"
    if mode not in ("interactive", "line"):
        raise ValueError(f"unknown plain mode {mode!r}")
    controller = SessionController(store, session_id, questionnaire)
    if mode == "line":
        return run_flow(controller, LineUI(source, sink), command=command)
    return run_flow(controller, InteractiveUI(sink, stdin=stdin, stdout=stdout), command=command)


# -- interactive mode ---------------------------------------------------------------------------------------

_SELECT_HELP = "(key or arrows, then Enter)"
_CHECKBOX_HELP = "(Space ticks, Enter confirms)"


class InteractiveUI:
    """Questionary prompts: a select list for single and yes/no, a checkbox list for multiple choice, a text
    prompt with validation for numbers and text (multi-line for long text).

    Lists end with "Don't know" (where offered), "Not applicable" (where offered), "Skip this question",
    "Go back" (key ``<``), "Read the briefing" (key ``b``, in a teaching exercise), "Why this matters" (key ``?``)
    and "Stop here"; text prompts take the line-mode keywords instead.

    Args:
        out: Where the section, progress, help and messages are written.
        stdin: A terminal to read keys from, else prompt_toolkit's current app session input.
        stdout: A terminal to draw prompts on, else prompt_toolkit's current app session output.
    """

    def __init__(self, out: TextIO, *, stdin: TextIO | None = None, stdout: TextIO | None = None) -> None:
        self.out = out
        self.rows_since_input = 0
        """Lines written since the last prompt was answered: the briefing's first screenful leaves them in sight."""
        self._io: dict[str, Any] = {}
        """input= / output= for every prompt, when terminals were given."""
        if stdin is not None and is_terminal(stdin):
            from prompt_toolkit.input import create_input

            self._io["input"] = create_input(stdin)
        if stdout is not None and is_terminal(stdout):
            from prompt_toolkit.output import create_output

            self._io["output"] = create_output(stdout)

    def say(self, text: str) -> None:
        """Write text, each line cleaned of control characters and folded at word breaks to the terminal."""
        wrapped = wrap(text, shutil.get_terminal_size((80, 24)).columns - 1) + "\n"
        self.out.write(wrapped)
        self.out.flush()
        self.rows_since_input += wrapped.count("\n")

    def saved(self, question: Question, value: AnswerValue) -> None:
        """Say "Saved", as line mode does; name the ticks of a checkbox list (questionary shows only "done (2
        selections)"), as the other prompts already show the answer."""
        if question.type is QuestionType.MULTI and isinstance(value, list):
            self.say(f"Saved: {describe(question, value, numbered=False)}.")
        else:
            self.say("Saved.")

    def ask(self, prompt: Prompt) -> Reply:
        """Show section and progress, then the question's prompt; return what the user chose or typed."""
        question = prompt.question
        lines = ["", prompt.header]
        if prompt.new_section and prompt.section.intro.strip():
            lines.append(clean_text(prompt.section.intro).strip())
        if prompt.hint:
            # Above the prompt: questionary draws the question itself, and a hint under a list would push it away.
            lines.append(f"Hint: {prompt.hint}")
        if not question.type.has_choices and prompt.current is not None:
            lines.append(f"Current answer: {describe(question, prompt.current)}")
        if prompt.current is not None and prompt.note:
            lines.append(f"Note: {note_line(prompt.note)}")
        if not question.type.has_choices:
            lines.append(how_to_answer(question, has_current=prompt.current is not None, one_line=False,
                                       briefing=prompt.briefing))
        self.say("\n".join(lines))
        try:
            if question.type is QuestionType.MULTI:
                return self._checkbox(prompt)
            if question.type.has_choices:
                return self._select(prompt)
            return self._text(prompt)
        finally:
            self.rows_since_input = 2  # the question as answered stays in sight, on one or two lines

    @staticmethod
    def _message(question: Question) -> str:
        """The question, folded at word breaks to fit after questionary's "? " mark.

        prompt_toolkit cuts words where the terminal wraps, blanks the screen when a multi-line prompt's first
        line is wider than the terminal, and cuts (does not wrap) the lines above a prompt's last line.
        """
        return wrap(clean_text(question.text).strip(), shutil.get_terminal_size((80, 24)).columns - 3)

    # A list's values: a choice id, DONT_KNOW / NOT_APPLICABLE, or a Command.

    def show_briefing(self, text: str) -> None:
        """Show the briefing a screenful at a time, each screen ended by "press any key" (Ctrl-C still stops)."""
        import questionary

        width, rows = shutil.get_terminal_size((80, 24))
        lines = ("\n" + wrap(text, width - 1)).split("\n")
        if len(lines) + QUESTION_ROWS <= rows:
            self.say("\n".join(lines))
            return
        pages = screenfuls(lines, rows, self.rows_since_input)  # as in line mode
        for number, page in enumerate(pages, 1):
            self.say("\n".join(page))
            last = number == len(pages)
            message = "End of the briefing: press any key for the question." if last else (
                "Press any key for more of the briefing."
            )
            questionary.press_any_key_to_continue(message, **self._io).unsafe_ask()
            self.rows_since_input = 1

    def ask_note(self, question: Question, note: str) -> str | None:
        """Ask for the note on one line; empty leaves it as it is, ``-`` removes it."""
        import questionary

        now = f" (now: {note_line(note)})" if note else ""
        typed: str = questionary.text(f"Note on your answer{now}; Enter keeps it, - removes it:",
                                      **self._io).unsafe_ask()
        self.rows_since_input = 1
        return clean_text(typed).strip() or None

    @staticmethod
    def _extras(question: Question, *, shortcuts: bool, briefing: bool = False, noted: bool = False) -> list[Any]:
        from questionary import Choice, Separator

        def item(title: str, value: object, key: str | None) -> Choice:
            return Choice(title, value=value, shortcut_key=key if shortcuts and key else False)

        items: list[Any] = [Separator()]
        if question.dont_know:
            items.append(item("Don't know", DONT_KNOW, "d"))
        if question.not_applicable:
            items.append(item("Not applicable", NOT_APPLICABLE, "a"))
        items.append(item("Skip this question", Command.SKIP, "s"))
        # questionary takes only letters and digits as shortcuts: _bind_key makes "<" pick "Go back".
        items.append(item("Go back", Command.BACK, None))
        if briefing:
            items.append(item("Read the briefing", Command.BRIEFING, "b"))
        if noted:
            items.append(item("Note why you answered so", Command.NOTE, "n"))
        items += [
            item("Why this matters", Command.HELP, "h"),
            item("Stop here (your answers are kept)", Command.STOP, "q"),
        ]
        return items

    @staticmethod
    def _reply(value: object) -> Reply:
        if isinstance(value, Command):
            return Reply(value)
        return Reply(value=value)

    def _select(self, prompt: Prompt) -> Reply:
        import questionary

        question = prompt.question
        choices: list[Any] = [
            questionary.Choice(clean_text(c.label).strip(), value=c.id) for c in question.choices
        ]
        choices += self._extras(question, shortcuts=True, briefing=prompt.briefing, noted=prompt.current is not None)
        values = [c.value for c in choices if isinstance(c, questionary.Choice)]
        default = str(prompt.current) if prompt.current in values else None
        asked = questionary.select(
            self._message(question),
            choices,
            default=default,
            use_shortcuts=True,
            use_jk_keys=False,
            instruction=_fit(self._message(question), _SELECT_HELP),
            **self._io,
        )
        _bind_key(asked.application, "?", Command.HELP, lambda: Command.HELP)
        _bind_key(asked.application, "<", Command.BACK, lambda: Command.BACK, shortcut=True)
        return self._reply(asked.unsafe_ask())

    def _checkbox(self, prompt: Prompt) -> Reply:
        import questionary

        question = prompt.question
        current = prompt.current if isinstance(prompt.current, list) else []
        real = set(question.choice_ids())
        choices: list[Any] = [
            questionary.Choice(clean_text(c.label).strip(), value=c.id, checked=c.id in current)
            for c in question.choices
        ]
        choices += self._extras(question, shortcuts=False, briefing=prompt.briefing,
                                noted=prompt.current is not None)
        if prompt.current in SPECIAL_VALUES:
            for c in choices:
                if isinstance(c, questionary.Choice) and c.value == prompt.current:
                    c.checked = True

        def validate(picked: list[str]) -> bool | str:  # the values are str or Command
            others = [v for v in picked if v not in real]
            if not picked:
                return "Tick at least one with Space, or choose an option below the line"
            if others and len(picked) > 1:
                return "Tick either answers, or one option below the line, not both"
            if others:
                return True
            try:
                check_answer(question, list(picked))
            except InvalidInput as exc:
                return _sentence(user_message(exc, question))
            return True

        asked = questionary.checkbox(
            self._message(question),
            choices,
            validate=validate,
            instruction=_fit(self._message(question), _CHECKBOX_HELP),
            use_jk_keys=False,
            **self._io,
        )
        _bind_key(asked.application, "?", Command.HELP, lambda: [Command.HELP])
        _bind_key(asked.application, "<", Command.BACK, lambda: [Command.BACK])
        if prompt.briefing:
            _bind_key(asked.application, "b", Command.BRIEFING, lambda: [Command.BRIEFING])
        _enter_picks_option(asked.application, real)
        picked: list[object] = asked.unsafe_ask()
        if len(picked) == 1 and picked[0] not in real:
            return self._reply(picked[0])
        return Reply(value=[str(v) for v in picked])

    def _text(self, prompt: Prompt) -> Reply:
        import questionary

        question = prompt.question
        has_current = prompt.current is not None

        def validate(text: str) -> bool | str:
            try:
                reply = parse_line(question, text, has_current=has_current)
            except Unclear as exc:
                return _sentence(str(exc))
            if reply.command is not None or reply.value in SPECIAL_VALUES:
                return True
            try:
                check_answer(question, reply.value)
            except InvalidInput as exc:
                return _sentence(user_message(exc, question))
            return True

        longtext = question.type is QuestionType.LONGTEXT
        # A long answer is typed on a line of its own; the header above says "Esc then Enter to finish".
        asked = questionary.text(
            self._message(question),
            validate=validate,
            multiline=longtext,
            instruction="\n>" if longtext else None,
            **self._io,
        )
        typed: str = asked.unsafe_ask()
        return parse_line(question, typed, has_current=has_current)


def _fit(message: str, instruction: str) -> str:
    """The instruction after the question, or on a line of its own when the two would not fit on one line."""
    width = shutil.get_terminal_size((80, 24)).columns - 1
    last = message.rsplit("\n", 1)[-1]
    return instruction if len("? ") + len(last) + 1 + len(instruction) <= width else "\n" + instruction


def _sentence(reason: str) -> str:
    """A reason as the prompt's bottom line shows it: on its own, so it starts with a capital."""
    return reason[:1].upper() + reason[1:]


def _inquirer_control(app: Application[Any]) -> InquirerControl | None:
    from questionary.prompts.common import InquirerControl

    for window in app.layout.find_all_windows():
        if isinstance(window.content, InquirerControl):
            return window.content
    return None


def _bind_key(
    app: Application[Any], key: str, command: Command, result: Callable[[], object], *, shortcut: bool = False
) -> None:
    """Make a key in a list answer at once with an option below the line, shown as the chosen line.

    Args:
        app: The list's application.
        key: The key, e.g. ``?`` for "Why this matters" or ``<`` for "Go back" (as in line mode).
        command: The option's value.
        result: What the list returns (a checkbox list returns a list).
        shortcut: Show the key as the option's shortcut, ``<) Go back`` (questionary accepts only letters and
            digits as shortcuts, so it is set once the list is built).
    """
    from prompt_toolkit.key_binding import KeyBindings

    bindings = app.key_bindings
    control = _inquirer_control(app)
    if not isinstance(bindings, KeyBindings) or control is None:
        return  # questionary changed shape: the option stays in the list, reached with the arrows

    if shortcut:
        for choice in control.choices:
            if getattr(choice, "value", None) is command:
                choice.shortcut_key = key

    @bindings.add(key, eager=True)
    def _pick(event: KeyPressEvent) -> None:
        for i, choice in enumerate(control.choices):
            if getattr(choice, "value", None) is command:
                control.pointed_at = i
        control.is_answered = True
        control.selected_options = [command]  # what a checkbox list shows as chosen
        event.app.exit(result=result())


def _enter_picks_option(app: Application[Any], real: set[str]) -> None:
    """In a checkbox list, Enter on an option below the line with nothing ticked picks it (no Space needed)."""
    from prompt_toolkit.key_binding import KeyBindings
    from prompt_toolkit.keys import Keys

    bindings = app.key_bindings
    control = _inquirer_control(app)
    if not isinstance(bindings, KeyBindings) or control is None:
        return
    original = [b for b in bindings.bindings if b.keys == (Keys.ControlM,)]
    if len(original) != 1:
        return
    submit = original[0].handler
    bindings.remove(submit)

    @bindings.add(Keys.ControlM, eager=True)
    def _enter(event: KeyPressEvent) -> None:
        pointed = control.get_pointed_at().value
        if not control.selected_options and pointed not in real:
            control.selected_options = [pointed]
        submit(event)
