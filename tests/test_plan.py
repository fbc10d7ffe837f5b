"""Tests of the plan: compiling (pure, deterministic), the views, and the Markdown, HTML and JSON output."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from collections.abc import Mapping
from datetime import date, timedelta
from pathlib import Path

import pytest
from markdown_it import MarkdownIt

from secplan_tui.core.conditions import parse
from secplan_tui.core.errors import InvalidInput
from secplan_tui.core.model import (
    Action,
    AnswerValue,
    Choice,
    Discovery,
    Question,
    Questionnaire,
    QuestionType,
    Risk,
    RiskAdjustment,
    Role,
    RoleCase,
    Section,
    Status,
)
from secplan_tui.core.text import clean_text
from secplan_tui.plan import compile_plan, render_html, render_json, render_markdown
from secplan_tui.plan.discovery import GENERIC_DISCOVERY_HOW
from secplan_tui.plan.escape import md_code, md_inline
from secplan_tui.plan.facts import answer_text
from secplan_tui.plan.markdown import markdown_blocks
from secplan_tui.plan.records import Plan
from secplan_tui.plan.risks import risk_rating

ROOT = Path(__file__).resolve().parent.parent
DAY = date(2025, 3, 1)
MD = MarkdownIt("commonmark").enable("table")

# ----------------------------------------------------------------------------------------------------------
# A small questionnaire, built in Python so these tests do not depend on the starter's content
# ----------------------------------------------------------------------------------------------------------


def yesno(
    qid: str,
    text: str,
    *,
    control: bool = True,
    partly: bool = False,
    when: str | None = None,
    na: bool = False,
    strength: str = "",
    discover: Discovery | None = None,
) -> Question:
    """A yesno question, with statuses as the loader gives them outside the profile."""
    choices = [Choice("yes", "Yes", Status.IN_PLACE if control else None)]
    if partly:
        choices.append(Choice("partly", "Partly", Status.PARTIAL if control else None))
    choices.append(Choice("no", "No", Status.NOT_IN_PLACE if control else None))
    return Question(
        id=qid,
        type=QuestionType.YESNO,
        text=text,
        why="Because.",
        section=qid.split(".")[0],
        choices=tuple(choices),
        when=parse(when) if when else None,
        not_applicable=na,
        strength=strength,
        discover=discover,
    )


def single(qid: str, text: str, choices: tuple[Choice, ...], when: str | None = None) -> Question:
    """A single-choice question."""
    return Question(
        id=qid,
        type=QuestionType.SINGLE,
        text=text,
        why="Because.",
        section=qid.split(".")[0],
        choices=choices,
        when=parse(when) if when else None,
    )


def text_q(qid: str, text: str, kind: QuestionType = QuestionType.TEXT, when: str | None = None) -> Question:
    """A text or long-text question."""
    return Question(
        id=qid,
        type=kind,
        text=text,
        why="Because.",
        section=qid.split(".")[0],
        when=parse(when) if when else None,
    )


def action(aid: str, domain: str, priority: str, owner: str, when: str, refs: tuple[str, ...] = ()) -> Action:
    """An action of the library."""
    return Action(
        id=aid,
        title=f"Do {aid.split('.')[1].replace('_', ' ')}",
        how="1. First step.\n2. Second step.",
        why="It helps.",
        domain=domain,
        priority=priority,
        owner=owner,
        effort="S",
        when=parse(when),
        references=refs,
    )


def make_questionnaire(extra_actions: tuple[Action, ...] = ()) -> Questionnaire:
    """Six sections, three roles with cases, seven actions and two risks."""
    profile = Section(
        "profile",
        "About you",
        "profile",
        (
            text_q("profile.org_name", "What is your organisation called?"),
            single(
                "profile.headcount",
                "How big is the organisation?",
                (Choice("micro", "1 to 9 people"), Choice("small", "10 to 49 people")),
            ),
            single(
                "profile.it_support",
                "Who looks after IT?",
                (Choice("provider", "An IT company"), Choice("inhouse", "Our own staff")),
            ),
            yesno("profile.remote", "Do people work remotely?", control=False),
            text_q("profile.notes", "Anything else?", QuestionType.LONGTEXT, when="profile.headcount == 'small'"),
        ),
    )
    governance = Section(
        "governance",
        "Governance",
        "governance",
        (
            yesno("governance.owner", "Is one person responsible for security?", partly=True),
            yesno("governance.policy", "Do you have a security policy?", na=True, strength="A policy exists."),
            text_q("governance.comment", "Any comment on governance?"),
        ),
    )
    people = Section(
        "people",
        "People",
        "people",
        (
            single(
                "people.training",
                "Who gets security training?",
                (
                    Choice("none", "Nobody", Status.NOT_IN_PLACE),
                    Choice("some", "Some people", Status.PARTIAL),
                    Choice("all", "Everyone, every year", Status.IN_PLACE),
                ),
            ),
        ),
    )
    information = Section(
        "information",
        "Information",
        "information",
        (yesno("information.backup", "Is everything backed up?", strength="Everything is backed up."),),
    )
    cyber = Section(
        "cyber",
        "Cyber security",
        "cyber",
        (
            yesno("cyber.remote_access", "Is remote access protected?", when="profile.remote == 'yes'"),
            yesno(
                "cyber.mfa",
                "Does email need a second sign-in step?",
                partly=True,
                discover=Discovery("it", "Look at the admin centre."),
            ),
        ),
    )
    physical = Section(
        "physical", "Physical security", "physical", (yesno("physical.alarm", "Is there an alarm?", na=True),)
    )
    roles = (
        Role("director", "Director", (RoleCase(parse("profile.headcount == 'micro'"), "Owner"),)),
        Role("security_owner", "Security owner"),
        Role("it", "IT lead", (RoleCase(parse("profile.it_support == 'provider'"), "IT provider"),)),
    )
    actions = (
        action(
            "act.appoint_owner",
            "governance",
            "P1",
            "director",
            "governance.owner in ['no', 'partly']",
            ("ISO27001:A.5.2",),
        ),
        action(
            "act.write_policy",
            "governance",
            "P2",
            "security_owner",
            "governance.policy == 'no'",
            ("CSF:GV.PO-01",),
        ),
        action(
            "act.train",
            "people",
            "P1",
            "security_owner",
            "people.training in ['none', 'some']",
            ("CIS:14.1", "ISO27001:A.6.3"),
        ),
        action("act.backup", "information", "P1", "it", "information.backup == 'no'", ("CIS:11.2",)),
        action("act.secure_remote", "cyber", "P2", "it", "cyber.remote_access == 'no'", ("CIS:6.4",)),
        action(
            "act.mfa",
            "cyber",
            "P1",
            "it",
            "cyber.mfa in ['no', 'partly']",
            ("CIS:6.3", "CE:User access control"),
        ),
        action("act.alarm", "physical", "P3", "director", "physical.alarm == 'no'", ("ISO27001:A.7.4",)),
    ) + extra_actions
    risks = (
        Risk(
            "risk.phishing",
            "Phishing",
            "Someone steals a password.",
            3,
            3,
            (RiskAdjustment(parse("cyber.mfa == 'no'"), likelihood=2),),
            ("act.mfa", "act.train"),
        ),
        Risk(
            "risk.burglary",
            "Burglary",
            "Someone breaks in.",
            2,
            3,
            (RiskAdjustment(parse("physical.alarm == 'no'"), likelihood=4, impact=1),),
            ("act.alarm",),
            when=parse("physical.alarm != 'not_applicable'"),
        ),
    )
    return Questionnaire(
        id="mini",
        version="1.0",
        title="Mini questionnaire",
        sections=(profile, governance, people, information, cyber, physical),
        actions=actions,
        roles=roles,
        risks=risks,
        content_hash="ab" * 32,
    )


BASE: dict[str, AnswerValue] = {
    "profile.org_name": "Acme Ltd",
    "profile.headcount": "small",
    "profile.it_support": "inhouse",
    "profile.remote": "yes",
    "governance.owner": "partly",
    "governance.policy": "not_applicable",
    "people.training": "all",
    "information.backup": "no",
    "cyber.remote_access": "no",
    "cyber.mfa": "no",
    "physical.alarm": "yes",
}


def plan_for(answers: Mapping[str, AnswerValue], q: Questionnaire | None = None) -> Plan:
    """Compile the mini questionnaire with these answers on DAY."""
    return compile_plan(q or make_questionnaire(), answers, DAY, session_name="test", generated_by="secplan test")


def with_answers(**changes: AnswerValue) -> dict[str, AnswerValue]:
    """BASE with some answers changed (keys use __ for dots)."""
    answers = dict(BASE)
    for key, value in changes.items():
        answers[key.replace("__", ".")] = value
    return answers


# ----------------------------------------------------------------------------------------------------------
# Compiling
# ----------------------------------------------------------------------------------------------------------


PLAN_HTML_TAGS = frozenset({
    "html", "head", "meta", "title", "style", "body", "header", "main", "footer", "section",
    "h1", "h2", "h3", "h4", "h5", "p", "table", "thead", "tbody", "tr", "th", "td", "ul", "ol", "li",
    "strong", "em", "code", "pre",
})
"""The only elements a plan page may hold besides the inline maturity chart: no script, link, image or form."""


def html_tags(html: str) -> set[str]:
    """The element names in a page, the inline SVG maturity chart left out."""
    without_chart = re.sub(r"<svg class=\"maturity\".*?</svg>", "", html, flags=re.S)
    return set(re.findall(r"</?([a-zA-Z][a-zA-Z0-9]*)", without_chart))


def test_compile_is_deterministic_and_byte_identical() -> None:
    """The same inputs, in any dict order, give equal plans and byte-identical Markdown, HTML and JSON."""
    first = plan_for(BASE)
    second = plan_for(dict(reversed(list(BASE.items()))))
    assert first == second
    for view in ("full", "summary", "checklist"):
        assert render_markdown(first, view).encode() == render_markdown(second, view).encode()
        assert render_html(first, view).encode() == render_html(second, view).encode()
    assert render_json(first).encode() == render_json(second).encode()


def test_due_dates_come_from_the_schedule() -> None:
    """Each action is due in the month the schedule gives it, spread over that month; priority follows the date,
    and the cheapest treatment of a high risk is P1."""
    plan = plan_for(with_answers(physical__alarm="no"))
    for a in plan.actions():
        start = DAY + timedelta(days=(a.month - 1) * 30 + 1)
        assert start <= a.due <= DAY + timedelta(days=a.month * 30), a.id
        days = (a.due - DAY).days
        assert a.priority == "P1" or (a.priority == "P2") == (30 < days <= 90), a.id
    phishing = next(r for r in plan.risks if r.id == "risk.phishing")
    assert phishing.score >= 10
    mfa = plan.action("act.mfa")
    assert mfa is not None and mfa.priority == "P1"
    assert len({a.due for a in plan.actions()}) == len(plan.actions())
    assert plan.metadata.next_review == DAY + timedelta(days=365)


def test_actions_are_in_plan_order_treatments_of_high_risks_first() -> None:
    """Plan order is the rank: the cheapest treatment of each high risk first, then by risk reduced per hour; a
    domain lists its actions in that order, and the Markdown too."""
    plan = plan_for(with_answers(physical__alarm="no", people__training="none"))
    ids = [a.id for a in plan.actions()]
    assert [a.rank for a in plan.actions()] == list(range(len(ids)))
    high = [r for r in plan.risks if r.score >= 10]
    assert {r.id for r in high} == {"risk.phishing", "risk.burglary"}
    assert "act.alarm" in ids[:2] and ({"act.mfa", "act.train"} & set(ids[:2]))
    cyber = next(d for d in plan.domains if d.domain == "cyber")
    assert [a.id for a in cyber.actions] == [i for i in ids if i in ("act.mfa", "act.secure_remote")]
    md = render_markdown(plan)
    assert md.index("· Do mfa") < md.index("· Do secure remote")


def test_role_titles_come_from_the_first_case_that_holds() -> None:
    """A micro firm's director is the Owner, an outsourced IT lead the IT provider; else the plain title."""
    small = plan_for(BASE)
    titles = {r.id: r.title for r in small.roles}
    assert titles == {"director": "Director", "security_owner": "Security owner", "it": "IT lead"}
    micro = plan_for(with_answers(profile__headcount="micro", profile__it_support="provider"))
    titles = {r.id: r.title for r in micro.roles}
    assert titles == {"director": "Owner", "security_owner": "Security owner", "it": "IT provider"}
    owners = {a.id: a.owner_title for a in micro.actions()}
    assert owners["act.appoint_owner"] == "Owner"
    assert owners["act.backup"] == "IT provider"
    assert "act.backup" in next(r for r in micro.roles if r.id == "it").actions


