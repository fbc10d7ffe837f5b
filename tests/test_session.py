"""SessionController: the one path by which the front ends check and save answers."""

from __future__ import annotations

from pathlib import Path

import pytest

from secplan_tui.core import catalogue
from secplan_tui.core.errors import InvalidInput, SecplanError
from secplan_tui.core.model import Questionnaire
from secplan_tui.session.controller import SessionController
from secplan_tui.store import MemoryWorkspace, SessionStore, Workspace


@pytest.fixture(params=["memory", "disk"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> SessionStore:
    """Both stores: the memory twin and a disk workspace."""
    return MemoryWorkspace() if request.param == "memory" else Workspace(tmp_path / "ws")


@pytest.fixture(scope="module")
def starter() -> Questionnaire:
    """The bundled starter questionnaire."""
    return catalogue.load("starter")


def controller(store: SessionStore, q: Questionnaire) -> SessionController:
    meta = store.create("acme", q.id, q.version, q.content_hash)
    return SessionController(store, meta.id, q)


def test_answer_is_checked_saved_and_counted(store: SessionStore, starter: Questionnaire) -> None:
    """A valid answer is stored at once and the session's progress moves."""
    c = controller(store, starter)
    assert c.answer("profile.org_name", "  Acme\x1b[2J Ltd ") == "Acme Ltd"
    assert store.answers(c.session_id) == {"profile.org_name": "Acme Ltd"}
    meta = store.meta(c.session_id)
    assert meta.answered == 1 and meta.total == c.flow.counts()[1]


def test_invalid_answer_saves_nothing(store: SessionStore, starter: Questionnaire) -> None:
    """An invalid value raises InvalidInput naming the question, and the store is unchanged."""
    c = controller(store, starter)
    with pytest.raises(InvalidInput, match="profile.headcount"):
        c.answer("profile.headcount", "enormous")
    assert store.answers(c.session_id) == {}


def test_branch_closes_but_answer_is_kept(store: SessionStore, starter: Questionnaire) -> None:
    """Changing an earlier answer hides a later question; its answer stays stored but leaves the flow."""
    c = controller(store, starter)
    c.answer("profile.premises", "office")
    c.answer("profile.remote", "yes")
    assert c.flow.is_visible("profile.remote")
    c.answer("profile.premises", "home")
    assert not c.flow.is_visible("profile.remote")
    assert store.answers(c.session_id)["profile.remote"] == "yes"
    assert "profile.remote" not in c.flow.effective_answers()


def test_clear_and_resume(store: SessionStore, starter: Questionnaire) -> None:
    """Clearing an answer makes its question the resume point again."""
    c = controller(store, starter)
    first = c.resume_point()
    assert first is not None
    c.answer(first.id, "Acme")
    assert c.resume_point() != first
    c.clear(first.id)
    assert c.resume_point() == first and store.answers(c.session_id) == {}


def test_complete_status(store: SessionStore, starter: Questionnaire) -> None:
    """Answering every visible question marks the session complete; clearing one reopens it."""
    c = controller(store, starter)
    while (q := c.resume_point()) is not None:
        if q.dont_know:
            value: object = "dont_know"
        elif q.type.value == "multi":
            value = [q.choices[0].id]
        elif q.choices:
            value = q.choices[0].id
        elif q.type.value == "number":
            value = q.minimum or 1
        else:
            value = "x"
        c.answer(q.id, value)
    assert store.meta(c.session_id).status == "complete"
    c.clear("profile.org_name")
    assert store.meta(c.session_id).status == "in_progress"


def test_failed_save_keeps_old_state(starter: Questionnaire, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """When the disk refuses a save, the controller raises and keeps its previous answers."""
    ws = Workspace(tmp_path / "ws")
    c = controller(ws, starter)
    c.answer("profile.org_name", "Acme")

    def broken(*_a: object, **_k: object) -> object:
        raise SecplanError("Answer not saved", "disk full")

    monkeypatch.setattr(ws, "save_answer", broken)
    with pytest.raises(SecplanError):
        c.answer("profile.org_name", "Other")
    assert c.answers["profile.org_name"] == "Acme"


def test_import_file_saves_all_in_one_write_and_keeps_other_answers(
    store: SessionStore, starter: Questionnaire, tmp_path: Path
) -> None:
    """import_file merges the file into the session, updates progress and status, and saves nothing if invalid."""
    c = controller(store, starter)
    c.answer("profile.org_name", "Kept Ltd")
    good = Path(__file__).resolve().parents[1] / "questionnaires" / "examples" / "starter-small-office.yaml"
    parsed = c.import_file(str(good))
    assert len(parsed.answers) > 10
    assert store.answers(c.session_id) == {**{"profile.org_name": "Kept Ltd"}, **parsed.answers}
    assert store.meta(c.session_id).status == "complete" and c.flow.is_complete()
    before = store.answers(c.session_id)
    bad = tmp_path / "bad.yaml"
    bad.write_text("questionnaire: starter\nanswers:\n  profile.org_name: Other\n  profile.headcount: huge\n")
    with pytest.raises(InvalidInput):
        c.import_file(str(bad))
    assert store.answers(c.session_id) == before


OFFICE = Path(__file__).resolve().parents[1] / "questionnaires" / "examples" / "starter-small-office.yaml"


def test_progress_is_never_stale_after_another_process_imports(
    starter: Questionnaire, tmp_path: Path
) -> None:
    """A long-running front end that saves after another process imported answers into the same session
    writes the progress of every answer the session holds, not its own out-of-date count (issue 13)."""
    ws = Workspace(tmp_path / "ws")
    asking = controller(ws, starter)  # e.g. `secplan ask`, opened before the import
    asking.answer("profile.org_name", "Acme")
    importer = SessionController(Workspace(tmp_path / "ws"), asking.session_id, starter)  # another process
    importer.import_file(str(OFFICE))
    imported = ws.meta(asking.session_id)
    assert imported.status == "complete" and imported.answered == imported.total > 2
    asking.answer("profile.org_name", "Acme Two")  # its own view still holds one answer
    meta = ws.meta(asking.session_id)
    assert (meta.answered, meta.total, meta.status) == (imported.answered, imported.total, "complete")
    assert asking.meta == meta


def test_an_answer_that_completes_the_session_is_one_write(
    starter: Questionnaire, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The answer, its progress and the status it completes are saved in one replace of the session file."""
    import os

    ws = Workspace(tmp_path / "ws")
    c = controller(ws, starter)
    c.import_file(str(OFFICE))
    c.clear("profile.org_name")
    assert ws.meta(c.session_id).status == "in_progress"
    replaced: list[str] = []
    real_replace = os.replace

    def replace(src: object, dst: object) -> None:
        replaced.append(str(dst))
        real_replace(src, dst)  # type: ignore[arg-type]

    monkeypatch.setattr(os, "replace", replace)
    c.answer("profile.org_name", "Acme")
    assert len(replaced) == 1 and ws.meta(c.session_id).status == "complete"


def test_answers_file_notes_round_trip(store: SessionStore, starter: Questionnaire, tmp_path: Path) -> None:
    """An answers file may give an answer as {value, note}; import saves the note, export writes it back, and an
    answer given without a note keeps the note it had."""
    from secplan_tui.session.answer_files import export_answers

    c = controller(store, starter)
    c.answer("profile.org_name", "Acme", note="from the letterhead")
    source = tmp_path / "answers.yaml"
    source.write_text(
        "questionnaire: starter\nanswers:\n"
        "  profile.org_name: Acme Ltd\n"
        "  profile.premises:\n    value: office\n    note: \"Lease signed 2024 \\e[31m\"\n"
    )
    parsed = c.import_file(str(source))
    assert parsed.answer_notes == {"profile.premises": "Lease signed 2024"}  # the escape sequence is gone
    notes = c.answer_notes
    assert notes == {"profile.org_name": "from the letterhead", "profile.premises": "Lease signed 2024"}
    text = export_answers(starter, c.answers, "yaml", notes=notes)
    assert "  profile.premises:\n    value: office\n    note: Lease signed 2024\n" in text
    again = tmp_path / "again.yaml"
    again.write_text(text)
    c.answer("profile.org_name", "Changed", note="")
    c.import_file(str(again))
    assert c.answers["profile.org_name"] == "Acme Ltd" and c.answer_notes == notes


@pytest.mark.parametrize(
    ("entry", "problem"),
    [
        ("{value: office, notes: x}", "unknown field 'notes'"),
        ("{note: only a note}", "no 'value'"),
        ("{value: office, note: [a, b]}", "must be text"),
        ("{value: office, note: " + "x" * 1001 + "}", "1000 or fewer"),
    ],
)
def test_bad_note_entries_are_refused_with_file_and_line(
    store: SessionStore, starter: Questionnaire, tmp_path: Path, entry: str, problem: str
) -> None:
    """A malformed {value, note} entry is reported at its line and nothing is imported."""
    c = controller(store, starter)
    source = tmp_path / "bad.yaml"
    source.write_text(f"questionnaire: starter\nanswers:\n  profile.org_name: Acme\n  profile.premises: {entry}\n")
    with pytest.raises(InvalidInput) as caught:
        c.import_file(str(source))
    assert f"{source}:4:" in caught.value.message and problem in caught.value.message
    assert store.answers(c.session_id) == {}


def test_a_save_shows_the_answers_another_process_saved(starter: Questionnaire, tmp_path: Path) -> None:
    """After a save the controller's answers and flow are the session's as saved, another process's included,
    and counted once (the flow the store counted progress with)."""
    ws = Workspace(tmp_path / "ws")
    c = controller(ws, starter)
    Workspace(tmp_path / "ws").save_answer(c.session_id, "profile.premises", "office")  # another process
    assert "profile.premises" not in c.answers
    c.answer("profile.org_name", "Acme")
    assert c.answers == {"profile.premises": "office", "profile.org_name": "Acme"}
    assert c.flow.answers == c.answers and c.meta.answered == c.flow.counts()[0] == 2
