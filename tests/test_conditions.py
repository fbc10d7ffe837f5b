"""The condition language: what each form means, what is refused, and properties that hold for any input."""

from __future__ import annotations

import builtins
from collections.abc import Mapping
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from secplan_tui.core.conditions import MAX_CONDITION_LENGTH, ConditionSyntaxError, parse
from secplan_tui.core.model import AnswerValue

ANSWERS: dict[str, AnswerValue] = {
    "p.size": "micro",
    "p.cloud": ["email", "files"],
    "p.none": [],
    "p.people": 12,
    "p.ratio": 2.5,
    "p.name": "Acme",
    "c.backup": "dont_know",
    "c.cards": "not_applicable",
    "c.multi_dk": "dont_know",
}
"""Answers used by the table below; `p.missing` and `c.missing` are never answered."""


def holds(source: str, answers: Mapping[str, AnswerValue] = ANSWERS) -> bool:
    """Whether the condition holds for the answers."""
    return parse(source).evaluate(answers)


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        # equals / differs
        ("p.size == 'micro'", True),
        ("p.size == 'small'", False),
        ("'micro' == p.size", True),
        ("p.size != 'small'", True),
        ("p.size != 'micro'", False),
        # one of / not one of
        ("p.size in ['micro', 'small']", True),
        ("p.size in ['small']", False),
        ("p.size not in ['small']", True),
        ("p.size not in ['micro', 'small']", False),
        # contains / does not contain (multiple choice)
        ("'email' in p.cloud", True),
        ("'crm' in p.cloud", False),
        ("'crm' not in p.cloud", True),
        ("'email' not in p.cloud", False),
        ("'email' in p.none", False),
        ("'email' not in p.none", True),
        # a multiple-choice question answered "don't know" contains nothing and lacks nothing
        ("'email' in c.multi_dk", False),
        ("'email' not in c.multi_dk", False),
        # numbers
        ("p.people >= 10", True),
        ("p.people > 12", False),
        ("p.people <= 12", True),
        ("p.people < 12", False),
        ("p.people == 12", True),
        ("p.people == 12.0", True),
        ("p.people != 13", True),
        ("p.people > -1", True),
        ("p.people in [10, 12]", True),
        ("p.people == '12'", False),
        ("p.ratio > 2", True),
        ("p.ratio < 2.5", False),
        ("10 < p.people", True),
        # text is never ordered, only equal or not
        ("p.name == 'Acme'", True),
        ("p.name > 'A'", False),
        ("p.size < 'z'", False),
        # answered / known / count
        ("answered(p.size)", True),
        ("answered(c.backup)", True),
        ("answered(c.cards)", True),
        ("answered(p.missing)", False),
        ("known(p.size)", True),
        ("known(p.people)", True),
        ("known(c.backup)", False),
        ("known(c.cards)", False),
        ("known(p.missing)", False),
        ("count(p.cloud) >= 2", True),
        ("count(p.cloud) == 3", False),
        ("count(p.none) == 0", True),
        ("count(p.cloud) in [1, 2]", True),
        # and / or / not, with Python's precedence: not > and > or
        ("p.size == 'micro' and p.people > 10", True),
        ("p.size == 'micro' and p.people > 20", False),
        ("p.size == 'small' or p.people > 10", True),
        ("not p.size == 'small'", True),
        ("not (p.size == 'micro')", False),
        ("p.size == 'small' and p.people > 10 or p.name == 'Acme'", True),
        ("p.size == 'small' and (p.people > 10 or p.name == 'Acme')", False),
        ("not answered(p.missing) and not known(c.backup)", True),
        # "don't know" and "not applicable" equal their keywords, and are answers other than any choice
        ("c.backup == 'dont_know'", True),
        ("c.backup != 'dont_know'", False),
        ("c.backup == 'yes'", False),
        ("c.backup != 'yes'", True),
        ("c.backup in ['dont_know', 'no']", True),
        ("c.backup not in ['yes']", True),
        ("c.backup not in ['dont_know']", False),
        ("c.cards == 'not_applicable'", True),
        ("c.cards not in ['dont_know']", True),
        ("c.backup > 1", False),
        ("count(c.multi_dk) >= 0", False),
    ],
)
def test_meaning(source: str, expected: bool) -> None:
    """Each form of FORMAT.md's table means what the table says."""
    assert holds(source) is expected