def test_hidden_question_answers_and_their_actions_leave_the_plan() -> None:
    """When a parent answer hides a question, its answer and the actions it triggered leave every output."""
    answers = with_answers(profile__notes="SENTINEL-NOTE")
    shown = plan_for(answers)
    assert shown.action("act.secure_remote") is not None
    shown_md = render_markdown(shown)
    assert "Is remote access protected?" in shown_md
    assert "SENTINEL-NOTE" in shown_md

    answers["profile.remote"] = "no"  # hides cyber.remote_access
    answers["profile.headcount"] = "micro"  # hides profile.notes
    hidden = plan_for(answers)
    assert hidden.action("act.secure_remote") is None
    outputs = [render_markdown(hidden, v) for v in ("full", "summary", "checklist")]
    outputs += [render_html(hidden), render_json(hidden)]
    for out in outputs:
        assert "Is remote access protected?" not in out
        assert "act.secure_remote" not in out
        assert "SENTINEL-NOTE" not in out
    appendix = {r.question_id for s in hidden.answers for r in s.rows}
    assert "cyber.remote_access" not in appendix and "profile.notes" not in appendix
    cyber = next(d for d in hidden.domains if d.domain == "cyber")
    assert cyber.maturity.controls == 1


def test_triggering_answers_are_listed_with_choice_labels() -> None:
    """Each action shows the question and the answer (label, not id) that triggered it."""
    plan = plan_for(with_answers(people__training="some"))
    train = plan.action("act.train")
    assert train is not None
    assert [(t.question_id, t.answer) for t in train.triggers] == [("people.training", "Some people")]
    md = render_markdown(plan)
    assert "Who gets security training? — Some people" in md


