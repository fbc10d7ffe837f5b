"""Teaching scenarios: fictional organisations with a briefing and model answers, loaded and checked with file:line.

A scenario is one YAML file in a scenarios folder (``questionnaires/scenarios/`` for the bundled ones; the format
is described in ``questionnaires/scenarios/README.md``)::

    id: bike_shop                        # the scenario's id; learners start with `secplan new NAME --scenario ID`
    title: Penrose Cycles
    questionnaire: iso22342              # the questionnaire id the model answers belong to
    version: "1.0"                       # the questionnaire version they were written for
    organisation: Penrose Cycles
    briefing: |                          # 150-400 words, as the organisation would describe itself
      ...
    objectives: [...]                    # what a learner should take away
    model_answers:                       # question id: value, as in an answers file
      profile.sector: retail
    reasoning:                           # question id: why the model answers so (for the answers that matter)
      profile.sector: ...
    accepted:                            # optional: other answers that count as agreeing, for judgement calls
      cyber.firewall: ["no", dont_know]
    teaching_notes: |                    # for the trainer
      ...

Every problem is collected and reported as ``FILE:LINE: CODE message`` with the codes of :class:`ScenarioCode`
(``S3xx``; file-level problems such as YAML syntax errors keep the questionnaire codes ``E10x``).

Where scenario files are, and which file has an id, is the catalogue's to say (``core.catalogue``:
``scenario_dirs``, ``scenario_files``, ``scenario_entries``, ``find_scenario``); this module reads and checks the
file it names, and gives a learner session its scenario and briefing.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from secplan_tui.core import catalogue

# Listed by the catalogue; importable from here too for callers that look for them beside the scenarios.
from secplan_tui.core.engine import Flow, check_answer
from secplan_tui.core.errors import (
    InvalidInput,
    MessageCode,
    NotFound,
    Problem,
    QuestionnaireInvalid,
    Severity,
    problem,
)
from secplan_tui.core.loader import ID_PATTERN
from secplan_tui.core.model import AnswerValue, Questionnaire, QuestionType
from secplan_tui.core.text import clean_text
from secplan_tui.core.yaml_reader import YList, YMap, describe_value, read_yaml
from secplan_tui.plan.compile import ORG_NAME_IDS
from secplan_tui.plan.escape import md_inline

if TYPE_CHECKING:
    from secplan_tui.store import SessionMeta

BRIEFING_WORDS: tuple[int, int] = (150, 400)
"""The shortest and the longest briefing, in words: enough facts to answer from, short enough to read in class."""

REASONING_WORD_LIMIT = 80
"""A reasoning longer than this gets a warning: it is a short note, not an essay."""

SCENARIO_FIELDS: tuple[str, ...] = (
    "id",
    "title",
    "questionnaire",
    "version",
    "organisation",
    "briefing",
    "objectives",
    "model_answers",
    "reasoning",
    "accepted",
    "teaching_notes",
)
"""Every field of a scenario file, in the order the README describes them."""

OPTIONAL_FIELDS: tuple[str, ...] = ("accepted",)
"""Fields a scenario may leave out; every other field is required."""

_SCENARIO_MARKER = re.compile(r"^(model_answers|briefing)\s*:", re.MULTILINE)


class ScenarioCode(MessageCode):
    """The catalogue of scenario problems: code, severity and message template (``S3xx``)."""

    # structure
    MISSING_FIELD = ("S300", Severity.ERROR, "{where}: missing required field '{field}'")
    UNKNOWN_FIELD = ("S301", Severity.ERROR, "{where}: unknown field '{field}'{suggestion}")
    WRONG_TYPE = ("S302", Severity.ERROR, "{where}: expected {expected}, found {found}")
    BAD_ID = ("S303", Severity.ERROR, "'{value}' is not a valid scenario id (lower-case letters, digits, _ and dots)")
    # the questionnaire
    UNKNOWN_QUESTIONNAIRE = ("S304", Severity.ERROR, "unknown questionnaire '{id}'{suggestion}")
    QUESTIONNAIRE_HAS_ERRORS = ("S305", Severity.ERROR,
        "questionnaire '{id}' has errors, so the model answers cannot be checked; "
                            "run `secplan validate {path}`")
    OLD_VERSION = ("S306", Severity.WARNING,
        "the model answers were written for version {version} of '{id}', which is now "
                              "version {current}; check them and update 'version'")
    # model answers
    MODEL_UNKNOWN_QUESTION = ("S310", Severity.ERROR, "model answer to unknown question '{id}'{suggestion}")
    MODEL_INVALID = ("S311", Severity.ERROR, "invalid model answer for '{id}': {reason}")
    MODEL_LEAVES_UNANSWERED = ("S312", Severity.ERROR,
        "the model answers leave question '{id}' unanswered, though a learner following "
                            "them is asked it; add a model answer (dont_know is allowed)")
    MODEL_HIDDEN = ("S313", Severity.WARNING,
        "model answer to '{id}', which the other model answers hide: learners never see "
                              "it and it takes no part in the check; remove it")
    # reasoning
    REASONING_UNKNOWN_QUESTION = ("S320", Severity.ERROR, "reasoning for unknown question '{id}'{suggestion}")
    REASONING_NOT_ANSWERED = ("S321", Severity.ERROR,
        "reasoning for '{id}', which the model answers do not answer{detail}")
    REASONING_TOO_LONG = ("S322", Severity.WARNING,
        "reasoning for '{id}' is longer than {limit} words ({words}); keep it short")
    # accepted alternatives
    ACCEPTED_UNKNOWN_QUESTION = ("S325", Severity.ERROR, "accepted answers for unknown question '{id}'{suggestion}")
    ACCEPTED_INVALID = ("S326", Severity.ERROR, "invalid accepted answer for '{id}': {reason}")
    ACCEPTED_NOT_ANSWERED = ("S327", Severity.ERROR,
        "accepted answers for '{id}', which the model answers do not answer{detail}")
    ACCEPTED_IS_MODEL = ("S328", Severity.WARNING, "accepted answer for '{id}' is the model answer itself; remove it")
    # texts
    BRIEFING_LENGTH = ("S330", Severity.ERROR, "the briefing has {words} words; write between {low} and {high}")
    EMPTY_TEXT = ("S331", Severity.ERROR, "{where}: the text is empty")
    ORGANISATION_MISMATCH = ("S332", Severity.WARNING,
        "organisation '{organisation}' does not match the model answer to '{id}' "
                              "('{answer}')")


@dataclass(frozen=True)
class Scenario:
    """A teaching scenario: a fictional organisation, its briefing and the model answers to one questionnaire."""

    id: str
    """Stable id; learner sessions keep it in their metadata."""
    title: str
    """A short title for lists."""
    questionnaire_id: str
    """The questionnaire the model answers belong to."""
    questionnaire_version: str
    """The questionnaire version the model answers were written for."""
    organisation: str
    """The fictional organisation's name."""
    briefing: str
    """What the organisation says about itself: the facts a learner finds and uses (150-400 words)."""
    objectives: tuple[str, ...]
    """What a learner should take away."""
    model_answers: Mapping[str, AnswerValue] = field(hash=False)
    """The model answers by question id, checked and in stored form (every visible question answered)."""
    reasoning: Mapping[str, str] = field(hash=False)
    """Why the model answers so, by question id, for the answers that matter."""
    teaching_notes: str
    """Notes for the trainer: what learners get wrong, what to discuss."""
    accepted: Mapping[str, tuple[AnswerValue, ...]] = field(default_factory=dict, hash=False)
    """Other answers that count as agreeing with the model, by question id (judgement calls the briefing leaves
    open); they change the answer agreement only, never the model plan."""
    path: str = field(default="", compare=False)
    """The file it was loaded from."""


