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

from secplan_tui import catalogue, controls
from secplan_tui.answers import read_answers
from secplan_tui.engine import Flow
from secplan_tui.model import DOMAINS, EFFORTS, SKILLS, Questionnaire
from secplan_tui.plan import compile_plan, render_html, render_json, render_markdown
from secplan_tui.validate import validate_path

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "questionnaires" / "examples"
GOLDEN = Path(__file__).parent / "golden"
CONTROL_IDS = ROOT.parent / "shared" / "reference" / "control-ids.md"
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


def answers_of(q: Questionnaire, case: str) -> dict[str, object]:
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


@pytest.mark.skipif(not CONTROL_IDS.exists(), reason="shared/reference/control-ids.md is not beside the checkout")
def test_bundled_control_lists_match_the_reference() -> None:
    """controls.py holds exactly the identifiers of shared/reference/control-ids.md."""
    ref = _reference_ids()
    assert len(ref["ISO27001"]) == 93 and len(ref["CIS"]) == 153 and len(ref["CSF"]) == 106
    for prefix, ids in ref.items():
        assert set(controls.CATALOGUES[prefix]) == ids, prefix


@pytest.mark.skipif(not CONTROL_IDS.exists(), reason="shared/reference/control-ids.md is not beside the checkout")
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
    base = {"profile.headcount": "micro", "profile.people": 3}
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
