"""Line mode in a child process, as scripts, dumb terminals and screen readers meet it: piped answers, invalid
lines, end of input, SIGINT, hostile text, and a screen-reader check that every prompt stands alone in text."""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import os
import re
import selectors
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml

from secplan_tui.core import catalogue
from secplan_tui.core.model import AnswerValue, Question, Questionnaire
from secplan_tui.plan import compile_plan, render_markdown
from secplan_tui.store import Workspace

ROOT = Path(__file__).resolve().parents[1]
ENTRY = ROOT / "tests" / "plain" / "entry.py"
OFFICE_LINES = ROOT / "tests" / "plain" / "small-office.txt"
OFFICE = ROOT / "questionnaires" / "examples" / "starter-small-office.yaml"
HEADER = re.compile(
    r"^(?P<section>.+) \u2014 (?:(?:essentials|details): )?question (?P<n>\d+) of (?P<total>\d+)"
    r"(?:, about (?P<minutes>\d+) min left)?$"
)


@pytest.fixture(scope="module")
def starter() -> Questionnaire:
    """The bundled starter questionnaire."""
    return catalogue.load("starter")


@pytest.fixture
def session(tmp_path: Path, starter: Questionnaire) -> tuple[Path, str]:
    """A workspace folder holding one empty starter session; returns (folder, session id)."""
    data = tmp_path / "ws"
    meta = Workspace(data).create("office", starter.id, starter.version, starter.content_hash)
    return data, meta.id


def _cli_has_ask() -> bool:
    from secplan_tui.cli.main import build_parser

    try:
        with contextlib.redirect_stderr(io.StringIO()):
            build_parser().parse_args(["ask", "x", "--plain"])
    except SystemExit:
        return False
    return True


def plain_command(data: Path, sid: str) -> list[str]:
    """`secplan --data-dir DATA ask SESSION --plain` once the CLI has it, else the tests' own entry module."""
    if _cli_has_ask():
        return [sys.executable, "-m", "secplan_tui", "--data-dir", str(data), "ask", sid, "--plain"]
    return [sys.executable, str(ENTRY), str(data), sid, "line"]


def child_env() -> dict[str, str]:
    """The environment of a dumb terminal."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("SECPLAN_")}
    env["TERM"] = "dumb"
    return env


def run_line_mode(data: Path, sid: str, stdin: bytes) -> tuple[int, bytes]:
    """Run line mode with this input (then end of input); returns (status, stdout bytes)."""
    done = subprocess.run(
        plain_command(data, sid), input=stdin, capture_output=True, env=child_env(), cwd=ROOT, timeout=30
    )
    assert b"Traceback" not in done.stderr, done.stderr.decode()
    return done.returncode, done.stdout


def saved(data: Path, sid: str) -> dict[str, AnswerValue]:
    """The session's answers as a fresh process would read them."""
    return Workspace(data).answers(sid)


def prompt_blocks(transcript: str) -> list[list[str]]:
    """The prompts of a transcript: blocks of lines from a header line to the "Answer: " line."""
    blocks: list[list[str]] = []
    current: list[str] | None = None
    for line in transcript.split("\n"):
        if HEADER.match(line):
            current = [line]
        elif current is not None:
            current.append(line)
            if line.startswith("Answer: "):
                blocks.append(current)
                current = None
    return blocks


def check_prompt_stands_alone(block: list[str], questionnaire: Questionnaire) -> Question:
    """Assert that a prompt names, in text alone, its section and progress, its question, each choice with its
    number, and how to answer (with exactly the keywords this question takes); returns the question."""
    header = HEADER.match(block[0])
    assert header is not None
    asked = [q for q in questionnaire.questions() if q.text.strip() in block]
    assert len(asked) == 1, block
    question = asked[0]
    section = questionnaire.section(question.section)
    assert section is not None and header["section"] == section.title
    assert 1 <= int(header["n"]) <= int(header["total"])
    for number, choice in enumerate(question.choices, 1):
        assert f"  {number}. {choice.label}" in block, (question.id, block)
    how = [line for line in block if line.startswith("Type ")]
    assert len(how) == 1, block
    instruction = how[0]
    if question.choices:
        assert f"(1-{len(question.choices)})" in instruction
    for phrase in ("? for help", "< to go back", "s to skip", "q to stop."):
        assert phrase in instruction, instruction
    assert "briefing" not in instruction  # not a teaching exercise
    assert ("d for don't know" in instruction) is question.dont_know
    assert ("na for not applicable" in instruction) is question.not_applicable
    assert block[-1].startswith("Answer: ")
    return question


def test_piped_answers_complete_the_starter_and_the_plan_compiles(
    session: tuple[Path, str], starter: Questionnaire
) -> None:
    """answers.txt piped in (one line per question) answers every visible question; the plan compiles; every
    prompt stands alone for a screen reader; no escape byte is written."""
    data, sid = session
    status, out = run_line_mode(data, sid, OFFICE_LINES.read_bytes())
    transcript = out.decode("utf-8")

    assert status == 0, transcript
    office = yaml.safe_load(OFFICE.read_text(encoding="utf-8"))["answers"]
    answers = saved(data, sid)
    assert answers == office
    assert Workspace(data).meta(sid).status == "complete"
    plan = compile_plan(starter, answers, dt.date(2026, 1, 15))
    assert "Riverside Travel Ltd" in render_markdown(plan)
    assert b"\x1b" not in out
    blocks = prompt_blocks(transcript)
    asked = [check_prompt_stands_alone(block, starter).id for block in blocks]
    assert asked == list(office)  # one prompt per question, in the order of the answers file
    assert "All 35 questions are answered and saved." in transcript
    # One count: the questions that apply now, so the last prompt is the last of them; the time left runs down.
    headers = [m for m in (HEADER.match(line) for line in transcript.splitlines()) if m]
    assert headers[-1]["n"] == headers[-1]["total"] == "35"
    assert int(headers[0]["minutes"]) > int(headers[-1]["minutes"]) == 1


