"""The safe condition language of `when` fields: parsed with ``ast`` against a whitelist, never ``eval``-ed.

A condition is a small expression over earlier answers::

    profile.headcount == 'micro' and ('email' in profile.cloud or count(profile.cloud) >= 2)

Only comparisons, ``and``/``or``/``not``, string and number literals, lists of literals, dotted question
ids and the functions ``answered``, ``known`` and ``count`` are accepted. A question with no answer
(unanswered or hidden) makes every comparison that involves it false.
"""

from __future__ import annotations

import ast
import itertools
import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TypeAlias, cast

from secplan_tui.core.model import SPECIAL_VALUES, AnswerValue

MAX_CONDITION_LENGTH = 2000
MAX_DEPTH = 40
FUNCTIONS = ("answered", "known", "count")
MAX_COMBINATIONS = 20_000
"""The most combinations of possible answers :meth:`Condition.holds_for_some` tries before it assumes the
condition holds."""


class ConditionSyntaxError(ValueError):
    """A condition that is not in the language; the message says what and where (column)."""


@dataclass(frozen=True)
class Ref:
    """A question id used as a value."""

    id: str


@dataclass(frozen=True)
class Literal:
    """A string or number literal."""

    value: str | int | float


@dataclass(frozen=True)
class ListLit:
    """A list of literals, for ``in`` and ``not in``."""

    items: tuple[Literal, ...]


@dataclass(frozen=True)
class Call:
    """``answered(q)``, ``known(q)`` or ``count(q)``."""

    func: str
    arg: Ref


@dataclass(frozen=True)
class Compare:
    """One binary comparison: ``left op right``."""

    op: str
    left: Operand
    right: Operand


@dataclass(frozen=True)
class BoolOp:
    """``and`` / ``or`` of two or more terms."""

    op: str
    terms: tuple[Node, ...]


@dataclass(frozen=True)
class Not:
    """``not term``."""

    term: Node


Operand: TypeAlias = Ref | Literal | ListLit | Call
Node: TypeAlias = Compare | BoolOp | Not | Call

_OPS: dict[type[ast.cmpop], str] = {
    ast.Eq: "==",
    ast.NotEq: "!=",
    ast.Lt: "<",
    ast.LtE: "<=",
    ast.Gt: ">",
    ast.GtE: ">=",
    ast.In: "in",
    ast.NotIn: "not in",
}


@dataclass(frozen=True)
class Condition:
    """A parsed condition: its source text and its syntax tree."""

    source: str
    """The expression as written."""
    tree: Node = field(compare=False)

    def evaluate(self, answers: Mapping[str, AnswerValue]) -> bool:
        """Whether the condition holds.

        Args:
            answers: Answers of the visible questions only; a missing key is an unanswered or hidden question.
        """
        return _eval_node(self.tree, answers)

    def holds_for_some(
        self, answers: Mapping[str, AnswerValue], possible: Mapping[str, Sequence[AnswerValue]]
    ) -> bool:
        """Whether the condition holds for some choice of answers to the questions in ``possible``.

        This is how a "don't know" gates: the follow-ups show if some answer the user might have given would
        show them. Each question in ``possible`` takes each of its possible values in turn (the other answers
        stay as they are), all combinations together, so ``x == 'a' and x == 'b'`` stays false. Past
        :data:`MAX_COMBINATIONS` combinations the condition is taken to hold: an unsure answer shows too much
        rather than hide what matters.

        Args:
            answers: As for :meth:`evaluate`.
            possible: For some question ids, every value their answer might take (the actual answer included).
        """
        ids = sorted(i for i in self.question_ids() if i in possible)
        if not ids:
            return self.evaluate(answers)
        total = 1
        for i in ids:
            total *= max(1, len(possible[i]))
            if total > MAX_COMBINATIONS:
                return True
        trial = dict(answers)
        for values in itertools.product(*(possible[i] for i in ids)):
            trial.update(zip(ids, values, strict=True))
            if _eval_node(self.tree, trial):
                return True
        return False

    def literals(self) -> tuple[str | int | float, ...]:
        """Every literal value written in the condition (choice ids, texts, numbers), in order."""
        found: list[str | int | float] = []
        for compare in compares(self.tree):
            for side in (compare.left, compare.right):
                if isinstance(side, Literal):
                    found.append(side.value)
                elif isinstance(side, ListLit):
                    found.extend(item.value for item in side.items)
        return tuple(found)

    def question_ids(self) -> frozenset[str]:
        """Every question id the condition refers to."""
        return frozenset(r.id for r in refs(self.tree))

    def __str__(self) -> str:
        return self.source


