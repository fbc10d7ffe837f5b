"""The answers file (``answers import`` / ``answers export``): read, check every entry, and write it back.

The file, YAML or JSON::

    questionnaire: iso22342          # the questionnaire id
    version: "1.0"                   # the questionnaire version (another version is read, with a note)
    answers:
      cyber.mfa: partly              # a choice id, a list of choice ids, a number, a text, dont_know or
      profile.people: 12             # not_applicable
      cyber.backup:                  # or a mapping: the value and a note saying where it came from, who to ask
        value: weekly
        note: "Checked with Sam, March 2025"

A note is one line of text (line breaks become spaces; escape sequences and control characters are removed), at
most 1,000 characters. On import, an answer given with a note replaces the stored note; an answer given without
one keeps the note it had. Export writes the mapping form for answers that have a note, the short form otherwise.
Export may add ``session`` (its id and name); import needs no more than ``questionnaire``, ``version`` and
``answers``.
"""

from __future__ import annotations

import difflib
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from secplan_tui.engine import Flow, check_answer
from secplan_tui.errors import InvalidInput, SecplanError
from secplan_tui.loader import YList, YMap, read_yaml
from secplan_tui.model import AnswerValue, Questionnaire
from secplan_tui.sanitize import clean_text

MAX_REPORTED = 50
"""Invalid entries listed one per line before the rest are counted."""

ANSWER_FIELDS = ("questionnaire", "version", "answers", "session", "exported", "history", "format")


@dataclass
class AnswerFile:
    """An answers file, checked against a questionnaire."""

    questionnaire_id: str
    version: str
    answers: dict[str, AnswerValue]
    notes: list[str] = field(default_factory=list)
    """Things the user should know that are not errors (another version, answers to hidden questions)."""
    answer_notes: dict[str, str] = field(default_factory=dict)
    """The notes given with some answers (``{value, note}`` entries), by question id, cleaned."""


def read_answers(
    path: str, questionnaire: Questionnaire, existing: Mapping[str, AnswerValue] | None = None
) -> AnswerFile:
    """Read an answers file (YAML or JSON) and check every entry against the questionnaire.

    Raises:
        InvalidInput: listing every invalid entry as ``FILE:LINE: message``; nothing is imported.
    """
    data, _raw, problems = read_yaml(path)
    if problems:
        raise InvalidInput(
            "Cannot read answers",
            "\n".join(f"{p.file}:{p.line}: {p.message}" if p.line else f"{p.file}: {p.message}" for p in problems),
        )
    if not isinstance(data, YMap):
        raise InvalidInput("Invalid answers file", f"{path}:1: expected a mapping with 'questionnaire', "
                           "'version' and 'answers'")
    errors: list[str] = []
    for key in data:
        if key not in ANSWER_FIELDS:
            errors.append(f"{path}:{data.key_lines.get(key, 1)}: unknown field '{key}'; expected questionnaire, "
                          "version and answers")
    qid = data.get("questionnaire")
    if qid is None:
        errors.append(f"{path}:{data.line}: missing 'questionnaire' (the questionnaire id, here '{questionnaire.id}')")
    elif str(qid) != questionnaire.id:
        errors.append(f"{path}:{data.key_lines.get('questionnaire', 1)}: these answers are for questionnaire "
                      f"'{clean_text(str(qid))}', but the session uses '{questionnaire.id}'")
    version = data.get("version")
    notes: list[str] = []
    if version is not None and str(version) != questionnaire.version:
        notes.append(f"the file was written for version {clean_text(str(version))} of '{questionnaire.id}'; "
                     f"this is version {questionnaire.version}")
    raw_answers = data.get("answers")
    answers: dict[str, AnswerValue] = {}
    answer_notes: dict[str, str] = {}
    if raw_answers is None:
        errors.append(f"{path}:{data.line}: missing 'answers' (question id: value lines)")
    elif not isinstance(raw_answers, YMap):
        errors.append(f"{path}:{data.key_lines.get('answers', 1)}: 'answers' must be a mapping of question id: value")
    else:
        ids = [q.id for q in questionnaire.questions()]
        for key, value in raw_answers.items():
            line = raw_answers.key_lines.get(key, raw_answers.line)
            question = questionnaire.question(key)
            if question is None:
                near = difflib.get_close_matches(key, ids, n=1)
                hint = f"; did you mean '{near[0]}'?" if near else ""
                errors.append(f"{path}:{line}: unknown question '{clean_text(key)}'{hint}")
                continue
            if isinstance(value, YMap):
                value, note, problem = _value_and_note(value)
                if problem:
                    errors.append(f"{path}:{line}: question '{key}': {problem}")
                    continue
                if note is not None:
                    answer_notes[key] = note
            if value is None:
                errors.append(f"{path}:{line}: question '{key}' has no value; give one or remove the line")
                continue
            plain = list(value) if isinstance(value, YList) else value
            try:
                answers[key] = check_answer(question, plain)
            except InvalidInput as exc:
                errors.append(f"{path}:{line}: {exc.message}")
    if errors:
        count = len(errors)
        shown = errors[:MAX_REPORTED]
        if count > MAX_REPORTED:
            shown.append(f"... and {count - MAX_REPORTED} more")
        raise InvalidInput(
            "Invalid answers",
            "\n".join(shown) + f"\n{count} problem{'s' if count != 1 else ''}; nothing was imported.",
        )
    # Which imported answers stay out of the plan depends on the session's other answers too.
    flow = Flow(questionnaire, {**(existing or {}), **answers})
    hidden = [k for k in answers if not flow.is_visible(k)]
    if hidden:
        verb = "belongs to a question" if len(hidden) == 1 else "belong to questions"
        notes.append(f"{len(hidden)} answer{'s' if len(hidden) != 1 else ''} {verb} hidden by other answers and "
                     f"stay{'s' if len(hidden) == 1 else ''} out of the plan until shown: {', '.join(hidden)}")
    kept_notes = {k: v for k, v in answer_notes.items() if k in answers}
    return AnswerFile(str(qid), str(version or ""), answers, notes, kept_notes)


