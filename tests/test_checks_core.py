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


# Learner code that misbehaves in every way still gets feedback.


class _Stop(BaseException):
    """A BaseException subclass of the learner's, as a notebook might define one."""


class _Unprintable(Exception):
    def __str__(self) -> str:
        raise RuntimeError("no message for you")


def _exits() -> dict[int, int]:
    raise SystemExit(3)


def _stops() -> dict[int, int]:
    raise _Stop("halt")


def _unprintable() -> dict[int, int]:
    raise _Unprintable()


def _line(function: object, offset: int = 1) -> int:
    return function.__code__.co_firstlineno + offset  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("answer", "message"),
    [
        (_exits, "SystemExit: 3 (line {line}, in _exits)"),
        (_stops, "_Stop: halt (line {line}, in _stops)"),
        (
            _unprintable,
            "_Unprintable: (its message cannot be shown: str() raised RuntimeError: no message "
            "for you) (line {line}, in _unprintable)",
        ),
    ],
)
def test_check_base_exceptions_are_feedback(answer: object, message: str) -> None:
    result = SQUARES.check(answer)
    assert result.status is Status.INCORRECT
    assert result.summary == "Your code raised an exception, so nothing was checked."
    assert result.cases == (Case("your code", False, message.format(line=_line(answer))),)


def test_check_generator_exit_is_feedback() -> None:
    def double(n: int) -> int:
        raise GeneratorExit

    result = DOUBLE.check(double)
    assert result.cases[0] == Case("1", False, f"GeneratorExit (line {_line(double)}, in double)")


def test_check_keyboard_interrupt_propagates() -> None:
    def squares() -> dict[int, int]:
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        SQUARES.check(squares)


def test_check_long_exception_message_is_shortened() -> None:
    def squares() -> dict[int, int]:
        raise ValueError("a" * 500 + "z")

    result = SQUARES.check(squares)
    line = _line(squares)
    assert result.cases[0].message == (
        f"ValueError: {'a' * 133}...{'a' * 39}z (501 characters) (line {line}, in squares)"
    )


def test_check_dict_subclass_is_read_without_its_methods() -> None:
    class Hostile(dict[int, int]):
        def __contains__(self, key: object) -> bool:
            raise RuntimeError("contains")

        def __getitem__(self, key: int) -> int:
            raise RuntimeError("getitem")

        def get(self, key: int, default: object = None) -> int:  # type: ignore[override]
            raise RuntimeError("get")

    assert SQUARES.check(Hostile({1: 1, 2: 4, 3: 9, 4: 16})).status is Status.CORRECT


def test_check_key_hash_failure() -> None:
    hashes = iter([1])

    class LateKey:
        """Hashes once, when the learner builds the dict; the checker's copy hashes it again."""

        def __hash__(self) -> int:
            return next(hashes)

    answer = {LateKey(): 0, 1: 1}
    result = SQUARES.check(answer)
    assert result.summary == "Your code raised an exception, so nothing was checked."
    line = _line(LateKey.__hash__)
    assert result.cases == (Case("your code", False, f"StopIteration (line {line}, in __hash__)"),)


def test_check_string_subclass_reaches_grader_as_str() -> None:
    seen: list[type] = []

    def grader(answer: object) -> Sequence[Case]:
        seen.append(type(answer))
        return [Case("text", str(answer).strip() == "ok", "checked")]

    class Shouty(str):
        def strip(self, chars: str | None = None) -> str:
            raise RuntimeError("strip")

        def __str__(self) -> str:
            raise RuntimeError("str")

    exercise = Exercise("m99.s", "S", 1, (), "", grader, expects=str)
    assert exercise.check(Shouty(" ok ")).status is Status.CORRECT
    assert seen == [str]


def test_check_signature_with_unprintable_default_is_feedback() -> None:
    class Loud:
        def __repr__(self) -> str:
            raise RuntimeError("repr")

    def double(n: int, m: int, extra: object = Loud()) -> int:
        return n

    result = DOUBLE.check(double)
    assert result.summary == "Your code raised an exception, so nothing was checked."
    assert result.cases[0].message.startswith("RuntimeError: repr (line ")


def test_check_spoofed_class_is_wrong_type() -> None:
    class Pretender:
        @property  # type: ignore[misc]
        def __class__(self) -> type:
            return dict

    result = SQUARES.check(Pretender())
    assert result.cases[0].message == "expected a dict of squares, got a Pretender"


def test_type_name_ignores_metaclass_name() -> None:
    class Meta(type):
        @property
        def __name__(cls) -> str:  # type: ignore[override]
            raise RuntimeError("name")

    class Odd(metaclass=Meta):
        pass

    assert type_name(Odd()) == "an Odd"


def test_type_name_shortens_long_class_names() -> None:
    long_class = type("C" * 100, (), {})
    assert type_name(long_class()) == f"a {'C' * 40}...{'C' * 12} (100 characters)"


def test_shorten_and_quote() -> None:
    from registry_dojo.checks.result import quote, shorten

    assert shorten("short") == "short"
    assert shorten("x" * 200) == "x" * 200
    assert shorten("x" * 150 + "y" * 51) == f"{'x' * 133}...{'y' * 40} (201 characters)"
    assert quote("abc") == "'abc'"
    assert quote("x" * 100) == f"'{'x' * 39}...{'x' * 11}' (100 characters)"


@pytest.mark.parametrize(
    ("level", "message"),
    [
        ("2", "hint() takes a level from 1 to 3; got '2'"),
        (True, "hint() takes a level from 1 to 3; got True"),
        (2.0, "hint() takes a level from 1 to 3; got 2.0"),
        (None, "hint() takes a level from 1 to 3; got None"),
        (0, "hint() takes a level from 1 to 3; got 0"),
        (-1, "hint() takes a level from 1 to 3; got -1"),
        (
            "x" * 100,
            f"hint() takes a level from 1 to 3; got '{'x' * 39}...{'x' * 11}' (102 characters)",
        ),
    ],
)
def test_hint_rejects_bad_levels(level: object, message: str, _private_home: Path) -> None:
    hint = SQUARES.hint(level)  # type: ignore[arg-type]
    assert str(hint) == message
    assert not (_private_home / progress.DB_NAME).exists()


def test_hint_level_with_unprintable_repr() -> None:
    class Level:
        def __repr__(self) -> str:
            raise RuntimeError("repr")

    assert str(SQUARES.hint(Level())) == "hint() takes a level from 1 to 3; got a Level"  # type: ignore[arg-type]


def test_hint_accepts_int_subclass() -> None:
    import enum

    class Level(enum.IntEnum):
        TWO = 2

    assert str(SQUARES.hint(Level.TWO)) == "Hint 2 of 3 for m99.squares: n * n."
