"""Property tests: hostile answer text changes nothing in the plan but itself (Markdown, HTML and JSON)."""

from __future__ import annotations

import json
import re
from datetime import date
from functools import cache

from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt
from markdown_it.token import Token

from secplan_tui.core.conditions import parse
from secplan_tui.core.model import (
    Action,
    AnswerValue,
    Choice,
    Question,
    Questionnaire,
    QuestionType,
    Role,
    Section,
    Status,
)
from secplan_tui.core.text import clean_text
from secplan_tui.plan import compile_plan, render_html, render_json, render_markdown
from secplan_tui.plan.escape import md_inline, one_line
from tests.test_plan import PLAN_HTML_TAGS, html_tags

COMMONMARK = MarkdownIt("commonmark").enable("table")
JS_DEFAULT = MarkdownIt("js-default").enable("table")
DAY = date(2025, 6, 1)
PLAIN = "PLAINANSWER"
CONTROL = re.compile(r"[\x00-\x09\x0b-\x1f\x7f-\x9f]")
FORBIDDEN = {
    "link_open",
    "image",
    "html_block",
    "html_inline",
    "code_inline",
    "code_block",
    "blockquote_open",
    "hr",
    "s_open",
}

HOSTILE = [
    "#",
    "# heading",
    "## x",
    "|",
    "| a | b |",
    "|---|",
    "[x](y)",
    "[x](javascript:alert(1))",
    "![i](x.png)",
    "<b>",
    "</p>",
    "<script>alert(1)</script>",
    "<!-- c -->",
    "`",
    "```",
    "~~~",
    "~~s~~",
    "\n",
    "\r\n",
    "\n\n",
    "\x1b]0;owned\x07",
    "\x1b[2J",
    "\x9b31m",
    "\x00",
    "\x07",
    "\x7f",
    "\x85",
    "\u202e",
    "\u2028",
    "\t",
    "    code",
    "- item",
    "* item",
    "+ item",
    "1. item",
    "2) item",
    "> quote",
    "---",
    "===",
    "***",
    "___",
    "&amp;",
    "&#35;",
    "&copy",
    "\\",
    "\\|",
    "*em*",
    "_em_",
    "**b**",
    "<http://e.com>",
    "https://e.com",
    "www.e.com",
    "a@b.co",
    "[ref]: /url",
    "[ref]",
    "{.attr}",
    "$x$",
    "^",
    ":",
    "!",
    "  ",
    " ",
]

answer_text = st.lists(st.one_of(st.text(), st.sampled_from(HOSTILE)), max_size=8).map("".join)


def _yesno(qid: str, text: str) -> Question:
    return Question(
        id=qid,
        type=QuestionType.YESNO,
        text=text,
        why="Because.",
        section=qid.split(".")[0],
        choices=(Choice("yes", "Yes", Status.IN_PLACE), Choice("no", "No", Status.NOT_IN_PLACE)),
    )


def _text(qid: str, text: str, kind: QuestionType = QuestionType.TEXT) -> Question:
    return Question(id=qid, type=kind, text=text, why="Because.", section=qid.split(".")[0])


