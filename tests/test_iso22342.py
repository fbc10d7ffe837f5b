"""The ISO 22342 questionnaire: its size, branching, help, references, and the golden plans of the worked examples.

Golden plans are reviewed files: regenerate them only on purpose, read the diff, then commit:
``SECPLAN_UPDATE_GOLDEN=1 .venv/bin/pytest tests/test_iso22342.py``.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from pathlib import Path

import pytest

from secplan_tui.core import catalogue
from secplan_tui.core import control_ids as controls
from secplan_tui.core.engine import Flow
from secplan_tui.core.model import DOMAINS, EFFORTS, SKILLS, AnswerValue, Questionnaire
from secplan_tui.core.validate import validate_path
from secplan_tui.plan import compile_plan, render_html, render_json, render_markdown
from secplan_tui.session.answer_files import read_answers

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "questionnaires" / "examples"
GOLDEN = Path(__file__).parent / "golden"
CONTROL_IDS = ROOT / "docs" / "control-ids.md"
"""The control identifiers, as the repository documents them (a fresh clone has them; nothing is skipped)."""
PLAN_DATE = dt.date(2026, 12, 1)
CASES = {
    "sole-trader": "iso22342-sole-trader.yaml",
    "accountancy": "iso22342-accountancy.yaml",
    "manufacturer": "iso22342-manufacturer.yaml",
}


@pytest.fixture(scope="module")
def iso() -> Questionnaire:
    """The ISO 22342 questionnaire, loaded with every check."""
    return catalogue.load("iso22342")


def answers_of(q: Questionnaire, case: str) -> dict[str, AnswerValue]:
    return dict(read_answers(str(EXAMPLES / CASES[case]), q).answers)


def test_validates_with_no_problem_at_all() -> None:
    """`secplan validate` finds no error and no warning in the questionnaire."""
    problems = validate_path(ROOT / "questionnaires" / "iso22342.yaml")
    assert [str(p) for p in problems] == []


def test_counts(iso: Questionnaire) -> None:
    """At least 14 profile facts, 90 domain questions (12 per domain), 25 conditional questions, 70 actions."""
    per_domain = {d: sum(len(s.questions) for s in iso.sections if s.domain == d) for d in DOMAINS}
    assert iso.sections[0].domain == "profile" and per_domain["profile"] >= 14
    assert sum(n for d, n in per_domain.items() if d != "profile") >= 90
    assert all(per_domain[d] >= 12 for d in DOMAINS[1:]), per_domain
    conditional = [q for s in iso.sections for q in s.questions if q.when is not None or s.when is not None]
    assert len(conditional) >= 25
    assert len(iso.actions) >= 70
    assert {a.domain for a in iso.actions} == set(DOMAINS[1:])
    assert len(iso.risks) >= 8


def test_help_on_every_question(iso: Questionnaire) -> None:
    """Every question says why it matters in at most 60 words and has a hint."""
    for q in iso.questions():
        assert q.why and len(q.why.split()) <= 60, q.id
        assert q.hint, q.id


def test_every_control_question_allows_dont_know_with_a_discovery_route(iso: Questionnaire) -> None:
    """Control questions offer "don't know", and every "don't know" says who to ask and how to find out."""
    for q in iso.questions():
        if q.is_control:
            assert q.dont_know, q.id
        if q.dont_know:
            assert q.discover is not None and q.discover.how and iso.role(q.discover.ask), q.id


def test_every_action_is_complete(iso: Questionnaire) -> None:
    """Each action has an imperative title, steps, a reason, an owner role, effort in hours, a skill, a priority and
    references."""
    for a in iso.actions:
        assert a.title[0].isupper() and not a.title.endswith("."), a.id
        assert re.search(r"^1\. ", a.how, re.M), a.id
        assert a.why and a.priority in ("P1", "P2", "P3"), a.id
        assert a.effort not in EFFORTS and 0 < a.hours[0] <= a.hours[1] <= 60, a.id  # person-hours, not a size
        assert a.skill in SKILLS, a.id
        assert iso.role(a.owner) is not None, a.id
        assert a.references, a.id


def _reference_ids() -> dict[str, set[str]]:
    text = CONTROL_IDS.read_text(encoding="utf-8")
    iso_ids = set()
    for part, last in re.findall(r"A\.(\d)\.1 to A\.\d\.(\d+)", text):
        iso_ids |= {f"A.{part}.{i}" for i in range(1, int(last) + 1)}
    cis = set()
    for line in re.findall(r"^- Control \d+: (.*)$", text, re.M):
        cis |= {item.strip().rstrip("*") for item in line.split(",")}
    csf = set(re.findall(r"^\s+([A-Z]{2}\.[A-Z]{2}-\d{2}):", text, re.M))
    ce_line = re.search(r"Cyber Essentials technical controls.*?\n(.*?)\.\n", text, re.S)
    assert ce_line is not None
    ce = {t.strip() for t in ce_line.group(1).split(";")}
    return {"ISO27001": iso_ids, "CIS": cis, "CSF": csf, "CE": ce}


def test_bundled_control_lists_match_the_reference() -> None:
    """controls.py holds exactly the identifiers of docs/control-ids.md."""
    ref = _reference_ids()
    assert len(ref["ISO27001"]) == 93 and len(ref["CIS"]) == 153 and len(ref["CSF"]) == 106
    for prefix, ids in ref.items():
        assert set(controls.CATALOGUES[prefix]) == ids, prefix


def test_every_reference_is_in_the_reference_list(iso: Questionnaire) -> None:
    """Every control reference of every action is an identifier listed in control-ids.md (no CSF 1.1 ids)."""
    ref = _reference_ids()
    for a in iso.actions:
        for r in a.references:
            prefix, _, ident = r.partition(":")
            assert ident in ref.get(prefix, set()), f"{a.id}: {r}"
            assert not re.match(r"(PR\.AC|PR\.IP|PR\.PT|ID\.BE|ID\.GV|ID\.SC|DE\.DP)-", ident), f"{a.id}: {r}"


def test_sole_trader_sees_at_most_45_questions(iso: Questionnaire) -> None:
    """A home-based sole trader answering everything sees no more than 45 questions."""
    flow = Flow(iso, answers_of(iso, "sole-trader"))
    answered, visible = flow.counts()
    assert visible <= 45
    assert answered == visible, [q.id for q in flow.unanswered()]


def test_manufacturer_sees_most_questions(iso: Questionnaire) -> None:
    """The 120-person two-site manufacturer with servers and card payments sees most of the questionnaire."""
    flow = Flow(iso, answers_of(iso, "manufacturer"))
    answered, visible = flow.counts()
    assert visible >= 0.8 * len(iso.questions())
    assert answered == visible, [q.id for q in flow.unanswered()]


def test_accountancy_answers_every_visible_question(iso: Questionnaire) -> None:
    """The accountancy example answers every question shown to it."""
    flow = Flow(iso, answers_of(iso, "accountancy"))
    assert flow.is_complete(), [q.id for q in flow.unanswered()]


def test_micro_business_owners(iso: Questionnaire) -> None:
    """Role titles follow the profile and never read just "Owner": a one-person business is "You"."""
    base: dict[str, AnswerValue] = {"profile.headcount": "micro", "profile.people": 3}
    plan = compile_plan(iso, {**base, "profile.it_support": "provider"}, PLAN_DATE)
    titles = {r.id: r.title for r in plan.roles}
    assert titles.get("it") == "IT provider, with the business owner"
    assert "Owner" not in {r.title for r in plan.roles}
    plan = compile_plan(iso, answers_of(iso, "sole-trader"), PLAN_DATE)
    owners = {a.owner_title for a in plan.actions()}
    assert owners == {"You"}, owners


def test_every_dont_know_becomes_a_discovery_task(iso: Questionnaire) -> None:
    """Each "don't know" in the examples is a discovery task with someone to ask and a way to find out."""
    for case in CASES:
        answers = answers_of(iso, case)
        plan = compile_plan(iso, answers, PLAN_DATE)
        unknown = {qid for qid, v in Flow(iso, answers).effective_answers().items() if v == "dont_know"}
        assert unknown, case
        tasks = {t.question_id: t for t in plan.discovery}
        assert set(tasks) == unknown, case
        assert all(t.ask and t.how for t in tasks.values())


def test_actions_fit_the_profile(iso: Questionnaire) -> None:
    """No premises action reaches a home business, no staff action a one-person one, no card action a cardless one."""
    plan = compile_plan(iso, answers_of(iso, "sole-trader"), PLAN_DATE)
    ids = {a.id for a in plan.actions()}
    assert not [i for i in ids if i.startswith("act.ppl.") and i not in ("act.ppl.callback_rule",
                                                                          "act.ppl.awareness_training",
                                                                          "act.ppl.lone_working")]
    assert not {"act.phy.alarm", "act.phy.visitor_procedure", "act.phy.lock_server_cupboard"} & ids
    acct = compile_plan(iso, answers_of(iso, "accountancy"), PLAN_DATE)
    assert not {"act.inf.pci_saq", "act.inf.check_terminals", "act.cyb.shop_checks"} & {a.id for a in acct.actions()}


@pytest.mark.parametrize("case", sorted(CASES))
@pytest.mark.parametrize("view", ["full", "summary", "checklist"])
def test_golden_plans(iso: Questionnaire, case: str, view: str) -> None:
    """The compiled Markdown plan of each worked example is exactly its reviewed golden file."""
    text = render_markdown(compile_plan(iso, answers_of(iso, case), PLAN_DATE), view=view)
    golden = GOLDEN / f"{case}.{view}.md"
    if os.environ.get("SECPLAN_UPDATE_GOLDEN") == "1":
        golden.parent.mkdir(exist_ok=True)
        golden.write_text(text, encoding="utf-8")
    assert golden.exists(), f"missing golden file {golden}; generate it with SECPLAN_UPDATE_GOLDEN=1 and review it"
    assert text == golden.read_text(encoding="utf-8")


@pytest.mark.parametrize("case", sorted(CASES))
def test_summary_fits_one_page_and_other_formats_compile(iso: Questionnaire, case: str) -> None:
    """The summary stays within one printed page (70 lines); HTML and JSON compile for every example."""
    plan = compile_plan(iso, answers_of(iso, case), PLAN_DATE)
    assert len(render_markdown(plan, view="summary").splitlines()) <= 70
    assert "<svg" in render_html(plan)
    assert '"format": "secplan-plan"' in render_json(plan)


# -- essentials first, and content that fits each kind of organisation (issue 11) ---------------------------------

ORGANISATIONS = ROOT / "tests" / "organisations"
SCENARIOS = ROOT / "questionnaires" / "scenarios"
ESSENTIALS_AT_MOST = 40


def _answer_files() -> list[Path]:
    files = sorted(EXAMPLES.glob("iso22342-*.yaml"))
    if ORGANISATIONS.is_dir():
        files += sorted(ORGANISATIONS.glob("*.yaml"))
    return files


def _dont_know_everywhere(iso: Questionnaire, base: dict[str, AnswerValue]) -> dict[str, AnswerValue]:
    """The base answers, then "don't know" (or the first choice where it is not offered) to every question shown."""
    answers = dict(base)
    for _ in range(8):
        for q in Flow(iso, answers).visible_questions():
            if q.id not in answers:
                answers[q.id] = "dont_know" if q.dont_know else (q.choices[0].id if q.choices else "x")
    return answers


def test_the_essentials_are_at_most_40_questions_whatever_the_answers(iso: Questionnaire) -> None:
    """Fewer than 41 questions are marked essential at all, so no organisation's first pass can be longer."""
    essential = [q.id for q in iso.questions() if q.essential]
    assert 20 <= len(essential) <= ESSENTIALS_AT_MOST, len(essential)


