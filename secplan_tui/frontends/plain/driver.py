"""Plain mode's driver, shared by both plain front ends: the question-by-question loop, its commands and words.

:func:`run_flow` asks each question of the flow through a :class:`PlainUI` (line mode in
:mod:`secplan_tui.frontends.plain.lines`, questionary prompts in :mod:`secplan_tui.frontends.plain.interactive`),
saves each answer through the :class:`~secplan_tui.session.controller.SessionController` the moment it is given,
and resumes at the first unanswered question. It imports no prompt library.
"""

from __future__ import annotations

import contextlib
import re
import textwrap
from dataclasses import dataclass
from enum import Enum
from typing import Protocol

from secplan_tui.core.engine import (
    DEFAULT_LONGTEXT_LENGTH,
    DEFAULT_TEXT_LENGTH,
    DETAILS,
    ESSENTIALS,
    AnswerRejected,
    Flow,
    check_answer,
)
from secplan_tui.core.errors import InvalidInput, SecplanError
from secplan_tui.core.model import (
    DONT_KNOW,
    NOT_APPLICABLE,
    AnswerValue,
    Question,
    QuestionType,
    Section,
)
from secplan_tui.core.text import clean_text
from secplan_tui.session.controller import SessionController

EXIT_DONE = 0
"""The end of the questionnaire was reached, or the user typed ``q`` to stop."""
EXIT_EOF = 1
"""Input ended (EOF) before the end of the questionnaire; every answer given is saved."""
EXIT_INTERRUPTED = 130
"""Ctrl-C (SIGINT); every answer given is saved. 128 + SIGINT, as shells report it."""

QUESTION_ROWS = 10
"""About how many rows a question takes: a text shorter than the screen by this much needs no pause."""
MORE = "-- Press Enter for more of the briefing, or q and Enter to stop reading. "
MORE_LAST = "-- End of the briefing. Press Enter for the question. "

MAX_LINE_BYTES = 65536
"""The longest input line read; longer lines are refused (the longest answer allowed is far shorter)."""

DASH = "\u2014"


class Command(Enum):
    """What a reply asks for instead of (or besides) saving an answer."""

    HELP = "help"
    BACK = "back"
    BRIEFING = "briefing"
    """Show the exercise's briefing (a learner session); elsewhere, say there is none."""
    SKIP = "skip"
    STOP = "stop"
    KEEP = "keep"
    """Keep the current answer and go on (Enter on an answered question)."""
    NOTE = "note"
    """Set the note on the current answer (the reply's value is the note; "-" removes it)."""


@dataclass(frozen=True)
class Reply:
    """What the user said at one prompt: a command, or a value to check and save."""

    command: Command | None = None
    value: object = None
    """A choice id, a list of choice ids, a number or text as typed, or DONT_KNOW / NOT_APPLICABLE."""


@dataclass(frozen=True)
class Prompt:
    """Everything a front end needs to ask one question."""

    question: Question
    section: Section
    number: int
    """1-based position among the questions of its pass that apply now (Flow.pass_position)."""
    total: int
    """The questions of its pass that apply now."""
    current: AnswerValue | None
    """The saved answer, when the question was answered before."""
    new_section: bool
    """Whether this is the first prompt of its section in this run (show the section's intro)."""
    learner: bool = False
    """A teaching exercise (a session created with --scenario): the question's hint is shown with it."""
    briefing: bool = False
    """The exercise's briefing can be shown: ``b`` is offered."""
    pass_name: str = ""
    """"essentials" or "details" when the questionnaire is asked in two passes; "" when it has one."""
    minutes: int = 0
    """Estimated minutes left in the pass, this question included."""
    note: str = ""
    """The note on the saved answer ("" when it has none)."""

    @property
    def hint(self) -> str:
        """The hint shown with the question in a teaching exercise ("" otherwise, or when it has none)."""
        return clean_text(self.question.hint).strip() if self.learner else ""

    @property
    def header(self) -> str:
        """Section and progress: "Who is in charge — essentials: question 12 of 38, about 9 min left"."""
        where = f"{self.pass_name}: " if self.pass_name else ""
        left = f", about {self.minutes} min left" if self.minutes else ""
        return f"{clean_text(self.section.title)} {DASH} {where}question {self.number} of {self.total}{left}"


class Unclear(Exception):
    """An input line that cannot be read as an answer; the message is the one-line reason shown."""


