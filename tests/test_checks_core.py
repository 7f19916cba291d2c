"""Tests for the check machinery: Result renderings and Exercise on every kind of answer."""

from __future__ import annotations

import json
import logging
import sqlite3
from collections.abc import Sequence
from pathlib import Path

import pytest

from registry_dojo import checks, progress
from registry_dojo.checks import AnswerKind, Case, Exercise, Result, Status
from registry_dojo.checks.exercise import describe_exception, type_name


@pytest.fixture(autouse=True)
def _private_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    home = tmp_path / "home"
    monkeypatch.setenv("REGISTRY_DOJO_HOME", str(home))
    return home


def _grade_squares(answer: object) -> Sequence[Case]:
    values = answer if isinstance(answer, dict) else {}
    return [
        Case(repr(number), values.get(number) == number * number, f"square of {number}")
        for number in (1, 2, 3, 4)
    ]


def _grade_double(function: object) -> Sequence[Case]:
    from registry_dojo.checks.exercise import Raised, call_learner

    cases = []
    for number in (1, 5):
        outcome = call_learner(function, number)  # type: ignore[arg-type]
        if isinstance(outcome, Raised):
            cases.append(Case(repr(number), False, outcome.description))
        else:
            cases.append(Case(repr(number), outcome == 2 * number, f"returned {outcome!r}"))
    return cases


SQUARES = Exercise(
    id="m99.squares",
    title="Squares",
    max_points=4,
    hints=("Multiply.", "n * n.", "Use a dict comprehension."),
    solution="def squares():\n    return {n: n * n for n in (1, 2, 3, 4)}",
    grader=_grade_squares,
    expects=dict,
    expects_text="a dict of squares",
    success="Well squared.",
)

DOUBLE = Exercise(
    id="m99.double",
    title="Double",
    max_points=2,
    hints=("Add it to itself.",),
    solution="def double(n):\n    return 2 * n",
    grader=_grade_double,
    kind=AnswerKind.FUNCTION,
    expects_text="a function double(n)",
)


def _squares() -> dict[int, int]:
    return {n: n * n for n in (1, 2, 3, 4)}


def _stub() -> dict[int, int]:
    raise NotImplementedError()


def _broken() -> dict[int, int]:
    answers: dict[str, int] = {}
    return {1: answers["tag"]}


def test_result_text_golden() -> None:
    result = Result(
        "m99.x",
        "Title",
        Status.INCORRECT,
        1.5,
        3,
        (Case("'a'", True, "fine"), Case("'b'", False, "the tag differs")),
        "1 of 2 cases pass.",
    )
    assert result.text() == (
        "m99.x (Title): incorrect, 1.5/3 points\n"
        "1 of 2 cases pass.\n"
        "  ✓ 'a': fine\n"
        "  ✗ 'b': the tag differs"
    )
    assert str(result) == result.text()


def test_result_html_is_escaped() -> None:
    case = Case("<script>", False, "a & b <b>")
    result = Result("m99.x", "T<i>", Status.INCORRECT, 0, 1, (case,), "s<u>")
    rendered = result._repr_html_()
    assert "<script>" not in rendered
    assert "&lt;script&gt;" in rendered
    assert "a &amp; b &lt;b&gt;" in rendered
    assert "T&lt;i&gt;" in rendered


def test_result_html_is_deterministic() -> None:
    assert SQUARES.check(_squares)._repr_html_() == SQUARES.check(_squares)._repr_html_()
    assert "0x" not in SQUARES.check(_squares)._repr_html_()


def test_result_to_dict_is_json() -> None:
    data = SQUARES.check({1: 1, 2: 4, 3: 0, 4: 0}).to_dict()
    decoded = json.loads(json.dumps(data))
    assert decoded["status"] == "incorrect"
    assert decoded["points"] == 2.0
    assert decoded["cases"][2] == {"label": "3", "passed": False, "message": "square of 3"}


def test_check_value_answer() -> None:
    result = SQUARES.check({1: 1, 2: 4, 3: 9, 4: 16})
    assert result.status is Status.CORRECT
    assert result.points == 4
    assert result.summary == "All 4 cases pass. Well squared."


def test_check_zero_argument_function() -> None:
    assert SQUARES.check(_squares).status is Status.CORRECT


def test_check_partial_credit() -> None:
    result = SQUARES.check({1: 1, 2: 4, 3: 9})
    assert result.status is Status.INCORRECT
    assert result.points == 3
    assert result.summary == "3 of 4 cases pass; fix the lines marked ✗."


def test_check_stub_is_not_attempted() -> None:
    result = SQUARES.check(_stub)
    assert result.status is Status.NOT_ATTEMPTED
    assert result.points == 0
    assert result.cases == ()
    assert result.summary == (
        "Not attempted yet: the answer still raises NotImplementedError. "
        "Replace the stub with your answer, then run the check again."
    )