def parse(source: str) -> Condition:
    """Parse a condition.

    Raises:
        ConditionSyntaxError: the text is not a condition in the language.
    """
    if not isinstance(source, str):
        raise ConditionSyntaxError("a condition must be text in quotes")
    text = source.strip()
    if not text:
        raise ConditionSyntaxError("the condition is empty")
    if len(text) > MAX_CONDITION_LENGTH:
        raise ConditionSyntaxError(f"the condition is longer than {MAX_CONDITION_LENGTH} characters")
    if "\n" in text or "\r" in text:
        text = " ".join(text.split())
    try:
        # ast.parse warns about things like "invalid escape sequence"; users see our message, not a warning.
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            expr = ast.parse(text, mode="eval")
    except SyntaxError as exc:
        col = f" at column {exc.offset}" if exc.offset else ""
        raise ConditionSyntaxError(f"{exc.msg}{col} in {text!r}") from None
    except (ValueError, RecursionError, MemoryError):
        raise ConditionSyntaxError(f"cannot parse {text!r}") from None
    return Condition(source=text, tree=_node(expr.body, 0))


def _where(n: ast.AST) -> str:
    col = getattr(n, "col_offset", None)
    return f" at column {col + 1}" if isinstance(col, int) else ""


def _node(n: ast.AST, depth: int) -> Node:
    if depth > MAX_DEPTH:
        raise ConditionSyntaxError("the condition is nested too deeply")
    if isinstance(n, ast.BoolOp):
        op = "and" if isinstance(n.op, ast.And) else "or"
        return BoolOp(op, tuple(_node(v, depth + 1) for v in n.values))
    if isinstance(n, ast.UnaryOp) and isinstance(n.op, ast.Not):
        return Not(_node(n.operand, depth + 1))
    if isinstance(n, ast.Compare):
        if len(n.ops) != 1:
            raise ConditionSyntaxError(
                f"chained comparisons are not allowed{_where(n)}; join two comparisons with 'and'"
            )
        cmp_op = _OPS.get(type(n.ops[0]))
        if cmp_op is None:
            raise ConditionSyntaxError(f"'is' comparisons are not allowed{_where(n)}; use == or !=")
        left, right = _operand(n.left, depth + 1), _operand(n.comparators[0], depth + 1)
        for side in (left, right):
            if isinstance(side, Call) and side.func != "count":
                raise ConditionSyntaxError(
                    f"{side.func}(...) is already a condition{_where(n)}; use it without comparing it"
                )
        return Compare(cmp_op, left, right)
    if isinstance(n, ast.Call):
        call = _operand(n, depth + 1)
        assert isinstance(call, Call)  # noqa: S101 - _operand returns a Call for ast.Call
        if call.func == "count":
            raise ConditionSyntaxError(
                f"count(...) gives a number{_where(n)}; compare it, e.g. count(x) >= 2"
            )
        return call
    if isinstance(n, ast.Name | ast.Attribute):
        ident = _dotted(n)
        raise ConditionSyntaxError(
            f"'{ident}' on its own is not a condition{_where(n)}; "
            f"write answered({ident}) or compare it, e.g. {ident} == 'yes'"
        )
    raise ConditionSyntaxError(f"{_describe(n)} is not allowed in a condition{_where(n)}")


def _operand(n: ast.AST, depth: int) -> Operand:
    if depth > MAX_DEPTH:
        raise ConditionSyntaxError("the condition is nested too deeply")
    if isinstance(n, ast.Constant):
        if isinstance(n.value, bool) or not isinstance(n.value, str | int | float):
            raise ConditionSyntaxError(
                f"{n.value!r} is not allowed{_where(n)}; use a quoted choice id or a number"
            )
        return Literal(n.value)
    if isinstance(n, ast.UnaryOp) and isinstance(n.op, ast.USub) and isinstance(n.operand, ast.Constant):
        value = n.operand.value
        if isinstance(value, int | float) and not isinstance(value, bool):
            return Literal(-value)
    if isinstance(n, ast.List | ast.Tuple):
        items: list[Literal] = []
        for elt in n.elts:
            lit = _operand(elt, depth + 1)
            if not isinstance(lit, Literal):
                raise ConditionSyntaxError(f"a list may hold only quoted choice ids or numbers{_where(elt)}")
            items.append(lit)
        return ListLit(tuple(items))
    if isinstance(n, ast.Name | ast.Attribute):
        return Ref(_dotted(n))
    if isinstance(n, ast.Call):
        if not isinstance(n.func, ast.Name) or n.func.id not in FUNCTIONS:
            if isinstance(n.func, ast.Name | ast.Attribute):
                name = n.func.id if isinstance(n.func, ast.Name) else n.func.attr
            else:
                name = _describe(n.func).strip("'")
            raise ConditionSyntaxError(
                f"unknown function '{name}'{_where(n)}; the functions are {', '.join(FUNCTIONS)}"
            )
        if n.keywords or len(n.args) != 1 or not isinstance(n.args[0], ast.Name | ast.Attribute):
            raise ConditionSyntaxError(f"{n.func.id}(...) takes one question id{_where(n)}")
        return Call(n.func.id, Ref(_dotted(n.args[0])))
    raise ConditionSyntaxError(f"{_describe(n)} is not allowed in a condition{_where(n)}")


