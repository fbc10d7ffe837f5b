"""The `secplan` command: the CLI contract of DESIGN.md, its exit codes and its error messages."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from secplan_tui.cli.main import main

ROOT = Path(__file__).resolve().parents[1]
OFFICE = ROOT / "questionnaires" / "examples" / "starter-small-office.yaml"
MICRO = ROOT / "questionnaires" / "examples" / "starter-micro.yaml"


@pytest.fixture
def run(tmp_path: Path, capsys: pytest.CaptureFixture[str]):  # type: ignore[no-untyped-def]
    """Run the CLI in process against a fresh workspace; returns (status, stdout, stderr)."""
    data = tmp_path / "ws"

    def _run(*args: str) -> tuple[int, str, str]:
        if args and args[0] == "new" and "--questionnaire" not in args:
            args = (*args, "--questionnaire", "starter")  # the small questionnaire the examples here answer
        capsys.readouterr()
        try:
            status = main(["--data-dir", str(data), *args])
        except SystemExit as exc:  # argparse
            status = int(exc.code or 0)
        out, err = capsys.readouterr()
        return status, out, err

    return _run


def test_new_prints_id_and_json(run, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """`new` prints the id; `new --json` prints at least id and name."""
    status, out, err = run("new", "first")
    assert status == 0 and len(out.strip()) >= 6
    # stderr says how to go on, with the --data-dir given, so the command works when pasted
    sid, command = out.strip(), f"secplan --data-dir {tmp_path / 'ws'}"
    assert f"`{command} open {sid}` (the app) or `{command} ask {sid}` (line by line)" in err
    status, out, _ = run("new", "second", "--json")
    doc = json.loads(out)
    assert status == 0 and doc["name"] == "second" and doc["id"]


def test_duplicate_name_refused(run) -> None:  # type: ignore[no-untyped-def]
    """A second session with the same name is refused with exit 2 and a message naming it."""
    run("new", "acme")
    status, _, err = run("new", "acme")
    assert status == 2 and "acme" in err


def test_list_json_shows_progress(run) -> None:  # type: ignore[no-untyped-def]
    """`list --json` shows each session with answered and total counts after an import."""
    run("new", "office")
    run("answers", "import", "office", str(OFFICE))
    status, out, _ = run("list", "--json")
    rows = json.loads(out)
    assert status == 0 and rows[0]["name"] == "office"
    assert rows[0]["answered"] == rows[0]["total"] > 0


def test_list_in_an_ordinary_workspace_has_no_owner(run) -> None:  # type: ignore[no-untyped-def]
    """Outside a classroom `list` keeps its columns (no OWNER) and `list --json` its keys (no owner)."""
    run("new", "office")
    status, out, _ = run("list")
    assert status == 0
    assert out.splitlines()[0].split() == ["ID", "NAME", "QUESTIONNAIRE", "PROGRESS", "UPDATED"]
    _, out, _ = run("list", "--json")
    assert set(json.loads(out)[0]) == {"answered", "created", "id", "name", "questionnaire", "scenario", "status",
                                       "suspect", "total", "updated", "version"}
    assert json.loads(out)[0]["suspect"] is None


def test_export_import_round_trip_gives_identical_plan(run, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """Export then import into a new session gives a byte-identical plan in every format (but for the session's
    name, which the plan carries)."""
    run("new", "sess-one")
    run("answers", "import", "sess-one", str(OFFICE))
    exported = tmp_path / "one.yaml"
    assert run("answers", "export", "sess-one", "-o", str(exported))[0] == 0
    run("new", "sess-two")
    assert run("answers", "import", "sess-two", str(exported))[0] == 0
    for fmt in ("md", "html", "json"):
        a = run("plan", "sess-one", "--date", "2026-12-01", "--format", fmt)
        b = run("plan", "sess-two", "--date", "2026-12-01", "--format", fmt)
        assert a[0] == b[0] == 0 and "sess-one" in a[1]
        assert a[1] == b[1].replace("sess-two", "sess-one") and len(a[1]) > 1000


def test_export_json_round_trip(run, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """A JSON export imports back to the same answers."""
    run("new", "one")
    run("answers", "import", "one", str(MICRO))
    _, yaml_before, _ = run("answers", "export", "one")
    target = tmp_path / "a.json"
    run("answers", "export", "one", "-o", str(target))
    assert json.loads(target.read_text())["questionnaire"] == "starter"
    run("new", "two")
    assert run("answers", "import", "two", str(target))[0] == 0
    assert run("answers", "export", "two")[1] == yaml_before


def test_import_is_all_or_nothing_and_reports_every_entry(run, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """An answers file with several bad entries imports nothing and names each one with its line."""
    run("new", "x")
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        "questionnaire: starter\nversion: '1.0'\nanswers:\n"
        "  profile.org_name: Fine Ltd\n"
        "  profile.headcount: huge\n"
        "  profile.peopel: 4\n"
        "  profile.people: -3\n"
    )
    status, _, err = run("answers", "import", "x", str(bad))
    assert status == 2
    assert f"{bad}:5:" in err and "huge" in err
    assert f"{bad}:6:" in err and "did you mean 'profile.people'" in err
    assert f"{bad}:7:" in err
    assert "nothing was imported" in err
    _, out, _ = run("answers", "export", "x")
    assert "Fine Ltd" not in out


def test_import_wrong_questionnaire(run, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """Answers written for another questionnaire are refused with a message naming both."""
    run("new", "x")
    bad = tmp_path / "other.yaml"
    bad.write_text("questionnaire: other\nversion: '1'\nanswers: {}\n")
    status, _, err = run("answers", "import", "x", str(bad))
    assert status == 2 and "'other'" in err and "'starter'" in err


BROKEN_FILES = [b"", b"\xff\xfe\x00bad", b"answers: [unclosed\n", b"!!python/object:os.system x\n"]


@pytest.mark.parametrize("content", BROKEN_FILES)
def test_import_broken_file_is_a_clear_error(run, tmp_path: Path, content: bytes) -> None:  # type: ignore[no-untyped-def]
    """Empty, non-UTF-8, broken and tagged answer files give exit 2 and a message naming the file."""
    run("new", "x")
    bad = tmp_path / "broken.yaml"
    bad.write_bytes(content)
    status, _, err = run("answers", "import", "x", str(bad))
    assert status == 2 and "broken.yaml" in err and "Traceback" not in err


def test_plan_views_and_formats(run) -> None:  # type: ignore[no-untyped-def]
    """`plan` gives Markdown, HTML and JSON and the three views."""
    run("new", "o")
    run("answers", "import", "o", str(OFFICE))
    _, md, _ = run("plan", "o", "--date", "2026-12-01")
    assert md.startswith("**CONFIDENTIAL**") or "CONFIDENTIAL" in md.splitlines()[0]
    _, html, _ = run("plan", "o", "--format", "html", "--date", "2026-12-01")
    assert html.lstrip().lower().startswith("<!doctype html>") and "<script" not in html.lower()
    _, js, _ = run("plan", "o", "--format", "json", "--date", "2026-12-01")
    assert json.loads(js)["format"] == "secplan-plan"
    _, checklist, _ = run("plan", "o", "--view", "checklist", "--date", "2026-12-01")
    assert "- [ ] " in checklist
    _, summary, _ = run("plan", "o", "--view", "summary", "--date", "2026-12-01")
    assert len(summary) < len(md) / 2


def test_plan_to_file_infers_format(run, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """`plan -o FILE.html` writes HTML to the file and nothing to stdout."""
    run("new", "o")
    target = tmp_path / "plan.html"
    status, out, err = run("plan", "o", "-o", str(target))
    assert status == 0 and out == "" and "plan.html" in err
    assert target.read_text().lstrip().lower().startswith("<!doctype html>")


def test_bad_date_and_unknown_session(run) -> None:  # type: ignore[no-untyped-def]
    """A bad date and an unknown session each give exit 2 and say what to do."""
    run("new", "office")
    status, _, err = run("plan", "office", "--date", "2026-13-45")
    assert status == 2 and "YYYY-MM-DD" in err
    status, _, err = run("plan", "ofice")
    assert status == 2 and "office" in err


def test_names_are_case_insensitive(run) -> None:  # type: ignore[no-untyped-def]
    """A name differing only in case is refused at `new` and resolves to the same session."""
    run("new", "Acme")
    status, _, err = run("new", "acme")
    assert status == 2 and "Acme" in err
    assert run("plan", "ACME", "--date", "2026-12-01")[0] == 0


def test_show_json_contract(run) -> None:  # type: ignore[no-untyped-def]
    """`show --json` has the fields the CLI contract promises."""
    status, out, _ = run("show", "starter", "--json")
    doc = json.loads(out)
    assert status == 0 and doc["id"] == "starter" and doc["version"]
    question = doc["sections"][0]["questions"][0]
    assert {"id", "type", "text", "choices", "when"} <= set(question)
    action = doc["actions"][0]
    assert {"id", "title", "domain", "priority", "owner", "when", "references"} <= set(action)


def test_show_text_lists_conditions(run) -> None:  # type: ignore[no-untyped-def]
    """`show` prints every question id with its conditions and triggered actions."""
    status, out, _ = run("show", "starter")
    assert status == 0 and "profile.org_name" in out and "when:" in out and "triggers:" in out


def test_validate_default_is_clean_and_errors_exit_2(run, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """`validate` passes the bundled questionnaires and exits 2 with FILE:LINE on a broken one."""
    status, out, err = run("validate")
    assert status == 0 and "0 errors" in err
    bad = tmp_path / "bad.yaml"
    bad.write_text("id: x\nversion: '1'\ntitle: X\nsections:\n  - id: s\n    title: S\n    domain: cyberr\n"
                   "    questions: []\n")
    status, out, _ = run("validate", str(bad))
    assert status == 2 and f"{bad}:7: E114" in out


def test_delete(run) -> None:  # type: ignore[no-untyped-def]
    """`delete` removes the session; the name is then unknown."""
    run("new", "gone")
    assert run("delete", "gone")[0] == 0
    assert run("plan", "gone")[0] == 2


def test_usage_errors_exit_2(run) -> None:  # type: ignore[no-untyped-def]
    """Unknown commands, options and missing arguments exit 2."""
    assert run("frobnicate")[0] == 2
    assert run("plan")[0] == 2
    assert run("plan", "x", "--format", "pdf")[0] == 2


def test_no_traceback_without_debug(tmp_path: Path) -> None:
    """An unreadable data dir gives one clear line, not a traceback, in a real process."""
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    env = {**os.environ, "SECPLAN_DEBUG": ""}
    proc = subprocess.run([sys.executable, "-m", "secplan_tui", "--data-dir", str(blocker / "ws"), "list"],
                          capture_output=True, text=True, env=env, cwd=ROOT)
    assert proc.returncode in (1, 2)
    assert "Traceback" not in proc.stderr and proc.stderr.startswith("secplan: error:")
    assert str(blocker) in proc.stderr


def test_version() -> None:
    """`--version` prints the version and exits 0."""
    proc = subprocess.run([sys.executable, "-m", "secplan_tui", "--version"], capture_output=True, text=True,
                          cwd=ROOT)
    assert proc.returncode == 0 and proc.stdout.startswith("secplan ")


def test_hostile_session_name_is_cleaned(run) -> None:  # type: ignore[no-untyped-def]
    """A session name with escape sequences is stored and listed without them."""
    status, out, _ = run("new", "evil\x1b]0;owned\x07name", "--json")
    assert status == 0 and "\x1b" not in out
    _, listing, _ = run("list")
    assert "\x1b" not in listing and "evilname" in listing


def test_older_version_session_keeps_removed_answers(run, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """A session started on another version gets a note, and answers to removed questions are listed, not lost."""
    from secplan_tui.store import Workspace

    run("new", "old")
    run("answers", "import", "old", str(MICRO))
    ws = Workspace(tmp_path / "ws")
    meta = ws.resolve("old")
    ws.update_meta(meta.id, questionnaire_version="0.9")
    ws.save_answer(meta.id, "profile.retired_question", "yes")
    status, out, err = run("plan", "old", "--date", "2026-12-01")
    assert status == 0 and "version 0.9" in err and "profile.retired_question" in err
    _, exported, _ = run("answers", "export", "old")
    assert "profile.retired_question" in exported


def test_new_uses_the_full_questionnaire_by_default(tmp_path: Path) -> None:
    """Without --questionnaire a session answers the full ISO 22342 questionnaire."""
    data = tmp_path / "ws"
    assert main(["--data-dir", str(data), "new", "plain"]) == 0
    from secplan_tui.store import Workspace

    assert Workspace(data).resolve("plain").questionnaire_id == "iso22342"


def test_examples_lists_and_prints_the_bundled_examples(run, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """`examples` lists every bundled example with a description; `examples ID` prints it, ready to import."""
    status, out, _ = run("examples")
    listed = dict(line.split("\t", 1) for line in out.splitlines() if "\t" in line)
    assert status == 0 and {"starter-micro", "iso22342-accountancy"} <= set(listed)
    assert all(title.strip() for title in listed.values())
    target = tmp_path / "micro.yaml"
    assert run("examples", "starter-micro", "-o", str(target))[0] == 0
    assert target.read_text(encoding="utf-8") == MICRO.read_text(encoding="utf-8")
    run("new", "micro")
    assert run("answers", "import", "micro", str(target))[0] == 0
    status, _, err = run("examples", "nope")
    assert status == 2 and "starter-micro" in err and "secplan" in err


@pytest.mark.parametrize("name", ["plan.pdf", "plan.docx", "plan.yaml"])
def test_plan_refuses_an_unknown_file_ending(run, tmp_path: Path, name: str) -> None:  # type: ignore[no-untyped-def]
    """`plan -o x.pdf` writes nothing and names the formats it can write."""
    run("new", "office")
    status, _, err = run("plan", "office", "-o", str(tmp_path / name))
    assert status == 2 and not (tmp_path / name).exists()
    assert "md (.md" in err and "html (.html" in err and "json (.json)" in err


def test_plan_format_and_file_ending_must_agree(run, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """--format html with a .md file is refused; agreeing ones, or a name without an ending, are fine."""
    run("new", "office")
    status, _, err = run("plan", "office", "-o", str(tmp_path / "p.md"), "--format", "html")
    assert status == 2 and "--format html" in err and not (tmp_path / "p.md").exists()
    assert run("plan", "office", "-o", str(tmp_path / "p.html"), "--format", "html")[0] == 0
    assert run("plan", "office", "-o", str(tmp_path / "plain"), "--format", "json")[0] == 0
    assert json.loads((tmp_path / "plain").read_text(encoding="utf-8"))
    assert (tmp_path / "p.html").read_text(encoding="utf-8").lstrip().lower().startswith("<!doctype html")


@pytest.mark.parametrize("fmt", ["md", "html", "json"])
def test_a_closed_pipe_ends_quietly_with_status_0(tmp_path: Path, fmt: str) -> None:
    """`secplan plan S | head -c 1`: the reader goes away; secplan says nothing and exits 0, in every format."""
    data = str(tmp_path / "ws")
    base = [sys.executable, "-m", "secplan_tui", "--data-dir", data]
    subprocess.run([*base, "new", "office", "--questionnaire", "starter"], check=True, capture_output=True)
    subprocess.run([*base, "answers", "import", "office", str(OFFICE)], check=True, capture_output=True)
    read_fd, write_fd = os.pipe()
    os.close(read_fd)  # nobody will read: the first write fails with EPIPE, whatever the size of the plan
    proc = subprocess.run([*base, "plan", "office", "--format", fmt], stdout=write_fd, stderr=subprocess.PIPE,
                          text=True, timeout=120)
    os.close(write_fd)
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr == ""


def test_serve_without_the_extra_or_with_a_bad_port(run, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    """`serve` without textual-serve says how to install it; a port out of range is refused."""
    import importlib.util

    assert run("serve", "--port", "0")[0] == 2
    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec",
                        lambda name, *a: None if name == "textual_serve" else real(name, *a))
    status, _, err = run("serve", "--port", "8123")
    assert status == 1 and "pip install 'secplan[serve]'" in err


def test_printed_html_has_page_size_marking_in_the_margin_and_checkboxes(  # type: ignore[no-untyped-def]
    run, tmp_path: Path
) -> None:
    """The HTML plan prints on A4 with margins, the marking in the page margin boxes (never a fixed header or
    footer over the text), and the checklist's tasks as checkboxes."""
    import re

    run("new", "office")
    run("answers", "import", "office", str(OFFICE))
    assert run("plan", "office", "-o", str(tmp_path / "full.html"))[0] == 0
    assert run("plan", "office", "-o", str(tmp_path / "list.html"), "--view", "checklist")[0] == 0
    full = (tmp_path / "full.html").read_text(encoding="utf-8")
    checklist = (tmp_path / "list.html").read_text(encoding="utf-8")
    css = full[full.index("<style>"): full.index("</style>")]
    assert re.search(r"@page\s*\{\s*size:\s*A4;\s*margin:\s*\d+mm", css)
    assert re.search(r'@top-center\s*\{\s*content:\s*"CONFIDENTIAL"', css)
    assert re.search(r'@bottom-center\s*\{\s*content:\s*"CONFIDENTIAL"', css)
    assert "position: fixed" not in css and "position:fixed" not in css
    boxes = re.findall(r'<li class="task-list-item"><input class="task-list-item-checkbox" disabled="disabled" '
                       r'type="checkbox"( checked="checked")?>', checklist)
    assert len(boxes) >= 5 and "[ ]" not in checklist


