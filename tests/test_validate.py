"""Questionnaire validation: a corpus of broken files, each with its own code at its own line, and the CLI."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from secplan_tui.core.errors import Problem, QuestionnaireInvalid, Severity
from secplan_tui.core.validate import load_questionnaire, validate_path
from secplan_tui.core.yaml_reader import MAX_FILE_BYTES

ROOT = Path(__file__).resolve().parent.parent
CORPUS = Path(__file__).resolve().parent / "questionnaires"
BROKEN = CORPUS / "broken"
BUNDLED = ROOT / "questionnaires"
PWNED = "pwned-by-secplan-corpus"
"""The file the corpus's hostile payloads would create if anything ran them."""

# (file in broken/, line, code, parts of the message). Each file breaks one thing and gives one error code.
# fmt: off
CASES: list[tuple[str, int, str, list[str]]] = [
    ("unknown_question_id.yaml", 41, "E121",
     ["unknown question id 'profile.sise'", "did you mean 'profile.size'?"]),
    ("unknown_choice.yaml", 41, "E122",
     ["unknown choice 'smal' for question 'profile.size'", "did you mean 'small'?"]),
    ("dont_know_not_offered.yaml", 41, "E122",
     ["choice 'dont_know' for question 'profile.size'", "does not offer"]),
    ("cycle_self.yaml", 41, "E125", ["question 'cyber.mfa'", "cycle: cyber.mfa -> cyber.mfa"]),
    ("cycle_mutual.yaml", 15, "E125", ["cycle: profile.size -> profile.people -> profile.size"]),
    ("cycle_section.yaml", 35, "E125", ["section 'cyber'", "cycle: cyber.mfa -> cyber.mfa"]),
    ("duplicate_id.yaml", 45, "E120", ["duplicate id 'cyber.mfa'", "first defined at line 36"]),
    ("bad_question_type.yaml", 37, "E114",
     ["question 'cyber.mfa'", "unknown value 'boolean' for 'type'", "yesno"]),
    ("unreachable_question.yaml", 45, "E126",
     ["question 'cyber.vpn' can never be shown", "profile.people > 500"]),
    ("action_never_triggers.yaml", 55, "E127", ["action 'act.mfa' can never trigger"]),
    ("yaml_syntax_error.yaml", 15, "E103", ["YAML syntax error", "mapping values are not allowed"]),
    ("python_tag.yaml", 4, "E104", ["!!python/object/apply:os.system", "only plain YAML"]),
    ("not_utf8.yaml", 4, "E101", ["not valid UTF-8", "offset 95"]),
    ("empty.yaml", 0, "E102", ["file is empty"]),
    ("billion_laughs.yaml", 3, "E107", ["aliases and anchors are not allowed", "&a"]),
    ("deeply_nested.yaml", 3, "E106", ["nesting is too deep"]),
    ("type_mismatch_number_text.yaml", 41, "E123", ["'profile.people' is a number; 'ten' is text"]),
    ("type_mismatch_ordering_choice.yaml", 41, "E123",
     ["'>' needs a number question; 'profile.size' is single"]),
    ("type_mismatch_in_single.yaml", 41, "E123", ["'in profile.size' needs a multiple-choice question"]),
    ("unknown_role.yaml", 52, "E128", ["action 'act.mfa'", "unknown role 'ownr'", "did you mean 'owner'?"]),
    ("withdrawn_control.yaml", 58, "E129",
     ["unknown control reference 'CSF:PR.AC-01'", "withdrawn NIST CSF 1.1"]),
    ("unknown_control.yaml", 57, "E129", ["unknown control reference 'ISO27001:A.8.35'"]),
    ("missing_why.yaml", 36, "E130", ["question 'cyber.mfa' has no help text"]),
    ("unknown_field.yaml", 41, "E112", ["unknown field 'wehn'", "did you mean 'when'?"]),
    ("condition_import.yaml", 41, "E124",
     ["question 'cyber.mfa': condition syntax error", "unknown function"]),
    ("condition_assignment.yaml", 41, "E124", ["condition syntax error", "profile.size = 'small'"]),
    ("forward_reference.yaml", 15, "E132",
     ["question 'profile.size'", "refers to 'profile.people'", "not asked before this point"]),
    ("missing_required_field.yaml", 13, "E111", ["question 'profile.size': missing required field 'text'"]),
    ("top_level_list.yaml", 2, "E110", ["the file: expected a mapping", "found a list"]),
    ("bad_choice_id.yaml", 20, "E113", ["'Micro' is not a valid id"]),
    ("duplicate_key.yaml", 5, "E110", ["'title' twice (also at line 4)"]),
    ("unknown_treating_action.yaml", 64, "E134", ["unknown action id 'act.mfaa'", "did you mean 'act.mfa'?"]),
    ("after_unknown_action.yaml", 55, "E134",
     ["action 'act.mfa' 'after'", "unknown action id 'act.mfa_ap'", "did you mean 'act.mfa_app'?"]),
    ("after_cycle.yaml", 55, "E135", ["cycle: act.mfa -> act.mfa_app -> act.mfa"]),
    ("effort_range_backwards.yaml", 53, "E110", ["action 'act.mfa' 'effort'", "found [6, 2]"]),
    ("unknown_skill.yaml", 54, "E114", ["unknown value 'expert' for 'skill'"]),
]
# fmt: on