class ScenarioInvalid(InvalidInput):
    """A scenario file has errors; carries every problem found."""

    def __init__(self, problems: list[Problem]) -> None:
        errors = [p for p in problems if p.severity is Severity.ERROR]
        lines = "\n".join(clean_text(str(p)) for p in errors[:20])
        more = f"\n... and {len(errors) - 20} more" if len(errors) > 20 else ""
        super().__init__("Invalid scenario", f"{lines}{more}\nRun `secplan validate FILE` to see every problem.")
        self.problems = problems


def is_scenario_file(path: str | Path) -> bool:
    """Whether a YAML file is a scenario rather than a questionnaire: it has a top-level ``briefing`` or
    ``model_answers`` key. Decided on the text, so a scenario with a YAML error is still recognised."""
    try:
        with open(path, "rb") as fh:
            head = fh.read(200_000).decode("utf-8", errors="replace")
    except OSError:
        return False
    return _SCENARIO_MARKER.search(head) is not None


# ------------------------------------------------------------------------------------------------------------
# Loading and checking
# ------------------------------------------------------------------------------------------------------------

@dataclass
class ScenarioResult:
    """What loading a scenario file gave: the scenario if it could be built, its questionnaire, every problem."""

    path: str
    scenario: Scenario | None
    questionnaire: Questionnaire | None
    problems: list[Problem]


