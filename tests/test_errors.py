"""The error family and the problem catalogues: errors are told apart by class and codes by name, never by words."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from secplan_tui.core import catalogue, errors
from secplan_tui.core.errors import (
    AlreadyExists,
    Ambiguous,
    Code,
    InvalidInput,
    NotFound,
    NotPermitted,
    SecplanError,
    SessionTooNew,
    SessionUnreadable,
    Severity,
    StoreBusy,
    StoreError,
    WriteFailed,
    problem,
)
from secplan_tui.core.files import AtomicWriteError, write_atomic
from secplan_tui.session.answer_files import write_output
from secplan_tui.session.controller import SessionController
from secplan_tui.store import MemoryWorkspace
from secplan_tui.teaching.scenario import ScenarioCode


@pytest.mark.parametrize("cls", [InvalidInput, NotFound, Ambiguous, AlreadyExists])
def test_bad_input_exits_with_2(cls: type[SecplanError]) -> None:
    """Every kind of bad input is an InvalidInput, exit code 2, keeping its title and message as given."""
    error = cls("Some title", "what happened and what to do")
    assert isinstance(error, InvalidInput) and error.exit_code == 2
    assert (error.title, error.message) == ("Some title", "what happened and what to do")
    assert str(error) == "Some title: what happened and what to do"


@pytest.mark.parametrize("cls", [StoreError, SessionUnreadable, SessionTooNew, WriteFailed, StoreBusy, NotPermitted])
def test_runtime_failures_exit_with_1_and_are_not_bad_input(cls: type[SecplanError]) -> None:
    """A failure of the files or the rules is a SecplanError with exit code 1, never mistaken for bad input."""
    error = cls("Title", "message")
    assert error.exit_code == 1 and not isinstance(error, InvalidInput)
    assert issubclass(cls, StoreError) == (cls is not NotPermitted)


def test_the_family_tree_in_the_docstring_names_every_class() -> None:
    """The module docstring draws the family; every SecplanError subclass of the module appears in it."""
    classes = {
        name for name, value in vars(errors).items() if isinstance(value, type) and issubclass(value, SecplanError)
    }
    assert errors.__doc__ is not None
    drawn = set(re.findall(r"^\s{4,}([A-Z]\w+)\s", errors.__doc__, re.M))
    assert classes == drawn


@pytest.mark.parametrize("catalogue", [Code, ScenarioCode])
def test_codes_have_unique_numbers_and_meaningful_names(catalogue: type[errors.MessageCode]) -> None:
    """Each code has a number users see (E121, W200, S311) and a name that says what it means."""
    numbers = [code.number for code in catalogue]
    assert len(numbers) == len(set(numbers)), "a number is used twice (an Enum alias would hide a code)"
    for code in catalogue:
        assert re.fullmatch(r"[EWS]\d{3}", code.number), code
        assert not re.fullmatch(r"[EWS]\d{3}", code.name), f"{code.number} has no name"
        if not code.number.startswith("S"):
            assert (code.severity is Severity.WARNING) == code.number.startswith("W"), code


def test_a_problem_shows_the_number_and_keeps_the_template() -> None:
    """``problem`` formats the template and reports the number, as `secplan validate` prints it."""
    found = problem(Code.UNKNOWN_QUESTION, "q.yaml", 7, where="question 'a.b'", id="a.c", suggestion="")
    assert str(found) == "q.yaml:7: E121 question 'a.b': unknown question id 'a.c' in condition"
    assert found.severity is Severity.ERROR


def test_an_unknown_question_is_not_found() -> None:
    """The controller refuses an answer to a question the questionnaire lacks with NotFound."""
    starter = catalogue.load("starter")
    store = MemoryWorkspace()
    meta = store.create("acme", starter.id, starter.version, starter.content_hash)
    controller = SessionController(store, meta.id, starter)
    with pytest.raises(NotFound, match="no question"):
        controller.answer("profile.no_such_question", "x")


def test_writing_into_a_missing_folder_fails_as_before(tmp_path: Path) -> None:
    """``-o FILE`` in a folder that does not exist says so, as WriteFailed (exit 1, as it always was), and writes
    nothing."""
    with pytest.raises(WriteFailed, match="does not exist") as caught:
        write_output("text", str(tmp_path / "missing" / "plan.md"))
    assert caught.value.exit_code == 1
    assert list(tmp_path.iterdir()) == []


def test_a_folder_that_cannot_be_synced_does_not_fail_a_written_file(tmp_path: Path,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    """In a folder this user may write to but not read (a drop box), the folder cannot be synced after the file
    is in place: the file is written and ``-o`` succeeds, as it did before the folder was synced."""
    target = tmp_path / "plan.md"

    def unreadable_folder(directory: Path) -> None:
        raise PermissionError(13, "Permission denied", str(directory))

    monkeypatch.setattr("secplan_tui.core.files.fsync_dir", unreadable_folder)
    assert write_output("the plan\n", str(target)) is False
    assert target.read_text() == "the plan\n"
    assert [p.name for p in tmp_path.iterdir()] == ["plan.md"]


def test_a_failed_write_is_write_failed_and_leaves_the_old_file(tmp_path: Path,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    """A disk that fills up mid-write gives WriteFailed; the old file is byte-identical, no temporary is left."""
    target = tmp_path / "plan.md"
    target.write_text("old plan\n")

    def full(fd: int, data: object) -> int:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("os.write", full)
    with pytest.raises(WriteFailed, match="No space left"):
        write_output("new plan\n", str(target))
    monkeypatch.undo()
    assert target.read_text() == "old plan\n"
    assert [p.name for p in tmp_path.iterdir()] == ["plan.md"]


def test_the_one_atomic_writer_sets_the_mode_and_says_which_step_failed(tmp_path: Path,
                                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    """write_atomic gives the exact mode whatever the umask, and an OSError names the step and the file."""
    target = tmp_path / "f.json"
    write_atomic(target, b"{}", mode=0o640)
    assert target.read_bytes() == b"{}" and target.stat().st_mode & 0o777 == 0o640

    def refuse(src: object, dst: object) -> None:
        raise OSError(13, "Permission denied")

    monkeypatch.setattr("os.replace", refuse)
    with pytest.raises(AtomicWriteError) as caught:
        write_atomic(target, b"new")
    assert caught.value.step == "replacing" and caught.value.path == target and not caught.value.committed
    monkeypatch.undo()
    assert target.read_bytes() == b"{}" and [p.name for p in tmp_path.iterdir()] == ["f.json"]