def test_dont_know_becomes_a_discovery_task_with_who_and_how() -> None:
    """A "don't know" becomes a task: ask the discover role (or the security owner), how, due in 30 days."""
    plan = plan_for(with_answers(cyber__mfa="dont_know", information__backup="dont_know"))
    tasks = {t.question_id: t for t in plan.discovery}
    assert set(tasks) == {"cyber.mfa", "information.backup"}
    mfa = tasks["cyber.mfa"]
    assert (mfa.ask, mfa.ask_title, mfa.how) == ("it", "IT lead", "Look at the admin centre.")
    assert DAY < mfa.due <= DAY + timedelta(days=30)
    assert mfa.title == "Find out: Does email need a second sign-in step?"
    backup = tasks["information.backup"]
    assert (backup.ask, backup.ask_title, backup.how) == (
        "security_owner",
        "Security owner",
        GENERIC_DISCOVERY_HOW,
    )
    checklist = render_markdown(plan, "checklist")
    assert f"- [ ] Find out: Does email need a second sign-in step? — due {mfa.due.isoformat()}" in checklist
    full = render_markdown(plan)
    assert "**Who finds out:** IT lead" in full and "**How:** Look at the admin centre." in full


def test_hidden_dont_know_makes_no_discovery_task() -> None:
    """A "don't know" to a question that is now hidden is not a task."""
    plan = plan_for(with_answers(profile__remote="no", cyber__remote_access="dont_know"))
    assert plan.discovery == ()


def test_maturity_counts_partial_as_half_and_leaves_out_not_applicable() -> None:
    """In place 1, partly ½, not applicable excluded; don't know and unanswered are unknown, not 0: the score is of
    the known controls, and a domain where nothing is known has no score."""
    answers = with_answers(cyber__mfa="dont_know")
    del answers["cyber.remote_access"]
    plan = plan_for(answers)
    m = {d.domain: d.maturity for d in plan.domains}
    gov = m["governance"]  # owner partly, policy not applicable
    assert (gov.controls, gov.applicable, gov.partial, gov.not_applicable) == (2, 1, 1, 1)
    assert gov.score == 0.5 and gov.percent == 50
    assert m["people"].percent == 100
    assert m["information"].percent == 0
    cyber = m["cyber"]
    assert (cyber.dont_know, cyber.unanswered, cyber.percent, cyber.is_unknown) == (1, 1, None, True)
    assert cyber.unknown_share == 1.0 and cyber.unknown_percent == 100
    answers["physical.alarm"] = "not_applicable"
    physical = {d.domain: d.maturity for d in plan_for(answers).domains}["physical"]
    assert physical.score is None and physical.percent is None


def test_maturity_mixes_in_place_and_partial() -> None:
    """All in place gives 100%; one control partly and one not in place gives (0.5 + 0) / 2 = 25%."""
    answers = with_answers(
        governance__owner="yes",
        governance__policy="yes",
        information__backup="yes",
        cyber__mfa="partly",
        cyber__remote_access="no",
    )
    plan = plan_for(answers)
    percent = {d.domain: d.maturity.percent for d in plan.domains}
    assert (percent["governance"], percent["information"], percent["cyber"]) == (100, 100, 25)


def test_strengths_use_the_strength_sentence_or_the_question() -> None:
    """A control in place shows its strength sentence, or the question text when it has none."""
    plan = plan_for(with_answers(governance__owner="yes", governance__policy="yes", information__backup="yes"))
    gov = next(d for d in plan.domains if d.domain == "governance")
    assert [s.question for s in gov.strengths] == [
        "Is one person responsible for security?",
        "A policy exists.",
    ]
    info = next(d for d in plan.domains if d.domain == "information")
    assert [s.question for s in info.strengths] == ["Everything is backed up."]
    assert [p.question_id for p in next(d for d in plan.domains if d.domain == "cyber").partial] == []


def test_risks_are_adjusted_clamped_rated_and_linked_to_actions() -> None:
    """Adjustments apply when their condition holds, results stay in 1..5, treatments are planned actions."""
    plan = plan_for(with_answers(physical__alarm="no"))
    risks = {r.id: r for r in plan.risks}
    phishing = risks["risk.phishing"]
    assert (phishing.likelihood, phishing.impact, phishing.score, phishing.rating) == (5, 3, 15, "High")
    assert phishing.treated_by == ("act.mfa",)  # act.train is not triggered: training is in place
    burglary = risks["risk.burglary"]
    assert (burglary.likelihood, burglary.impact, burglary.score) == (5, 4, 20)
    assert burglary.rating == "Very high"
    assert [r.id for r in plan.risks] == ["risk.burglary", "risk.phishing"]
    calm = plan_for(with_answers(cyber__mfa="yes", physical__alarm="not_applicable"))
    assert [(r.id, r.score, r.rating) for r in calm.risks] == [("risk.phishing", 9, "Medium")]
    md = render_markdown(plan)
    assert md.count("**Residual risk accepted by:** ____________________ **Date:** ____________") == 2