class PlainUI(Protocol):
    """A plain front end: asks one question, and shows lines of text."""

    def say(self, text: str) -> None:
        """Show text (one or more lines); every line goes through clean_text."""
        ...

    def saved(self, question: Question, value: AnswerValue) -> None:
        """Confirm that an answer was saved."""
        ...

    def ask(self, prompt: Prompt) -> Reply:
        """Ask one question and return the reply.

        Raises:
            EOFError: input ended.
            KeyboardInterrupt: Ctrl-C.
        """
        ...

    def ask_note(self, question: Question, note: str) -> str | None:
        """Ask for the note on a question's answer (``note`` is the current one); None leaves it as it is.

        Raises:
            EOFError: input ended.
        """
        ...

    def show_briefing(self, text: str) -> None:
        """Show the exercise's briefing so that it can be read whole: a screenful at a time on a terminal.

        Raises:
            EOFError: input ended while waiting to go on.
            KeyboardInterrupt: Ctrl-C.
        """
        ...


# -- words shared by both front ends ----------------------------------------------------------------------


def describe(question: Question, value: AnswerValue, *, numbered: bool = True) -> str:
    """An answer as the user reads it: choice labels (with their numbers), the number with its unit, the text."""
    if value == DONT_KNOW:
        return "don't know"
    if value == NOT_APPLICABLE:
        return "not applicable"
    if question.type.has_choices:
        ids = question.choice_ids()
        picked = value if isinstance(value, list) else [str(value)]
        parts = []
        for cid in picked:
            choice = question.choice(cid)
            label = clean_text(choice.label) if choice else clean_text(cid)
            parts.append(f"{ids.index(cid) + 1}. {label}" if choice and numbered else label)
        return "; ".join(parts)
    if question.type is QuestionType.NUMBER:
        unit = f" {clean_text(question.unit)}" if question.unit else ""
        return f"{value}{unit}"
    text = clean_text(str(value))
    return text if len(text) <= 70 else text[:67] + "..."


def keyword_help(question: Question, *, briefing: bool = False) -> str:
    """The keywords a line-mode prompt (and a typed answer in interactive mode) accepts, as one phrase.

    Args:
        question: The question.
        briefing: Offer ``b`` for the briefing (a teaching exercise whose briefing can be shown).
    """
    parts = ["? for help"]
    if briefing:
        parts.append("b for the briefing")
    parts += ["< to go back", "s to skip"]
    if question.dont_know:
        parts.append("d for don't know")
    if question.not_applicable:
        parts.append("na for not applicable")
    parts.append("q to stop")
    return ", ".join(parts)


def how_to_answer(question: Question, *, has_current: bool, one_line: bool = True, briefing: bool = False) -> str:
    """The line saying what to type: "Type a number (1-3), ? for help, < to go back, ... q to stop.".

    Args:
        question: The question.
        has_current: Whether it has a saved answer (Enter keeps it).
        one_line: Line mode, where even long text is one input line.
        briefing: Offer ``b`` for the briefing.
    """
    kind = question.type
    n = len(question.choices)
    if kind in (QuestionType.SINGLE, QuestionType.YESNO):
        what = f"Type a number (1-{n})"
    elif kind is QuestionType.MULTI:
        what = f"Type one or more numbers (1-{n}) separated by commas"
    elif kind is QuestionType.NUMBER:
        what = "Type a whole number" if question.integer else "Type a number"
        low, high = question.minimum, question.maximum
        if low is not None and high is not None:
            what += f" from {_fmt(low)} to {_fmt(high)}"
        elif low is not None:
            what += f" of at least {_fmt(low)}"
        elif high is not None:
            what += f" of at most {_fmt(high)}"
    else:
        default = DEFAULT_LONGTEXT_LENGTH if kind is QuestionType.LONGTEXT else DEFAULT_TEXT_LENGTH
        limit = question.max_length or default
        if one_line:
            what = f"Type your answer on one line (at most {limit} characters)"
        elif kind is QuestionType.LONGTEXT:
            what = f"Type your answer (at most {limit} characters; Esc then Enter to finish)"
        else:
            what = f"Type your answer (at most {limit} characters)"
    if has_current:
        what += ", Enter to keep the current answer" if one_line else ", leave it empty to keep the current answer"
    return f"{what}, {keyword_help(question, briefing=briefing)}."


