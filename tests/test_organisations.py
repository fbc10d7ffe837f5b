"""Plans an owner can act on, for eight organisations: the three bundled examples and five of our own.

For each: the first 30 days ask no more hours of anyone than they have; no single due date holds more than a fifth
of the actions; every High or Very high risk is treated within 90 days, accepted or listed as a gap; and actions
that do not fit the organisation do not appear. The organisation that answers "don't know" to everything is shown
as unknown, never as 0%.
"""

from __future__ import annotations

from collections import Counter
from datetime import date, timedelta
from pathlib import Path

import pytest

from secplan_tui.core import catalogue
from secplan_tui.core.model import Questionnaire
from secplan_tui.plan import Plan, compile_plan, render_json, render_markdown
from secplan_tui.plan.schedule import MIN_CAPACITY
from secplan_tui.session.answer_files import read_answers

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "questionnaires" / "examples"
OWN = Path(__file__).resolve().parent / "organisations"
PLAN_DATE = date(2025, 12, 1)
"""A plan date whose first months run over Christmas, where due dates must not pile up."""

ORGANISATIONS: dict[str, Path] = {
    "sole-trader": EXAMPLES / "iso22342-sole-trader.yaml",
    "accountancy": EXAMPLES / "iso22342-accountancy.yaml",
    "manufacturer": EXAMPLES / "iso22342-manufacturer.yaml",
    "home-bookkeeper": OWN / "home-bookkeeper.yaml",
    "cafe": OWN / "cafe.yaml",
    "leased-floor": OWN / "leased-floor.yaml",
    "two-sites": OWN / "two-sites.yaml",
    "dont-know-everything": OWN / "dont-know-everything.yaml",
}

CARD_RULES = {"act.inf.pci_saq", "act.inf.check_terminals", "act.inf.remove_card_numbers", "act.inf.phone_payments",
              "act.cyb.shop_checks"}
SERVER_ROOM = {"act.phy.lock_server_cupboard", "act.phy.protect_equipment", "act.cyb.patch_servers",
               "act.cyb.segment_network"}
OWN_PERIMETER = {"act.phy.alarm", "act.phy.strengthen_perimeter", "act.phy.site_alarm"}
PREMISES = OWN_PERIMETER | {"act.phy.visitor_procedure", "act.phy.control_entry", "act.phy.key_register",
                            "act.phy.key_register_now", "act.phy.lockup_routine", "act.phy.emergency_plan",
                            "act.phy.lockdown_plan", "act.phy.manage_cameras", "act.phy.close_staff_areas"}
STAFF = {"act.ppl.joiner_checklist", "act.ppl.leaver_checklist", "act.ppl.leaver_checklist_now",
         "act.ppl.screening", "act.ppl.segregation", "act.ppl.phishing_practice", "act.ppl.mover_review",
         "act.ppl.contract_clauses", "act.ppl.disciplinary", "act.gov.report_to_leaders", "act.gov.share_duties"}
HOME = {"act.phy.home_storage", "act.phy.home_security"}
SITES = {"act.phy.site_standard", "act.phy.site_survey", "act.phy.site_network", "act.phy.site_valuables",
         "act.phy.site_public", "act.phy.site_alarm"}

MUST_NOT: dict[str, set[str]] = {
    # A business of one at home: no premises, no staff, no card payments online only through links.
    "sole-trader": PREMISES | SERVER_ROOM | STAFF | SITES | {"act.inf.pci_saq", "act.inf.check_terminals"},
    # A firm with cards nowhere and a landlord running the building's perimeter and reception.
    "accountancy": CARD_RULES | SITES | HOME | {"act.phy.alarm"},
    "manufacturer": HOME,
    "home-bookkeeper": PREMISES | SERVER_ROOM | STAFF | SITES | CARD_RULES,
    # A café with a terminal but no server, no online shop, nobody working remotely.
    "cafe": SERVER_ROOM | HOME | SITES | {"act.cyb.shop_checks", "act.cyb.remote_mfa", "act.inf.phone_payments"},
    # The landlord runs reception, perimeter and alarm; no cards; no server; one site.
    "leased-floor": OWN_PERIMETER | CARD_RULES | SERVER_ROOM | HOME | SITES,
    # Two sites, staff IT: no home working actions, no online shop, no IT-provider contract.
    "two-sites": HOME | {"act.cyb.shop_checks", "act.gov.it_provider_access"},
    # Nothing is known: nothing may be assumed missing (no server room, no card rules, no alarm to install).
    "dont-know-everything": SERVER_ROOM | CARD_RULES | OWN_PERIMETER | STAFF | HOME | SITES,
}