@pytest.mark.parametrize(
    "source",
    [
        "p.missing == 'yes'",
        "p.missing != 'yes'",
        "p.missing in ['yes', 'no']",
        "p.missing not in ['yes', 'no']",
        "'email' in p.missing",
        "'email' not in p.missing",
        "p.missing > 0",
        "p.missing <= 0",
        "count(p.missing) == 0",
        "count(p.missing) != 1",
        "p.missing == c.missing",
        "p.missing != c.missing",
        "p.size == p.missing",
    ],
)
def test_missing_answer_makes_every_comparison_false(source: str) -> None:
    """A question with no answer makes every comparison false, != and not in included."""
    assert holds(source) is False


def test_not_of_a_missing_comparison_is_true() -> None:
    """`not (x == 'yes')` holds when x is unanswered, though `x != 'yes'` does not (FORMAT.md)."""
    assert holds("not (p.missing == 'yes')") is True
    assert holds("p.missing != 'yes'") is False


def test_hidden_answer_is_missing() -> None:
    """Evaluate sees only the answers passed: leaving a hidden question's answer out makes it missing."""
    condition = parse("p.size == 'micro'")
    assert condition.evaluate({"p.size": "micro"}) is True
    assert condition.evaluate({}) is False


def test_newlines_and_question_ids() -> None:
    """A condition written over several lines parses; question_ids lists every id it refers to."""
    condition = parse("p.size == 'micro'\n  and (answered(c.backup)\n or count(p.cloud) > 1)")
    assert condition.source == "p.size == 'micro' and (answered(c.backup) or count(p.cloud) > 1)"
    assert condition.question_ids() == frozenset({"p.size", "c.backup", "p.cloud"})
    assert str(condition) == condition.source
    assert condition.evaluate(ANSWERS) is True


def test_huge_whole_number_answer_compares() -> None:
    """A whole number too large for a float still compares with a bound (no OverflowError)."""
    assert parse("p.people > 5").evaluate({"p.people": 10**400}) is True
    assert parse("p.people < 5.5").evaluate({"p.people": -(10**400)}) is True


# -- refusals ------------------------------------------------------------------------------------------------

REFUSED = [
    ("canary() == 1", "unknown function 'canary'"),
    ("open('/etc/passwd') == 'x'", "unknown function 'open'"),
    ("eval('1') == 1", "unknown function 'eval'"),
    ("__import__('os').system('touch pwned') == 0", "unknown function 'system'"),
    ("'a'.upper() == 'A'", "unknown function 'upper'"),
    ("'a'.real == 1", "is not a question id"),
    ("p.cloud[0] == 'email'", "indexing"),
    ("(lambda: 1)() == 1", "unknown function"),
    ("(lambda: 1) == 1", "lambda"),
    ("p.people + 1 > 2", "arithmetic"),
    ("p.people * 1000 ** 1000 > 2", "arithmetic"),
    ("(x := 1) == 1", "':='"),
    ("f'{p.size}' == 'micro'", "f-string"),
    ("p.__class__ == 'x'", "'__'"),
    ("__builtins__ == 'x'", "'__'"),
    ("answered(p.__dict__)", "'__'"),
    ("1 < p.people < 10", "chained comparisons"),
    ("p.size == True", "True is not allowed"),
    ("p.size == None", "None is not allowed"),
    ("p.size is None", "'is' comparisons"),
    ("p.size == b'x'", "not allowed"),
    ("p.size == 1j", "not allowed"),
    ("p.size == ...", "not allowed"),
    ("p.size == -'a'", "not allowed"),
    ("p.size == ('a' if p.x else 'b')", "if-expression"),
    ("p.size == {'a': 1}", "dictionary"),
    ("p.size == {'a'}", "set"),
    ("[x for x in p.cloud] == []", "comprehension"),
    ("p.size in [['a']]", "a list may hold only"),
    ("p.size in [p.x]", "a list may hold only"),
    ("p.size", "on its own is not a condition"),
    ("count(p.cloud)", "count(...) gives a number"),
    ("answered(p.size) == 1", "already a condition"),
    ("known(p.size) != 'yes'", "already a condition"),
    ("answered('p.size')", "takes one question id"),
    ("answered(p.size, p.x)", "takes one question id"),
    ("answered(q=p.size)", "takes one question id"),
    ("p.size = 'small'", "invalid syntax"),
    ("import os", "invalid syntax"),
    ("p.size == 'a'; p.x == 'b'", "invalid syntax"),
    ("p.size == 'a' or", "invalid syntax"),
    ("await p.x", "not allowed"),
    ("p.size == 'a\x00'", "p.size == "),
    ("", "empty"),
    ("   \n ", "empty"),
    ("p.x == '" + "a" * MAX_CONDITION_LENGTH + "'", "longer than"),
    ("not " * 100 + "p.x == 'a'", "nested too deeply"),
    ("p.x in " + "[" * 60 + "]" * 60, "nested too deeply"),
    ("(" * 300 + "p.x == 1" + ")" * 300, "too many nested parentheses"),
]