@pytest.mark.parametrize("path", _answer_files(), ids=lambda p: p.stem)
def test_essentials_pass_of_each_organisation_is_short(iso: Questionnaire, path: Path) -> None:
    """Each organisation of the examples (and tests/organisations) gets at most 40 visible essential questions,
    and they include what drives the top risks: backups, updates and passwords."""
    flow = Flow(iso, dict(read_answers(str(path), iso).answers))
    essentials = [q.id for q in flow.visible_questions() if q.essential]
    assert len(essentials) <= ESSENTIALS_AT_MOST, (path.stem, len(essentials))
    assert {"profile.security_hours", "information.backup", "cyber.updates", "cyber.passwords"} <= set(essentials)


@pytest.mark.parametrize("path", sorted(SCENARIOS.glob("*.yaml")), ids=lambda p: p.stem)
def test_essentials_pass_of_each_scenario_is_short(iso: Questionnaire, path: Path) -> None:
    """The teaching scenarios' organisations get at most 40 essential questions too."""
    from secplan_tui.teaching.scenario import load_scenario_file

    flow = Flow(iso, load_scenario_file(path).model_answers)
    assert len([q for q in flow.visible_questions() if q.essential]) <= ESSENTIALS_AT_MOST


CAFE: dict[str, AnswerValue] = {
    "profile.org_name": "The Corner Café", "profile.sector": "hospitality", "profile.headcount": "micro",
    "profile.people": 8, "profile.premises": "one_site", "profile.shared_building": "no",
    "profile.public_premises": "yes", "profile.remote": "no", "profile.cloud": ["email", "accounting"],
    "profile.servers": "no", "profile.cards": ["terminal"], "profile.till": "cloud_pos",
    "profile.personal_data": "ordinary", "profile.it_support": "nobody", "profile.security_hours": 8,
    "profile.valuables": "yes", "profile.incidents": ["none"], "people.till_practice": "no",
    "people.segregation": "no", "people.temp_staff": "no", "physical.cash_up": "partly", "cyber.till_admin": "no",
}