def test_risk_rating_bands() -> None:
    """Scores map to Low 1-4, Medium 5-9, High 10-16, Very high 17-25."""
    assert [risk_rating(s) for s in (1, 4, 5, 9, 10, 16, 20, 25)] == [
        "Low",
        "Low",
        "Medium",
        "Medium",
        "High",
        "High",
        "Very high",
        "Very high",
    ]


def test_organisation_name_and_metadata() -> None:
    """The organisation's name, marking, versions and hash reach the metadata and the title."""
    plan = plan_for(BASE)
    m = plan.metadata
    assert (m.organisation, m.title, m.marking) == ("Acme Ltd", "Security plan: Acme Ltd", "CONFIDENTIAL")
    assert (m.questionnaire_id, m.questionnaire_version, m.plan_version) == ("mini", "1.0", "1")
    assert m.questionnaire_hash == "ab" * 32
    assert [d.recipient for d in m.distribution][:2] == ["Director", "Security owner"]
    assert render_markdown(plan).startswith("**CONFIDENTIAL**\n\n# Security plan: Acme Ltd\n")


def test_roles_found_by_title_when_ids_differ() -> None:
    """With unusual role ids, the director and security owner are found by title, never a mere "owner"."""
    base = make_questionnaire()
    roles = (Role("boss", "Managing director"), Role("sec", "Security owner"), Role("it", "IT lead"))
    q = Questionnaire(base.id, base.version, base.title, base.sections, base.actions, roles, base.risks)
    plan = compile_plan(q, with_answers(information__backup="dont_know"), DAY)
    assert [d.recipient for d in plan.metadata.distribution] == [
        "Managing director",
        "Security owner",
        "Other reader (need to know only)",
    ]
    assert plan.discovery[0].ask == "sec"
    duties = {r.id: r.accountability for r in plan.roles}
    assert "accepts residual risk" in duties["boss"] and "Keeps this plan" in duties["sec"]


def test_answer_text_resolves_labels_numbers_and_specials() -> None:
    """Answers show choice labels (joined for several), numbers with units, and words for the special values."""
    multi = Question(
        id="profile.cloud",
        type=QuestionType.MULTI,
        text="Which services?",
        why="w",
        section="profile",
        choices=(Choice("email", "Email"), Choice("files", "File sharing")),
    )
    number = Question(
        id="profile.staff", type=QuestionType.NUMBER, text="Staff?", why="w", section="profile", unit="people"
    )
    assert answer_text(multi, ["email", "files"]) == "Email, File sharing"
    assert answer_text(multi, []) == "none selected"
    assert answer_text(number, 12) == "12 people" and answer_text(number, 12.0) == "12 people"
    assert answer_text(number, 2.5) == "2.5 people"
    assert answer_text(multi, "dont_know") == "Don't know"
    assert answer_text(number, "not_applicable") == "Not applicable"


def test_answers_appendix_lists_visible_questions_with_not_answered() -> None:
    """The appendix lists every visible question by section, unanswered ones as "not answered"."""
    answers = dict(BASE)
    del answers["information.backup"]
    plan = plan_for(answers)
    rows = {r.question_id: r for s in plan.answers for r in s.rows}
    assert rows["information.backup"].answer == "not answered" and rows["information.backup"].value is None
    assert rows["profile.headcount"].answer == "10 to 49 people"
    assert rows["governance.policy"].answer == "Not applicable"
    assert [s.section_id for s in plan.answers] == [
        "profile",
        "governance",
        "people",
        "information",
        "cyber",
        "physical",
    ]


def test_reference_appendix_lists_every_reference_with_its_actions() -> None:
    """Each control reference used by an action appears once, by catalogue, with the actions citing it."""
    extra = (action("act.more_mfa", "cyber", "P2", "it", "cyber.mfa == 'no'", ("CIS:6.3", "CIS:14.1")),)
    plan = plan_for(BASE, make_questionnaire(extra))
    refs = {r.reference: r.actions for r in plan.references}
    assert refs["CIS:6.3"] == ("act.mfa", "act.more_mfa")
    assert refs["CIS:14.1"] == ("act.more_mfa",)
    order = [r.reference for r in plan.references]
    assert order.index("ISO27001:A.5.2") < order.index("CIS:6.3") < order.index("CE:User access control")
    assert order.index("CIS:6.3") < order.index("CIS:11.2") < order.index("CIS:14.1")


def test_themed_sections_pick_actions_by_reference() -> None:
    """Training lists actions citing awareness controls; incident response those citing backup controls."""
    plan = plan_for(with_answers(people__training="none"))
    assert plan.training.actions == ("act.train",)
    assert plan.incident_response.actions == ("act.backup",)


def test_plan_is_pure_of_the_input_mapping() -> None:
    """Compiling does not change the answers it is given."""
    answers = with_answers(profile__remote="no")
    before = dict(answers)
    plan_for(answers)
    assert answers == before


# ----------------------------------------------------------------------------------------------------------
# Views and renderers
# ----------------------------------------------------------------------------------------------------------


def headings(md: str) -> list[str]:
    """The text of every heading, in order."""
    tokens = MD.parse(md)
    return [tokens[i + 1].content for i, t in enumerate(tokens) if t.type == "heading_open"]