def _word_count(text: str) -> int:
    return len(text.split())


class _Reader:
    """Checks one scenario file's tree, noting every problem with its line."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.problems: list[Problem] = []
        self.flow_checked = True
        """False when invalid model answers stopped the checks that depend on which questions are shown."""
        self.attempted: set[str] = set()
        """Question ids the model answers meant to answer, validly or not (a misspelt id counts for the id it
        resembles): problems that follow from one already reported are not reported again."""

    def add(self, code: ScenarioCode, line: int, **kwargs: object) -> None:
        self.problems.append(problem(code, self.name, line, **kwargs))

    def text(self, data: YMap, key: str) -> str:
        value = data.get(key)
        line = data.key_lines.get(key, data.line)
        if value is None:
            return ""
        if isinstance(value, bool) or not isinstance(value, str | int | float):
            self.add(ScenarioCode.WRONG_TYPE, line, where=f"'{key}'", expected="text", found=describe_value(value))
            return ""
        text = clean_text(str(value), keep_newlines=True).strip()
        if not text:
            self.add(ScenarioCode.EMPTY_TEXT, line, where=f"'{key}'")
        return text

    def read(self, data: object) -> ScenarioResult:
        if not isinstance(data, YMap):
            self.add(ScenarioCode.WRONG_TYPE, int(getattr(data, "line", 1)) or 1, where="the file",
                     expected="a mapping with id, title, questionnaire, briefing and model_answers",
                     found=describe_value(data))
            return ScenarioResult(self.name, None, None, self.problems)
        for key in data:
            if key not in SCENARIO_FIELDS:
                near = difflib.get_close_matches(key, SCENARIO_FIELDS, n=1)
                hint = f"; did you mean '{near[0]}'?" if near else f"; known fields: {', '.join(SCENARIO_FIELDS)}"
                self.add(ScenarioCode.UNKNOWN_FIELD,
                         data.key_lines.get(key, data.line), where="the scenario", field=key,
                         suggestion=hint)
        for key in SCENARIO_FIELDS:
            if key in OPTIONAL_FIELDS:
                continue
            if key not in data or data[key] is None:
                self.add(ScenarioCode.MISSING_FIELD,
                         data.key_lines.get(key, data.line), where="the scenario", field=key)

        scenario_id = ""
        raw_id = data.get("id")
        if raw_id is not None:
            if isinstance(raw_id, str) and ID_PATTERN.match(raw_id):
                scenario_id = raw_id
            else:
                self.add(ScenarioCode.BAD_ID, data.key_lines.get("id", data.line), value=clean_text(str(raw_id)))
        title = self.text(data, "title")
        organisation = self.text(data, "organisation")
        briefing = self.text(data, "briefing")
        teaching_notes = self.text(data, "teaching_notes")
        version = ""
        raw_version = data.get("version")
        if raw_version is not None:
            if isinstance(raw_version, str | int | float) and not isinstance(raw_version, bool):
                version = str(raw_version).strip()
            else:
                self.add(ScenarioCode.WRONG_TYPE, data.key_lines.get("version", data.line), where="'version'",
                         expected="text in quotes, e.g. \"1.0\"", found=describe_value(raw_version))
        if briefing:
            words = _word_count(briefing)
            low, high = BRIEFING_WORDS
            if not low <= words <= high:
                self.add(ScenarioCode.BRIEFING_LENGTH, data.key_lines.get("briefing", data.line), words=words, low=low,
                         high=high)
        objectives = self.objectives(data)

        questionnaire = self.questionnaire(data, version)
        answers = self.model_answers(data, questionnaire)
        reasoning = self.reasoning(data, questionnaire, answers)
        accepted = self.accepted(data, questionnaire, answers)
        if questionnaire is not None and answers is not None:
            self.organisation_matches(organisation, questionnaire, answers, data)

        errors = any(p.severity is Severity.ERROR for p in self.problems)
        if errors or questionnaire is None or answers is None:
            return ScenarioResult(self.name, None, questionnaire, self.problems)
        scenario = Scenario(
            id=scenario_id,
            title=title,
            questionnaire_id=questionnaire.id,
            questionnaire_version=version,
            organisation=organisation,
            briefing=briefing,
            objectives=objectives,
            model_answers=answers,
            reasoning=reasoning,
            teaching_notes=teaching_notes,
            accepted=accepted,
            path=self.name,
        )
        return ScenarioResult(self.name, scenario, questionnaire, self.problems)

    def objectives(self, data: YMap) -> tuple[str, ...]:
        value = data.get("objectives")
        line = data.key_lines.get("objectives", data.line)
        if value is None:
            return ()
        if not isinstance(value, YList):
            self.add(ScenarioCode.WRONG_TYPE, line, where="'objectives'", expected="a list of learning objectives",
                     found=describe_value(value))
            return ()
        if not value:
            self.add(ScenarioCode.EMPTY_TEXT, line, where="'objectives'")
            return ()
        found: list[str] = []
        for item, item_line in zip(value, value.item_lines, strict=True):
            if isinstance(item, bool) or not isinstance(item, str):
                self.add(ScenarioCode.WRONG_TYPE, item_line, where="an objective", expected="text",
                         found=describe_value(item))
                continue
            text = clean_text(item).strip()
            if not text:
                self.add(ScenarioCode.EMPTY_TEXT, item_line, where="an objective")
                continue
            found.append(text)
        return tuple(found)

    def questionnaire(self, data: YMap, version: str) -> Questionnaire | None:
        raw = data.get("questionnaire")
        line = data.key_lines.get("questionnaire", data.line)
        if raw is None:
            return None
        if not isinstance(raw, str) or not raw.strip():
            self.add(ScenarioCode.WRONG_TYPE,
                     line, where="'questionnaire'", expected="a questionnaire id such as iso22342",
                     found=describe_value(raw))
            return None
        qid = raw.strip()
        path = catalogue.questionnaire_file(qid)
        if path is None:
            known = [e.id for e in catalogue.entries()]
            hint = catalogue.suggest(qid, known) or (f"; known: {', '.join(known)}" if known else "")
            self.add(ScenarioCode.UNKNOWN_QUESTIONNAIRE, line, id=clean_text(qid), suggestion=hint)
            return None
        try:
            questionnaire = catalogue.load(qid)
        except QuestionnaireInvalid:
            self.add(ScenarioCode.QUESTIONNAIRE_HAS_ERRORS, line, id=qid, path=catalogue.display(path))
            return None
        if version and version != questionnaire.version:
            self.add(ScenarioCode.OLD_VERSION, data.key_lines.get("version", line), version=clean_text(version), id=qid,
                     current=questionnaire.version)
        return questionnaire

    def model_answers(self, data: YMap, questionnaire: Questionnaire | None) -> dict[str, AnswerValue] | None:
        raw = data.get("model_answers")
        block_line = data.key_lines.get("model_answers", data.line)
        if raw is None:
            return None
        if not isinstance(raw, YMap):
            self.add(ScenarioCode.WRONG_TYPE, block_line, where="'model_answers'",
                     expected="a mapping of question id: value", found=describe_value(raw))
            return None
        if questionnaire is None:
            return None
        ids = [q.id for q in questionnaire.questions()]
        answers: dict[str, AnswerValue] = {}
        lines: dict[str, int] = {}
        for key, value in raw.items():
            line = raw.key_lines.get(key, raw.line)
            question = questionnaire.question(key)
            if question is None:
                self.add(ScenarioCode.MODEL_UNKNOWN_QUESTION, line, id=clean_text(key),
                         suggestion=catalogue.suggest(key, ids))
                near = difflib.get_close_matches(key, ids, n=1, cutoff=0.6)
                self.attempted.update(near)
                continue
            self.attempted.add(key)
            if value is None:
                self.add(ScenarioCode.MODEL_INVALID, line, id=key, reason="no value; give one (dont_know is allowed)")
                continue
            plain = list(value) if isinstance(value, YList) else value
            try:
                answers[key] = check_answer(question, plain)
            except InvalidInput as exc:
                self.add(ScenarioCode.MODEL_INVALID, line, id=key, reason=exc.message)
                continue
            lines[key] = line
        if any(p.code in ("S310", "S311") for p in self.problems):
            # Which questions are shown depends on every answer: check it once the answers themselves are valid,
            # rather than report questions shown or hidden only because of a mistake already reported.
            self.flow_checked = False
            return answers
        flow = Flow(questionnaire, answers)
        for question in flow.unanswered():
            if question.id not in self.attempted:
                self.add(ScenarioCode.MODEL_LEAVES_UNANSWERED, block_line, id=question.id)
        for key in flow.hidden_answers():
            self.add(ScenarioCode.MODEL_HIDDEN, lines[key], id=key)
        return answers

    def reasoning(
        self, data: YMap, questionnaire: Questionnaire | None, answers: dict[str, AnswerValue] | None
    ) -> dict[str, str]:
        raw = data.get("reasoning")
        block_line = data.key_lines.get("reasoning", data.line)
        if raw is None:
            return {}
        if not isinstance(raw, YMap):
            self.add(ScenarioCode.WRONG_TYPE, block_line, where="'reasoning'",
                     expected="a mapping of question id: short text", found=describe_value(raw))
            return {}
        found: dict[str, str] = {}
        ids = [q.id for q in questionnaire.questions()] if questionnaire is not None else []
        effective = Flow(questionnaire, answers).effective_answers() if questionnaire and answers is not None else {}
        for key, value in raw.items():
            line = raw.key_lines.get(key, raw.line)
            if isinstance(value, bool) or not isinstance(value, str):
                self.add(ScenarioCode.WRONG_TYPE, line, where=f"reasoning for '{clean_text(key)}'", expected="text",
                         found=describe_value(value))
                continue
            text = clean_text(value, keep_newlines=True).strip()
            if not text:
                self.add(ScenarioCode.EMPTY_TEXT, line, where=f"reasoning for '{clean_text(key)}'")
                continue
            if questionnaire is not None:
                if questionnaire.question(key) is None:
                    self.add(ScenarioCode.REASONING_UNKNOWN_QUESTION,
                             line, id=clean_text(key), suggestion=catalogue.suggest(key, ids))
                    continue
                if answers is not None and key not in effective:
                    if not self.flow_checked or (key not in answers and key in self.attempted):
                        continue  # its model answer is invalid or misspelt, and reported
                    detail = " (its answer is hidden by the other model answers)" if key in answers else ""
                    self.add(ScenarioCode.REASONING_NOT_ANSWERED, line, id=key, detail=detail)
                    continue
            words = _word_count(text)
            if words > REASONING_WORD_LIMIT:
                self.add(ScenarioCode.REASONING_TOO_LONG, line, id=key, limit=REASONING_WORD_LIMIT, words=words)
            found[key] = text
        return found

    def accepted(
        self, data: YMap, questionnaire: Questionnaire | None, answers: dict[str, AnswerValue] | None
    ) -> dict[str, tuple[AnswerValue, ...]]:
        raw = data.get("accepted")
        block_line = data.key_lines.get("accepted", data.line)
        if raw is None:
            return {}
        if not isinstance(raw, YMap):
            self.add(ScenarioCode.WRONG_TYPE, block_line, where="'accepted'",
                     expected="a mapping of question id: list of answers", found=describe_value(raw))
            return {}
        if questionnaire is None or answers is None:
            return {}
        ids = [q.id for q in questionnaire.questions()]
        effective = Flow(questionnaire, answers).effective_answers()
        found: dict[str, tuple[AnswerValue, ...]] = {}
        for key, value in raw.items():
            line = raw.key_lines.get(key, raw.line)
            question = questionnaire.question(key)
            if question is None:
                self.add(ScenarioCode.ACCEPTED_UNKNOWN_QUESTION,
                         line, id=clean_text(key), suggestion=catalogue.suggest(key, ids))
                continue
            if key not in effective:
                if not self.flow_checked or (key not in answers and key in self.attempted):
                    continue  # its model answer is invalid or misspelt, and reported
                detail = " (its answer is hidden by the other model answers)" if key in answers else ""
                self.add(ScenarioCode.ACCEPTED_NOT_ANSWERED, line, id=key, detail=detail)
                continue
            if not isinstance(value, YList) or not value:
                self.add(ScenarioCode.WRONG_TYPE, line, where=f"accepted answers for '{key}'",
                         expected="a list of answers, e.g. [no, dont_know]", found=describe_value(value))
                continue
            alternatives: list[AnswerValue] = []
            for item, item_line in zip(value, value.item_lines, strict=True):
                plain = list(item) if isinstance(item, YList) else item
                try:
                    checked = check_answer(question, plain)
                except InvalidInput as exc:
                    self.add(ScenarioCode.ACCEPTED_INVALID, item_line, id=key, reason=exc.message)
                    continue
                if checked == effective[key]:
                    self.add(ScenarioCode.ACCEPTED_IS_MODEL, item_line, id=key)
                    continue
                if checked not in alternatives:
                    alternatives.append(checked)
            if alternatives:
                found[key] = tuple(alternatives)
        return found

    def organisation_matches(
        self, organisation: str, questionnaire: Questionnaire, answers: Mapping[str, AnswerValue], data: YMap
    ) -> None:
        if not organisation:
            return
        for qid in ORG_NAME_IDS:
            question = questionnaire.question(qid)
            if question is None or question.type not in (QuestionType.TEXT, QuestionType.LONGTEXT):
                continue
            answer = answers.get(qid)
            if not isinstance(answer, str):
                return
            a, b = organisation.casefold(), answer.casefold()
            if a not in b and b not in a:
                self.add(ScenarioCode.ORGANISATION_MISMATCH, data.key_lines.get("organisation", data.line),
                         organisation=organisation, id=qid, answer=answer)
            return


def load_scenario_result(path: str | Path, display: str | None = None) -> ScenarioResult:
    """Read and check one scenario file; never raises for anything the file contains."""
    name = display if display is not None else str(path)
    data, _raw, problems = read_yaml(path, name)
    if problems:
        return ScenarioResult(name, None, None, problems)
    return _Reader(name).read(data)


def validate_scenario_path(path: str | Path, display: str | None = None) -> list[Problem]:
    """Every problem of one scenario file (errors and warnings), sorted by line; never raises for its content."""
    result = load_scenario_result(path, display)
    return sorted(set(result.problems), key=lambda p: (p.file, p.line, p.code, p.message))


def load_scenario_file(path: str | Path, display: str | None = None) -> Scenario:
    """Load one scenario file with every check run.

    Raises:
        ScenarioInvalid: with every problem, when any is an error.
    """
    result = load_scenario_result(path, display if display is not None else catalogue.display(Path(path)))
    if result.scenario is None or any(p.severity is Severity.ERROR for p in result.problems):
        raise ScenarioInvalid(sorted(set(result.problems)))
    return result.scenario


def load_scenario(scenario_id: str) -> Scenario:
    """Find and load the scenario with this id, with every check run.

    Raises:
        NotFound: no scenario has this id, or its file holds another id.
        ScenarioInvalid: the file has errors (with every problem).
        SecplanError: a scenario folder or file this user cannot read.
    """
    path = catalogue.find_scenario(scenario_id)
    scenario = load_scenario_file(path)
    if scenario.id != scenario_id:
        raise NotFound("Unknown scenario", f"{catalogue.display(path)} holds scenario '{scenario.id}', "
                       f"not '{clean_text(scenario_id)}'; rename the file or fix its id")
    return scenario


def scenarios() -> list[Scenario]:
    """Every valid scenario found, in the order and by the rule of ``catalogue.scenario_entries``; an invalid file
    is skipped (``secplan validate`` reports its problems)."""
    found: list[Scenario] = []
    for entry in catalogue.scenario_entries():
        result = load_scenario_result(entry.path, catalogue.display(entry.path))
        scenario = result.scenario
        if scenario is None or any(p.severity is Severity.ERROR for p in result.problems):
            continue
        found.append(scenario)
    return found


# ------------------------------------------------------------------------------------------------------------
# The scenario of a session
# ------------------------------------------------------------------------------------------------------------


def check_new_scenario(scenario_id: str, questionnaire: str | None = None) -> Scenario:
    """The scenario a new learner session is to be created on (``secplan new NAME --scenario ID``, or the app's
    new-session dialog), with every check run: create the session on its questionnaire, with its id.

    Args:
        scenario_id: The scenario id given.
        questionnaire: A questionnaire given with it, if any; it must be the scenario's.

    Raises:
        NotFound: unknown scenario.
        ScenarioInvalid: the scenario has errors.
        InvalidInput: a questionnaire other than the scenario's.
    """
    scenario = load_scenario(scenario_id)
    if questionnaire is not None and questionnaire != scenario.questionnaire_id:
        raise InvalidInput(
            "Conflicting options",
            f"scenario '{scenario.id}' uses questionnaire '{scenario.questionnaire_id}', not "
            f"'{clean_text(questionnaire)}'; leave out --questionnaire",
        )
    return scenario


def session_scenario(scenario_id: str) -> Scenario:
    """The scenario a learner session was created on (its metadata keeps only the id), for its briefing.

    Args:
        scenario_id: ``SessionMeta.scenario`` of the session.

    Raises:
        NotFound: the scenario's file is gone.
        InvalidInput: the scenario's file has errors. The message is one line that names the scenario and, for a
            file with errors, the first problem as ``file:line`` and the command that lists them all.
    """
    shown = clean_text(scenario_id)
    try:
        return load_scenario(scenario_id)
    except ScenarioInvalid as exc:
        errors = sorted(p for p in exc.problems if p.severity is Severity.ERROR)
        first = clean_text(str(errors[0])) if errors else "the file cannot be read"
        more = f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""
        where = errors[0].file if errors else "FILE"
        raise InvalidInput(
            "Scenario unavailable",
            f"scenario '{shown}' has errors: {first}{more}; run `secplan validate {where}`",
        ) from exc
    except InvalidInput as exc:
        raise NotFound(
            "Scenario unavailable",
            f"scenario '{shown}' cannot be found: {clean_text(exc.message)}",
        ) from exc


def learner_scenario(meta: SessionMeta) -> Scenario:
    """The scenario a learner session was started from (``secplan new NAME --scenario ID``), checked to be on the
    session's questionnaire: where the check and the briefing of a session start.

    Raises:
        InvalidInput: the session was not started from a scenario, or its scenario is written for another
            questionnaire; its scenario has errors (see :func:`session_scenario`).
        NotFound: its scenario is gone.
    """
    if meta.scenario is None:
        raise InvalidInput(
            "Not an exercise",
            f"session {meta.label} was not started from a scenario, so there is no model to compare with; "
            "start one with `secplan new NAME --scenario ID`",
        )
    scenario = session_scenario(meta.scenario)
    if scenario.questionnaire_id != meta.questionnaire_id:
        raise InvalidInput(
            "Scenario mismatch",
            f"session {meta.label} uses questionnaire '{meta.questionnaire_id}', but scenario '{scenario.id}' "
            f"uses '{scenario.questionnaire_id}'",
        )
    return scenario


# ------------------------------------------------------------------------------------------------------------
# The briefing
# ------------------------------------------------------------------------------------------------------------


def briefing_markdown(scenario: Scenario) -> str:
    """The briefing as learners read it (TUI side panel, plain mode ``b``): title, briefing and objectives.

    The scenario's own texts are escaped like any other text, paragraph by paragraph.
    """
    lines = [f"# Briefing: {md_inline(scenario.title)}", ""]
    for paragraph in re.split(r"\n\s*\n", scenario.briefing):
        if paragraph.strip():
            lines += [md_inline(paragraph), ""]
    lines += ["## What this exercise should teach you", ""]
    lines += [f"- {md_inline(o)}" for o in scenario.objectives]
    lines.append("")
    return "\n".join(lines)


def briefing_text(scenario: Scenario) -> str:
    """The briefing as plain text for line mode and screen readers: no Markdown, control characters removed,
    paragraphs kept, objectives as a dashed list."""
    lines = [f"Briefing: {clean_text(scenario.title)}", ""]
    for paragraph in re.split(r"\n\s*\n", scenario.briefing):
        if paragraph.strip():
            lines += [" ".join(clean_text(paragraph).split()), ""]
    lines += ["What this exercise should teach you:"]
    lines += [f"- {clean_text(o)}" for o in scenario.objectives]
    return "\n".join(lines) + "\n"

