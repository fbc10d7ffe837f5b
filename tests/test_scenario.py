"""Teaching scenarios: every bundled scenario is valid and complete, and broken scenario files get their code at
their line."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from datetime import date
from pathlib import Path

import pytest

from secplan_tui.core import catalogue
from secplan_tui.core.catalogue import find_scenario, scenario_entries, scenario_files
from secplan_tui.core.engine import Flow
from secplan_tui.core.errors import InvalidInput, NotFound, Severity
from secplan_tui.plan import compile_plan
from secplan_tui.teaching.scenario import (
    BRIEFING_WORDS,
    ScenarioInvalid,
    briefing_markdown,
    briefing_text,
    is_scenario_file,
    load_scenario,
    load_scenario_file,
    scenarios,
    session_scenario,
    validate_scenario_path,
)

ROOT = Path(__file__).resolve().parent.parent
BUNDLED = ROOT / "questionnaires" / "scenarios"
BUNDLED_FILES = sorted(BUNDLED.glob("*.yaml"))


# -- the bundled scenarios ----------------------------------------------------------------------------------------


def test_there_are_at_least_three_bundled_scenarios_of_different_shape() -> None:
    """At least three bundled scenarios, with different sizes and premises (a shop, a firm, a two-site business)."""
    assert len(BUNDLED_FILES) >= 3
    loaded = [load_scenario_file(p) for p in BUNDLED_FILES]
    shapes = {(s.model_answers["profile.headcount"], s.model_answers["profile.premises"]) for s in loaded}
    assert {("micro", "one_site"), ("small", "one_site"), ("medium", "multi_site")} <= shapes
    assert len({s.id for s in loaded}) == len(loaded)


@pytest.mark.parametrize("path", BUNDLED_FILES, ids=lambda p: p.stem)
def test_bundled_scenario_validates_with_no_problem(path: Path) -> None:
    """Every bundled scenario file validates with no error and no warning."""
    assert validate_scenario_path(path) == []


@pytest.mark.parametrize("path", BUNDLED_FILES, ids=lambda p: p.stem)
def test_bundled_model_answers_are_complete_and_consistent(path: Path) -> None:
    """Model answers answer every visible question, none is hidden, and every reasoning is for a visible answer."""
    scenario = load_scenario_file(path)
    assert scenario.id == path.stem, "name the file after the scenario id, so load_scenario finds it at once"
    questionnaire = catalogue.load(scenario.questionnaire_id)
    flow = Flow(questionnaire, scenario.model_answers)
    assert flow.unanswered() == []
    assert flow.hidden_answers() == {}
    effective = flow.effective_answers()
    assert set(scenario.reasoning) <= set(effective)
    assert set(scenario.accepted) <= set(effective)
    low, high = BRIEFING_WORDS
    assert low <= len(scenario.briefing.split()) <= high
    assert scenario.objectives and scenario.teaching_notes
    dont_know = [k for k, v in effective.items() if v == "dont_know"]
    assert 1 <= len(dont_know) <= 6, "a few honest don't knows, where the briefing is silent"


# What each organisation's plan must say, taken from its briefing: if the model answers drift, these fail.
KEY_ACTIONS = {
    "bike_shop": {"act.inf.remove_card_numbers", "act.ppl.callback_rule", "act.phy.secure_valuables",
                  "act.cyb.replace_unsupported", "act.cyb.named_accounts"},
    "architects": {"act.ppl.leaver_checklist_now", "act.phy.lock_server_cupboard", "act.cyb.remote_mfa",
                   "act.inf.removable_media", "act.gov.check_insurance_now", "act.ppl.insider_awareness"},
    "distributor": {"act.cyb.close_open_rdp", "act.cyb.replace_unsupported", "act.cyb.segment_network",
                    "act.ppl.role_training_now", "act.phy.lock_server_cupboard", "act.phy.manage_cameras"},
}


@pytest.mark.parametrize("scenario_id", sorted(KEY_ACTIONS))
def test_model_plan_has_the_actions_the_briefing_calls_for(scenario_id: str) -> None:
    """Each model plan compiles and holds the actions that follow from its briefing's incidents and facts."""
    scenario = load_scenario(scenario_id)
    plan = compile_plan(catalogue.load(scenario.questionnaire_id), scenario.model_answers, date(2026, 3, 2))
    ids = {a.id for a in plan.actions()}
    assert KEY_ACTIONS[scenario_id] <= ids
    assert plan.metadata.organisation == scenario.organisation