MUST: dict[str, set[str]] = {
    "leased-floor": {"act.gov.name_lead"},
    "two-sites": {"act.phy.site_standard"},
    "cafe": {"act.gov.get_it_help", "act.phy.cash_up", "act.ppl.till_logins"},
    "dont-know-everything": set(),
}


@pytest.fixture(scope="module")
def iso() -> Questionnaire:
    """The bundled ISO 22342 questionnaire, loaded once."""
    return catalogue.load("iso22342")


_PLANS: dict[str, Plan] = {}


def plan_of(iso: Questionnaire, name: str) -> Plan:
    """The organisation's plan on PLAN_DATE, compiled once."""
    if name not in _PLANS:
        answers = dict(read_answers(str(ORGANISATIONS[name]), iso).answers)
        _PLANS[name] = compile_plan(iso, answers, PLAN_DATE)
    return _PLANS[name]


def test_there_are_at_least_eight_organisations_and_five_of_our_own() -> None:
    """Eight answers files exist: the three bundled ISO 22342 examples and five written for these tests."""
    assert all(path.is_file() for path in ORGANISATIONS.values())
    assert len(ORGANISATIONS) >= 8 and len(list(OWN.glob("*.yaml"))) >= 5


@pytest.mark.parametrize("name", sorted(ORGANISATIONS))
def test_the_first_30_days_fit_everyone_s_hours(iso: Questionnaire, name: str) -> None:
    """The actions and discovery tasks due in the first 30 days ask no person for more hours than they have, and
    the schedule's first month says the same."""
    plan = plan_of(iso, name)
    hours = {p.title: max(MIN_CAPACITY, p.hours) for p in plan.capacity.people}
    limit = PLAN_DATE + timedelta(days=30)
    asked: Counter[str] = Counter()
    for a in plan.open_actions():
        if a.due <= limit:
            asked[a.owner_title] += a.mean_hours
    for t in plan.discovery:
        if t.due <= limit:
            asked[t.ask_title] += 0.5
    assert asked, f"{name}: nothing at all in the first 30 days"
    for person, total in asked.items():
        assert person in hours, f"{name}: {person} has work but no hours"
        assert total <= hours[person] + 1e-6, f"{name}: {person} asked {total} h, has {hours[person]} h"
    first = next(m for m in plan.schedule if m.month == 1)
    assert all(used <= available + 1e-6 for _, used, available in first.hours), first.hours


@pytest.mark.parametrize("name", sorted(ORGANISATIONS))
def test_no_month_asks_more_than_anyone_has(iso: Questionnaire, name: str) -> None:
    """Month by month, each person's hours asked stay within their hours."""
    plan = plan_of(iso, name)
    for month in plan.schedule:
        for person, used, available in month.hours:
            assert used <= available + 1e-6, (name, month.month, person, used, available)