def _value_and_note(entry: YMap) -> tuple[object, str | None, str]:
    """The value and the cleaned note of a ``{value, note}`` answer entry, or a problem to report."""
    from secplan_tui.store import MAX_NOTE_LENGTH  # the store's limit; imported here, where a session is at hand

    unknown = [k for k in entry if k not in ("value", "note")]
    if unknown:
        return None, None, f"unknown field '{clean_text(str(unknown[0]))}' in its entry; use 'value' and 'note'"
    if "value" not in entry:
        return None, None, "its entry has a 'note' but no 'value'; give the answer as 'value'"
    raw_note = entry.get("note")
    if raw_note is None:
        return entry["value"], None, ""
    if not isinstance(raw_note, str | int | float) or isinstance(raw_note, bool):
        return None, None, "its 'note' must be text"
    note = clean_text(str(raw_note)).strip()
    if len(note) > MAX_NOTE_LENGTH:
        return None, None, f"its note is {len(note)} characters long; keep it to {MAX_NOTE_LENGTH} or fewer"
    return entry["value"], note, ""


def export_answers(questionnaire: Questionnaire, answers: Mapping[str, AnswerValue], fmt: str,
                   session: Mapping[str, str] | None = None, notes: Mapping[str, str] | None = None) -> str:
    """The answers file for a session, in questionnaire order, as YAML or JSON text.

    An answer with a note (``notes``, by question id) is written as ``{value, note}``; see the module docstring.
    """
    order = {q.id: i for i, q in enumerate(questionnaire.questions())}
    notes = notes or {}
    ordered: dict[str, object] = {
        k: {"value": v, "note": notes[k]} if notes.get(k) else v
        for k, v in sorted(answers.items(), key=lambda kv: (order.get(kv[0], len(order)), kv[0]))
    }
    doc: dict[str, object] = {"questionnaire": questionnaire.id, "version": questionnaire.version}
    if session:
        doc["session"] = dict(session)
    doc["answers"] = ordered
    if fmt == "json":
        return json.dumps(doc, indent=2, ensure_ascii=False) + "\n"
    if fmt != "yaml":
        raise InvalidInput("Unknown format", f"'{fmt}' is not an answers format; use yaml or json")
    header = "# secplan answers file: edit the values, then run `secplan answers import SESSION FILE`\n"
    return header + yaml.safe_dump(doc, sort_keys=False, allow_unicode=True, width=100)


def version_notes(
    session_name: str, started_version: str, started_hash: str, questionnaire: Questionnaire,
    answers: Mapping[str, AnswerValue],
) -> list[str]:
    """What a user should know when a session is opened with a questionnaire other than the one it started with.

    Old answers are kept; new questions show as unanswered; answers to removed questions are listed, not dropped.
    """
    notes: list[str] = []
    if started_version and started_version != questionnaire.version:
        notes.append(f"session '{session_name}' was started with version {started_version} of '{questionnaire.id}'; "
                     f"using version {questionnaire.version}. New questions show as unanswered.")
    elif started_hash and questionnaire.content_hash and started_hash != questionnaire.content_hash:
        notes.append(f"the questionnaire '{questionnaire.id}' version {questionnaire.version} has changed since "
                     f"session '{session_name}' was started (same version, different content).")
    removed = sorted(k for k in answers if questionnaire.question(k) is None)
    if removed:
        notes.append(f"{len(removed)} stored answer{'s' if len(removed) != 1 else ''} belong to questions this version "
                     f"no longer has; they are kept but not used: {', '.join(removed)}")
    return notes


def progress_of(questionnaire: Questionnaire, answers: Mapping[str, AnswerValue]) -> dict[str, int]:
    """What the store keeps in a session's metadata for fast listing: answered and visible counts."""
    answered, total = Flow(questionnaire, answers).counts()
    return {"answered": answered, "total": total}


def write_output(text: str, target: str | None) -> None:
    """Write text to a file atomically, or to stdout when target is None or ``-``.

    Raises:
        SecplanError: the file cannot be written; says where and why.
    """
    import os
    import sys
    import tempfile

    if target in (None, "-"):
        sys.stdout.write(text)
        sys.stdout.flush()
        return
    assert target is not None  # noqa: S101 - narrowed above
    path = Path(target)
    if path.is_dir():
        raise InvalidInput("Cannot write file", f"{target} is a folder; give a file name")
    if path.exists() and not path.is_file():
        # A device or a pipe (/dev/null, a FIFO): write into it; never replace it with a regular file.
        try:
            with open(path, "w", encoding="utf-8", newline="\n") as fh:
                fh.write(text)
        except OSError as exc:
            raise SecplanError("Cannot write file", f"{target}: {exc.strerror or exc}") from None
        return
    folder = path.parent if str(path.parent) else Path(".")
    try:
        fd, tmp = tempfile.mkstemp(dir=folder, prefix=f".{path.name}.", suffix=".tmp")
        try:
            with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as fh:
                fh.write(text)
                fh.flush()
                os.fsync(fh.fileno())
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
    except FileNotFoundError:
        raise SecplanError("Cannot write file", f"folder {folder} does not exist") from None
    except OSError as exc:
        raise SecplanError("Cannot write file", f"{target}: {exc.strerror or exc}") from None
