"""Line mode: plain mode without a terminal, and the reading of one typed answer (both plain front ends use it).

Line mode writes nothing but text lines (no cursor movement, no colour, no escape sequence) and reads one answer
per input line, so it works with screen readers, ``TERM=dumb``, serial consoles and ``answers.txt`` piped in.
It imports no prompt_toolkit; the interactive front end lives in :mod:`secplan_tui.frontends.plain.interactive`,
the question-by-question driver both share in :mod:`secplan_tui.frontends.plain.driver`.
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Mapping
from typing import TextIO

from secplan_tui.core.model import (
    DONT_KNOW,
    NOT_APPLICABLE,
    AnswerValue,
    Question,
    QuestionType,
)
from secplan_tui.core.text import clean_text
from secplan_tui.frontends.plain.driver import (
    MAX_LINE_BYTES,
    MORE,
    MORE_LAST,
    QUESTION_ROWS,
    Command,
    Prompt,
    Reply,
    Unclear,
    describe,
    how_to_answer,
    note_line,
    screenfuls,
    wrap,
)

# -- reading one line ---------------------------------------------------------------------------------------

_SHORT_KEYWORDS: Mapping[str, Command | str] = {
    "?": Command.HELP,
    "<": Command.BACK,
    "b": Command.BRIEFING,
    "s": Command.SKIP,
    "q": Command.STOP,
    "d": DONT_KNOW,
    "na": NOT_APPLICABLE,
    DONT_KNOW: DONT_KNOW,
    NOT_APPLICABLE: NOT_APPLICABLE,
}
"""Keywords read the same way at every question."""

_LONG_KEYWORDS: Mapping[str, Command | str] = {
    "help": Command.HELP,
    "back": Command.BACK,
    "briefing": Command.BRIEFING,
    "skip": Command.SKIP,
    "quit": Command.STOP,
    "stop": Command.STOP,
    "dont know": DONT_KNOW,
    "don't know": DONT_KNOW,
    "n/a": NOT_APPLICABLE,
    "not applicable": NOT_APPLICABLE,
}
"""Whole words, read as keywords only where they cannot be an answer (choice and number questions)."""

_NUMBERS = re.compile(r"\d+(?:[\s,]+\d+)*")
_NOTE = re.compile(r"(?is)(?:n|note):?\s+(\S.*)")
"""``note TEXT`` or ``n TEXT`` (``note -`` removes the note) at a choice or number question."""
_TEXT_NOTE = re.compile(r"(?is)note:?\s+(\S.*)")
"""At a text question only the whole word (``n Jones`` may be an answer); ``\\note ...`` is an answer."""


def parse_line(question: Question, line: str, *, has_current: bool) -> Reply:
    """Read one input line as a reply to a question.

    Args:
        question: The question asked.
        line: The line typed, without its line break.
        has_current: Whether the question has a saved answer (an empty line keeps it).

    Raises:
        Unclear: the line is not an answer; the message is the reason to show.
    """
    text = line.strip()
    is_text = question.type in (QuestionType.TEXT, QuestionType.LONGTEXT)
    if is_text and text.startswith("\\"):
        return Reply(value=text[1:])
    if not text:
        if has_current:
            return Reply(Command.KEEP)
        raise Unclear("nothing was typed; type an answer, or s to skip this question.")
    key = " ".join(text.casefold().replace("\u2019", "'").split())
    note = _NOTE.fullmatch(text) if not is_text else _TEXT_NOTE.fullmatch(text)
    if note is not None:
        return Reply(Command.NOTE, note.group(1).strip())
    found = _SHORT_KEYWORDS.get(key)
    if found is None and not is_text:
        found = _LONG_KEYWORDS.get(key)
    if isinstance(found, Command):
        return Reply(found)
    if found == DONT_KNOW and not question.dont_know:
        raise Unclear(f"this question has no \"don't know\"; {_what_to_type(question)}.")
    if found == NOT_APPLICABLE and not question.not_applicable:
        raise Unclear(f"this question has no \"not applicable\"; {_what_to_type(question)}.")
    if found is not None:
        return Reply(value=found)
    if question.type in (QuestionType.SINGLE, QuestionType.YESNO):
        if "," in text or len(text.split()) > 1 and _NUMBERS.fullmatch(text):
            raise Unclear(f"pick only one choice; {_what_to_type(question)}.")
        return Reply(value=_choice_id(question, text))
    if question.type is QuestionType.MULTI:
        tokens = re.split(r"[\s,]+", text) if _NUMBERS.fullmatch(text) else text.split(",")
        return Reply(value=[_choice_id(question, t.strip()) for t in tokens if t.strip()])
    return Reply(value=text)


def _choice_id(question: Question, token: str) -> str:
    n = len(question.choices)
    if token.isdigit():
        number = int(token)
        if 1 <= number <= n:
            return question.choices[number - 1].id
        raise Unclear(f"there is no choice {number}; type a number from 1 to {n}.")
    folded = token.casefold()
    for choice in question.choices:
        if folded in (choice.id.casefold(), clean_text(choice.label).strip().casefold()):
            return choice.id
    if question.type is QuestionType.YESNO and folded in ("y", "n"):
        wanted = "yes" if folded == "y" else "no"
        if question.choice(wanted) is not None:
            return wanted
    shown = clean_text(token)
    shown = shown if len(shown) <= 30 else shown[:27] + "..."
    raise Unclear(f"'{shown}' is not one of the choices; type a number from 1 to {n}.")


def _what_to_type(question: Question) -> str:
    if question.type.has_choices:
        return f"type a number from 1 to {len(question.choices)}, or s to skip"
    return "type an answer, or s to skip"


# -- line mode ----------------------------------------------------------------------------------------------


class LineUI:
    """Line mode: each prompt is a block of plain lines that stands alone; one answer per input line.

    Args:
        stdin: Where answers are read, one per line.
        stdout: Where the text goes; nothing but clean_text'ed lines is ever written to it.
    """

    PROMPT = "Answer: "

    def __init__(self, stdin: TextIO, stdout: TextIO) -> None:
        self.stdin = stdin
        self.stdout = stdout
        # A terminal echoes what is typed; for piped input, echo the line so the transcript reads as a dialogue.
        self.echo = not is_terminal(stdin)
        # On a terminal, fold lines at word breaks (a dumb terminal would cut words); piped text stays one line
        # per sentence, for scripts and for screen readers reading a transcript.
        self.wrap_width = shutil.get_terminal_size((80, 24)).columns - 1 if is_terminal(stdout) else 0
        self.rows_since_input = 0
        """Lines written since the last input line: the briefing's first screenful leaves them in sight."""

    def say(self, text: str) -> None:
        """Write text, each line cleaned of control characters, then a line break."""
        self._write(text + "\n")

    def saved(self, question: Question, value: AnswerValue) -> None:
        """Confirm the save in words: "Saved: 2. Partly."."""
        self.say(f"Saved: {describe(question, value, numbered=False)}.")

    def ask(self, prompt: Prompt) -> Reply:
        """Show the question as a block, read one line; re-ask with a reason until the line can be read."""
        question = prompt.question
        while True:
            try:
                try:
                    self._write("\n" + self.block(prompt) + "\n" + self.PROMPT)
                    # Cleaned first: what is parsed is what the echo and any reason show.
                    line = clean_text(self._read_line())
                except (EOFError, KeyboardInterrupt):
                    self._write("\n")  # end the "Answer: " line, so the closing message stands on its own
                    raise
                if self.echo:
                    self._write(line + "\n")
                return parse_line(question, line, has_current=prompt.current is not None)
            except Unclear as exc:
                self.say(f"Not accepted: {exc}")

    def ask_note(self, question: Question, note: str) -> str | None:
        """Read the note on one line; an empty line leaves it as it is, ``-`` removes it."""
        now = f" (now: {note_line(note)})" if note else ""
        self._write(f"Note{now}; Enter keeps it, - removes it: ")
        try:
            line = clean_text(self._read_line())
        except Unclear as exc:
            self.say(f"Not accepted: {exc}")
            return None
        except (EOFError, KeyboardInterrupt):
            self._write("\n")
            raise
        if self.echo:
            self._write(line + "\n")
        return line.strip() or None

    @staticmethod
    def block(prompt: Prompt) -> str:
        """The prompt's lines: header, section intro (first time), question, numbered choices, what to type."""
        question = prompt.question
        lines = [prompt.header]
        if prompt.new_section and prompt.section.intro.strip():
            lines.append(clean_text(prompt.section.intro).strip())
        lines.append(clean_text(question.text).strip())
        if prompt.hint:
            lines.append(f"Hint: {prompt.hint}")
        for i, choice in enumerate(question.choices, 1):
            lines.append(f"  {i}. {clean_text(choice.label).strip()}")
        if prompt.current is not None:
            lines.append(f"Current answer: {describe(question, prompt.current)}")
            if prompt.note:
                lines.append(f"Note: {note_line(prompt.note)}")
        lines.append(how_to_answer(question, has_current=prompt.current is not None, briefing=prompt.briefing))
        return "\n".join(lines)

    def show_briefing(self, text: str) -> None:
        """Show the briefing; on a terminal, a screenful at a time, each ended by a line saying to press Enter.

        Piped input gets the whole text at once and reads nothing, so an answers file needs no extra lines.
        """
        if self.echo or not self.wrap_width:
            self.say("\n" + text)
            return
        rows = shutil.get_terminal_size((80, 24)).lines
        lines = ("\n" + wrap(text, self.wrap_width)).split("\n")
        if len(lines) + QUESTION_ROWS <= rows:
            self.say("\n".join(lines))  # it fits above the question that follows
            return
        # The first screenful keeps in sight what was written since the last answer (the start, or the "b" typed).
        pages = screenfuls(lines, rows, self.rows_since_input)
        for number, page in enumerate(pages, 1):
            self.say("\n".join(page))
            last = number == len(pages)
            try:
                self._write(MORE_LAST if last else MORE)
                typed = self._read_line()
            except (EOFError, KeyboardInterrupt):
                self._write("\n")
                raise
            except Unclear:
                typed = ""
            if last or typed.strip().casefold() == "q":
                return

    def _write(self, text: str) -> None:
        if self.wrap_width:
            cleaned = wrap(text, self.wrap_width)
        else:
            cleaned = "\n".join(clean_text(part) for part in text.split("\n"))
        encoding = getattr(self.stdout, "encoding", None) or "utf-8"
        try:
            cleaned.encode(encoding)
        except (UnicodeEncodeError, LookupError):
            # A 7-bit console (LANG=C on an old system): keep the words, lose only the odd character.
            try:
                cleaned = cleaned.encode(encoding, "replace").decode(encoding)
            except LookupError:
                cleaned = cleaned.encode("ascii", "replace").decode("ascii")
        self.stdout.write(cleaned)
        self.stdout.flush()
        self.rows_since_input += cleaned.count("\n")

    def _read_line(self) -> str:
        """One input line without its line break.

        Raises:
            EOFError: the input ended.
            Unclear: the line is too long to be an answer (it is read and dropped whole).
        """
        self.rows_since_input = 1  # the line typed stays in sight above what comes next
        buffer = getattr(self.stdin, "buffer", None)
        if buffer is not None:
            # Bytes, decoded leniently: a stray invalid byte must not end the run.
            data: bytes = buffer.readline(MAX_LINE_BYTES)
            if not data:
                raise EOFError
            if not data.endswith(b"\n") and len(data) >= MAX_LINE_BYTES:
                while (rest := buffer.readline(MAX_LINE_BYTES)) and not rest.endswith(b"\n"):
                    pass
                if self.echo:
                    self._write("(a very long line)\n")
                raise Unclear(f"the line is longer than {MAX_LINE_BYTES} bytes; no answer is that long.")
            encoding = getattr(self.stdin, "encoding", None) or "utf-8"
            try:
                line = data.decode(encoding, "replace")
            except LookupError:
                line = data.decode("utf-8", "replace")
        else:
            line = self.stdin.readline(MAX_LINE_BYTES)
            if not line:
                raise EOFError
        return line.rstrip("\r\n")


def is_terminal(stream: object) -> bool:
    """Whether a stream is a terminal; False for anything without a working ``isatty`` (closed, StringIO...)."""
    try:
        return bool(stream.isatty())  # type: ignore[attr-defined]
    except (AttributeError, ValueError, OSError):
        return False

