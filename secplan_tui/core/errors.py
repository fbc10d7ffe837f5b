"""One root error for everything a user can cause, and the catalogue of problem codes with their templates."""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum


class SecplanError(Exception):
    """An error a user can cause and act on; the CLI and TUI report it at the edge.

    Args:
        title: A short name of what went wrong ("Session not found").
        message: What happened, where, and what to do about it.
        exit_code: 2 for bad usage or invalid input, 1 for a runtime failure.
    """

    def __init__(self, title: str, message: str, exit_code: int = 1) -> None:
        super().__init__(f"{title}: {message}")
        self.title = title
        self.message = message
        self.exit_code = exit_code


class InvalidInput(SecplanError):
    """Bad usage or invalid input: exit code 2."""

    def __init__(self, title: str, message: str) -> None:
        super().__init__(title, message, exit_code=2)


class Severity(Enum):
    """How bad a questionnaire problem is."""

    ERROR = "error"
    WARNING = "warning"


class MessageCode(Enum):
    """A catalogue of problem codes: each member's value is (severity, message template)."""

    @property
    def severity(self) -> Severity:
        """Whether this code is an error or a warning."""
        return self.value[0]  # type: ignore[no-any-return]

    @property
    def template(self) -> str:
        """The message template, formatted with keyword arguments."""
        return self.value[1]  # type: ignore[no-any-return]


class Code(MessageCode):
    """The catalogue of questionnaire problems: code, severity and message template.

    Templates are formatted with keyword arguments; every code names the id it concerns.
    """

    # file level
    E100 = (Severity.ERROR, "cannot read file: {reason}")
    E101 = (Severity.ERROR, "file is not valid UTF-8 (bad byte at offset {offset}); save it as UTF-8")
    E102 = (Severity.ERROR, "file is empty; a questionnaire needs id, version, title and sections")
    E103 = (Severity.ERROR, "YAML syntax error: {reason}")
    E104 = (Severity.ERROR, "unsafe or unknown YAML tag {tag}; only plain YAML is allowed")
    E105 = (Severity.ERROR, "file is too large ({size} bytes, limit {limit})")
    E106 = (Severity.ERROR, "nesting is too deep (more than {limit} levels)")
    E107 = (Severity.ERROR, "YAML aliases and anchors are not allowed (&{name} / *{name})")
    # structure
    E110 = (Severity.ERROR, "{where}: expected {expected}, found {found}")
    E111 = (Severity.ERROR, "{where}: missing required field '{field}'")
    E112 = (Severity.ERROR, "{where}: unknown field '{field}'{suggestion}")
    E113 = (Severity.ERROR, "{where}: '{value}' is not a valid id (lower-case letters, digits, _ and dots)")
    E114 = (Severity.ERROR, "{where}: unknown value '{value}' for '{field}'; expected one of {allowed}")
    # ids and references
    E120 = (Severity.ERROR, "duplicate id '{id}' (first defined at line {first_line})")
    E121 = (Severity.ERROR, "{where}: unknown question id '{id}' in condition{suggestion}")
    E122 = (Severity.ERROR, "{where}: unknown choice '{choice}' for question '{id}'{suggestion}")
    E123 = (Severity.ERROR, "{where}: type mismatch: {reason}")
    E124 = (Severity.ERROR, "{where}: condition syntax error: {reason}")
    E125 = (Severity.ERROR, "{where}: conditions form a cycle: {cycle}")
    E126 = (Severity.ERROR, "question '{id}' can never be shown: {reason}")
    E127 = (Severity.ERROR, "action '{id}' can never trigger: {reason}")
    E128 = (Severity.ERROR, "{where}: unknown role '{role}'{suggestion}")
    E129 = (Severity.ERROR, "{where}: unknown control reference '{ref}'{suggestion}")
    E130 = (Severity.ERROR, "question '{id}' has no help text ('why' is required)")
    E131 = (Severity.ERROR, "question '{id}': {reason}")
    E132 = (Severity.ERROR, "{where}: condition refers to '{id}', which is not asked before this point")
    E134 = (Severity.ERROR, "{where}: unknown action id '{id}'{suggestion}")
    E135 = (Severity.ERROR, "{where}: actions wait for each other in a cycle: {cycle}; remove one 'after'")
    E136 = (Severity.ERROR, "{where}: {reason}")
    # warnings
    W200 = (Severity.WARNING, "question '{id}' has no hint for learners")
    W201 = (Severity.WARNING, "question '{id}' offers no 'don't know' answer")
    W202 = (Severity.WARNING, "action '{id}' has no control references")
    W203 = (Severity.WARNING, "{where}: condition is always true; remove it")
    W204 = (Severity.WARNING, "question '{id}' is never used by a condition, an action or the maturity score")
    W205 = (Severity.WARNING, "question '{id}' allows 'don't know' but says nothing about how to find out")
    W206 = (Severity.WARNING, "{where}: text is longer than {limit} words ({words})")
    W207 = (Severity.WARNING, "question '{id}' should start with its section's id '{section}.'")
    W208 = (Severity.WARNING, "action '{id}': effort '{size}' is a size; give person-hours instead, "
                              "e.g. effort: [{low}, {high}]")
    W209 = (Severity.WARNING, "action '{id}' has no 'skill' (anyone, technical or specialist); "
                              "'anyone' is assumed")


@dataclass(frozen=True, order=True)
class Problem:
    """One problem found in a questionnaire file, reported as ``FILE:LINE: CODE message``."""

    file: str
    """The file, as the user named it."""
    line: int
    """1-based line number; 0 when the problem concerns the whole file."""
    code: str
    """The catalogue code, e.g. ``E121``."""
    message: str
    """The formatted message."""
    severity: Severity = Severity.ERROR
    """Error or warning."""

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.code} {self.message}"


def problem(code: MessageCode, file: str, line: int, **kwargs: object) -> Problem:
    """Build a Problem from a catalogue code and the template's arguments."""
    return Problem(file, line, code.name, code.template.format(**kwargs), code.severity)


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