def test_invalid_line_gets_a_reason_and_the_same_question(session: tuple[Path, str]) -> None:
    """A line that is not an answer gets a one-line reason, then the same prompt again; nothing is saved for it."""
    data, sid = session
    status, out = run_line_mode(data, sid, b"Acme\n7\nbig\n2\n")
    lines = out.decode("utf-8").split("\n")

    refused = [i for i, line in enumerate(lines) if line.startswith("Not accepted: ")]
    assert [lines[i] for i in refused] == [
        "Not accepted: there is no choice 7; type a number from 1 to 3.",
        "Not accepted: 'big' is not one of the choices; type a number from 1 to 3.",
    ]
    for i in refused:  # the reason, a blank line, then the same question from its header on
        assert lines[i - 1] in ("Answer: 7", "Answer: big")
        assert (header := HEADER.match(lines[i + 2])) is not None
        assert (header["section"], header["n"]) == ("About your organisation", "2")
        assert lines[i + 3] == "How big is the organisation?"
    assert status == 1
    assert saved(data, sid) == {"profile.org_name": "Acme", "profile.headcount": "small"}


def test_end_of_input_keeps_answers_and_names_the_place(session: tuple[Path, str]) -> None:
    """Input that ends midway, with hostile text in it, keeps every answer, exits 1 with a line naming the question
    and section and how to go on, and writes no escape byte at all."""
    data, sid = session
    hostile = "\x1b]0;owned\x07Acme \x1b[31mLtd\x1b[0m\x9b2J\n"
    status, out = run_line_mode(data, sid, hostile.encode("utf-8") + b"\x1b[2J2\n")  # the 2 is read as typed

    transcript = out.decode("utf-8")
    assert status == 1
    assert b"\x1b" not in out and b"\x07" not in out and "\x9b" not in transcript
    assert saved(data, sid) == {"profile.org_name": "Acme Ltd", "profile.headcount": "small"}
    assert transcript.rstrip().split("\n")[-1] == (
        f'Input ended at question 3 of 19 ("How many people, including you and regu\u2026"). 2 answers are saved; '
        f"run `secplan --data-dir {data} ask {sid}` to go on."
    )


def _read_until(proc: subprocess.Popen[bytes], done: str, count: int, timeout: float = 15) -> str:
    """Read the child's stdout until ``done`` has appeared ``count`` times."""
    assert proc.stdout is not None
    seen = b""
    with selectors.DefaultSelector() as sel:
        sel.register(proc.stdout, selectors.EVENT_READ)
        deadline = time.monotonic() + timeout
        while seen.decode("utf-8", "replace").count(done) < count:
            left = deadline - time.monotonic()
            assert left > 0, seen.decode("utf-8", "replace")
            if sel.select(left):
                chunk = os.read(proc.stdout.fileno(), 65536)
                assert chunk, seen.decode("utf-8", "replace")
                seen += chunk
    return seen.decode("utf-8", "replace")


def test_sigint_while_waiting_keeps_answers(session: tuple[Path, str]) -> None:
    """SIGINT while line mode waits for input keeps every answer given and exits 130 with the message."""
    data, sid = session
    proc = subprocess.Popen(
        plain_command(data, sid), stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        env=child_env(), cwd=ROOT,
    )
    try:
        assert proc.stdin is not None
        proc.stdin.write(b"Acme\n2\n")
        proc.stdin.flush()
        before = _read_until(proc, "Answer: ", 3)  # the third prompt is waiting for its line
        proc.send_signal(signal.SIGINT)
        # stdin stays open until the child has exited: closing it now (as communicate() does) would race the
        # signal with an end of input, and the child could exit 1 for EOF before it sees the SIGINT.
        proc.wait(timeout=15)
        assert proc.stdout is not None and proc.stderr is not None
        rest, err = proc.stdout.read(), proc.stderr.read()
        proc.stdin.close()
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    transcript = before + rest.decode("utf-8")
    assert proc.returncode == 130, err.decode()
    assert b"Traceback" not in err
    assert transcript.rstrip().split("\n")[-1] == (
        f"Stopped. 2 answers are saved; run `secplan --data-dir {data} ask {sid}` to go on.")
    assert saved(data, sid) == {"profile.org_name": "Acme", "profile.headcount": "small"}
    assert "\x1b" not in transcript


def test_closed_stdin_ends_like_end_of_input(session: tuple[Path, str]) -> None:
    """With stdin closed (`secplan ask x <&-`, Python then has no sys.stdin) line mode asks the first question,
    then ends as at end of input: status 1, the place named, no traceback."""
    data, sid = session
    done = subprocess.run(
        plain_command(data, sid), stdin=subprocess.DEVNULL, capture_output=True, env=child_env(), cwd=ROOT,
        timeout=30, preexec_fn=lambda: os.close(0),  # closing fd 0 in the child is the point
    )
    assert b"Traceback" not in done.stderr and done.stderr == b"", done.stderr.decode()
    assert done.returncode == 1
    assert done.stdout.decode("utf-8").rstrip().split("\n")[-1] == (
        f'Input ended at question 1 of 19 ("What is your organisation called?"). 0 answers are saved; '
        f"run `secplan --data-dir {data} ask {sid}` to go on."
    )