def _questionnaire() -> Questionnaire:
    profile = Section(
        "profile",
        "About you",
        "profile",
        (
            _text("profile.org_name", "What is your organisation called?"),
            _text("profile.sector", "What do you do?"),
        ),
    )
    governance = Section(
        "governance",
        "Governance",
        "governance",
        (
            _yesno("governance.owner", "Is one person responsible for security?"),
            _text("governance.notes", "Anything to add about governance?", QuestionType.LONGTEXT),
            _text("governance.supplier", "Who is your main IT supplier?"),
        ),
    )
    cyber = Section("cyber", "Cyber security", "cyber", (_yesno("cyber.mfa", "Is MFA on?"),))
    actions = (
        Action(
            "act.owner",
            "Name an owner",
            "1. Pick someone.\n2. Tell everyone.",
            "It helps.",
            "governance",
            "P1",
            "director",
            "S",
            parse("governance.owner == 'no'"),
            ("ISO27001:A.5.2",),
        ),
        Action(
            "act.supplier",
            "Check the supplier",
            "Ask them.",
            "Suppliers matter.",
            "governance",
            "P2",
            "director",
            "M",
            parse("answered(governance.supplier)"),
            ("CIS:15.1",),
        ),
        Action(
            "act.mfa",
            "Turn on MFA",
            "Do it.",
            "Passwords leak.",
            "cyber",
            "P1",
            "director",
            "S",
            parse("cyber.mfa == 'no'"),
            ("CIS:6.3",),
        ),
    )
    return Questionnaire(
        id="prop",
        version="1.0",
        title="Property questionnaire",
        sections=(profile, governance, cyber),
        actions=actions,
        roles=(Role("director", "Director"),),
    )


QUESTIONNAIRE = _questionnaire()
BASE: dict[str, AnswerValue] = {
    "profile.org_name": "Acme",
    "profile.sector": "Retail",
    "governance.owner": "no",
    "governance.notes": "Nothing.",
    "governance.supplier": "Tech Co",
    "cyber.mfa": "no",
}


def _render(answers: dict[str, AnswerValue], view: str = "full") -> str:
    return render_markdown(compile_plan(QUESTIONNAIRE, answers, DAY), view)


def _shown(raw: str) -> str:
    """What a reader should see for a text answer: cleaned, on one line, "(blank)" when nothing is left."""
    return one_line(raw) or "(blank)"


def _structure(tokens: list[Token]) -> list[tuple[str, str, int]]:
    """Block tokens and inline children, without their text: the document's shape."""
    shape = []
    for t in tokens:
        shape.append((t.type, t.tag, t.level))
        for c in t.children or []:
            shape.append((c.type, c.tag, c.level))
    return shape


def _inline_texts(tokens: list[Token]) -> list[str]:
    """The visible text of every inline token (paragraph, heading, list item or table cell)."""
    texts = []
    for t in tokens:
        if t.type == "inline":
            texts.append("".join(c.content for c in t.children or [] if c.type in ("text", "code_inline")))
    return texts


@cache
def _plain_tokens(question_id: str, view: str) -> list[Token]:
    """The parsed plan when the question's answer is PLAIN (the same for every example, so computed once)."""
    return COMMONMARK.parse(_render({**BASE, question_id: PLAIN}, view))


def _check_only_the_answer_changed(
    question_id: str, raw: str, expected: str, view: str = "full"
) -> tuple[int, list[Token]]:
    """With ``raw`` as the answer, the plan has the shape of the plain one and differs only where PLAIN was.

    Returns:
        How many inline tokens held the answer, and the parsed hostile plan.
    """
    plain_tokens = _plain_tokens(question_id, view)
    hostile_md = _render({**BASE, question_id: raw}, view)
    hostile_tokens = COMMONMARK.parse(hostile_md)
    assert _structure(hostile_tokens) == _structure(plain_tokens)
    plain_texts = _inline_texts(plain_tokens)
    hostile_texts = _inline_texts(hostile_tokens)
    assert len(plain_texts) == len(hostile_texts)
    holders = 0
    for before, after in zip(plain_texts, hostile_texts, strict=True):
        if PLAIN in before:
            holders += 1
        assert after == before.replace(PLAIN, expected)
    types = {t.type for t in hostile_tokens} | {c.type for t in hostile_tokens for c in t.children or []}
    assert not types & (FORBIDDEN - {"code_inline"})
    assert not CONTROL.search(hostile_md)
    return holders, hostile_tokens


SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(answer_text)
def test_answer_in_one_table_cell_changes_nothing_else(raw: str) -> None:
    """A long-text answer shown only in the appendix stays in one table cell; headings, rows, cells stay."""
    holders, hostile_tokens = _check_only_the_answer_changed("governance.notes", raw, _shown(raw))
    assert holders == 1
    plain_tokens = _plain_tokens("governance.notes", "full")
    for kind in ("heading_open", "tr_open", "td_open", "th_open", "bullet_list_open", "ordered_list_open"):
        assert sum(t.type == kind for t in hostile_tokens) == sum(t.type == kind for t in plain_tokens)
    headings = [hostile_tokens[i + 1].content for i, t in enumerate(hostile_tokens) if t.type == "heading_open"]
    plain_headings = [plain_tokens[i + 1].content for i, t in enumerate(plain_tokens) if t.type == "heading_open"]
    assert headings == plain_headings


@SETTINGS
@given(answer_text)
def test_answer_that_triggers_an_action_stays_inside_its_paragraphs(raw: str) -> None:
    """An answer shown in an action's triggers and in the appendix stays in one inline element each time."""
    holders, _ = _check_only_the_answer_changed("governance.supplier", raw, _shown(raw))
    assert holders == 2


@SETTINGS
@given(answer_text)
def test_organisation_name_changes_only_itself(raw: str) -> None:
    """A hostile organisation name sits in the title, tables and paragraphs without adding structure."""
    assume(one_line(raw))
    for view in ("full", "summary", "checklist"):
        holders, tokens = _check_only_the_answer_changed("profile.org_name", raw, one_line(raw), view)
        assert holders >= 1
        assert tokens[3].type == "heading_open" and tokens[3].tag == "h1"
        assert _inline_texts([tokens[4]])[0].endswith(": " + one_line(raw))


@SETTINGS
@given(answer_text)
def test_html_and_json_outputs_stay_safe(raw: str) -> None:
    """HTML gains no tag and keeps no control character; JSON parses and its strings hold only clean text."""
    plan = compile_plan(QUESTIONNAIRE, {**BASE, "governance.notes": raw, "profile.org_name": raw + "x"}, DAY)
    html = render_html(plan)
    assert html_tags(html) <= PLAN_HTML_TAGS
    assert not CONTROL.search(html)
    data = json.loads(render_json(plan))
    strings: list[str] = []

    def walk(value: object) -> None:
        if isinstance(value, str):
            strings.append(value)
        elif isinstance(value, dict):
            for v in value.values():
                walk(v)
        elif isinstance(value, list):
            for v in value:
                walk(v)

    walk(data)
    assert not any(CONTROL.search(s) for s in strings)
    cleaned = clean_text(raw, keep_newlines=True).strip()
    assert any(s == cleaned for s in strings) or not cleaned


@settings(max_examples=500, deadline=None)
@given(answer_text)
def test_md_inline_is_one_text_run_everywhere(raw: str) -> None:
    """Escaped text renders as exactly the cleaned text in a paragraph, list item, heading and table cell."""
    escaped = md_inline(raw)
    expected = one_line(raw)
    assume(expected)
    assert "\n" not in escaped and not CONTROL.search(escaped)
    contexts = {
        "paragraph": escaped,
        "list item": f"- {escaped}",
        "ordered item": f"1. {escaped}",
        "heading": f"## {escaped}",
        "table cell": f"| a | b |\n|---|---|\n| {escaped} | x |",
        "after text": f"Answer: {escaped}",
    }
    for parser in (COMMONMARK, JS_DEFAULT):
        for name, source in contexts.items():
            tokens = parser.parse(source)
            inlines = [t for t in tokens if t.type == "inline"]
            children = [c for t in inlines for c in t.children or []]
            assert all(c.type == "text" for c in children), (name, source)
            texts = _inline_texts(tokens)
            if name == "table cell":
                assert texts == ["a", "b", expected, "x"], (name, source)
                assert sum(t.type == "td_open" for t in tokens) == 2
            elif name == "after text":
                assert texts == [f"Answer: {expected}"], (name, source)
            else:
                assert texts == [expected], (name, source)