def _dotted(n: ast.AST) -> str:
    parts: list[str] = []
    while isinstance(n, ast.Attribute):
        parts.append(n.attr)
        n = n.value
    if not isinstance(n, ast.Name):
        raise ConditionSyntaxError(f"{_describe(n)} is not a question id{_where(n)}")
    parts.append(n.id)
    ident = ".".join(reversed(parts))
    if any(part.startswith("__") for part in parts):
        raise ConditionSyntaxError(
            f"'{ident}' is not a question id{_where(n)}; names starting with '__' are refused"
        )
    return ident


def _describe(n: ast.AST) -> str:
    names = {
        "BinOp": "arithmetic",
        "Subscript": "indexing",
        "Lambda": "lambda",
        "IfExp": "an if-expression",
        "Dict": "a dictionary",
        "Set": "a set",
        "ListComp": "a comprehension",
        "GeneratorExp": "a generator",
        "Await": "await",
        "NamedExpr": "':='",
        "JoinedStr": "an f-string",
        "Starred": "'*'",
    }
    return names.get(type(n).__name__, f"'{type(n).__name__}'")


def refs(node: Node | Operand) -> list[Ref]:
    """Every question reference in a tree, in order."""
    if isinstance(node, Ref):
        return [node]
    if isinstance(node, Call):
        return [node.arg]
    if isinstance(node, Compare):
        return refs(node.left) + refs(node.right)
    if isinstance(node, BoolOp):
        return [r for t in node.terms for r in refs(t)]
    if isinstance(node, Not):
        return refs(node.term)
    return []


def compares(node: Node) -> list[Compare]:
    """Every comparison in a tree, in order."""
    if isinstance(node, Compare):
        return [node]
    if isinstance(node, BoolOp):
        return [c for t in node.terms for c in compares(t)]
    if isinstance(node, Not):
        return compares(node.term)
    return []


_MISSING = object()


def _value(op: Operand, answers: Mapping[str, AnswerValue]) -> object:
    if isinstance(op, Literal):
        return op.value
    if isinstance(op, ListLit):
        return [i.value for i in op.items]
    if isinstance(op, Ref):
        return answers.get(op.id, _MISSING)
    value = answers.get(op.arg.id, _MISSING)
    if op.func == "count":
        return len(value) if isinstance(value, list) else _MISSING
    raise AssertionError(op.func)  # answered/known are never operands of a comparison's value


def _is_number(v: object) -> bool:
    return isinstance(v, int | float) and not isinstance(v, bool)


def _compare(op: str, left: object, right: object) -> bool:
    if left is _MISSING or right is _MISSING:
        return False
    if op in ("in", "not in"):
        if isinstance(right, list):
            if isinstance(left, list):
                return False
            inside = left in right
            return inside if op == "in" else not inside
        return False
    if op in ("==", "!="):
        if isinstance(left, list) or isinstance(right, list):
            return False
        equal = left == right and (_is_number(left) == _is_number(right))
        return equal if op == "==" else not equal
    if not (_is_number(left) and _is_number(right)):
        return False
    # Compared as they are: float() of a huge whole number would overflow.
    lv = cast(float, left)
    rv = cast(float, right)
    if op == "<":
        return lv < rv
    if op == "<=":
        return lv <= rv
    if op == ">":
        return lv > rv
    return lv >= rv


def _eval_node(node: Node, answers: Mapping[str, AnswerValue]) -> bool:
    if isinstance(node, BoolOp):
        if node.op == "and":
            return all(_eval_node(t, answers) for t in node.terms)
        return any(_eval_node(t, answers) for t in node.terms)
    if isinstance(node, Not):
        return not _eval_node(node.term, answers)
    if isinstance(node, Call):
        value = answers.get(node.arg.id, _MISSING)
        if node.func == "answered":
            return value is not _MISSING
        if node.func == "known":
            return value is not _MISSING and not (isinstance(value, str) and value in SPECIAL_VALUES)
        raise AssertionError(node.func)
    return _compare(node.op, _value(node.left, answers), _value(node.right, answers))