@pytest.mark.parametrize(("source", "reason"), REFUSED, ids=[s[:40] for s, _ in REFUSED])
def test_refused(source: str, reason: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Anything outside the whitelist raises ConditionSyntaxError with a reason, and nothing is run."""
    ran: list[str] = []

    def trap(*args: object, **kwargs: object) -> object:
        ran.append(repr(args))
        raise AssertionError("code was run")

    monkeypatch.chdir(tmp_path)
    error: ConditionSyntaxError | None = None
    names = ("canary", "eval", "exec", "__import__", "open")
    saved = {name: getattr(builtins, name) for name in names if hasattr(builtins, name)}
    # Set by hand: monkeypatch.setattr itself imports, which a trapped __import__ would catch.
    for name in names:
        setattr(builtins, name, trap)
    try:
        parse(source)
    except ConditionSyntaxError as exc:
        error = exc
    finally:
        for name in names:
            if name in saved:
                setattr(builtins, name, saved[name])
            else:
                delattr(builtins, name)
    assert error is not None, f"{source!r} was accepted"
    assert reason in str(error)
    assert ran == []
    assert not (tmp_path / "pwned").exists()


@pytest.mark.parametrize("value", [None, 5, ["p.x == 'a'"], True])
def test_non_text_is_refused(value: object) -> None:
    """A condition that is not text (YAML gave a number, list or boolean) is a ConditionSyntaxError."""
    with pytest.raises(ConditionSyntaxError, match="text in quotes"):
        parse(value)  # type: ignore[arg-type]


def test_parse_error_names_the_column() -> None:
    """A refusal says where in the condition the problem is."""
    with pytest.raises(ConditionSyntaxError, match="at column 23"):
        parse("p.size == 'micro' and p.people + 1 > 2")


# -- properties ----------------------------------------------------------------------------------------------

IDS = ["a.x", "a.y", "b.n", "b.m"]
"""a.x and a.y are choice questions (choices 'a', 'b'), b.n a number, b.m a multiple choice."""

_ids = st.sampled_from(IDS)
_literals = st.one_of(
    st.sampled_from(["'a'", "'b'", "'c'", "'dont_know'", "'not_applicable'", "''"]),
    st.integers(-3, 3).map(str),
    st.sampled_from(["0.5", "-1.5", "10"]),
)
_lists = st.lists(_literals, max_size=3).map(lambda items: "[" + ", ".join(items) + "]")
_ops = st.sampled_from(["==", "!=", "<", "<=", ">", ">=", "in", "not in"])
_valid_atoms = st.one_of(
    st.builds("{} {} {}".format, _ids, st.sampled_from(["==", "!=", "<", "<=", ">", ">="]), _literals),
    st.builds("{} {} {}".format, _ids, st.sampled_from(["in", "not in"]), _lists),
    st.builds("{} {} {}".format, _literals, st.sampled_from(["in", "not in"]), _ids),
    st.builds("count({}) {} {}".format, _ids, st.sampled_from(["==", "!=", ">", ">="]), st.integers(0, 3)),
    st.builds("{}({})".format, st.sampled_from(["answered", "known"]), _ids),
)
_odd_operand = st.one_of(
    _ids,
    _literals,
    _lists,
    _ids.map("count({})".format),
    _ids.map("answered({})".format),
    _ids.map("known({})".format),
)
"""Operands in any combination: `'a' == 'b'`, `a.x in a.y`, `answered(a.x) > 1`... the types need not fit."""
_bad_operand = st.sampled_from(["x", "p.__class__", "open('f')", "1 + 1", "True", "None", "[[1]]", "'a'.b"])
_any_atoms = st.one_of(
    _valid_atoms,
    st.builds("{} {} {}".format, _odd_operand, _ops, _odd_operand),
    st.builds("{} {} {}".format, st.one_of(_odd_operand, _bad_operand), _ops, _bad_operand),
    _odd_operand,
)


def _combine(children: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    return st.one_of(
        children.map("not ({})".format),
        children.map("not {}".format),
        st.builds("({}) and ({})".format, children, children),
        st.builds("({}) or ({})".format, children, children),
        st.builds("{} and {} or {}".format, children, children, children),
    )


VALID_CONDITIONS = st.recursive(_valid_atoms, _combine, max_leaves=8)
ANY_CONDITIONS = st.recursive(_any_atoms, _combine, max_leaves=8)

_answer_values: st.SearchStrategy[AnswerValue] = st.one_of(
    st.sampled_from(["a", "b", "c", "dont_know", "not_applicable", ""]),
    st.text(max_size=5),
    st.integers(min_value=-(10**30), max_value=10**30),
    st.floats(allow_nan=True, allow_infinity=True),
    st.lists(st.sampled_from(["a", "b", "c", "dont_know"]), max_size=4),
)
ANSWER_DICTS = st.dictionaries(st.sampled_from([*IDS, "other"]), _answer_values, max_size=5)


@settings(max_examples=400, deadline=None)
@given(source=ANY_CONDITIONS, answers=ANSWER_DICTS)
def test_grammar_parses_or_refuses_and_evaluates_without_error(
    source: str, answers: dict[str, AnswerValue]
) -> None:
    """A condition from the grammar parses or raises ConditionSyntaxError; evaluate never raises."""
    try:
        condition = parse(source)
    except ConditionSyntaxError:
        return
    assert isinstance(condition.evaluate(answers), bool)


@settings(max_examples=300, deadline=None)
@given(source=VALID_CONDITIONS)
def test_valid_grammar_always_parses(source: str) -> None:
    """Every condition built from the valid part of the grammar parses (the refusals are not too broad)."""
    parse(source)


@settings(max_examples=300, deadline=None)
@given(source=VALID_CONDITIONS, answers=ANSWER_DICTS)
def test_not_is_negation(source: str, answers: dict[str, AnswerValue]) -> None:
    """`not (C)` holds exactly when C does not."""
    assert parse(f"not ({source})").evaluate(answers) is (not parse(source).evaluate(answers))


@settings(max_examples=300, deadline=None)
@given(a=VALID_CONDITIONS, b=VALID_CONDITIONS, answers=ANSWER_DICTS)
def test_de_morgan(a: str, b: str, answers: dict[str, AnswerValue]) -> None:
    """`not (A and B)` equals `not A or not B`, and `not (A or B)` equals `not A and not B`."""
    assert parse(f"not (({a}) and ({b}))").evaluate(answers) is parse(f"not ({a}) or not ({b})").evaluate(
        answers
    )
    assert parse(f"not (({a}) or ({b}))").evaluate(answers) is parse(f"not ({a}) and not ({b})").evaluate(
        answers
    )


@settings(max_examples=300, deadline=None)
@given(answers=ANSWER_DICTS)
def test_equals_and_differs_never_both_hold(answers: dict[str, AnswerValue]) -> None:
    """`x == 'a'` and `x != 'a'` never both hold; exactly one holds when x is answered with a choice."""
    equal = parse("a.x == 'a'").evaluate(answers)
    differ = parse("a.x != 'a'").evaluate(answers)
    assert not (equal and differ)
    if isinstance(answers.get("a.x"), str):
        assert equal != differ
    if "a.x" not in answers:
        assert not equal and not differ


@settings(max_examples=300, deadline=None)
@given(value=_answer_values, choice=st.sampled_from(["a", "b", "dont_know", "not_applicable"]))
def test_differs_is_not_one_of_a_single_item(value: AnswerValue, choice: str) -> None:
    """`x != 'c'` and `x not in ['c']` agree for any answer, "don't know" and "not applicable" included."""
    answers = {"a.x": value}
    assert parse(f"a.x != '{choice}'").evaluate(answers) is parse(f"a.x not in ['{choice}']").evaluate(
        answers
    )
    assert parse(f"a.x == '{choice}'").evaluate(answers) is parse(f"a.x in ['{choice}']").evaluate(answers)


@settings(max_examples=500, deadline=None)
@given(
    text=st.one_of(
        st.text(max_size=80),
        st.text(alphabet="abn.x_()[]'\"=!<>,:-+*/ 0123456789notandorinswerdkcu", max_size=60),
    )
)
def test_garbage_parses_or_is_refused(text: str) -> None:
    """Random text either parses to a condition or raises ConditionSyntaxError, nothing else."""
    try:
        condition = parse(text)
    except ConditionSyntaxError:
        return
    assert isinstance(condition.evaluate({"a.x": "a"}), bool)


# -- holding for some answer ("don't know" gates) --------------------------------------------------------------


def test_holds_for_some_tries_each_possible_answer_together() -> None:
    """A condition holds for some answers when one combination of the possible values makes it hold; two tests
    of the same question see the same value; with nothing possible it is plain evaluation."""
    cond = parse("a.kind == 'x' and count(a.tools) >= 2")
    possible = {"a.kind": ["dont_know", "x", "y"], "a.tools": ["dont_know", ["p"], ["p", "q"]]}
    assert cond.holds_for_some({}, possible)
    assert not cond.holds_for_some({}, {"a.kind": ["y"], "a.tools": possible["a.tools"]})
    same = parse("a.kind == 'x' and a.kind == 'y'")
    assert not same.holds_for_some({}, {"a.kind": ["x", "y"]})
    assert cond.holds_for_some({"a.kind": "x", "a.tools": ["p", "q"]}, {}) is True
    assert parse("a.kind == 'x'").holds_for_some({"a.kind": "y"}, {"b.other": ["x"]}) is False


def test_holds_for_some_assumes_it_holds_past_the_limit() -> None:
    """Too many combinations to try: the condition is taken to hold (an unsure answer shows too much rather than
    hide what matters)."""
    from secplan_tui.core.conditions import MAX_COMBINATIONS

    cond = parse("a.n == -1 and b.n == -1")
    many = list(range(int(MAX_COMBINATIONS**0.5) + 2))
    assert cond.holds_for_some({}, {"a.n": many, "b.n": many}) is True
    assert cond.holds_for_some({}, {"a.n": many[:10], "b.n": many[:10]}) is False


def test_literals_lists_every_value_written() -> None:
    """Choice ids, texts and numbers, in lists too, in order."""
    cond = parse("a.x in ['p', 'q'] or (b.n > 3 and not c.t == 'free text') or count(d.m) >= 2")
    assert cond.literals() == ("p", "q", 3, "free text", 2)


@settings(max_examples=100, deadline=None)
@given(
    value=st.sampled_from(["x", "y", "z", "dont_know"]),
    others=st.lists(st.sampled_from(["x", "y", "z"]), max_size=3),
    source=st.sampled_from(["a.k == 'x'", "a.k != 'x'", "a.k in ['x', 'y']", "a.k not in ['y']", "known(a.k)",
                            "not known(a.k)", "answered(a.k)", "not (a.k == 'z' or a.k == 'y')"]),
)
def test_holds_for_some_is_any_over_the_possible_values(value: str, others: list[str], source: str) -> None:
    """Against its definition: any of the values, the one given included, makes the condition hold."""
    cond = parse(source)
    values: list[AnswerValue] = [value, *others]
    expected = any(cond.evaluate({"a.k": v}) for v in values)
    assert cond.holds_for_some({"a.k": value}, {"a.k": values}) is expected