def test_a_marking_cannot_break_out_of_the_stylesheet() -> None:
    """The marking goes into a CSS string: quotes, backslashes and </style> come out as CSS escapes."""
    from secplan_tui.plan.html import css_string, marking_page_css

    hostile = 'x"; } body { display: none } </style><script>alert(1)</script>\\'
    quoted = css_string(hostile)
    inner = quoted[1:-1]
    assert quoted.startswith('"') and quoted.endswith('"') and '"' not in inner
    assert "<" not in inner and ">" not in inner and "{" not in inner and "}" not in inner
    assert "\\" not in inner.replace("\\22 ", "").replace("\\3C ", "").replace("\\3E ", "").replace(
        "\\7B ", "").replace("\\7D ", "").replace("\\5C ", "")
    assert "</style" not in marking_page_css(hostile).lower()


HOSTILE = "Ac\x1b]0;owned\x07me\x9b2J\u202eevil\u2066"
"""A name or field with an OSC title change, an 8-bit CSI, and bidirectional overrides and isolates."""


def _unsafe(text: str) -> list[str]:
    """The ESC, C1 and bidirectional characters in text."""
    return [c for c in text if c == "\x1b" or "\x80" <= c <= "\x9f" or c in "\u202a\u202b\u202c\u202d\u202e\u2066"
            "\u2067\u2068\u2069\u200e\u200f\u061c"]