_ENV = {k: v for k, v in os.environ.items() if k != "SECPLAN_DEBUG"} | {"PYTHONPATH": str(ROOT)}


def run_validate(*paths: str | Path, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    """Run `python -m secplan_tui validate PATH...` in a subprocess."""
    return subprocess.run(
        [sys.executable, "-m", "secplan_tui", "validate", *map(str, paths)],
        capture_output=True,
        text=True,
        cwd=cwd,
        timeout=60,
        env=_ENV,
    )


def errors_of(problems: list[Problem]) -> list[Problem]:
    """The errors among the problems (warnings left out)."""
    return [p for p in problems if p.severity is Severity.ERROR]


# -- the corpus ----------------------------------------------------------------------------------------------


def test_valid_minimal_has_no_problem() -> None:
    """The base every broken file is copied from validates with no error and no warning."""
    assert validate_path(CORPUS / "valid_minimal.yaml") == []


def test_corpus_is_big_enough_and_every_file_is_listed() -> None:
    """The broken corpus has at least 18 files and each one has an expected code in CASES."""
    files = sorted(p.name for p in BROKEN.iterdir())
    assert len(files) >= 18
    assert files == sorted(name for name, *_ in CASES)


@pytest.mark.parametrize(
    ("name", "line", "code", "parts"), CASES, ids=[c[0].removesuffix(".yaml") for c in CASES]
)
def test_broken_file_gives_its_code_at_its_line(name: str, line: int, code: str, parts: list[str]) -> None:
    """Each broken file gives its own catalogue code at the line of the mistake, and no other error."""
    display = f"broken/{name}"
    problems = validate_path(BROKEN / name, display)
    prefix = f"{display}:{line}: {code} "
    hits = [str(p) for p in problems if str(p).startswith(prefix)]
    assert hits, f"expected '{prefix}...', got {[str(p) for p in problems]}"
    for part in parts:
        assert any(part in hit for hit in hits), f"'{part}' not in {hits}"
    assert {p.code for p in errors_of(problems)} == {code}


@pytest.mark.parametrize("name", [c[0] for c in CASES])
def test_broken_file_says_what_is_broken(name: str) -> None:
    """Each broken file starts with a '# broken:' comment that names its code."""
    first = (BROKEN / name).read_bytes().split(b"\n", 1)[0].decode("ascii")
    code = next(c for n, _, c, _ in CASES if n == name)
    assert first.startswith("# broken: ") and f"({code})" in first


def test_python_tag_payload_never_runs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A !!python tag is refused (E104) before any object is built: its shell command never runs."""
    monkeypatch.chdir(tmp_path)
    marker = tmp_path / "tag-payload-ran"
    payload = f'["touch {marker}"]'
    variants = [
        (2, f"id: hostile\ntitle: !!python/object/apply:os.system {payload}\n"),
        (2, f"id: hostile\ntitle: !!python/object/new:os.system {payload}\n"),
        (3, f"id: hostile\n\ntitle: !<tag:yaml.org,2002:python/object/apply:os.system> {payload}\n"),
        (
            4,
            "%TAG !p! tag:yaml.org,2002:python/\n---\n"
            f"id: hostile\ntitle: !p!object/apply:os.system {payload}\n",
        ),
    ]
    for i, (line, variant) in enumerate(variants):
        path = tmp_path / f"tag{i}.yaml"
        path.write_text(variant, encoding="utf-8")
        problems = validate_path(path, "f.yaml")
        assert [str(p)[: len(f"f.yaml:{line}: E104")] for p in problems] == [f"f.yaml:{line}: E104"], variant
        with pytest.raises(QuestionnaireInvalid):
            load_questionnaire(path)
    validate_path(BROKEN / "python_tag.yaml")
    validate_path(BROKEN / "condition_import.yaml")
    assert not marker.exists()
    assert not (tmp_path / PWNED).exists()


def test_billion_laughs_is_refused_quickly() -> None:
    """Anchors and aliases are refused at the first anchor, without expanding anything."""
    problems = validate_path(BROKEN / "billion_laughs.yaml")
    assert [(p.line, p.code) for p in problems] == [(3, "E107")]


def test_huge_file_is_refused(tmp_path: Path) -> None:
    """A file over 2 MB gives E105 for the whole file (line 0) without being parsed."""
    path = tmp_path / "huge.yaml"
    path.write_text(
        "id: huge\n" + "# padding padding padding\n" * (MAX_FILE_BYTES // 26 + 10), encoding="utf-8"
    )
    assert path.stat().st_size > MAX_FILE_BYTES
    problems = validate_path(path, "huge.yaml")
    assert [str(p).split(" ", 2)[:2] for p in problems] == [["huge.yaml:0:", "E105"]]
    assert f"limit {MAX_FILE_BYTES}" in problems[0].message


@pytest.mark.parametrize(
    "content", [b"", b"   \n\n\t\n", b"# only a comment\n"], ids=["zero", "blank", "comment"]
)
def test_empty_files(tmp_path: Path, content: bytes) -> None:
    """A file with nothing but blanks or comments gives E102 at line 0."""
    path = tmp_path / "e.yaml"
    path.write_bytes(content)
    assert [str(p) for p in validate_path(path, "e.yaml")] == [
        "e.yaml:0: E102 file is empty; a questionnaire needs id, version, title and sections"
    ]


@pytest.mark.parametrize(
    ("text", "line", "part"),
    [
        ("id: x\ntitle: y\nsections:\n\t- id: a\n", 4, "'\\t'"),
        ('id: x\ntitle: "abc\nversion: 1\n', 4, "it starts at line 2"),
        ("id: x\nsections:\n  - id: a\n    title: b\n   domain: c\n", 5, "expected <block end>"),
        ("id: x\n\ntitle: a\x00b\n", 3, "U+0000"),
        ("id: x\n---\nid: y\n", 2, "single document"),
    ],
    ids=["tab", "unclosed-quote", "indent", "nul", "two-documents"],
)
def test_yaml_syntax_errors_name_the_line(tmp_path: Path, text: str, line: int, part: str) -> None:
    """YAML syntax errors give E103 at the line of the mistake, with a reason."""
    path = tmp_path / "s.yaml"
    path.write_text(text, encoding="utf-8")
    problems = validate_path(path, "s.yaml")
    assert len(problems) == 1
    assert str(problems[0]).startswith(f"s.yaml:{line}: E103 YAML syntax error")
    assert part in problems[0].message


def test_deep_block_nesting_is_refused_at_its_line(tmp_path: Path) -> None:
    """Block lists nested 200 deep give E106 where nesting passes the limit, not a RecursionError."""
    path = tmp_path / "d.yaml"
    path.write_text("id: x\ndeep:\n" + "".join("  " * i + "-\n" for i in range(1, 200)), encoding="utf-8")
    problems = validate_path(path, "d.yaml")
    assert [(p.code, p.line) for p in problems] == [("E106", 32)]


def test_unquoted_date_is_text_not_an_unsafe_tag(tmp_path: Path) -> None:
    """An unquoted date (version: 2024-05-01) is read as text, not refused as an unknown tag."""
    text = (
        (CORPUS / "valid_minimal.yaml")
        .read_text(encoding="utf-8")
        .replace('version: "1.0"', "version: 2024-05-01")
    )
    path = tmp_path / "v.yaml"
    path.write_text(text, encoding="utf-8")
    assert validate_path(path) == []
    assert load_questionnaire(path).version == "2024-05-01"


def test_dont_know_compared_on_a_number_question(tmp_path: Path) -> None:
    """Comparing a number question with 'dont_know' is allowed when the question offers it, E122 when not."""
    base = (CORPUS / "valid_minimal.yaml").read_text(encoding="utf-8")
    text = base.replace("profile.size == 'small' or profile.people >= 10", "profile.people == 'dont_know'")
    offered = text.replace("        dont_know: false\n        min: 1", "        min: 1")
    path = tmp_path / "n.yaml"
    path.write_text(offered, encoding="utf-8")
    assert errors_of(validate_path(path)) == []
    path.write_text(text, encoding="utf-8")
    assert ("E122", 41) in [(p.code, p.line) for p in errors_of(validate_path(path))]


def test_directory_and_missing_path_are_e100(tmp_path: Path) -> None:
    """validate_path on a folder or a missing file gives E100 with a reason, not an exception."""
    (folder,) = validate_path(tmp_path, "dir")
    assert (folder.code, folder.line) == ("E100", 0) and "folder" in folder.message
    (missing,) = validate_path(tmp_path / "nope.yaml", "nope.yaml")
    assert missing.code == "E100" and "No such file" in missing.message


def test_several_errors_are_all_reported() -> None:
    """A file with six independent mistakes gets all six, each at its own line."""
    problems = validate_path(CORPUS / "several_errors.yaml", "s.yaml")
    assert [(p.line, p.code) for p in errors_of(problems)] == [
        (17, "E112"),
        (24, "E130"),
        (41, "E122"),
        (52, "E128"),
        (55, "E121"),
        (58, "E129"),
    ]
    with pytest.raises(QuestionnaireInvalid) as caught:
        load_questionnaire(CORPUS / "several_errors.yaml")
    assert len(errors_of(caught.value.problems)) == 6


def test_warnings_only_file_loads() -> None:
    """A file with only warnings (W200, W205, W202, W203) has no error and loads."""
    problems = validate_path(CORPUS / "warnings_only.yaml", "w.yaml")
    assert errors_of(problems) == []
    assert [(p.line, p.code) for p in problems] == [(24, "W200"), (33, "W205"), (40, "W202"), (59, "W203")]
    assert all(p.severity is Severity.WARNING for p in problems)
    assert load_questionnaire(CORPUS / "warnings_only.yaml").id == "warnings_only"


# -- the command line ----------------------------------------------------------------------------------------


def test_cli_reports_every_corpus_file_without_traceback(tmp_path: Path) -> None:
    """`secplan validate` on the corpus prints each code at its line, exits 2, never a traceback."""
    huge = tmp_path / "huge.yaml"
    huge.write_bytes(b"id: x\n" + b"#" * (MAX_FILE_BYTES + 10))
    noise = tmp_path / "noise.yaml"
    noise.write_bytes(bytes(range(256)) * 4)
    paths = [BROKEN / name for name, *_ in CASES]
    result = run_validate(*paths, huge, noise, CORPUS / "several_errors.yaml", cwd=tmp_path)
    assert result.returncode == 2
    assert "Traceback" not in result.stderr and "Traceback" not in result.stdout
    for (_name, line, code, _parts), path in zip(CASES, paths, strict=True):
        assert f"{path}:{line}: {code} " in result.stdout
    assert f"{huge}:0: E105 " in result.stdout
    assert f"{noise}:" in result.stdout
    assert "errors" in result.stderr and f"in {len(paths) + 3} files" in result.stderr
    assert not (tmp_path / PWNED).exists()


def test_cli_warnings_exit_0_and_any_error_exits_2() -> None:
    """Warnings alone leave the exit status 0; one error among them makes it 2."""
    warnings_only = run_validate(CORPUS / "warnings_only.yaml")
    assert warnings_only.returncode == 0, warnings_only.stderr
    for code in ("W200", "W205", "W202", "W203"):
        assert f": {code} " in warnings_only.stdout
    assert "0 errors, 4 warnings in 1 file." in warnings_only.stderr
    mixed = run_validate(CORPUS / "warnings_only.yaml", BROKEN / "missing_why.yaml")
    assert mixed.returncode == 2
    assert "1 error, 4 warnings in 2 files." in mixed.stderr


def test_cli_folder_without_yaml_and_missing_path_exit_2(tmp_path: Path) -> None:
    """A folder with no questionnaire, or a path that does not exist, gives one clear line and exit 2."""
    empty = tmp_path / "empty"
    empty.mkdir()
    result = run_validate(empty, cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr.startswith("secplan: error: Nothing to validate: no .yaml files in folder")
    assert "Traceback" not in result.stderr
    result = run_validate(tmp_path / "missing.yaml", cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr == f"secplan: error: File not found: {tmp_path / 'missing.yaml'} does not exist\n"


# -- bundled questionnaires ----------------------------------------------------------------------------------


def bundled_files() -> list[Path]:
    """The questionnaire files in questionnaires/ (sub-folders hold examples, not questionnaires)."""
    return sorted(p for p in BUNDLED.glob("*.y*ml") if p.is_file())


def test_at_least_one_questionnaire_is_bundled() -> None:
    """secplan ships at least one questionnaire."""
    assert bundled_files()


@pytest.mark.parametrize("path", bundled_files(), ids=lambda p: p.name)
def test_bundled_questionnaire_has_no_error(path: Path) -> None:
    """Every bundled questionnaire validates with no error and loads."""
    problems = validate_path(path)
    assert errors_of(problems) == [], "\n".join(str(p) for p in errors_of(problems))
    questionnaire = load_questionnaire(path)
    assert questionnaire.questions() and questionnaire.actions


# -- fuzzing -------------------------------------------------------------------------------------------------

# fmt: off
_FRAGMENTS = st.sampled_from([
    "id", "version", "title", "sections", "questions", "actions", "roles", "risks", "when", "type", "choices",
    "why", "owner", "references", "profile.size", "yesno", "multi", "number", ": ", ":", "- ", "-", "\n",
    "\n  ", "\n    ", "\n      - ", "  ", "[", "]", "{", "}", ",", "'", '"', "&a ", "*a", "!!str ",
    "!!python/name:os.system", "? ", "#", "|", ">", "---", "...", "%YAML 1.1", "~", "null", "true", "1e9",
    "-1", "\t", "\\", "\x00", "é", "profile.size == 'small'", "answered(x)", "count(profile.people) > 2",
    "__import__('os')",
])
# fmt: on
_YAMLISH = st.lists(st.one_of(_FRAGMENTS, st.text(max_size=8)), max_size=60).map("".join)
_BASE = (CORPUS / "valid_minimal.yaml").read_bytes()


@st.composite
def _mutated_base(draw: st.DrawFn) -> bytes:
    """The valid base with a few slices cut out or replaced: nearly valid files reach the deep checks."""
    data = bytearray(_BASE)
    for _ in range(draw(st.integers(1, 4))):
        start = draw(st.integers(0, len(data)))
        end = draw(st.integers(start, min(len(data), start + 40)))
        data[start:end] = draw(st.one_of(st.text(max_size=10), _FRAGMENTS).map(str.encode))
    return bytes(data)


# fmt: off
_VALUES = st.one_of(
    st.sampled_from([
        "micro", "small", "'x'", "[]", "{}", "~", "true", "12", "-1", "1.5", "yesno", "multi", "number",
        "text",
        "owner", "nobody", "act.mfa", "P9", "dont_know", '"CIS:6.3"', '["CSF:PR.AC-01"]', "profile.size",
        "\"profile.size == 'micro'\"", '"count(profile.size) > 1"', '"answered(cyber.mfa)"',
        "\"cyber.mfa == 'yes'\"", '"profile.people > 600"', "\"'micro' in profile.size\"",
        "\"profile.people in ['a', 2]\"", "\"not known(profile.people) or profile.size != 'small'\"",
        "\"act.mfa == 'x'\"", '"known(profile.size) and not known(profile.size)"',
    ]),
    st.text(max_size=12),
)
# fmt: on


@st.composite
def _mutated_values(draw: st.DrawFn) -> bytes:
    """The valid base with a few `key: value` values replaced: the structure holds, the meaning breaks."""
    lines = _BASE.decode("utf-8").splitlines()
    for _ in range(draw(st.integers(1, 4))):
        i = draw(st.integers(1, len(lines) - 1))
        key, sep, _value = lines[i].partition(": ")
        if sep:
            lines[i] = f"{key}{sep}{draw(_VALUES)}"
    return "\n".join(lines).encode("utf-8", "surrogatepass")


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    content=st.one_of(
        st.binary(max_size=300),
        _YAMLISH.map(lambda t: t.encode("utf-8", "surrogatepass")),
        _mutated_base(),
        _mutated_values(),
    )
)
def test_validate_path_never_raises(tmp_path: Path, content: bytes) -> None:
    """Random bytes, YAML-ish text and mangled questionnaires give a list of Problems, never an exception."""
    path = tmp_path / "fuzz.yaml"
    path.write_bytes(content)
    problems = validate_path(path, "fuzz.yaml")
    assert isinstance(problems, list)
    assert all(isinstance(p, Problem) and p.line >= 0 and p.code[0] in "EW" for p in problems)


# -- effort, skill, after and the planning block ------------------------------------------------------------


def _minimal_with(tmp_path: Path, old: str, new: str, extra: str = "") -> Path:
    """valid_minimal.yaml with one text replaced and something appended at the top level."""
    text = (CORPUS / "valid_minimal.yaml").read_text(encoding="utf-8")
    assert old in text
    path = tmp_path / "q.yaml"
    path.write_text(text.replace(old, new, 1) + extra, encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("effort", "written", "hours"),
    [("2", "2", (2.0, 2.0)), ("0.5", "0.5", (0.5, 0.5)), ("[2, 6]", "2-6", (2.0, 6.0)), ("M", "M", (4.0, 16.0))],
)
def test_effort_in_hours_or_a_legacy_size(tmp_path: Path, effort: str, written: str,
                                          hours: tuple[float, float]) -> None:
    """Effort loads as hours (a number or a range); a legacy size maps to its hours with a W208 warning."""
    path = _minimal_with(tmp_path, "effort: [1, 4]", f"effort: {effort}")
    q = load_questionnaire(path)
    assert (q.actions[0].effort, q.actions[0].hours) == (written, hours)
    codes = [(p.line, p.code) for p in validate_path(path)]
    assert codes == ([(53, "W208")] if effort == "M" else [])


@pytest.mark.parametrize("effort", ["0", "-1", "lots", "[1, 2, 3]", "[a, 2]", "true"])
def test_effort_that_is_not_hours_is_an_error(tmp_path: Path, effort: str) -> None:
    """Zero, negative, words, three numbers: E110 at the effort's line, saying hours are expected."""
    path = _minimal_with(tmp_path, "effort: [1, 4]", f"effort: {effort}")
    problems = errors_of(validate_path(path, "q.yaml"))
    assert [(p.line, p.code) for p in problems] == [(53, "E110")]
    assert "person-hours" in problems[0].message or "0 < low" in problems[0].message


def test_missing_skill_is_a_warning_and_means_anyone(tmp_path: Path) -> None:
    """No skill: W209 at the action's line, and the action is for anyone."""
    path = _minimal_with(tmp_path, "    skill: technical\n", "")
    assert [(p.line, p.code) for p in validate_path(path)] == [(46, "W209")]
    assert load_questionnaire(path).actions[0].skill == "anyone"


def test_after_itself_is_a_cycle(tmp_path: Path) -> None:
    """An action waiting for itself is E135 at its 'after' line."""
    path = _minimal_with(tmp_path, "    skill: technical\n", "    skill: technical\n    after: [act.mfa]\n")
    assert [(p.line, p.code) for p in errors_of(validate_path(path))] == [(55, "E135")]


PLANNING = """planning:
  hours_question: profile.people
  default_hours:
    - when: "profile.size == 'micro'"
      hours: 4
    - hours: 8
  director_role: owner
  lead_role: owner
  lead_action: act.mfa
  technical_role: owner
  nobody_technical: "profile.size == 'micro'"
  it_help_action: act.mfa
  role_hours:
    owner:
      - when: "profile.people >= 10"
        hours: 6
  groups: [owner]
"""


def test_a_planning_block_loads(tmp_path: Path) -> None:
    """Every key of the planning block reaches the model, with its cases and conditions."""
    path = _minimal_with(tmp_path, "id: minimal", "id: minimal", PLANNING)
    assert validate_path(path) == []
    plan = load_questionnaire(path).planning
    assert (plan.hours_question, plan.director_role, plan.lead_role, plan.lead_action, plan.technical_role,
            plan.it_help_action, plan.groups) == ("profile.people", "owner", "owner", "act.mfa", "owner",
                                                  "act.mfa", ("owner",))
    assert [c.hours for c in plan.default_hours] == [4.0, 8.0] and plan.default_hours[1].when is None
    assert plan.nobody_technical is not None and plan.nobody_technical.evaluate({"profile.size": "micro"})
    assert [c.hours for c in plan.hours_of("owner")] == [6.0] and plan.hours_of("nobody") == ()


@pytest.mark.parametrize(
    ("old", "new", "code", "part"),
    [
        ("director_role: owner", "director_role: ownr", "E128", "did you mean 'owner'?"),
        ("lead_action: act.mfa", "lead_action: act.mfx", "E134", "did you mean 'act.mfa'?"),
        ("hours_question: profile.people", "hours_question: profile.size", "E136", "need a number question"),
        ("hours_question: profile.people", "hours_question: profile.peple", "E121", "did you mean"),
        ("    - hours: 8\n", "", "E136", "a last case without 'when'"),
        ("nobody_technical: \"profile.size == 'micro'\"", "nobody_technical: \"profile.size == 'tiny'\"",
         "E122", "unknown choice 'tiny'"),
        ("groups: [owner]", "groups: [everyone]", "E128", "unknown role 'everyone'"),
        ("  groups: [owner]", "  team: [owner]", "E112", "unknown field 'team'"),
    ],
)
def test_planning_mistakes_are_named_at_their_line(tmp_path: Path, old: str, new: str, code: str,
                                                   part: str) -> None:
    """A wrong role, action, question, case or key in the planning block is an error naming it."""
    block = PLANNING.replace(old, new)
    assert block != PLANNING
    path = _minimal_with(tmp_path, "id: minimal", "id: minimal", block)
    problems = errors_of(validate_path(path))
    assert [p.code for p in problems] == [code], [str(p) for p in problems]
    assert part in problems[0].message and problems[0].line > 58


VARIANT = """    if_unknown: email does not ask for a second step
    variants:
      - when: "profile.size == 'micro'"
        title: Turn on a second sign-in step for your own email
      - when: "profile.people >= 10"
        how: Ask your IT provider to turn it on for everyone.
"""


def test_variants_and_if_unknown_load(tmp_path: Path) -> None:
    """Variants keep their condition and texts in order; if_unknown in words sets the flag and the wording."""
    path = _minimal_with(tmp_path, "    skill: technical\n", "    skill: technical\n" + VARIANT)
    assert validate_path(path) == []
    action = load_questionnaire(path).actions[0]
    assert [(v.title, v.how) for v in action.variants] == [
        ("Turn on a second sign-in step for your own email", ""),
        ("", "Ask your IT provider to turn it on for everyone."),
    ]
    assert (action.if_unknown, action.if_unknown_text) == (True, "email does not ask for a second step")


@pytest.mark.parametrize(
    ("old", "new", "code"),
    [
        ("profile.size == 'micro'", "profile.sise == 'micro'", "E121"),
        ("        how: Ask your IT provider to turn it on for everyone.\n", "", "E111"),
        ("    if_unknown: email does not ask for a second step\n", "    if_unknown: [1]\n", "E110"),
    ],
)
def test_variant_mistakes(tmp_path: Path, old: str, new: str, code: str) -> None:
    """A variant naming an unknown question, or giving no text, is an error; so is an if_unknown list."""
    path = _minimal_with(tmp_path, "    skill: technical\n", "    skill: technical\n" + VARIANT.replace(old, new))
    assert [p.code for p in errors_of(validate_path(path))] == [code]


def test_opening_a_questionnaire_leaves_the_reachability_lint_to_validate() -> None:
    """`secplan validate` reports a question that can never be shown; opening the file to answer it (the
    catalogue's load, which the app and the commands use) does not run that slow lint, and every other check
    still refuses a broken file."""
    from secplan_tui.core import catalogue
    from secplan_tui.core.validate import validate_path

    unreachable = CORPUS / "broken" / "unreachable_question.yaml"
    assert any(p.code == "E126" for p in validate_path(unreachable))
    assert catalogue.load(str(unreachable)).id
    with pytest.raises(QuestionnaireInvalid):
        catalogue.load(str(CORPUS / "broken" / "unknown_question_id.yaml"))