LEASED_FLOOR: dict[str, AnswerValue] = {
    "profile.org_name": "Leased floor Ltd", "profile.sector": "professional", "profile.headcount": "small",
    "profile.people": 25, "profile.premises": "one_site", "profile.shared_building": "yes",
    "profile.landlord_provides": ["reception", "perimeter", "alarm"], "profile.public_premises": "appointment",
    "physical.perimeter": "no", "physical.alarm": "none", "physical.lockup": "partly",
}


@pytest.mark.parametrize("name, base", [("cafe", CAFE), ("leased floor", LEASED_FLOOR), ("all unknown", {
    "profile.org_name": "Unknown", "profile.sector": "other", "profile.headcount": "medium",
    "profile.premises": "multi_site", "profile.it_support": "nobody"})])
def test_essentials_pass_stays_short_for_other_organisations(iso: Questionnaire, name: str,
                                                             base: dict[str, AnswerValue]) -> None:
    """A café, a firm on a leased floor and one that answers "don't know" everywhere: at most 40 essentials."""
    flow = Flow(iso, _dont_know_everywhere(iso, base))
    assert len([q for q in flow.visible_questions() if q.essential]) <= ESSENTIALS_AT_MOST, name


def _plan_ids(iso: Questionnaire, answers: dict[str, AnswerValue]) -> dict[str, tuple[str, str]]:
    plan = compile_plan(iso, answers, PLAN_DATE)
    return {a.id: (a.priority, a.owner) for a in plan.actions()}