def test_hostile_names_and_fields_reach_no_terminal(  # type: ignore[no-untyped-def]
    run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A session whose stored name, owner and suspect reason are hostile, and hostile file names, go through
    list, plan, actions and answers import without an ESC, C1 or bidirectional character reaching stdout or
    stderr; a suspect session is marked "! " with its reason below the list and in --json."""
    import dataclasses

    from secplan_tui.store import Workspace

    sid = run("new", "office")[1].strip()
    real_sessions, real_resolve = Workspace.sessions, Workspace.resolve

    def hostile(meta):  # type: ignore[no-untyped-def]
        return dataclasses.replace(meta, name=HOSTILE, suspect=f"its id was taken by {HOSTILE}")

    monkeypatch.setattr(Workspace, "sessions", lambda self: [hostile(m) for m in real_sessions(self)])
    monkeypatch.setattr(Workspace, "resolve", lambda self, key: hostile(real_resolve(self, key)))
    answers = tmp_path / f"answers{HOSTILE}.yaml"
    answers.write_bytes(OFFICE.read_bytes())
    output = tmp_path / f"plan{HOSTILE}.md"
    output.write_text("old plan\n")
    results = {
        "list": run("list"),
        "list --json": run("list", "--json"),
        "import": run("answers", "import", sid, str(answers)),
        "import missing": run("answers", "import", sid, str(tmp_path / f"gone{HOSTILE}.yaml")),
        "plan": run("plan", sid, "-o", str(output)),
        "plan to stdout": run("plan", sid),
        "actions": run("actions", sid),
        "actions --json": run("actions", sid, "--json"),
        "diff": run("diff", sid, sid, "-o", str(output)),
        "export": run("answers", "export", sid, "-o", str(tmp_path / f"a{HOSTILE}.yaml")),
    }
    for what, (_, out, err) in results.items():
        assert not _unsafe(out) and not _unsafe(err), (what, out, err)
    status, out, _ = results["list"]
    lines = out.splitlines()
    assert status == 0 and lines[1].split()[1] == "!"
    assert lines[-1].startswith(f"! {lines[1].split()[0]}: its id was taken by Ac")
    rows = json.loads(results["list --json"][1])
    assert rows[0]["suspect"].startswith("its id was taken by")
    status, _, err = results["import"]
    assert status == 0 and "Imported " in err and " answers into session 'Ac" in err, err
    assert results["import missing"][0] != 0 and "does not exist" in results["import missing"][2]
    status, _, err = results["plan"]
    assert status == 0 and "secplan: note: Replaced the existing file" in err and "Wrote the full plan" in err
    assert json.loads(results["actions --json"][1])["session"]["name"] == HOSTILE  # escaped in the JSON text


def test_new_folds_its_message_on_a_terminal_only(  # type: ignore[no-untyped-def]
    run, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """`new` folds what it says at word breaks to the terminal's width on a terminal, never into a pipe; a
    suggested command is never split."""
    _, _, err = run("new", "piped-session-with-a-long-name")
    assert max(len(line) for line in err.splitlines()) > 60
    monkeypatch.setenv("COLUMNS", "50")
    monkeypatch.setattr(sys.stderr, "isatty", lambda: True, raising=False)
    _, _, err = run("new", "terminal-session-with-a-long-name")
    lines = err.splitlines()
    assert len(lines) > 3 and all(len(line) < 50 or line.startswith("`") or "`" in line for line in lines)
    assert any(line.count("`") == 2 and " open " in line for line in lines)  # whole, to copy


def test_no_app_says_why(run, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    """Without a terminal the notice says which side is not one (plain.no_app_reason), or that TERM is dumb."""
    status, _, err = run()
    assert status == 2 and "secplan: input is not a terminal" in err and "Create a session" in err
    monkeypatch.setenv("TERM", "dumb")
    status, _, err = run()
    assert status == 2 and 'TERM is "dumb"' in err


def test_a_damaged_snapshot_file_is_named_before_the_error(run, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """`diff S@1` when snapshot 1's file is damaged warns that it cannot be read (and what to do) before saying the
    session has no snapshot (the store's notice used to be dropped, leaving only "no snapshots yet")."""
    status, out, _ = run("new", "acme")
    assert status == 0
    status, _, err = run("plan", "acme", "--snapshot", "--label", "first", "-o", str(tmp_path / "plan.md"))
    assert status == 0, err
    [snap] = (tmp_path / "ws").glob("*.snap-0001.json")
    snap.write_text("{not json", encoding="utf-8")
    status, _, err = run("diff", "acme@1", "acme")
    lines = err.splitlines()
    assert status == 2
    assert lines[0].startswith("secplan: warning: Snapshot 1 of session ") and "it is not JSON" in lines[0]
    assert "restore the file from a backup" in lines[0]
    assert lines[1].startswith("secplan: error: No snapshots")