def test_full_view_follows_iso_22342_clause_5() -> None:
    """The full plan's main headings name ISO 22342 clause 5 components, then the two appendices."""
    md = render_markdown(plan_for(BASE))
    h2 = [h for h in headings(md) if re.match(r"^(\d\. |Appendix|Distribution)", h)]
    assert h2 == [
        "Distribution",
        "1. Governance (ISO 22342 5.2)",
        "2. Management of risk (ISO 22342 5.3)",
        "3. Security controls (ISO 22342 5.4)",
        "4. Security controls process (ISO 22342 5.5)",
        "Appendix A. Answers given",
        "Appendix B. Control references",
        "Appendix C. Identifiers",
    ]
    all_headings = headings(md)
    for title in (
        "3.1 Governance (ISO 22342 5.2, 5.4)",
        "3.4 Cyber security (ISO 22342 5.4)",
        "3.6 Roadmap (5.4.6)",
        "3.7 Training and awareness (5.4.3, 5.2.7)",
        "3.8 Incident response and continuity (5.4.5)",
        "4.3 Monitoring and review (5.5.4, 5.2.10, 5.2.11)",
        "2.4 Discovery tasks: what is still unknown (5.3.3)",
    ):
        assert title in all_headings
    assert "Nothing is recorded as in place yet." in md


def test_full_view_action_detail() -> None:
    """An action shows who, due date, effort in hours and skill, why, numbered how steps and its triggers; its id
    and references are in appendix C, not in the action."""
    plan = plan_for(BASE)
    mfa = plan.action("act.mfa")
    assert mfa is not None
    md = render_markdown(plan)
    block = md[md.index(f"##### {mfa.priority} · Do mfa") :]
    block = block[: block.index("#####", 5)] if "#####" in block[5:] else block
    for expected in (
        "**Who:** IT lead · ",
        f"**Due:** {mfa.due.isoformat()}",
        "**Effort:** 1–4 h, anyone can do it",
        "**Why it matters:** It helps.",
        "1. First step.\n2. Second step.",
        "- Does email need a second sign-in step? — No",
    ):
        assert expected in block
    assert "act.mfa" not in block and "CIS:6.3" not in block and "**Owner:**" not in block
    appendix = md[md.index("## Appendix C. Identifiers") :]
    assert "| Do mfa | `act.mfa` | `CIS:6.3`, `CE:User access control` |" in appendix


def test_maturity_table_and_bar_chart() -> None:
    """Maturity is a table and a text bar chart in a fenced code block, unknown shown apart as ?."""
    md = render_markdown(plan_for(with_answers(cyber__mfa="dont_know")))
    assert "| Governance | 0 | 1 | 0 | 0 | 0 | 1 | 50% | 0% |" in md
    chart = md[md.index("```text\n") :]
    chart = chart[: chart.index("\n```\n") + 4]
    assert "Governance         #####-----  50%\n" in chart
    assert "Physical security  ##########  100%" in chart
    assert "Cyber security     ?????-----  0%, 50% unknown" in chart  # remote access no, email don't know
    fences = [t for t in MD.parse(md) if t.type == "fence"]
    assert fences and "Cyber security" in fences[0].content


def test_roadmap_boxes_follow_due_dates() -> None:
    """The roadmap's boxes hold the open actions by due date: within 30 days, 90 days, a year, then year two."""
    plan = plan_for(with_answers(physical__alarm="no"))
    boxes = {p.key: p.actions for p in plan.roadmap}
    assert set(boxes) <= {"30_days", "90_days", "12_months", "year_two"}
    assert sorted(i for ids in boxes.values() for i in ids) == sorted(a.id for a in plan.actions())
    limits = {"30_days": 30, "90_days": 90, "12_months": 360}
    for key, ids in boxes.items():
        for aid in ids:
            a = plan.action(aid)
            assert a is not None
            assert (a.due - DAY).days <= limits.get(key, 10**6)


def test_summary_view_has_first_actions_risks_maturity_and_counts() -> None:
    """The summary holds the marking, the first actions of the roadmap with hours and who, the risks with what
    treats them, maturity, counts, and no detail, id or reference."""
    extra = tuple(action(f"act.extra_{i}", "cyber", "P3", "it", "cyber.mfa == 'no'") for i in range(8))
    plan = plan_for(with_answers(physical__alarm="no"), make_questionnaire(extra))
    md = render_markdown(plan, "summary")
    assert md.startswith("**CONFIDENTIAL**\n\n# Security plan summary: Acme Ltd\n")
    for part in ("## At a glance", "## Do first", "## Risks and what treats them", "## Maturity", "**Actions:** 13"):
        assert part in md
    first = md[md.index("## Do first") : md.index("## Risks")]
    rows = [line for line in first.splitlines() if re.match(r"^\| \d{4}-", line)]
    assert len(rows) == 8
    earliest = sorted(plan.open_actions(), key=lambda a: (a.due, a.rank))[:8]
    assert {r.split(" | ")[1] for r in rows} == {a.title for a in earliest}
    assert all(re.search(r"\| \d[–\d]* h \|$", r) for r in rows)
    risks = md[md.index("## Risks") : md.index("## Maturity")]
    assert "Phishing" in risks and "Do mfa" in risks
    assert "**How:**" not in md and "Appendix A" not in md and "act." not in md and "CIS:" not in md


def test_checklist_view_is_a_task_list_grouped_by_owner() -> None:
    """The checklist is GFM tasks "- [ ] title — due DATE (hours)" under one heading per person, no ids."""
    plan = plan_for(with_answers(physical__alarm="no", information__backup="dont_know"))
    md = render_markdown(plan, "checklist")
    tasks = [line for line in md.splitlines() if line.startswith("- [ ]")]
    assert tasks and all(
        re.fullmatch(r"- \[ \] .+ — due \d{4}-\d{2}-\d{2}( \(\d[–\d]* h\))?", t) for t in tasks
    ), tasks
    assert len(tasks) == len(plan.actions()) + len(plan.discovery)
    sections = re.split(r"^## ", md, flags=re.M)[1:]
    by_owner = {s.splitlines()[0]: s for s in sections}
    assert set(by_owner) == {"Director", "Security owner", "IT lead"}
    alarm = plan.action("act.alarm")
    assert alarm is not None and f"Do alarm — due {alarm.due.isoformat()} (1–4 h)" in by_owner["Director"]
    task = plan.discovery[0]
    assert f"Find out: Is everything backed up? — due {task.due.isoformat()}" in by_owner["Security owner"]
    director = by_owner["Director"]
    appoint = plan.action("act.appoint_owner")
    assert appoint is not None
    early, late = (("Do alarm", "Do appoint owner") if alarm.due <= appoint.due else ("Do appoint owner", "Do alarm"))
    assert director.index(early) < director.index(late)
    assert "act." not in md and "`" not in md