def test_a_sole_trader_at_home_is_asked_about_paper_and_screen_locks(iso: Questionnaire) -> None:
    """Paper disposal and screen locking reach a one-person business at home, and weak answers bring actions."""
    answers = answers_of(iso, "sole-trader")
    visible = {q.id for q in Flow(iso, answers).visible_questions()}
    assert {"information.paper_disposal", "information.clear_desk"} <= visible
    assert {"act.inf.shred_paper", "act.inf.clear_desk"} <= set(_plan_ids(iso, answers))


def test_staff_records_alone_bring_a_breach_procedure(iso: Questionnaire) -> None:
    """An organisation holding personal data only about its staff is asked about, and gets, breach steps."""
    answers: dict[str, AnswerValue] = {
        "profile.headcount": "small", "profile.people": 30, "profile.premises": "one_site",
        "profile.personal_data": "none", "profile.staff_data": "yes", "information.breach_procedure": "no",
        "cyber.incident_plan": "no"}
    assert Flow(iso, answers).is_visible("information.breach_procedure")
    ids = _plan_ids(iso, answers)
    assert "act.inf.breach_procedure" in ids and "act.cyb.incident_plan" in ids
    incident = next(a for a in iso.actions if a.id == "act.cyb.incident_plan")
    assert "act.inf.breach_procedure" in incident.after