def test_scenarios_lists_the_bundled_ones() -> None:
    """scenarios() loads every bundled scenario, and find_scenario finds each by id."""
    found = {s.id for s in scenarios()}
    assert {p.stem for p in BUNDLED_FILES} <= found
    for path in BUNDLED_FILES:
        assert find_scenario(path.stem).resolve() == path.resolve()


def test_bundled_scenarios_are_recognised_as_scenarios_and_questionnaires_are_not() -> None:
    """is_scenario_file tells a scenario from a questionnaire (so `secplan validate` can check either)."""
    assert all(is_scenario_file(p) for p in BUNDLED_FILES)
    assert not is_scenario_file(ROOT / "questionnaires" / "iso22342.yaml")
    assert not is_scenario_file(ROOT / "questionnaires" / "starter.yaml")
    assert set(BUNDLED_FILES) <= set(scenario_files())


def test_unknown_scenario_is_refused_with_a_suggestion() -> None:
    """load_scenario of a misspelt id raises NotFound naming the near id and the known ones."""
    with pytest.raises(NotFound) as caught:
        load_scenario("bike_shopp")
    assert "did you mean 'bike_shop'?" in caught.value.message
    assert "architects" in caught.value.message


def test_briefing_markdown_escapes_the_scenario_texts() -> None:
    """The briefing view is Markdown whose only headings are its own, whatever the scenario says."""
    scenario = load_scenario("bike_shop")
    text = briefing_markdown(scenario)
    headings = [line for line in text.splitlines() if line.startswith("#")]
    assert headings == [f"# Briefing: {scenario.title}", "## What this exercise should teach you"]
    assert "£4,200 e-bike" in text
    assert text.count("\n- ") == len(scenario.objectives)


def test_briefing_text_is_plain_paragraphs() -> None:
    """The line-mode briefing has no Markdown escapes, one line per paragraph, and every objective."""
    scenario = load_scenario("architects")
    text = briefing_text(scenario)
    assert "\\" not in text and "#" not in text
    paragraphs = [p for p in scenario.briefing.split("\n\n") if p.strip()]
    for paragraph in paragraphs:
        assert " ".join(paragraph.split()) + "\n" in text
    assert text.count("\n- ") == len(scenario.objectives)


def test_scenario_modules_import_no_terminal_library_and_no_tinydb() -> None:
    """The teaching modules run without a terminal: importing them loads no textual, questionary, prompt_toolkit or
    tinydb."""
    probe = (
        "import json, sys\n"
        "import secplan_tui.teaching.scenario, secplan_tui.teaching.check, secplan_tui.teaching.report\n"
        "bad = ('textual', 'questionary', 'prompt_toolkit', 'tinydb')\n"
        "print(json.dumps(sorted({m.split('.')[0] for m in sys.modules if m.split('.')[0] in bad})))\n"
    )
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, cwd=ROOT, timeout=60,
                            env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == []


# -- a corpus of broken scenarios -----------------------------------------------------------------------------------

TINY_QUESTIONNAIRE = """\
id: tinyq
version: "1.0"
title: Tiny questionnaire for scenario tests
roles:
  - id: owner
    title: Owner
sections:
  - id: profile
    title: Profile
    domain: profile
    questions:
      - id: profile.org_name
        type: text
        text: What is the organisation called?
        why: The plan carries the name.
        hint: The trading name is fine.
        dont_know: false
      - id: profile.size
        type: single
        text: How big is the organisation?
        why: Size decides who can do what.
        hint: Count everyone.
        dont_know: false
        choices:
          - id: micro
            label: 1 to 9 people
          - id: small
            label: 10 to 49 people
      - id: profile.cloud
        type: multi
        text: Which online services do you use?
        why: Each is a door.
        hint: Tick all.
        dont_know: false
        choices:
          - id: email
            label: Email
          - id: files
            label: Files
  - id: cyber
    title: Cyber
    domain: cyber
    questions:
      - id: cyber.mfa
        type: yesno
        partly: true
        text: Does email need a second sign-in step?
        why: A stolen password alone then opens nothing.
        hint: Look in the admin centre.
        when: "'email' in profile.cloud"
        discover:
          ask: owner
          how: Ask whoever set up email.
      - id: cyber.backup
        type: yesno
        text: Is there a backup?
        why: Without one, ransomware wins.
        hint: Ask who set it up.
        when: "profile.size == 'small'"
        discover:
          ask: owner
          how: Ask whoever set up the computers.
actions:
  - id: act.mfa
    title: Turn on a second sign-in step
    how: Turn it on in the admin centre.
    why: A stolen password alone then no longer opens the mailbox.
    domain: cyber
    priority: P1
    owner: owner
    effort: S
    when: "cyber.mfa in ['no', 'partly']"
    references: ["CIS:6.3"]
  - id: act.backup
    title: Set up a backup
    how: Buy a backup service.
    why: Ransomware.
    domain: cyber
    priority: P1
    owner: owner
    effort: S
    when: "cyber.backup == 'no'"
    references: ["CIS:11.1"]
"""

