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
import errno
import json
import os
import re
import stat
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from secplan_tui.core.engine import AnswerRejected, Flow, check_answer, question_reference
from secplan_tui.core.errors import InvalidInput, NotFound, WriteFailed
from secplan_tui.core.files import AtomicWriteError, write_atomic
from secplan_tui.core.model import AnswerValue, Question, Questionnaire
from secplan_tui.core.text import clean_text, terminal_safe
from secplan_tui.core.yaml_reader import MAX_FILE_BYTES, YamlStopped, YList, YMap, parse_yaml_text

MAX_REPORTED = 50
"""Invalid entries listed one per line before the rest are counted."""

ANSWER_FIELDS = ("questionnaire", "version", "answers", "session", "exported", "history", "format")

MAX_ANSWERS_BYTES = MAX_FILE_BYTES
"""The largest answers file read (the size is checked before a byte is read)."""

_LONG_NUMBER = re.compile(r"[0-9][0-9_]{4000,}")
"""A run of digits too long for a number any question takes (Python converts at most 4,300 digits to an int)."""


def _q(text: object) -> str:
    """Text from the file (a question id, a field name) quoted for a message, safe for a terminal."""
    return "'" + terminal_safe(str(text)[:200]) + "'"


def plural(number: int, noun: str, nouns: str | None = None) -> str:
    """``1 answer``, ``113 answers``: a count and its noun, agreeing."""
    return f"{number:,} {noun if number == 1 else nouns or noun + 's'}"


def imported_line(count: int, session_name: str, session_id: str) -> str:
    """What ``answers import`` says when done: ``Imported 1 answer into session 'Acme Ltd' (3f9a0c1e).``"""
    return f"Imported {plural(count, 'answer')} into session {_q(session_name)} ({session_id})."


def _invalid_file(shown: str, line: int, reason: str) -> InvalidInput:
    return InvalidInput("Invalid answers file", f"{shown}:{line}: {reason}" if line else f"{shown}: {reason}")