def test_markdown_ends_with_exactly_one_newline() -> None:
    """Every view ends with one newline, not zero or two."""
    plan = plan_for(BASE)
    for view in ("full", "summary", "checklist"):
        md = render_markdown(plan, view)
        assert md.endswith("\n") and not md.endswith("\n\n")


def test_unknown_view_is_refused() -> None:
    """An unknown view raises InvalidInput (exit code 2) naming the allowed views."""
    with pytest.raises(InvalidInput, match="full, summary, checklist"):
        render_markdown(plan_for(BASE), "poster")
    with pytest.raises(InvalidInput):
        render_html(plan_for(BASE), "poster")


def test_unknown_view_is_invalid_input_itself() -> None:
    """An unknown view is an InvalidInput, not a subclass (no NotFound): exit code 2, title "Unknown view"."""
    plan = plan_for(BASE)
    for render in (render_markdown, render_html, markdown_blocks):
        with pytest.raises(InvalidInput) as caught:
            render(plan, "poster")
        assert type(caught.value) is InvalidInput, render
        assert caught.value.exit_code == 2 and caught.value.title == "Unknown view"


def test_html_is_a_safe_standalone_document() -> None:
    """HTML has charset, escaped title, marking, print CSS, no script, and shows a <script> answer as text."""
    hostile = '<script>alert("x")</script> & <img src=x onerror=alert(1)>'
    plan = plan_for(with_answers(profile__org_name=hostile, governance__comment=hostile))
    html = render_html(plan)
    assert html.startswith("<!DOCTYPE html>\n")
    assert '<meta charset="utf-8">' in html
    assert "<script" not in html.lower() and "<img" not in html.lower()
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &lt;img" in html
    assert "<title>CONFIDENTIAL: Security plan: &lt;script&gt;" in html
    assert '<header class="marking">CONFIDENTIAL</header>' in html
    assert "@media print" in html and "section.domain" in html and "break-before: page" in html
    assert html.count('<section class="domain">') == 5
    assert html_tags(html) <= PLAN_HTML_TAGS


def test_html_views_render() -> None:
    """Summary and checklist views render to HTML with their own body class."""
    plan = plan_for(BASE)
    assert '<body class="view-summary">' in render_html(plan, "summary")
    checklist = render_html(plan, "checklist")
    mfa = plan.action("act.mfa")
    assert mfa is not None
    assert '<body class="view-checklist">' in checklist
    assert f"Do mfa — due {mfa.due.isoformat()} (1–4 h)</li>" in checklist


def test_json_round_trips_with_the_documented_keys() -> None:
    """The JSON parses, carries format and version, and has the documented top-level keys."""
    plan = plan_for(with_answers(cyber__mfa="dont_know"))
    text = render_json(plan)
    data = json.loads(text)
    assert data["format"] == "secplan-plan" and data["format_version"] == 2
    assert set(data) == {
        "format",
        "format_version",
        "metadata",
        "profile",
        "objectives",
        "roles",
        "risks",
        "domains",
        "roadmap",
        "training",
        "incident_response",
        "selection",
        "implementation",
        "review",
        "discovery",
        "answers",
        "references",
        "counts",
        "stage",
        "first_pass",
        "details_left",
        "assumed",
        "one_person",
        "director",
        "capacity",
        "schedule",
        "conditional",
        "decisions",
    }
    assert [d["domain"] for d in data["domains"]] == [
        "governance",
        "people",
        "information",
        "cyber",
        "physical",
    ]
    assert data["metadata"]["plan_date"] == "2025-03-01"
    assert data["discovery"][0]["question_id"] == "cyber.mfa"
    assert data["domains"][0]["maturity"]["percent"] == 50
    assert json.dumps(data, sort_keys=True, indent=2, ensure_ascii=False) + "\n" == text


def test_json_fields_are_documented() -> None:
    """Every key the JSON output uses is described in docs/plan-json.md."""
    doc = (ROOT / "docs" / "plan-json.md").read_text(encoding="utf-8")
    plan = plan_for(with_answers(cyber__mfa="dont_know", physical__alarm="no"))
    keys: set[str] = set()

    def walk(value: object) -> None:
        if isinstance(value, dict):
            keys.update(value)
            for v in value.values():
                walk(v)
        elif isinstance(value, list):
            for v in value:
                walk(v)

    walk(json.loads(render_json(plan)))
    missing = sorted(k for k in keys if f"`{k}`" not in doc)
    assert missing == []


# ----------------------------------------------------------------------------------------------------------
# Sanitising
# ----------------------------------------------------------------------------------------------------------


def test_clean_text_strips_controls_and_escape_sequences() -> None:
    """Escape sequences vanish whole; C0/C1/DEL/bidi controls go; line breaks stay; letters stay."""
    assert clean_text("a\x1b]0;owned\x07b", keep_newlines=True) == "ab"
    assert clean_text("\x1b[31mred\x1b[0m", keep_newlines=True) == "red"
    assert clean_text("x\x00\x08\x7f\x85y\u202ez\u2066", keep_newlines=True) == "xyz"
    assert clean_text("\x9b31mred\x9d8;;http://e.com\x9c", keep_newlines=True) == "red"
    assert clean_text("one\r\ntwo\rthree\tfour", keep_newlines=True) == "one\ntwo\nthree four"
    assert clean_text("Zoë Ångström 東京 مرحبا", keep_newlines=True) == "Zoë Ångström 東京 مرحبا"


@pytest.mark.parametrize(
    "text",
    [
        "# heading",
        "- item",
        "+ item",
        "1. item",
        "3) item",
        "> quote",
        "    code",
        "```fence",
        "~~~fence",
        "[x](http://e.com)",
        "![i](x.png)",
        "<b>bold</b>",
        "<http://e.com>",
        "&amp; &#35;",
        "*em* _em_ **b**",
        "`code`",
        "a | b",
        "---",
        "===",
        "[ref]: http://e.com",
        "\\",
        "www.example.com",
        "https://e.com",
        "~~strike~~",
    ],
)
def test_md_inline_renders_as_itself(text: str) -> None:
    """Each Markdown construct, escaped, is one paragraph whose only text is the input."""
    for md in (MD, MarkdownIt("js-default")):
        tokens = md.parse(md_inline(text))
        assert [t.type for t in tokens] == ["paragraph_open", "inline", "paragraph_close"]
        children = tokens[1].children or []
        assert [c.type for c in children] == ["text"]
        assert children[0].content == " ".join(text.split())