no_escapes = st.text().filter(lambda s: not any(c in s for c in "\x1b\x9b\x9d"))


@settings(max_examples=300, deadline=None)
@given(
    no_escapes,
    st.sampled_from(
        [
            "\x1b]0;owned\x07",
            "\x1b]8;;http://e.com\x1b\\",
            "\x1b[2J",
            "\x1b[1;31m",
            "\x9b0m",
            "\x1bP1$r\x1b\\",
            "\x1b(B",
        ]
    ),
    no_escapes,
)
def test_clean_text_removes_whole_escape_sequences(before: str, sequence: str, after: str) -> None:
    """A terminal escape sequence between two texts vanishes whole: nothing of its parameters is left."""
    assert clean_text(before + sequence + after, keep_newlines=True) == clean_text(before + after, keep_newlines=True)
    assert not CONTROL.search(clean_text(before + sequence + after, keep_newlines=True).replace("\n", ""))


# -- the schedule ------------------------------------------------------------------------------------------------

_task_lists = st.lists(
    st.tuples(
        st.sampled_from(["ann", "bob", "cy"]),
        st.floats(min_value=0.25, max_value=40, allow_nan=False),
        st.lists(st.integers(min_value=0, max_value=30), max_size=3),
    ),
    min_size=1,
    max_size=30,
)


@settings(max_examples=200, deadline=None)
@given(_task_lists, st.dictionaries(st.sampled_from(["ann", "bob", "cy"]), st.floats(min_value=0, max_value=20)),
       st.dates(min_value=date(2024, 1, 1), max_value=date(2030, 12, 31)))
def test_schedule_respects_hours_order_and_spreads_dates(
    raw: list[tuple[str, float, list[int]]], capacity: dict[str, float], plan_date: date
) -> None:
    """Whatever the tasks: no month asks a person for more than their hours (at least MIN_CAPACITY); every task
    gets all its hours; a task is due no earlier than what it waits for; due dates stay in their month, on working
    days, and no day holds more than its share of the month's tasks."""
    from secplan_tui.plan.schedule import MIN_CAPACITY, Task, month_end, month_start, schedule, spread_due_dates

    tasks = [Task(f"t{i}", person, hours, tuple(f"t{d}" for d in deps if d != i))
             for i, (person, hours, deps) in enumerate(raw)]
    slots, order = schedule(tasks, capacity)
    assert {t.id for t in order} == {t.id for t in tasks}
    load: dict[tuple[str, int], float] = {}
    for t in tasks:
        slot = slots[t.id]
        assert abs(sum(slot.hours.values()) - t.hours) < 1e-6
        assert slot.start == min(slot.hours) and slot.finish == max(slot.hours)
        for month, hours in slot.hours.items():
            load[(t.person, month)] = load.get((t.person, month), 0.0) + hours
    for (person, _month), hours in load.items():
        assert hours <= max(MIN_CAPACITY, capacity.get(person, 0.0)) + 1e-6
    due = spread_due_dates(plan_date, slots, [t.id for t in order])
    position = {t.id: i for i, t in enumerate(order)}
    for t in tasks:
        month = slots[t.id].finish
        assert month_start(plan_date, month) <= due[t.id] <= month_end(plan_date, month)
        for dep in t.after:
            # A cycle is broken where it is found; every other wait is respected.
            if dep in position and position[dep] < position[t.id]:
                assert slots[dep].finish <= slots[t.id].finish and due[dep] <= due[t.id]
    per_month: dict[int, int] = {}
    for t in tasks:
        per_month[slots[t.id].finish] = per_month.get(slots[t.id].finish, 0) + 1
    per_day: dict[date, int] = {}
    for d in due.values():
        per_day[d] = per_day.get(d, 0) + 1
    for day, n in per_day.items():
        month_tasks = max(per_month.values())
        assert n <= max(1, -(-month_tasks // 10))  # a 30-day window has at least 10 working days
        assert day.weekday() < 5