def help_text(question: Question, *, briefing: bool = False) -> str:
    """What ``?`` shows: why the question matters, the hint, where the facts are, what "don't know" leads to.

    Args:
        question: The question.
        briefing: A teaching exercise whose briefing can be shown (say that ``b`` shows it).
    """
    lines = [f"Why this matters: {clean_text(question.why).strip()}"]
    if question.hint.strip():
        lines.append(f"Hint: {clean_text(question.hint).strip()}")
    if briefing:
        lines.append("The facts to answer from are in the briefing: type b to read it again.")
    if question.dont_know:
        lines.append("If you don't know, say so: the plan turns every \"don't know\" into a task to find out.")
    if question.type in (QuestionType.TEXT, QuestionType.LONGTEXT):
        lines.append("To give one of the keywords (such as < or q) as your answer, start the line with \\.")
    lines.append("To note why you gave your answer (who told you, a caveat), type note and the note, as in: "
                 "note Checked with Sam. note - removes it.")
    return "\n".join(lines)


def user_message(exc: InvalidInput, question: Question) -> str:
    """The engine's reason in the owner's words, with no id (the user is looking at the question)."""
    if isinstance(exc, AnswerRejected):
        reason = clean_text(exc.reason)
        return reason[:1].lower() + reason[1:]  # it follows "Not accepted: "
    text = clean_text(exc.message.replace(f"question '{question.id}'", "this question")).rstrip(".")
    return text + "."


def question_place(flow: Flow, question: Question) -> str:
    """Where a question stands, for messages: 'question 12 of 38 in the essentials ("How many people…")'."""
    number, total = flow.pass_position(question.id)
    text = " ".join(clean_text(question.text).split())
    text = text if len(text) <= 40 else text[:39].rstrip() + "\u2026"
    where = f" in the {flow.pass_of(question)}" if flow.has_essentials else ""
    return f'question {number} of {total}{where} ("{text}")' if number else f'the question "{text}"'


def first_pass_done(flow: Flow, session_id: str, command: str) -> str:
    """What plain mode says after the last essential question: the first plan is ready, the details follow."""
    answered, total = flow.pass_counts(ESSENTIALS)
    details = len(flow.pass_questions(DETAILS))
    skipped = total - answered
    gap = f" ({skipped} skipped: answer them with `{command} ask {session_id}` later)" if skipped else ""
    return (
        f"First pass done: {answered} of {total} essential questions answered{gap}.\n"
        f"Your first plan is ready; print it with `{command} plan {session_id} -o plan.md` "
        "(it says \"first pass\").\n"
        f"The details come next, domain by domain: {details} questions, about {flow.minutes_left(DETAILS)} min. "
        "Type q at any question to stop; everything is saved."
    )


def saved_count(n: int) -> str:
    """ "1 answer is saved" / "12 answers are saved"."""
    return "1 answer is saved" if n == 1 else f"{n} answers are saved"


_COMMAND = re.compile(r"`[^`]*`")
_CHOICE_LINE = re.compile(r"( *\d+\. )")


def wrap(text: str, width: int) -> str:
    """Clean text and fold each line at word breaks to ``width`` columns, for a terminal.

    A numbered choice continues under its label, and a `command` is never split, so it can be copied whole.
    """
    lines: list[str] = []
    for line in text.split("\n"):
        # NUL cannot survive clean_text, so it is free to glue a command's words together.
        glued = _COMMAND.sub(lambda m: m.group().replace(" ", "\0"), clean_text(line))
        number = _CHOICE_LINE.match(glued)
        indent = " " * len(number.group(1)) if number else ""
        parts = textwrap.wrap(
            glued, max(20, width), subsequent_indent=indent, break_on_hyphens=False, break_long_words=False
        )
        parts = parts or [""]
        parts[-1] += glued[len(glued.rstrip(" ")):]  # keep the space after a prompt such as "Answer: "
        lines.extend(part.replace("\0", " ") for part in parts)
    return "\n".join(lines)