def test_md_inline_keeps_prose_readable() -> None:
    """Ordinary punctuation inside prose is not escaped: dots, dashes, colons, brackets of prose."""
    assert md_inline("e.g. co-operate: yes (mostly), 1.0") == "e.g. co-operate: yes (mostly), 1.0"
    assert md_inline("line one\nline two") == "line one line two"


def test_md_code_only_wraps_plain_ids() -> None:
    """Ids become code spans; anything with other characters is escaped text instead."""
    assert md_code("act.turn_on_mfa") == "`act.turn_on_mfa`"
    assert md_code("CE:User access control") == "`CE:User access control`"
    assert md_code("a`b|c") == md_inline("a`b|c")


# ----------------------------------------------------------------------------------------------------------
# The starter questionnaire and its examples
# ----------------------------------------------------------------------------------------------------------

EXAMPLES = sorted((ROOT / "questionnaires" / "examples").glob("starter-*.yaml"))


def test_starter_and_examples_exist() -> None:
    """The bundled starter questionnaire and at least one example answer file are present."""
    assert (ROOT / "questionnaires" / "starter.yaml").is_file()
    assert EXAMPLES


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda p: p.stem)
def test_starter_examples_compile_to_a_full_plan(example: Path) -> None:
    """Each example answer file compiles with the starter into a plan with actions, risks and a name."""
    from secplan_tui.core.validate import load_questionnaire
    from secplan_tui.session.answer_files import read_answers

    questionnaire = load_questionnaire(ROOT / "questionnaires" / "starter.yaml")
    answers = read_answers(str(example), questionnaire).answers
    plan = compile_plan(questionnaire, answers, DAY)
    assert plan.metadata.organisation
    assert plan.actions() and plan.risks
    for a in plan.actions():
        assert a.owner_title and a.due > DAY and a.triggers
    md = render_markdown(plan)
    assert md == render_markdown(compile_plan(questionnaire, answers, DAY))
    assert "1. Governance (ISO 22342 5.2)" in headings(md)
    tokens = MD.parse(md)
    assert not [t for t in tokens if t.type in ("html_block", "blockquote_open", "code_block", "hr")]
    inline = [c for t in tokens if t.children for c in t.children]
    assert not [c for c in inline if c.type in ("link_open", "image", "html_inline")]
    json.loads(render_json(plan))
    assert "<script" not in render_html(plan, "summary")
    blocks = markdown_blocks(plan)
    assert [b.kind for b in blocks].count("domain") == 5