def test_check_function_stub_is_not_attempted() -> None:
    def double(n: int) -> int:
        raise NotImplementedError

    assert DOUBLE.check(double).status is Status.NOT_ATTEMPTED


def test_check_learner_exception() -> None:
    result = SQUARES.check(_broken)
    assert result.status is Status.INCORRECT
    assert result.summary == "Your code raised an exception, so nothing was checked."
    assert len(result.cases) == 1
    line = _broken.__code__.co_firstlineno + 2
    assert result.cases[0].message == f"KeyError: 'tag' (line {line}, in _broken)"


def test_check_learner_exception_per_case() -> None:
    def double(n: int) -> int:
        if n == 5:
            raise ValueError("five is too many")
        return 2 * n

    result = DOUBLE.check(double)
    assert result.points == 1
    assert result.cases[1].message.startswith("ValueError: five is too many (line ")


def test_check_wrong_type() -> None:
    result = SQUARES.check([1, 4, 9, 16])
    assert result.status is Status.INCORRECT
    assert result.cases == (Case("answer", False, "expected a dict of squares, got a list"),)
    assert result.summary == "The answer has the wrong type, so nothing was checked."


def test_check_function_returning_none() -> None:
    result = SQUARES.check(lambda: None)
    assert result.cases[0].message == "expected a dict of squares, got None"


def test_check_function_with_parameters_for_value() -> None:
    result = SQUARES.check(lambda numbers: {})
    assert result.cases[0].message == (
        "expected a dict of squares, or a function with no parameters that returns it; "
        "got a function that needs the parameter(s) numbers"
    )


def test_check_value_for_function_exercise() -> None:
    result = DOUBLE.check(4)
    assert result.cases[0].message == "expected a function double(n), got an int"


def test_check_grader_bug_is_reported() -> None:
    def grader(answer: object) -> Sequence[Case]:
        raise RuntimeError("grader is broken")

    exercise = Exercise("m99.bug", "Bug", 1, (), "", grader)
    result = exercise.check(1)
    assert result.status is Status.INCORRECT
    assert result.summary == (
        "The checker itself failed; this is a bug in registry-dojo, not your answer."
    )
    assert result.cases[0].message.startswith("RuntimeError: grader is broken")


def test_hint_levels() -> None:
    assert str(SQUARES.hint(1)) == "Hint 1 of 3 for m99.squares: Multiply."
    assert str(SQUARES.hint(3)) == "Hint 3 of 3 for m99.squares: Use a dict comprehension."


def test_hint_past_last() -> None:
    assert str(SQUARES.hint(4)) == (
        "There are no more hints for m99.squares: hint(3) is the last one. "
        "show_solution() shows a worked solution."
    )


def test_hint_html_is_escaped() -> None:
    exercise = Exercise("m99.h", "H", 1, ("use <b>",), "", _grade_squares)
    assert "use &lt;b&gt;" in exercise.hint(1)._repr_html_()


def test_solution_view() -> None:
    view = SQUARES.show_solution()
    assert str(view) == (
        "Solution for m99.squares (Squares):\n\n"
        "def squares():\n    return {n: n * n for n in (1, 2, 3, 4)}"
    )
    assert "<pre><code>def squares():" in view._repr_html_()


def test_events_are_recorded(_private_home: Path) -> None:
    SQUARES.check({1: 1})
    SQUARES.hint(2)
    SQUARES.hint(9)
    SQUARES.show_solution()
    with sqlite3.connect(_private_home / progress.DB_NAME) as connection:
        rows = connection.execute(
            "SELECT event, status, points, max_points, hint_level FROM events ORDER BY id"
        ).fetchall()
    assert rows == [
        ("check", "incorrect", 1.0, 4.0, None),
        ("hint", None, None, None, 2),
        ("solution", None, None, None, None),
    ]


def test_read_only_home_still_checks(_private_home: Path, caplog: pytest.LogCaptureFixture) -> None:
    # A file where the data folder should be: unwritable even for root, unlike chmod.
    _private_home.write_text("not a folder")
    with caplog.at_level(logging.WARNING, logger="registry_dojo.progress"):
        result = SQUARES.check(_squares)
    assert result.status is Status.CORRECT
    assert "could not record check of m99.squares as progress" in caplog.text


def test_describe_exception_redacts() -> None:
    error = ConnectionError("at http://127.0.0.1:5999/v2/x")
    assert describe_exception(error, {"http://127.0.0.1:5999": ""}) == ("ConnectionError: at /v2/x")


def test_type_name() -> None:
    assert type_name(None) == "None"
    assert type_name([]) == "a list"
    assert type_name(1) == "an int"
    assert type_name(len) == "a function"


def test_exercise_repr_has_no_address() -> None:
    assert repr(SQUARES) == "<Exercise m99.squares: Squares>"


def test_package_exports() -> None:
    assert len(set(checks.__all__)) == len(checks.__all__)
    for name in checks.__all__:
        assert hasattr(checks, name), name