BRIEFING = " ".join(["We are a small office with twenty people, email online and no backup to speak of."] * 12)

VALID_SCENARIO = f"""\
# A small valid scenario on the tiny questionnaire; each broken case changes one thing.
id: tiny_office
title: Tiny Office
questionnaire: tinyq
version: "1.0"
organisation: Tiny Office Ltd
briefing: >
  {BRIEFING}
objectives:
  - Find the missing backup.
model_answers:
  profile.org_name: Tiny Office Ltd
  profile.size: small
  profile.cloud: [email, files]
  cyber.mfa: partly
  cyber.backup: "no"
reasoning:
  cyber.mfa: Only some mailboxes have it.
  cyber.backup: The briefing says so.
accepted:
  cyber.mfa: ["no"]
teaching_notes: |
  Discuss backups.
"""


@pytest.fixture
def tiny(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A questionnaire folder holding the tiny questionnaire, searched first; returns a folder for scenarios."""
    qdir = tmp_path / "questionnaires"
    qdir.mkdir()
    (qdir / "tinyq.yaml").write_text(TINY_QUESTIONNAIRE, encoding="utf-8")
    monkeypatch.setenv("SECPLAN_QUESTIONNAIRES", str(qdir))
    sdir = tmp_path / "scenarios"
    sdir.mkdir()
    monkeypatch.setenv("SECPLAN_SCENARIOS", str(sdir))
    return sdir


def _write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def _line_of(text: str, fragment: str) -> int:
    """The 1-based line of the first line containing fragment."""
    for number, line in enumerate(text.splitlines(), start=1):
        if fragment in line:
            return number
    raise AssertionError(f"{fragment!r} not in the text")


def test_the_valid_tiny_scenario_has_no_problem(tiny: Path) -> None:
    """The base of the broken corpus is itself valid, so each broken case shows only its own problem."""
    path = _write(tiny, "tiny_office.yaml", VALID_SCENARIO)
    assert validate_scenario_path(path) == []
    scenario = load_scenario("tiny_office")
    assert scenario.model_answers["cyber.mfa"] == "partly"
    assert scenario.accepted == {"cyber.mfa": ("no",)}


# (name, [(old, new) replacements in VALID_SCENARIO], code, fragment of the line it is reported at, message parts)
# fmt: off
BROKEN: list[tuple[str, list[tuple[str, str]], str, str, list[str]]] = [
    ("unknown_question", [("  cyber.backup: \"no\"\n", "  cyber.bakup: \"no\"\n")], "S310", "cyber.bakup:",
     ["unknown question 'cyber.bakup'", "did you mean 'cyber.backup'?"]),
    ("invalid_choice", [("  profile.size: small\n", "  profile.size: smal\n")], "S311", "profile.size: smal",
     ["invalid model answer for 'profile.size'", "'smal' is not a choice"]),
    ("number_for_choice", [("  cyber.mfa: partly\n", "  cyber.mfa: 3\n")], "S311", "cyber.mfa: 3",
     ["'cyber.mfa' expects one choice id"]),
    ("short_briefing", [(BRIEFING, "We are small.")], "S330", "briefing:",
     ["the briefing has 3 words", "150 and 400"]),
    ("long_briefing", [(BRIEFING, " ".join([BRIEFING] * 3))], "S330", "briefing:",
     [f"the briefing has {3 * len(BRIEFING.split())} words"]),
    ("visible_unanswered", [("  cyber.backup: \"no\"\n", ""), ("  cyber.backup: The briefing says so.\n", "")],
     "S312", "model_answers:", ["leave question 'cyber.backup' unanswered"]),
    ("reasoning_not_answered", [("  profile.size: small\n", "  profile.size: micro\n")], "S321",
     "cyber.backup: The briefing", ["reasoning for 'cyber.backup'", "hidden by the other model answers"]),
    ("reasoning_unknown_question", [("  cyber.mfa: Only some", "  cyber.mfx: Only some")], "S320", "cyber.mfx:",
     ["reasoning for unknown question 'cyber.mfx'", "did you mean 'cyber.mfa'?"]),
    ("missing_field", [("teaching_notes: |\n  Discuss backups.\n", "")], "S300", "id: tiny_office",
     ["missing required field 'teaching_notes'"]),
    ("unknown_questionnaire", [("questionnaire: tinyq", "questionnaire: tinyqq")], "S304", "questionnaire: tinyqq",
     ["unknown questionnaire 'tinyqq'", "did you mean 'tinyq'?"]),
    ("unknown_field", [("teaching_notes:", "reasonings: {}\nteaching_notes:")], "S301", "reasonings:",
     ["unknown field 'reasonings'", "did you mean 'reasoning'?"]),
    ("bad_id", [("id: tiny_office", "id: Tiny Office")], "S303", "id: Tiny Office", ["'Tiny Office' is not a valid"]),
    ("objectives_not_a_list", [("  - Find the missing backup.\n", "  Find the missing backup.\n")], "S302",
     "objectives:", ["'objectives': expected a list"]),
    ("accepted_invalid", [("  cyber.mfa: [\"no\"]", "  cyber.mfa: [\"no\", maybe]")], "S326",
     "cyber.mfa: [\"no\", maybe]", ["invalid accepted answer for 'cyber.mfa'", "'maybe' is not a choice"]),
    ("accepted_not_answered", [("  cyber.mfa: [\"no\"]", "  cyber.backup: [\"yes\"]\n  profile.size: [micro]"),
                               ("  profile.size: small\n", "  profile.size: micro\n"),
                               ("  cyber.backup: The briefing says so.\n", "")],
     "S327", "cyber.backup: [\"yes\"]", ["accepted answers for 'cyber.backup'", "hidden"]),
    ("yaml_error", [("  cyber.mfa: Only some mailboxes have it.", "  cyber.mfa: Only some: mailboxes")], "E103",
     "cyber.mfa: Only some: mailboxes", ["YAML syntax error"]),
]
# fmt: on


@pytest.mark.parametrize("case", BROKEN, ids=lambda c: c[0])
def test_broken_scenario_reports_its_code_at_its_line(
    tiny: Path, case: tuple[str, list[tuple[str, str]], str, str, list[str]]
) -> None:
    """Each broken scenario gives its error code at the line of the broken part, and only errors of that code."""
    name, replacements, code, fragment, parts = case
    text = VALID_SCENARIO
    for old, new in replacements:
        assert old in text
        text = text.replace(old, new, 1)
    path = _write(tiny, f"{name}.yaml", text)
    problems = validate_scenario_path(path, f"{name}.yaml")
    errors = [p for p in problems if p.severity is Severity.ERROR]
    assert {p.code for p in errors} == {code}, [str(p) for p in problems]
    found = [p for p in errors if p.line == _line_of(text, fragment)]
    assert found, [str(p) for p in problems]
    message = str(found[0])
    assert message.startswith(f"{name}.yaml:{found[0].line}: {code} ")
    for part in parts:
        assert part in message
    with pytest.raises(ScenarioInvalid):
        load_scenario_file(path)


def test_hidden_model_answer_and_old_version_are_warnings(tiny: Path) -> None:
    """A model answer the others hide and a questionnaire version that moved on are warnings, at their lines."""
    text = VALID_SCENARIO.replace("  profile.cloud: [email, files]\n", "  profile.cloud: [files]\n")
    text = text.replace("reasoning:\n  cyber.mfa: Only some mailboxes have it.\n", "reasoning:\n")
    text = text.replace("accepted:\n  cyber.mfa: [\"no\"]\n", "")
    text = text.replace('version: "1.0"', 'version: "0.9"')
    path = _write(tiny, "warn.yaml", text)
    problems = validate_scenario_path(path, "warn.yaml")
    assert all(p.severity is Severity.WARNING for p in problems), [str(p) for p in problems]
    assert [(p.code, p.line) for p in problems] == [
        ("S306", _line_of(text, 'version: "0.9"')),
        ("S313", _line_of(text, "cyber.mfa: partly")),
    ]
    load_scenario_file(path)  # warnings do not stop loading


def test_every_problem_is_collected_before_reporting(tiny: Path) -> None:
    """A file with several mistakes reports every one of them, not just the first."""
    text = (VALID_SCENARIO.replace("  profile.size: small\n", "  profile.size: smal\n")
            .replace("  cyber.mfa: Only some", "  cyber.mfx: Only some")
            .replace("objectives:", "objectivs:"))
    path = _write(tiny, "many.yaml", text)
    codes = sorted(p.code for p in validate_scenario_path(path))
    assert codes == ["S300", "S301", "S311", "S320"]


def test_invalid_scenario_is_left_out_of_the_list_but_refused_by_id(tiny: Path) -> None:
    """scenarios() skips an invalid file; load_scenario of its id raises with the file:line problems."""
    _write(tiny, "tiny_office.yaml", VALID_SCENARIO)
    _write(tiny, "broken_one.yaml", VALID_SCENARIO.replace("id: tiny_office", "id: broken_one")
           .replace("  profile.size: small\n", "  profile.size: smal\n"))
    ids = [s.id for s in scenarios()]
    assert "tiny_office" in ids and "broken_one" not in ids
    with pytest.raises(ScenarioInvalid) as caught:
        load_scenario("broken_one")
    assert "broken_one.yaml:" in caught.value.message and "S311" in caught.value.message


def test_scenario_found_by_id_when_the_file_has_another_name(tiny: Path) -> None:
    """A scenario whose file is named otherwise is still found by the id inside it."""
    _write(tiny, "week3-exercise.yaml", VALID_SCENARIO)
    assert load_scenario("tiny_office").title == "Tiny Office"


def test_organisation_name_mismatch_is_a_warning(tiny: Path) -> None:
    """An organisation that does not match the model answer to the name question is flagged, as a warning."""
    text = VALID_SCENARIO.replace("organisation: Tiny Office Ltd", "organisation: Huge Factory plc")
    path = _write(tiny, "mismatch.yaml", text)
    problems = validate_scenario_path(path)
    assert [(p.code, p.severity, p.line) for p in problems] == [
        ("S332", Severity.WARNING, _line_of(text, "organisation: Huge"))
    ]


def test_readme_documents_every_field_and_code() -> None:
    """The trainers' README names every scenario field and every S3xx code."""
    from secplan_tui.teaching.scenario import SCENARIO_FIELDS, ScenarioCode

    readme = (BUNDLED / "README.md").read_text(encoding="utf-8")
    for name in SCENARIO_FIELDS:
        assert f"`{name}`" in readme
    for code in ScenarioCode:
        assert code.number in readme


def test_textwrap_example_in_module_docstring_is_valid_yaml_shape() -> None:
    """The format sketch in the module docstring names only real fields."""
    import secplan_tui.teaching.scenario as module
    from secplan_tui.teaching.scenario import SCENARIO_FIELDS

    doc = textwrap.dedent((module.__doc__ or "").split("::", 1)[1].split("\n\n", 2)[1])
    keys = [line.split(":", 1)[0] for line in doc.splitlines() if line and not line.startswith(" ")]
    assert keys and set(keys) <= set(SCENARIO_FIELDS)


def test_scenario_entries_list_what_scenarios_loads_without_checking() -> None:
    """The quick list (for the app's new-session dialog) names the same scenarios as the checked load, with their
    titles and questionnaires; a bad file is left out of it, not raised."""
    entries = scenario_entries()
    assert [(e.id, e.title, e.questionnaire_id) for e in entries] == [
        (s.id, s.title, s.questionnaire_id) for s in scenarios()
    ]


def test_scenario_entries_skip_unreadable_files(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "broken.yaml").write_text("id: [unclosed\n", encoding="utf-8")
    (tmp_path / "no_id.yaml").write_text("title: x\nbriefing: y\n", encoding="utf-8")
    monkeypatch.setenv("SECPLAN_SCENARIOS", str(tmp_path))
    assert "broken" not in {e.id for e in scenario_entries()}
    assert {e.id for e in scenario_entries()} >= {"bike_shop", "architects", "distributor"}


def test_the_listed_scenario_is_the_one_loaded(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A trainer's copy of a scenario under another file name, in SECPLAN_SCENARIOS, comes before the bundled one
    in the list and in every lookup by id (the briefing and the check load what the learner picked)."""
    bundled = ROOT / "questionnaires" / "scenarios" / "bike_shop.yaml"
    text = bundled.read_text(encoding="utf-8")
    assert "\ntitle: " in text
    copy = tmp_path / "class-a-bikes.yaml"
    copy.write_text(text.replace("\ntitle: ", "\ntitle: Trainer edition of ", 1), encoding="utf-8")
    monkeypatch.setenv("SECPLAN_SCENARIOS", str(tmp_path))
    [entry] = [e for e in scenario_entries() if e.id == "bike_shop"]
    assert entry.path == copy and entry.title.startswith("Trainer edition of ")
    assert find_scenario("bike_shop") == copy
    assert load_scenario("bike_shop").title.startswith("Trainer edition of ")
    # Within one folder, <id>.yaml comes before another file with the same id.
    (tmp_path / "bike_shop.yaml").write_text(text, encoding="utf-8")
    assert find_scenario("bike_shop") == tmp_path / "bike_shop.yaml"
    assert [e.path for e in scenario_entries() if e.id == "bike_shop"] == [tmp_path / "bike_shop.yaml"]


# -- errors, told apart by class ------------------------------------------------------------------------------------


def test_an_unknown_questionnaire_or_scenario_is_not_found(tiny: Path) -> None:
    """An id the catalogue does not know, or a scenario file that holds another id, is a NotFound (exit 2) with the
    words users see: the known ids, a near one."""
    with pytest.raises(NotFound) as caught:
        catalogue.find("no_such_questionnaire")
    assert caught.value.title == "Unknown questionnaire" and caught.value.exit_code == 2
    assert "no questionnaire 'no_such_questionnaire' (known: tinyq, " in caught.value.message
    with pytest.raises(NotFound):
        catalogue.load("no_such_questionnaire")
    _write(tiny, "tiny_office.yaml", VALID_SCENARIO)
    with pytest.raises(NotFound) as caught:
        find_scenario("tiny_ofice")
    assert caught.value.title == "Unknown scenario" and "did you mean 'tiny_office'?" in caught.value.message
    with pytest.raises(NotFound):
        load_scenario("tiny_ofice")
    _write(tiny, "other_name.yaml", VALID_SCENARIO)
    with pytest.raises(NotFound) as caught:
        load_scenario("other_name")
    assert "holds scenario 'tiny_office', not 'other_name'" in caught.value.message
    with pytest.raises(NotFound) as caught:
        session_scenario("gone_scenario")
    assert caught.value.title == "Scenario unavailable"
    assert caught.value.message.startswith("scenario 'gone_scenario' cannot be found: no scenario 'gone_scenario'")


def test_a_scenario_with_errors_is_invalid_not_missing(tiny: Path) -> None:
    """A scenario file with errors is a ScenarioInvalid, and for its session an InvalidInput that is no NotFound; a
    questionnaire other than the scenario's is a plain InvalidInput."""
    from secplan_tui.teaching.scenario import check_new_scenario

    _write(tiny, "broken_one.yaml", VALID_SCENARIO.replace("id: tiny_office", "id: broken_one")
           .replace("  profile.size: small\n", "  profile.size: smal\n"))
    with pytest.raises(ScenarioInvalid):
        load_scenario("broken_one")
    with pytest.raises(InvalidInput) as caught:
        session_scenario("broken_one")
    assert not isinstance(caught.value, NotFound | ScenarioInvalid) and caught.value.title == "Scenario unavailable"
    assert "has errors: " in caught.value.message and "S311" in caught.value.message
    _write(tiny, "tiny_office.yaml", VALID_SCENARIO)
    with pytest.raises(InvalidInput) as caught:
        check_new_scenario("tiny_office", questionnaire="starter")
    assert type(caught.value) is InvalidInput and caught.value.title == "Conflicting options"
