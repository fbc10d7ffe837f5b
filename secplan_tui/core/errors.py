"""The error family for everything a user can cause, and the catalogues of problem codes with their templates.

Callers and tests tell errors apart by class, never by their words: every error a user can cause is a
:class:`SecplanError`, and the front ends report its ``title`` and ``message`` at the edge. The classes::

    SecplanError                      a runtime failure the user can act on (exit code 1)
        StoreError                    a session's files could not be used
            SessionUnreadable         a session file is damaged (moved aside) or not a session
            SessionTooNew             written by a newer secplan
            WriteFailed               a write did not complete (disk full, permissions); nothing half-written
            StoreBusy                 another process held the session too long
        NotPermitted                  the change is not this user's to make (a classroom's rules)
        InvalidInput                  bad usage or invalid input (exit code 2)
            NotFound                  no session, question, action, snapshot, scenario or file of that name
            Ambiguous                 a name matches several
            AlreadyExists             the name is taken
            QuestionnaireInvalid      a questionnaire file has errors (carries every Problem)

Problems in questionnaire and scenario files are catalogued: each :class:`MessageCode` member has a name that
says what it is (``Code.UNKNOWN_QUESTION``) and a number that users see and search for (``E121``).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum


class SecplanError(Exception):
    """An error a user can cause and act on; the CLI and TUI report it at the edge.

    Args:
        title: A short name of what went wrong ("Session not found"), shown as a heading.
        message: What happened, where, and what to do about it.
        exit_code: 2 for bad usage or invalid input, 1 for a runtime failure; the class's own by default.
    """

    exit_code: int = 1

    def __init__(self, title: str, message: str, exit_code: int | None = None) -> None:
        super().__init__(f"{title}: {message}")
        self.title = title
        self.message = message
        if exit_code is not None:
            self.exit_code = exit_code


class StoreError(SecplanError):
    """A session's files could not be used: read, written, upgraded or locked."""


class SessionUnreadable(StoreError):
    """A session file is damaged or not a session file; a damaged one has been moved aside."""


class SessionTooNew(StoreError):
    """A session file was written by a newer secplan, whose format this one does not know."""


class WriteFailed(StoreError):
    """A write did not complete (disk full, no permission, read-only file system); the old content stands."""


class StoreBusy(StoreError):
    """Another process held the session (or the workspace) for longer than the wait allows."""


class NotPermitted(SecplanError):
    """The change is not this user's to make, e.g. another learner's session in a classroom."""


class InvalidInput(SecplanError):
    """Bad usage or invalid input: exit code 2."""

    exit_code = 2


class NotFound(InvalidInput):
    """Nothing of that name: a session, question, action, snapshot, scenario, questionnaire or file."""


class Ambiguous(InvalidInput):
    """A name that matches several things; the message lists them."""


class AlreadyExists(InvalidInput):
    """The name is taken (a session name, ignoring case)."""


class Severity(Enum):
    """How bad a questionnaire problem is."""

    ERROR = "error"
    WARNING = "warning"


class MessageCode(Enum):
    """A catalogue of problem codes: each member is named for what it means, and its value is
    (number, severity, message template); the number (``E121``) is what users see."""

    @property
    def number(self) -> str:
        """The code users see and search for, e.g. ``E121``."""
        return self.value[0]  # type: ignore[no-any-return]

    @property
    def severity(self) -> Severity:
        """Whether this code is an error or a warning."""
        return self.value[1]  # type: ignore[no-any-return]

    @property
    def template(self) -> str:
        """The message template, formatted with keyword arguments."""
        return self.value[2]  # type: ignore[no-any-return]