def test_financial_and_special_category_data_are_separate_choices(iso: Questionnaire) -> None:
    """Clients' financial details and special-category data are two answers, both treated as sensitive."""
    choices = {c.id for c in next(q for q in iso.questions() if q.id == "profile.personal_data").choices}
    assert {"financial", "special"} <= choices
    for kind in ("financial", "special"):
        ids = _plan_ids(iso, {"profile.personal_data": kind, "information.breach_procedure": "no"})
        assert ids["act.inf.breach_procedure_now"][0] == "P1", kind


def test_a_cafe_with_a_cloud_till_gets_till_and_cash_controls_early(iso: Questionnaire) -> None:
    """Till logins, the cash-up, the till's back office and segregation are P1 or P2, owned by finance or IT."""
    ids = _plan_ids(iso, CAFE)
    expected = {"act.ppl.till_logins": "finance", "act.phy.cash_up": "finance", "act.cyb.till_admin": "it",
                "act.ppl.segregation": "director"}
    for action_id, owner in expected.items():
        assert action_id in ids, action_id
        assert ids[action_id][0] in ("P1", "P2") and ids[action_id][1] == owner, (action_id, ids[action_id])
    assert ids["act.ppl.temp_staff"][1] == "line_managers"
    assert "act.gov.get_it_help" in ids


def test_a_business_whose_sites_differ_gets_actions_site_by_site(iso: Questionnaire) -> None:
    """Where the public, valuables, servers or alarms differ between sites, the plan has an action for each."""
    answers = {**answers_of(iso, "manufacturer"), "profile.site_differences": ["public", "valuables", "servers",
                                                                                 "alarm"]}
    ids = set(_plan_ids(iso, answers))
    assert {"act.phy.site_survey", "act.phy.site_public", "act.phy.site_valuables", "act.phy.site_network",
            "act.phy.site_alarm"} <= ids
    same = set(_plan_ids(iso, {**answers, "profile.site_differences": ["same"]}))
    assert not {"act.phy.site_survey", "act.phy.site_public", "act.phy.site_alarm"} & same


def test_a_firm_in_a_shared_building_asks_the_landlord_and_installs_no_perimeter_alarm(iso: Questionnaire) -> None:
    """The landlord's alarm and outer doors are credited: no alarm action, and a lower burglary rating."""
    flow = Flow(iso, LEASED_FLOOR)
    assert flow.is_visible("profile.landlord_provides") and flow.is_visible("physical.landlord")
    plan = compile_plan(iso, LEASED_FLOOR, PLAN_DATE)
    assert "act.phy.alarm" not in {a.id for a in plan.actions()}
    own = compile_plan(iso, {**LEASED_FLOOR, "profile.landlord_provides": ["none"]}, PLAN_DATE)

    def burglary(p: object) -> int:
        risk = next(r for r in p.risks if r.id == "risk.burglary")  # type: ignore[attr-defined]
        return int(risk.likelihood) * int(risk.impact)

    assert burglary(plan) < burglary(own)


def test_the_incident_plan_names_the_regulator_when_there_is_one(iso: Questionnaire) -> None:
    """The incident plan's variant for a regulated organisation lists the regulator among the contacts."""
    incident = next(a for a in iso.actions if a.id == "act.cyb.incident_plan")
    assert "regulator" not in incident.how.split("2.")[1].split("3.")[0]
    variant = incident.variants[0]
    assert "profile.regulated" in str(variant.when) and "regulator" in variant.how