def screenfuls(lines: list[str], rows: int, above: int = 0) -> list[list[str]]:
    """Lines cut into pages that each fit a terminal of ``rows`` rows with one row left for "press Enter".

    A page ends at a paragraph break (a blank line) when one falls in its last third, so that a heading and its
    list, or a short paragraph, are not split across two screens.

    Args:
        lines: The lines, already folded to the terminal's width.
        rows: The terminal's height.
        above: Rows on the screen to keep in sight above the first page.
    """
    pages: list[list[str]] = []
    start, size = 0, max(rows - 2 - above, 5)
    while start < len(lines):
        end = start + size
        if end < len(lines):
            breaks = [i for i in range(end - size // 3, end) if not lines[i].strip() and i > start]
            end = breaks[-1] + 1 if breaks else end
        pages.append(lines[start:end])
        start, size = end, max(rows - 2, 5)
    return pages


def _fmt(x: float) -> str:
    return str(int(x)) if float(x).is_integer() else str(x)


def note_line(note: str) -> str:
    """A note as shown in plain mode: cleaned, on one line."""
    return " ".join(clean_text(note).split())


# -- the driver -------------------------------------------------------------------------------------------


def run_flow(controller: SessionController, ui: PlainUI, *, command: str = "secplan") -> int:
    """Ask the session's questions from the first unanswered one, saving each answer the moment it is given.

    Args:
        controller: The session; every save goes through it (checked, durable, progress and status updated).
        ui: The front end that asks and shows.
        command: How the user runs secplan on this workspace, for the commands suggested.

    Returns:
        EXIT_DONE at the end or when the user stops; EXIT_EOF when input ends; EXIT_INTERRUPTED on Ctrl-C.
    """
    session_id = controller.session_id
    go_on = f"run `{command} ask {session_id}` to go on."
    questionnaire = controller.questionnaire
    current = controller.resume_point()
    answered, total = controller.flow.counts()
    exercise = Exercise.of(controller)
    keys = "Type ? at any question for help, b for the briefing, q to stop." if exercise.briefing else (
        "Type ? at any question for help, q to stop."
    )
    ui.say(
        f"{clean_text(controller.meta.name)} ({session_id}): {clean_text(questionnaire.title)}, "
        f"version {clean_text(questionnaire.version)}.\n"
        f"Every answer is saved as soon as you give it. {keys}"
    )
    if exercise.problem:
        ui.say(f"The briefing cannot be shown: {exercise.problem}. You can still answer; tell your trainer.")
    if current is None:
        ui.say(f"All {total} questions are answered. Compile the plan with `{command} plan {session_id}`.")
        return EXIT_DONE
    if answered:
        ui.say(f"Carrying on where you left off: {saved_count(answered)}.")
    last_section: str | None = None
    try:
        if exercise.briefing and not answered:
            # A new learner needs the facts before the first question (which asks the organisation's name);
            # someone carrying on has read it and can type b.
            ui.say("This is a teaching exercise. Read the briefing first: every answer comes from its facts.")
            ui.show_briefing(exercise.briefing)
        elif exercise.briefing:
            ui.say(f"This is a teaching exercise on {exercise.title}: type b at any question to read the "
                   "briefing again.")
        while current is not None:
            flow = controller.flow
            number, total = flow.pass_position(current.id)
            pass_name = flow.pass_of(current) if flow.has_essentials else ""
            # The loader guarantees the section exists; the fallback only keeps the types honest.
            section = questionnaire.section(current.section) or Section(current.section, current.section, "", ())
            prompt = Prompt(
                question=current,
                section=section,
                number=number,
                total=total,
                pass_name=pass_name,
                minutes=flow.minutes_left(flow.pass_of(current)),
                current=flow.answers.get(current.id) if flow.is_visible(current.id) else None,
                note=controller.answer_notes.get(current.id, "") if current.id in flow.answers else "",
                new_section=current.section != last_section,
                learner=exercise.learner,
                briefing=bool(exercise.briefing),
            )
            last_section = current.section
            reply = ui.ask(prompt)
            if reply.command is Command.HELP:
                ui.say(help_text(current, briefing=bool(exercise.briefing)))
                continue
            if reply.command is Command.BRIEFING:
                if exercise.briefing:
                    ui.show_briefing(exercise.briefing)
                elif exercise.learner:
                    ui.say(f"The briefing cannot be shown: {exercise.problem}.")
                else:
                    ui.say("There is no briefing: this is not a teaching exercise. To go back, type <.")
                continue
            if reply.command is Command.BACK:
                before = flow.previous_question(current.id)
                if before is None:
                    ui.say("This is the first question; there is nothing to go back to.")
                else:
                    current = before
                continue
            if reply.command in (Command.SKIP, Command.KEEP):
                current = _next(controller, ui, current, session_id, command)
                continue
            if reply.command is Command.NOTE:
                text = reply.value
                if text is None:  # picked from a list: ask for the words
                    if current.id not in controller.answers:
                        ui.say("Answer the question first: a note is kept with its answer.")
                        continue
                    text = ui.ask_note(current, controller.answer_notes.get(current.id, ""))
                    if text is None:
                        continue
                ui.say(_set_note(controller, current, str(text)))
                continue
            if reply.command is Command.STOP:
                ui.say(f"Stopped. {saved_count(controller.flow.counts()[0])}; {go_on}")
                return EXIT_DONE
            try:
                value = check_answer(current, reply.value)
                if value != prompt.current:
                    value = controller.answer(current.id, reply.value)
            except InvalidInput as exc:
                ui.say(f"Not accepted: {user_message(exc, current)}")
                continue
            except SecplanError as exc:
                ui.say(f"Not saved: {clean_text(exc.title)}: {clean_text(exc.message)}")
                continue
            ui.saved(current, value)
            current = _next(controller, ui, current, session_id, command)
    except EOFError:
        where = question_place(controller.flow, current) if current else "the end"
        # current is never None here (the loop stops first); the fallback keeps the message whole regardless.
        ui.say(f"Input ended at {where}. {saved_count(_answered_now(controller))}; {go_on}")
        return EXIT_EOF
    except KeyboardInterrupt:
        ui.say(f"Stopped. {saved_count(_answered_now(controller))}; {go_on}")
        return EXIT_INTERRUPTED
    answered, total = controller.flow.counts()
    flow = controller.flow
    missing = [question_place(flow, q) for q in flow.asking_order() if q.id not in flow.effective_answers()]
    if not missing:
        ui.say(f"All {total} questions are answered and saved. "
               f"Compile the plan with `{command} plan {session_id} -o plan.md`.")
    else:
        shown = "; ".join(missing[:3]) + ("; ..." if len(missing) > 3 else "")
        ui.say(f"You reached the end. {saved_count(answered)}; {len(missing)} skipped "
               f"({shown}). To answer them, {go_on.removesuffix(' to go on.')}.")
    return EXIT_DONE


def _set_note(controller: SessionController, question: Question, text: str) -> str:
    """Save the note on a question's answer (``-`` removes it); returns what to say."""
    current = controller.answers.get(question.id)
    if current is None or not controller.flow.is_visible(question.id):
        return "Answer the question first: a note is kept with its answer."
    note = "" if text.strip() == "-" else note_line(text)
    try:
        controller.answer(question.id, current, note=note)
    except SecplanError as exc:
        return f"Note not saved: {clean_text(exc.message)}"
    return f"Note saved: {note}" if note else "Note removed."


def _next(controller: SessionController, ui: PlainUI, current: Question, session_id: str, command: str
          ) -> Question | None:
    """The question after ``current``; crossing from the essentials to the details, say the first pass is done."""
    flow = controller.flow
    following = flow.next_question(current.id)
    if current.essential and (following is None or not following.essential) and flow.has_essentials \
            and following is not None:
        ui.say(first_pass_done(flow, session_id, command))
    return following


@dataclass(frozen=True)
class Exercise:
    """What plain mode knows of a session's teaching exercise."""

    learner: bool = False
    """The session was created on a scenario (``secplan new NAME --scenario ID``)."""
    title: str = ""
    """The scenario's title, cleaned for the terminal."""
    briefing: str = ""
    """The briefing as plain text; empty when not a learner session or when it cannot be loaded."""
    problem: str = ""
    """Why the briefing cannot be shown (one line, naming file:line), for a learner session."""

    @classmethod
    def of(cls, controller: SessionController) -> Exercise:
        """Load the exercise of a session; a missing or broken scenario is noted, never raised."""
        scenario_id = controller.meta.scenario
        if scenario_id is None:
            return cls()
        from secplan_tui.teaching.scenario import briefing_text, session_scenario  # only learner sessions need it

        try:
            scenario = session_scenario(scenario_id)
        except SecplanError as exc:
            return cls(learner=True, problem=clean_text(exc.message).rstrip("."))
        return cls(learner=True, title=clean_text(scenario.title), briefing=briefing_text(scenario).rstrip("\n"))


def _answered_now(controller: SessionController) -> int:
    """Answers on disk now; a Ctrl-C may land between the store's write and the controller's update."""
    # If the store cannot be read now, the last count known stays true for everything before it.
    with contextlib.suppress(SecplanError):
        controller.reload()
    return controller.flow.counts()[0]