class Code(MessageCode):
    """The catalogue of questionnaire problems: code, severity and message template.

    Templates are formatted with keyword arguments; every code names the id it concerns.
    """

    # file level
    FILE_UNREADABLE = ("E100", Severity.ERROR, "cannot read file: {reason}")
    NOT_UTF8 = ("E101", Severity.ERROR, "file is not valid UTF-8 (bad byte at offset {offset}); save it as UTF-8")
    FILE_EMPTY = ("E102", Severity.ERROR, "file is empty; a questionnaire needs id, version, title and sections")
    YAML_SYNTAX = ("E103", Severity.ERROR, "YAML syntax error: {reason}")
    UNSAFE_TAG = ("E104", Severity.ERROR, "unsafe or unknown YAML tag {tag}; only plain YAML is allowed")
    FILE_TOO_LARGE = ("E105", Severity.ERROR, "file is too large ({size} bytes, limit {limit})")
    NESTED_TOO_DEEP = ("E106", Severity.ERROR, "nesting is too deep (more than {limit} levels)")
    ALIAS_OR_ANCHOR = ("E107", Severity.ERROR, "YAML aliases and anchors are not allowed (&{name} / *{name})")
    # structure
    WRONG_TYPE = ("E110", Severity.ERROR, "{where}: expected {expected}, found {found}")
    MISSING_FIELD = ("E111", Severity.ERROR, "{where}: missing required field '{field}'")
    UNKNOWN_FIELD = ("E112", Severity.ERROR, "{where}: unknown field '{field}'{suggestion}")
    BAD_ID = ("E113", Severity.ERROR, "{where}: '{value}' is not a valid id (lower-case letters, digits, _ and dots)")
    UNKNOWN_VALUE = ("E114", Severity.ERROR,
        "{where}: unknown value '{value}' for '{field}'; expected one of {allowed}")
    # ids and references
    DUPLICATE_ID = ("E120", Severity.ERROR, "duplicate id '{id}' (first defined at line {first_line})")
    UNKNOWN_QUESTION = ("E121", Severity.ERROR, "{where}: unknown question id '{id}' in condition{suggestion}")
    UNKNOWN_CHOICE = ("E122", Severity.ERROR, "{where}: unknown choice '{choice}' for question '{id}'{suggestion}")
    TYPE_MISMATCH = ("E123", Severity.ERROR, "{where}: type mismatch: {reason}")
    CONDITION_SYNTAX = ("E124", Severity.ERROR, "{where}: condition syntax error: {reason}")
    CONDITION_CYCLE = ("E125", Severity.ERROR, "{where}: conditions form a cycle: {cycle}")
    QUESTION_NEVER_SHOWN = ("E126", Severity.ERROR, "question '{id}' can never be shown: {reason}")
    ACTION_NEVER_TRIGGERS = ("E127", Severity.ERROR, "action '{id}' can never trigger: {reason}")
    UNKNOWN_ROLE = ("E128", Severity.ERROR, "{where}: unknown role '{role}'{suggestion}")
    UNKNOWN_CONTROL_REF = ("E129", Severity.ERROR, "{where}: unknown control reference '{ref}'{suggestion}")
    NO_WHY = ("E130", Severity.ERROR, "question '{id}' has no help text ('why' is required)")
    BAD_QUESTION = ("E131", Severity.ERROR, "question '{id}': {reason}")
    ASKED_TOO_LATE = ("E132", Severity.ERROR,
        "{where}: condition refers to '{id}', which is not asked before this point")
    UNKNOWN_ACTION = ("E134", Severity.ERROR, "{where}: unknown action id '{id}'{suggestion}")
    AFTER_CYCLE = ("E135", Severity.ERROR,
        "{where}: actions wait for each other in a cycle: {cycle}; remove one 'after'")
    BAD_PLANNING = ("E136", Severity.ERROR, "{where}: {reason}")
    # warnings
    NO_HINT = ("W200", Severity.WARNING, "question '{id}' has no hint for learners")
    NO_DONT_KNOW = ("W201", Severity.WARNING, "question '{id}' offers no 'don't know' answer")
    NO_CONTROL_REFS = ("W202", Severity.WARNING, "action '{id}' has no control references")
    ALWAYS_TRUE = ("W203", Severity.WARNING, "{where}: condition is always true; remove it")
    UNUSED_QUESTION = ("W204", Severity.WARNING,
        "question '{id}' is never used by a condition, an action or the maturity score")
    NO_DISCOVER = ("W205", Severity.WARNING,
        "question '{id}' allows 'don't know' but says nothing about how to find out")
    TEXT_TOO_LONG = ("W206", Severity.WARNING, "{where}: text is longer than {limit} words ({words})")
    ID_OUTSIDE_SECTION = ("W207", Severity.WARNING, "question '{id}' should start with its section's id '{section}.'")
    EFFORT_AS_SIZE = ("W208", Severity.WARNING, "action '{id}': effort '{size}' is a size; give person-hours instead, "
                              "e.g. effort: [{low}, {high}]")
    NO_SKILL = ("W209", Severity.WARNING, "action '{id}' has no 'skill' (anyone, technical or specialist); "
                              "'anyone' is assumed")


@dataclass(frozen=True, order=True)
class Problem:
    """One problem found in a questionnaire file, reported as ``FILE:LINE: CODE message``."""

    file: str
    """The file, as the user named it."""
    line: int
    """1-based line number; 0 when the problem concerns the whole file."""
    code: str
    """The catalogue number, e.g. ``E121`` (the member is ``Code.UNKNOWN_QUESTION``)."""
    message: str
    """The formatted message."""
    severity: Severity = Severity.ERROR
    """Error or warning."""

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.code} {self.message}"


def problem(code: MessageCode, file: str, line: int, **kwargs: object) -> Problem:
    """Build a Problem from a catalogue code and the template's arguments."""
    return Problem(file, line, code.number, code.template.format(**kwargs), code.severity)


class QuestionnaireInvalid(InvalidInput):
    """A questionnaire file has errors; carries every problem found."""

    def __init__(self, problems: list[Problem]) -> None:
        errors = [p for p in problems if p.severity is Severity.ERROR]
        lines = "\n".join(str(p) for p in errors[:20])
        more = f"\n... and {len(errors) - 20} more" if len(errors) > 20 else ""
        super().__init__(
            "Invalid questionnaire",
            f"{lines}{more}\nRun `secplan validate FILE` to see every problem.",
        )
        self.problems = problems