def test_no_role_is_titled_just_owner(iso: Questionnaire) -> None:
    """No role title or case reads just "Owner", which would clash with an action's owner."""
    for role in iso.roles:
        assert role.title != "Owner" and all(c.title != "Owner" for c in role.cases), role.id


GATE_BASES: list[dict[str, AnswerValue]] = [
    {"profile.org_name": "X", "profile.sector": "retail", "profile.headcount": "small", "profile.people": 20,
     "profile.premises": "multi_site", "profile.it_support": "provider", "profile.till": "cloud_pos",
     "profile.cloud": ["email", "files"], "profile.cards": ["terminal"], "profile.servers": "yes"},
    {"profile.org_name": "Y", "profile.sector": "professional", "profile.headcount": "micro", "profile.people": 3,
     "profile.premises": "one_site", "profile.it_support": "nobody"},
]


@pytest.mark.parametrize("base", GATE_BASES, ids=["multi-site shop", "micro office"])
def test_dont_know_on_a_profile_gate_shows_every_follow_up(iso: Questionnaire, base: dict[str, AnswerValue]) -> None:
    """For every profile question that offers "don't know", that answer shows each question some real answer
    would show, so the plan is not silent where the owner is unsure (unknown cards show the card questions)."""
    gates = [q for q in iso.sections[0].questions if q.dont_know]
    assert {"profile.cards", "profile.servers", "profile.till", "profile.shared_building"} <= {q.id for q in gates}
    for gate in gates:
        if gate.type.value == "multi":
            values: list[AnswerValue] = [[c.id for c in gate.choices if not c.exclusive]]
            values += [[c.id] for c in gate.choices]
        elif gate.type.value == "number":
            values = [1, 2, 5, 50]
        elif gate.choices:
            values = [c.id for c in gate.choices]
        else:
            continue
        unsure = {q.id for q in Flow(iso, {**base, gate.id: "dont_know"}).visible_questions()}
        for value in values:
            shown = {q.id for q in Flow(iso, {**base, gate.id: value}).visible_questions()}
            assert shown <= unsure, (gate.id, value, sorted(shown - unsure))


def test_a_home_bookkeeper_unsure_of_everything_sees_at_most_45_questions(iso: Questionnaire) -> None:
    """A one-person bookkeeper at home, regulated, holding clients' financial details and paid by payment links,
    who answers "don't know" to every control (so every follow-up shows), still sees no more than 45 questions."""
    answers = _dont_know_everywhere(iso, {
        "profile.org_name": "B", "profile.sector": "professional", "profile.regulated": "yes",
        "profile.headcount": "micro", "profile.people": 1, "profile.premises": "home",
        "profile.cloud": ["email", "files", "accounting"], "profile.servers": "no", "profile.cards": ["online"],
        "profile.personal_data": "financial", "profile.website": "brochure", "profile.it_support": "owner",
        "profile.certifications": ["insurance"], "profile.incidents": ["none"], "profile.security_hours": 4})
    visible = Flow(iso, answers).visible_questions()
    assert len(visible) <= 45, len(visible)
    assert {"information.paper_disposal", "information.clear_desk", "information.breach_procedure"} <= {
        q.id for q in visible}


def test_no_essential_question_waits_on_a_detail() -> None:
    """Essentials are asked first: an essential question (or its section) whose condition names a detail question
    could appear only after the first pass, where a straight run never goes back to it."""
    for qid in ("iso22342", "starter"):
        q = catalogue.load(qid)
        sections = {s.id: s for s in q.sections}
        waiting = [
            (question.id, ref)
            for question in q.questions()
            if question.essential
            for condition in (question.when, sections[question.section].when)
            if condition is not None
            for ref in condition.question_ids()
            if (found := q.question(ref)) is not None and not found.essential
        ]
        assert waiting == [], f"{qid}: {waiting}"