def read_answers_data(path: str) -> Any:
    """Read and parse an answers file safely: a regular file only (a FIFO or a device is refused at once, never
    waited on), at most :data:`MAX_ANSWERS_BYTES`, UTF-8, plain YAML (JSON is YAML); the data, with lines.

    Raises:
        InvalidInput: the file cannot be read, is not a regular file, is too large, empty, not UTF-8, or not
            YAML; the message names the file (and the line where there is one) and says what to do.
    """
    shown = terminal_safe(path)
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0)
    try:
        fd = os.open(path, flags)
    except FileNotFoundError:
        raise NotFound("Cannot read answers", f"{shown}: there is no such file; check the path.") from None
    except OSError as exc:
        why = "it is a folder, not a file" if exc.errno == errno.EISDIR else (exc.strerror or str(exc)).lower()
        raise InvalidInput("Cannot read answers", f"{shown}: {terminal_safe(why)}.") from None
    try:
        st = os.fstat(fd)
        if stat.S_ISDIR(st.st_mode):
            raise InvalidInput("Cannot read answers", f"{shown}: it is a folder, not a file; give the answers file.")
        if not stat.S_ISREG(st.st_mode):
            raise InvalidInput(
                "Cannot read answers",
                f"{shown}: it is not a regular file (a pipe, a device or a socket), so it was not read; save the "
                "answers to a file, or give - to read them from standard input.",
            )
        if st.st_size > MAX_ANSWERS_BYTES:
            raise InvalidInput(
                "Cannot read answers",
                f"{shown}: it is {st.st_size:,} bytes long; an answers file is at most {MAX_ANSWERS_BYTES:,} bytes, "
                "so it was not read. Check that this is the answers file.",
            )
        chunks: list[bytes] = []
        wanted = MAX_ANSWERS_BYTES + 1
        while wanted > 0:
            chunk = os.read(fd, min(wanted, 1 << 20))
            if not chunk:
                break
            chunks.append(chunk)
            wanted -= len(chunk)
    except OSError as exc:
        raise InvalidInput("Cannot read answers", f"{shown}: {terminal_safe(exc.strerror or str(exc))}.") from None
    finally:
        os.close(fd)
    raw = b"".join(chunks)
    if len(raw) > MAX_ANSWERS_BYTES:
        raise InvalidInput("Cannot read answers", f"{shown}: it grew past {MAX_ANSWERS_BYTES:,} bytes while read.")
    try:
        text = raw.decode("utf-8").removeprefix("\ufeff")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise _invalid_file(shown, line, f"not UTF-8 text (bad byte at offset {exc.start}); save it as UTF-8") from None
    if not text.strip() or all(not ln.strip() or ln.strip().startswith("#") for ln in text.splitlines()):
        raise _invalid_file(
            shown, 0,
            "the file is empty; an answers file gives 'questionnaire', 'version' and 'answers' (see `secplan "
            "answers export SESSION` for one to start from)",
        )
    long_number = _LONG_NUMBER.search(text)
    if long_number is not None:
        line = text.count("\n", 0, long_number.start()) + 1
        digits = len(long_number.group().replace("_", ""))
        raise _invalid_file(
            shown, line, f"a number of {digits:,} digits; no question takes a number that long: check the file"
        )
    try:
        return parse_yaml_text(text, shown)
    except YamlStopped as abort:
        found = abort.problem
        raise _invalid_file(found.file, found.line, terminal_safe(found.message)) from None
    except ValueError as exc:  # a conversion the parser refused (Python's integer-string limit, say)
        raise _invalid_file(shown, 0, f"a value cannot be read ({terminal_safe(str(exc))[:200]})") from None


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

    Every message is safe for a terminal: whatever the file holds (escape sequences, bidirectional controls,
    invisible characters in a question id or a version) is shown escaped, never raw.

    Raises:
        InvalidInput: listing every invalid entry as ``FILE:LINE: message``; nothing is imported.
    """
    from secplan_tui.store import MAX_SAFE_INTEGER  # the store's bound on a number; imported here, as below

    data = read_answers_data(path)
    path = terminal_safe(path)
    if not isinstance(data, YMap):
        raise InvalidInput("Invalid answers file", f"{path}:1: expected a mapping with 'questionnaire', "
                           "'version' and 'answers'")
    errors: list[str] = []
    for key in data:
        if key not in ANSWER_FIELDS:
            errors.append(f"{path}:{data.key_lines.get(key, 1)}: unknown field {_q(key)}; expected questionnaire, "
                          "version and answers")
    qid = data.get("questionnaire")
    if qid is None:
        errors.append(f"{path}:{data.line}: missing 'questionnaire' (the questionnaire id, here '{questionnaire.id}')")
    elif str(qid) != questionnaire.id:
        errors.append(f"{path}:{data.key_lines.get('questionnaire', 1)}: these answers are for questionnaire "
                      f"{_q(qid)}, but the session uses '{questionnaire.id}'")
    version = data.get("version")
    notes: list[str] = []
    if version is not None and str(version) != questionnaire.version:
        notes.append(f"the file was written for version {_q(version)} of '{questionnaire.id}'; "
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
            question = questionnaire.question(key) if isinstance(key, str) else None
            if question is None:
                near = difflib.get_close_matches(str(key), ids, n=1)
                hint = f"; did you mean '{near[0]}'?" if near else ""
                errors.append(f"{path}:{line}: unknown question {_q(key)}{hint}")
                continue
            if isinstance(value, YMap):
                value, note, problem = _value_and_note(value)
                if problem:
                    errors.append(f"{path}:{line}: {_ref(questionnaire, question)}: {problem}")
                    continue
                if note is not None:
                    answer_notes[key] = note
            if value is None:
                errors.append(f"{path}:{line}: {_ref(questionnaire, question)} has no value; give one or remove "
                              "the line")
                continue
            plain = list(value) if isinstance(value, YList) else value
            try:
                checked = check_answer(question, plain)
            except AnswerRejected as exc:
                reason = terminal_safe(exc.reason)
                errors.append(f"{path}:{line}: {_ref(questionnaire, question)}: {reason[:1].lower() + reason[1:]}")
                continue
            except InvalidInput as exc:
                errors.append(f"{path}:{line}: {terminal_safe(exc.message)}")
                continue
            if isinstance(checked, int) and abs(checked) > MAX_SAFE_INTEGER:
                errors.append(f"{path}:{line}: {_ref(questionnaire, question)}: the number is too large; numbers "
                              f"must lie between -{MAX_SAFE_INTEGER:,} and {MAX_SAFE_INTEGER:,}")
                continue
            answers[key] = checked
    if errors:
        count = len(errors)
        shown = errors[:MAX_REPORTED]
        if count > MAX_REPORTED:
            shown.append(f"... and {count - MAX_REPORTED} more")
        raise InvalidInput(
            "Invalid answers",
            "\n".join(shown) + f"\n{plural(count, 'problem')}; nothing was imported.",
        )
    # Which imported answers stay out of the plan depends on the session's other answers too.
    flow = Flow(questionnaire, {**(existing or {}), **answers})
    hidden = [k for k in answers if not flow.is_visible(k)]
    if hidden:
        verb = "belongs to a question" if len(hidden) == 1 else "belong to questions"
        stays = "stays" if len(hidden) == 1 else "stay"
        notes.append(f"{plural(len(hidden), 'answer')} {verb} hidden by other answers and {stays} out of the plan "
                     f"until shown: {_refs(questionnaire, hidden)}")
    kept_notes = {k: v for k, v in answer_notes.items() if k in answers}
    return AnswerFile(str(qid), str(version or ""), answers, notes, kept_notes)


def _ref(questionnaire: Questionnaire, question: Question) -> str:
    """The question as the owner knows it: its number and short text (file:line points at its id)."""
    return terminal_safe(question_reference(questionnaire, question))


def _refs(questionnaire: Questionnaire, ids: list[str], shown: int = 5) -> str:
    """Questions by number and short text, the first few of them, and how many more."""
    found = [q for q in (questionnaire.question(i) for i in ids) if q is not None]
    refs = [_ref(questionnaire, q) for q in found[:shown]]
    more = f"; and {len(found) - shown} more" if len(found) > shown else ""
    return "; ".join(refs) + more


def _value_and_note(entry: YMap) -> tuple[object, str | None, str]:
    """The value and the cleaned note of a ``{value, note}`` answer entry, or a problem to report."""
    from secplan_tui.store import MAX_NOTE_LENGTH  # the store's limit; imported here, where a session is at hand

    unknown = [k for k in entry if k not in ("value", "note")]
    if unknown:
        return None, None, f"unknown field {_q(unknown[0])} in its entry; use 'value' and 'note'"
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
        notes.append(f"session {_q(session_name)} was started with version {terminal_safe(started_version)} of "
                     f"'{questionnaire.id}'; using version {questionnaire.version}. New questions show as unanswered.")
    elif started_hash and questionnaire.content_hash and started_hash != questionnaire.content_hash:
        notes.append(f"the questionnaire '{questionnaire.id}' version {questionnaire.version} has changed since "
                     f"session {_q(session_name)} was started (same version, different content).")
    removed = sorted(k for k in answers if questionnaire.question(k) is None)
    if removed:
        shown = ", ".join(terminal_safe(k[:200]) for k in removed[:20])
        if len(removed) > 20:
            shown += f" and {len(removed) - 20} more"
        verb = "belongs to a question" if len(removed) == 1 else "belong to questions"
        notes.append(f"{plural(len(removed), 'stored answer')} {verb} this version no longer has; "
                     f"{'it is' if len(removed) == 1 else 'they are'} kept but not used: {shown}")
    return notes


def progress_of(questionnaire: Questionnaire, answers: Mapping[str, AnswerValue]) -> dict[str, int]:
    """What the store keeps in a session's metadata for fast listing: answered and visible counts."""
    answered, total = Flow(questionnaire, answers).counts()
    return {"answered": answered, "total": total}