def test_plan_package_imports_no_terminal_or_storage_library() -> None:
    """Importing the plan package (HTML included) loads no textual, questionary, prompt_toolkit or tinydb."""
    code = (
        "import sys, secplan_tui.plan, secplan_tui.plan.html\n"
        "bad = [m for m in sys.modules if m.split('.')[0] in ('textual', 'questionary', 'prompt_toolkit', "
        "'tinydb')]\n"
        "print(','.join(bad))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True)
    assert result.stdout.strip() == ""


def test_html_draws_maturity_as_inline_svg() -> None:
    """The HTML plan shows maturity per domain as an inline SVG bar chart with text labels and no script."""
    import datetime as dt
    import re

    from secplan_tui.core import catalogue
    from secplan_tui.plan import compile_plan, render_html
    from secplan_tui.session.answer_files import read_answers

    q = catalogue.load("starter")
    answers = read_answers(str(ROOT / "questionnaires" / "examples" / "starter-small-office.yaml"), q).answers
    plan = compile_plan(q, answers, dt.date(2026, 12, 1))
    html = render_html(plan)
    svg = re.search(r"<svg class=\"maturity\".*?</svg>", html, re.S)
    assert svg is not None and "<script" not in svg.group(0)
    from secplan_tui.plan.markdown import maturity_words

    for domain in plan.domains:
        assert f">{domain.maturity.title}</text>" in svg.group(0)
        assert f">{maturity_words(domain.maturity)}</text>" in svg.group(0)
    assert "language-text" not in html
    assert "n/a" not in svg.group(0)  # the HTML draws the same chart as the one that says "unknown"


# ----------------------------------------------------------------------------------------------------------
# The living plan: statuses
# ----------------------------------------------------------------------------------------------------------


def test_statuses_show_in_every_output_and_never_move_another_date() -> None:
    """Done: [x] in the checklist, out of the roadmap; deferred: at its new date; won't do: the risk it alone
    treated is accepted by the director role, with the note; JSON carries all; no other action's date moves."""
    from secplan_tui.core.model import ActionStatus

    answers = with_answers(physical__alarm="no")
    before = plan_for(answers)
    statuses = {
        "act.mfa": ActionStatus("act.mfa", "done", note="All 12 mailboxes.", at="2025-03-05T09:00:00Z", by="ann"),
        "act.secure_remote": ActionStatus("act.secure_remote", "deferred", due="2025-09-01", note="After the move."),
        "act.alarm": ActionStatus("act.alarm", "wont", note="The landlord's alarm covers the floor."),
        "act.unknown": ActionStatus("act.unknown", "done"),
    }
    plan = compile_plan(make_questionnaire(), answers, DAY, statuses=statuses)
    mfa, remote, alarm = plan.action("act.mfa"), plan.action("act.secure_remote"), plan.action("act.alarm")
    assert mfa is not None and remote is not None and alarm is not None
    assert (mfa.status, mfa.status_date, mfa.status_note) == ("done", "2025-03-05", "All 12 mailboxes.")
    assert remote.due == date(2025, 9, 1) and remote.status == "deferred"
    assert alarm.status == "wont"
    first = next(p for p in plan.roadmap if p.key == "30_days")
    assert "act.mfa" not in first.actions and all("act.mfa" not in p.actions for p in plan.roadmap)
    burglary = next(r for r in plan.risks if r.id == "risk.burglary")
    assert burglary.handling == "accepted"
    decision = next(d for d in plan.decisions if d.risk == "risk.burglary")
    assert (decision.kind, decision.by) == ("accepted", "Director")
    assert decision.reason == "The landlord's alarm covers the floor."
    checklist = render_markdown(plan, "checklist")
    assert "- [x] Do mfa — done 2025-03-05" in checklist and "Do alarm" not in checklist
    assert "- [ ] Do secure remote — deferred to 2025-09-01" in checklist
    full = render_markdown(plan)
    assert "Progress: 1 of 5 actions done, 1 marked won't do; 3 to go." in full
    assert "accepted by Director: The landlord" in full
    assert "**Note (done, 2025-03-05):** All 12 mailboxes." in full
    data = json.loads(render_json(plan))
    cyber = next(d for d in data["domains"] if d["domain"] == "cyber")
    entry = next(a for a in cyber["actions"] if a["id"] == "act.mfa")
    assert entry["status"] == {"status": "done", "date": "2025-03-05", "note": "All 12 mailboxes.", "by": "ann"}
    assert data["counts"]["done"] == 1 and data["counts"]["wont"] == 1 and data["counts"]["accepted"] == 1
    # People were told their dates at the review: ticking off, deferring or dropping one moves no other.
    for earlier in before.actions():
        now = plan.action(earlier.id)
        assert now is not None
        assert now.due == earlier.due or earlier.id == "act.secure_remote", earlier.id
    assert plan_for(answers) == before  # statuses are an input, not a state


def test_hostile_status_note_adds_no_structure() -> None:
    """A note with Markdown, HTML and an escape byte renders as text in every view."""
    from secplan_tui.core.model import ActionStatus

    note = "# Heading\n| cell | <script>x</script> [link](http://x) \x1b[31m"
    statuses = {"act.mfa": ActionStatus("act.mfa", "done", note=note, at="2025-03-05T09:00:00Z")}
    plan = compile_plan(make_questionnaire(), BASE, DAY, statuses=statuses)
    full = render_markdown(plan)
    assert "\x1b" not in full and "\x1b" not in render_json(plan)
    assert "<script>" not in render_html(plan)
    assert not [h for h in headings(full) if "Heading" in h]


def test_maturity_svg_draws_unknown_apart_and_never_says_zero_for_unknown() -> None:
    """The drawn chart has an unknown part for each domain with unknown controls and says "unknown" for a domain
    where nothing is known, not 0%; no script, and its labels are escaped."""
    from secplan_tui.plan.charts import maturity_svg

    answers = with_answers(cyber__mfa="dont_know", cyber__remote_access="dont_know")
    svg = maturity_svg(plan_for(answers))
    assert svg.startswith('<svg class="maturity"') and "<script" not in svg
    cyber = svg[svg.index(">Cyber security<") : svg.index(">Physical security<")]
    assert 'class="unknown"' in cyber and ">unknown</text>" in cyber and "0%" not in cyber
    assert "Cyber security unknown" in svg  # in the accessible label too
    known = maturity_svg(plan_for(BASE))
    assert ">50%</text>" in known


def test_text_variants_fit_the_profile() -> None:
    """The first variant whose condition holds gives the title, how and why it has; the others stay."""
    from secplan_tui.core.model import ActionVariant

    base = action("act.walk_round", "physical", "P2", "director", "physical.alarm == 'no'")
    varied = Action(
        **{**base.__dict__, "variants": (
            ActionVariant(parse("profile.headcount == 'micro'"), title="Check the landlord's rounds",
                          how="Ask the landlord for the patrol log."),
            ActionVariant(parse("profile.headcount != 'huge'"), title="Never used"),
        )}
    )
    q = make_questionnaire((varied,))
    micro = plan_for(with_answers(physical__alarm="no", profile__headcount="micro"), q).action("act.walk_round")
    small = plan_for(with_answers(physical__alarm="no"), q).action("act.walk_round")
    assert micro is not None and small is not None
    assert (micro.title, micro.how) == ("Check the landlord's rounds", "Ask the landlord for the patrol log.")
    assert micro.why == "It helps."
    assert small.title == "Never used" and small.how == base.how


def test_wont_do_is_listed_as_a_risk_accepted_by_the_director() -> None:
    """Every action marked "won't do" is listed in the roadmap as a risk accepted by the director role, with its
    reason, whatever the risk's rating."""
    from secplan_tui.core.model import ActionStatus

    statuses = {"act.backup": ActionStatus("act.backup", "wont", note="Files live in the cloud only.")}
    md = render_markdown(compile_plan(make_questionnaire(), BASE, DAY, statuses=statuses))
    block = md[md.index("#### Won't do: risks accepted") :]
    assert "accepted by Director" in block and "- Do backup: Files live in the cloud only." in block


def test_answer_notes_show_in_the_answers_appendix_and_json_as_text() -> None:
    """A note given with an answer is shown beside it in appendix A and in the JSON; hostile text adds no structure,
    and a note on a question that is not answered is left out."""
    note = "# Heading | cell | <script>x</script> [@click=app.quit] \x1b]0;owned\x07"
    plan = compile_plan(make_questionnaire(), BASE, DAY, notes={"cyber.mfa": note, "cyber.nothing": "x"})
    full = render_markdown(plan)
    appendix = full[full.index("Appendix A") :]
    assert "(note: " in appendix and "\x1b" not in full and "\x07" not in full
    assert not [h for h in headings(full) if "Heading" in h]
    assert "<script>" not in render_html(plan)
    data = json.loads(render_json(plan))
    rows = {r["question_id"]: r for s in data["answers"] for r in s["questions"]}
    assert rows["cyber.mfa"]["note"].startswith("# Heading | cell")
    assert all(r["note"] == "" for qid, r in rows.items() if qid != "cyber.mfa")
    assert compile_plan(make_questionnaire(), BASE, DAY) != plan  # the note is part of the plan


def test_statuses_show_in_the_html_plan() -> None:
    """A done action is a ticked box in the HTML checklist and its note is in the HTML full plan; an open one is
    an empty box."""
    from secplan_tui.core.model import ActionStatus

    statuses = {"act.mfa": ActionStatus("act.mfa", "done", note="All 12 mailboxes.", at="2025-03-05T09:00:00Z")}
    plan = compile_plan(make_questionnaire(), BASE, DAY, statuses=statuses)
    checklist = render_html(plan, "checklist")
    done = re.search(r'<input[^>]*checked="checked"[^>]*> Do mfa', checklist)
    assert done is not None
    assert re.search(r'<input class="task-list-item-checkbox" disabled="disabled" type="checkbox"> ', checklist)
    assert "All 12 mailboxes." in render_html(plan)
    assert 'checked="checked"' not in render_html(compile_plan(make_questionnaire(), BASE, DAY), "checklist")