@pytest.mark.parametrize("name", sorted(ORGANISATIONS))
def test_no_due_date_holds_more_than_a_fifth_of_the_actions(iso: Questionnaire, name: str) -> None:
    """Due dates are spread: no day holds more than a fifth of the actions (discovery tasks counted too), and none
    falls on a weekend or between Christmas Eve and New Year's Day."""
    plan = plan_of(iso, name)
    dates = [a.due for a in plan.open_actions()] + [t.due for t in plan.discovery]
    busiest, count = Counter(dates).most_common(1)[0]
    assert count <= max(1, len(dates) // 5), (name, busiest, count, len(dates))
    for day in dates:
        assert day.weekday() < 5, (name, day)
        assert not ((day.month == 12 and day.day >= 24) or (day.month == 1 and day.day == 1)), (name, day)


@pytest.mark.parametrize("name", sorted(ORGANISATIONS))
def test_every_serious_risk_is_treated_accepted_or_a_gap(iso: Questionnaire, name: str) -> None:
    """Each High or Very high risk has a treating action due within 90 days, or is accepted by the director role,
    or is listed under the gaps with its reason, in the plan and its summary."""
    plan = plan_of(iso, name)
    limit = PLAN_DATE + timedelta(days=90)
    decided = {d.risk: d for d in plan.decisions}
    full = render_markdown(plan)
    high = [r for r in plan.risks if r.score >= 10]
    assert high, f"{name}: no serious risk at all: the test would prove nothing"
    for risk in high:
        treating = [plan.action(a) for a in risk.treated_by]
        in_time = [a for a in treating if a is not None and a.status not in ("done", "wont") and a.due <= limit]
        if in_time:
            assert risk.handling == "treated" and risk.id not in decided
            continue
        assert risk.id in decided, f"{name}: {risk.title} is neither treated in time nor decided"
        decision = decided[risk.id]
        assert decision.kind in ("accepted", "gap") and decision.reason and decision.by
        assert f"**{risk.title}** ({risk.rating}): {decision.kind}" in full.replace("accepted by", "accepted")
    # P1 holds the cheapest treatment of each serious risk that has one.
    for risk in high:
        options = [a for a in (plan.action(x) for x in risk.treated_by) if a is not None]
        if options:
            cheapest = min(a.mean_hours for a in options)
            assert any(a.priority == "P1" and a.mean_hours == cheapest for a in options), (name, risk.id)


@pytest.mark.parametrize("name", sorted(ORGANISATIONS))
def test_actions_that_do_not_fit_the_organisation_are_absent(iso: Questionnaire, name: str) -> None:
    """A home worker gets no server room or alarm, a firm taking no cards no card rules, a leased floor no
    perimeter alarm of its own...; and what must be there is there."""
    plan = plan_of(iso, name)
    ids = {a.id for a in plan.actions()} | {c.id for c in plan.conditional if name != "dont-know-everything"}
    known = {a.id for a in iso.actions}
    assert MUST_NOT[name] <= known | {"act.phy.key_register_now", "act.ppl.leaver_checklist_now"}, (
        MUST_NOT[name] - known
    )
    assert not (ids & MUST_NOT[name]), f"{name}: {sorted(ids & MUST_NOT[name])}"
    assert MUST.get(name, set()) <= ids, f"{name}: missing {sorted(MUST.get(name, set()) - ids)}"


@pytest.mark.parametrize("name", sorted(ORGANISATIONS))
def test_words_fit_and_ids_stay_out_of_the_summary_and_checklist(iso: Questionnaire, name: str) -> None:
    """No "**Owner:** Owner", no role titled just "Owner", no action or control ids in the summary or checklist,
    and a business of one is not told about management meetings."""
    plan = plan_of(iso, name)
    full = render_markdown(plan)
    assert "**Owner:**" not in full and "Ask: Owner" not in full
    assert all(r.title.lower() != "owner" for r in plan.roles)
    for view in ("summary", "checklist"):
        text = render_markdown(plan, view)
        assert "act." not in text and "ISO27001:" not in text and "CIS:" not in text, (name, view)
        assert plan.metadata.questionnaire_hash not in text
    if plan.one_person:
        assert "management meetings" not in full


@pytest.mark.parametrize("name", sorted(ORGANISATIONS))
def test_the_summary_is_one_page_led_by_the_roadmap(iso: Questionnaire, name: str) -> None:
    """The summary fits a page; its first actions are the roadmap's first, the lead's first of all, each with
    hours and who; it counts the discovery tasks."""
    plan = plan_of(iso, name)
    text = render_markdown(plan, "summary")
    assert len(text.splitlines()) <= 70, (name, len(text.splitlines()))
    open_ = sorted(plan.open_actions(), key=lambda a: (a.due, a.rank))
    if open_:
        block = text[text.index("## Do first") :]
        assert open_[0].title in block
        lead = iso.planning.lead_action
        if lead and plan.action(lead) is not None:
            first_row = next(line for line in block.splitlines() if line.startswith("| 2"))
            assert plan.action(lead).title in first_row  # type: ignore[union-attr]
    if plan.discovery:
        assert f"{len(plan.discovery)} questions answered" in text
        shown = text[text.index("## To find out") :]
        assert min(plan.discovery, key=lambda t: t.due).question in shown


def test_nobody_technical_gets_it_help_first_and_hands_technical_work_over(iso: Questionnaire) -> None:
    """The café has nobody for IT: getting IT help is among the first actions, before any technical action, and
    technical actions go to the IT helper's role and wait for it."""
    plan = plan_of(iso, "cafe")
    assert plan.capacity.nobody_technical
    help_ = plan.action("act.gov.get_it_help")
    assert help_ is not None and help_.priority == "P1" and help_.rank <= 1
    technical = [a for a in plan.actions() if a.skill != "anyone" and a.id != "act.gov.get_it_help"]
    assert technical
    for a in technical:
        assert a.owner == iso.planning.technical_role, a.id
        assert a.due >= help_.due and "act.gov.get_it_help" in a.after or a.due >= help_.due, a.id


def test_unanswered_hours_are_assumed_and_said_so(iso: Questionnaire) -> None:
    """The café did not say how many hours it can give: the plan uses a default and says it assumed it."""
    plan = plan_of(iso, "cafe")
    assert plan.capacity.assumed
    assert "assumes" in render_markdown(plan) and "(assumed)" in render_markdown(plan, "summary")
    assert "(as answered)" in render_markdown(plan_of(iso, "leased-floor"), "summary")
    answered = plan_of(iso, "leased-floor")
    assert not answered.capacity.assumed and answered.capacity.hours == 10


def test_dont_know_everywhere_is_unknown_not_zero(iso: Questionnaire) -> None:
    """Every domain of the all-"don't know" organisation is unknown: no 0% in the Markdown or the JSON, the
    objectives claim no 0%, and the summary lists the discovery tasks with their count."""
    plan = plan_of(iso, "dont-know-everything")
    for d in plan.domains:
        assert d.maturity.is_unknown and d.maturity.percent is None and d.maturity.unknown_percent == 100
    for view in ("full", "summary"):
        text = render_markdown(plan, view)
        assert " 0%" not in text and "| 0% |" not in text, view
        assert "unknown" in text
    assert not [o for o in plan.objectives if "0%" in o]
    data = render_json(plan)
    assert '"is_unknown": true' in data and '"percent": 0,' not in data
    summary = render_markdown(plan, "summary")
    assert f"**To find out:** {len(plan.discovery)} questions" in summary and len(plan.discovery) > 20
    assert "more (2.4 in the full plan)" in summary


def test_dont_know_on_a_control_that_treats_a_serious_risk_gives_the_conditional_action(iso: Questionnaire) -> None:
    """A "don't know" on disk encryption (the laptop-loss risk is serious) gives the find-out task and, with it,
    "If ... : encrypt", worded as a condition; the risk is a gap until then, with that reason."""
    plan = plan_of(iso, "dont-know-everything")
    encrypt = plan.conditional_action("act.inf.encrypt_devices")
    assert encrypt is not None and encrypt.risks
    task = next(t for t in plan.discovery if t.question_id in encrypt.questions)
    assert encrypt.id in task.conditional
    full = render_markdown(plan)
    assert f"**Then:** If {encrypt.condition}: {encrypt.title}" in full
    risk = next(r for r in plan.risks if r.id in encrypt.risks and r.score >= 10)
    assert risk.handling == "gap" and encrypt.id in risk.conditional
    assert "unknown until the discovery tasks" in next(d.reason for d in plan.decisions if d.risk == risk.id)


def test_a_business_of_one_is_addressed_as_you(iso: Questionnaire) -> None:
    """Every role of the home bookkeeper is "You", the plan is one person's, and the review speaks to them."""
    plan = plan_of(iso, "home-bookkeeper")
    assert plan.one_person and {r.title for r in plan.roles} == {"You"}
    full = render_markdown(plan)
    assert "report progress at management meetings" not in full and "reports progress to leadership" not in full


def test_a_plan_on_the_essentials_is_marked_first_pass(iso: Questionnaire) -> None:
    """With only the essential questions answered, the plan is a first pass: it says so at the top of the full plan
    and the summary, with how many detail questions remain by domain; with everything answered it does not."""
    answers = dict(read_answers(str(ORGANISATIONS["leased-floor"]), iso).answers)
    essentials = {k: v for k, v in answers.items() if (q := iso.question(k)) is not None and q.essential}
    plan = compile_plan(iso, essentials, PLAN_DATE)
    assert plan.stage == "details" and plan.first_pass and plan.details_left
    for view in ("full", "summary"):
        text = render_markdown(plan, view)
        assert "First pass: this plan rests on the essential questions." in text
        assert f"{sum(n for _, n in plan.details_left)} detail questions remain" in text
    done = plan_of(iso, "leased-floor")
    assert done.stage == "done" and "First pass" not in render_markdown(done)


def test_work_beyond_a_year_is_said_and_listed(iso: Questionnaire) -> None:
    """The sole trader's hours do not cover the work in a year: the summary says how many actions move to year
    two, and the roadmap lists them under "Year two"; the manufacturer's plan fits or says the same."""
    for name in ("sole-trader", "accountancy", "manufacturer"):
        plan = plan_of(iso, name)
        later = [a for a in plan.open_actions() if a.month > 12]
        summary, full = render_markdown(plan, "summary"), render_markdown(plan)
        if later:
            assert f"{len(later)} {'moves' if len(later) == 1 else 'move'} to year two" in summary
            assert "#### Year two" in full and all(a.title in full[full.index("#### Year two") :] for a in later)
            assert any(p.key == "year_two" for p in plan.roadmap)
        else:
            assert "all fit in the first year" in summary and "#### Year two" not in full
    assert [a for a in plan_of(iso, "sole-trader").open_actions() if a.month > 12]


def test_assumed_facts_are_listed(iso: Questionnaire) -> None:
    """The all-"don't know" organisation's plan says which facts it assumed and what they showed."""
    plan = plan_of(iso, "dont-know-everything")
    assert plan.assumed and all(a.shows for a in plan.assumed)
    full = render_markdown(plan)
    assert "**What this plan assumed:**" in full
    assert f"\u201c{plan.assumed[0].question}\u201d was answered \u201cdon't know\u201d" in full