def write_output(text: str, target: str | None) -> bool:
    """Write text to a file atomically, or to stdout when target is None or ``-``.

    Returns:
        True when an existing regular file was replaced (the caller says so: ``replaced_line``), else False.

    Raises:
        SecplanError: the file cannot be written; says where and why.
    """
    import sys

    if target in (None, "-"):
        sys.stdout.write(text)
        sys.stdout.flush()
        return False
    assert target is not None  # noqa: S101 - narrowed above
    path = Path(target)
    shown = terminal_safe(target)
    if path.is_dir():
        raise InvalidInput("Cannot write file", f"{shown} is a folder; give a file name")
    if path.exists() and not path.is_file():
        # A device or a pipe (/dev/null, a FIFO): write into it; never replace it with a regular file.
        try:
            with open(path, "w", encoding="utf-8", newline="\n") as fh:
                fh.write(text)
        except OSError as exc:
            raise WriteFailed("Cannot write file", f"{shown}: {exc.strerror or exc}") from None
        return False
    replaced = path.is_file()
    folder = path.parent if str(path.parent) else Path(".")
    if not folder.is_dir():
        raise WriteFailed("Cannot write file", f"folder {terminal_safe(str(folder))} does not exist")
    try:
        write_atomic(folder / path.name, text.encode("utf-8"))
    except AtomicWriteError as exc:
        if not exc.committed:
            raise WriteFailed("Cannot write file", f"{shown}: {exc.error.strerror or exc.error}") from None
        # The file is in place; only its folder could not be synced (a drop-box folder this user may write to but
        # not read). That is as durable as this user can make it, and what secplan did before it synced folders.
    return replaced


def replaced_line(target: str) -> str:
    """What a command says after ``-o FILE`` replaced an existing file (see :func:`write_output`)."""
    return f"Replaced the existing file {terminal_safe(target)}."
