"""An exercise: its grader, graduated hints and solution, with every use recorded as progress.

:meth:`Exercise.check` never raises because of the learner's answer. An untouched stub (one that
raises ``NotImplementedError``) is reported as not attempted. Any other exception from the
learner's code, and an answer of the wrong type, become an incorrect result that names the
exception or the type.
"""

from __future__ import annotations

import html
import inspect
import logging
import sysconfig
import traceback
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import Enum
from pathlib import Path
from types import TracebackType
from typing import Any

from registry_dojo import progress
from registry_dojo.checks.result import FAIL_MARK, Case, Result, Status

logger = logging.getLogger(__name__)

_PACKAGE_DIR = Path(__file__).resolve().parent.parent
_LIBRARY_DIRS = tuple(
    Path(sysconfig.get_paths()[name]).resolve() for name in ("stdlib", "purelib", "platlib")
)

Grader = Callable[[object], Sequence[Case]]
_WRONG_TYPE_SUMMARY = "The answer has the wrong type, so nothing was checked."


class AnswerKind(Enum):
    """Kind of answer an exercise expects: a value (or a function returning it) or a function."""

    VALUE = "value"
    FUNCTION = "function"


class LearnerError(Exception):
    """An answer that cannot be graded at all: learner code raised, or the type is wrong.

    `description` is the case message shown to the learner, `label` its case label and
    `summary` the line under the result's headline.
    """

    def __init__(
        self,
        description: str,
        *,
        label: str = "your code",
        summary: str = "Your code raised an exception, so nothing was checked.",
    ) -> None:
        super().__init__(description)
        self.description = description
        self.label = label
        self.summary = summary


@dataclass(frozen=True)
class Raised:
    """A call into learner code that raised; `description` is ``Type: message (line N)``."""

    error: Exception
    description: str


def type_name(value: object) -> str:
    """Name the type of `value` for feedback: ``None``, ``a list``, ``a function``."""
    if value is None:
        return "None"
    if inspect.isroutine(value):
        return "a function"
    name = type(value).__name__
    article = "an" if name[:1].lower() in "aeiou" else "a"
    return f"{article} {name}"


def _is_learner_file(filename: str) -> bool:
    if filename.startswith("<frozen"):
        return False
    path = Path(filename).resolve()
    if path.is_relative_to(_PACKAGE_DIR):
        return False
    return not any(path.is_relative_to(library) for library in _LIBRARY_DIRS)


def _learner_location(tb: TracebackType | None) -> str:
    """Return `` (line N, in NAME)`` for the innermost learner frame, or ``""`` if none."""
    location = ""
    for frame in traceback.extract_tb(tb):
        if _is_learner_file(frame.filename):
            location = f" (line {frame.lineno}, in {frame.name})"
    return location


def describe_exception(error: BaseException, redact: Mapping[str, str] | None = None) -> str:
    """Describe an exception as Python prints its last line, plus the learner's line if known.

    Each key of `redact` found in the text is replaced by its value, so that a varying
    address (the lab registry's port, say) never reaches notebook output.
    """
    message = str(error)
    text = f"{type(error).__name__}: {message}" if message else type(error).__name__
    for secret, replacement in (redact or {}).items():
        text = text.replace(secret, replacement)
    return text + _learner_location(error.__traceback__)


def call_learner(
    function: Callable[..., object], *args: object, redact: Mapping[str, str] | None = None
) -> object:
    """Call learner code and return its value, or a :class:`Raised` if it raised.

    ``NotImplementedError`` propagates, so an untouched stub ends the check as not attempted.
    """
    try:
        return function(*args)
    except NotImplementedError:
        raise
    except Exception as error:
        return Raised(error, describe_exception(error, redact))


def _required_parameters(function: Callable[..., object]) -> list[str] | None:
    """Return the names of parameters a call must supply, or None if the signature is hidden."""
    try:
        signature = inspect.signature(function)
    except (TypeError, ValueError):
        return None
    return [
        name
        for name, parameter in signature.parameters.items()
        if parameter.default is parameter.empty
        and parameter.kind in (parameter.POSITIONAL_ONLY, parameter.POSITIONAL_OR_KEYWORD)
    ]


def _parameter_count(count: int) -> str:
    return {0: "no parameters", 1: "one parameter"}.get(count, f"{count} parameters")


@dataclass(frozen=True)
class Hint:
    """One hint of an exercise, or a note that there are no more (`level` past `count`)."""

    exercise_id: str
    level: int
    count: int
    message: str

    def text(self) -> str:
        """Render the hint as plain text."""
        if 1 <= self.level <= self.count:
            return f"Hint {self.level} of {self.count} for {self.exercise_id}: {self.message}"
        return self.message

    __str__ = text

    def _repr_pretty_(self, printer: Any, cycle: bool) -> None:
        """Show the plain-text rendering in IPython, instead of the dataclass fields."""
        printer.text(self.text())

    def _repr_html_(self) -> str:
        return (
            '<div style="border-left:4px solid #0d47a1;background:#e3f2fd;'
            f'padding:0.4em 0.8em;margin:0.3em 0">{html.escape(self.text())}</div>'
        )


@dataclass(frozen=True)
class SolutionView:
    """A worked solution, shown on request."""

    exercise_id: str
    title: str
    code: str

    def text(self) -> str:
        """Render the solution as plain text."""
        return f"Solution for {self.exercise_id} ({self.title}):\n\n{self.code}"

    __str__ = text

    def _repr_pretty_(self, printer: Any, cycle: bool) -> None:
        """Show the plain-text rendering in IPython, instead of the dataclass fields."""
        printer.text(self.text())

    def _repr_html_(self) -> str:
        return (
            f"<div><strong>Solution for {html.escape(self.exercise_id)} "
            f"({html.escape(self.title)}):</strong>"
            f"<pre><code>{html.escape(self.code)}</code></pre></div>"
        )


# eq=False keeps identity hashing, so exercises can be dict keys and set members.
@dataclass(frozen=True, repr=False, eq=False)
class Exercise:
    """One graded exercise.

    `kind` selects what :meth:`check` expects. For :attr:`AnswerKind.VALUE` the answer is a value
    of type `expects`, or a function with no parameters that returns it. For
    :attr:`AnswerKind.FUNCTION` it is the learner's function, which the grader calls itself.
    `expects_text` names the expected answer in feedback ("a dict", "split_reference(ref)").
    `parameters` is how many positional arguments the grader passes to a function answer.
    """

    id: str
    title: str
    max_points: float
    hints: tuple[str, ...]
    solution: str
    grader: Grader
    kind: AnswerKind = AnswerKind.VALUE
    expects: type | tuple[type, ...] = object
    expects_text: str = "an answer"
    success: str = ""
    redact: Mapping[str, str] = field(default_factory=dict)
    parameters: int = 1

    def __repr__(self) -> str:
        return f"<Exercise {self.id}: {self.title}>"

    def check(self, answer: object) -> Result:
        """Check an answer and return the result; record the check as progress."""
        result = self._check(answer)
        progress.record(
            "check",
            self.id,
            status=result.status.value,
            points=result.points,
            max_points=self.max_points,
        )
        return result

    def hint(self, level: int = 1) -> Hint:
        """Return hint number `level` (1 is the gentlest); record that it was shown."""
        count = len(self.hints)
        if level > count:
            message = (
                f"There are no more hints for {self.id}: hint({count}) is the last one. "
                "show_solution() shows a worked solution."
            )
            return Hint(self.id, level, count, message)
        if level < 1:
            message = f"Hints for {self.id} are numbered 1 to {count}; try hint(1)."
            return Hint(self.id, level, count, message)
        progress.record("hint", self.id, hint_level=level)
        return Hint(self.id, level, count, self.hints[level - 1])

    def show_solution(self) -> SolutionView:
        """Return the worked solution; record that it was viewed."""
        progress.record("solution", self.id)
        return SolutionView(self.id, self.title, self.solution)

    def _check(self, answer: object) -> Result:
        try:
            cases = tuple(self._grade(answer))
        except NotImplementedError:
            return self._result(
                Status.NOT_ATTEMPTED,
                (),
                "Not attempted yet: the answer still raises NotImplementedError. "
                "Replace the stub with your answer, then run the check again.",
            )
        except LearnerError as error:
            case = Case(error.label, False, error.description)
            return self._result(Status.INCORRECT, (case,), error.summary)
        except Exception as error:
            logger.exception("grader of %s failed", self.id)
            case = Case("checker", False, describe_exception(error, self.redact))
            summary = "The checker itself failed; this is a bug in registry-dojo, not your answer."
            return self._result(Status.INCORRECT, (case,), summary)
        return self._score(cases)

    def _grade(self, answer: object) -> Sequence[Case]:
        if self.kind is AnswerKind.FUNCTION:
            if not callable(answer):
                raise self._wrong_type(answer)
            self._check_arity(answer)
            return self.grader(answer)
        value = self._value_of(answer)
        if not isinstance(value, self.expects):
            raise self._wrong_type(value)
        return self.grader(value)

    def _value_of(self, answer: object) -> object:
        """Return the answer itself, or what it returns if it is a function with no parameters."""
        if not callable(answer) or isinstance(answer, type):
            return answer
        required = _required_parameters(answer)
        if required:
            raise LearnerError(
                f"expected {self.expects_text}, or a function with no parameters that returns "
                f"it; got a function that needs the parameter(s) {', '.join(required)}",
                label="answer",
                summary=_WRONG_TYPE_SUMMARY,
            )
        outcome = call_learner(answer, redact=self.redact)
        if isinstance(outcome, Raised):
            raise LearnerError(outcome.description)
        return outcome

    def _check_arity(self, function: Callable[..., object]) -> None:
        """Raise LearnerError if `function` cannot take the arguments the grader passes."""
        try:
            signature = inspect.signature(function)
        except (TypeError, ValueError):
            return
        try:
            signature.bind(*([None] * self.parameters))
        except TypeError:
            name = getattr(function, "__name__", "your function")
            signature = signature.replace(return_annotation=inspect.Signature.empty)
            raise LearnerError(
                f"expected {self.expects_text}, with {_parameter_count(self.parameters)}; "
                f"got {name}{signature}, which takes {_parameter_count(len(signature.parameters))}",
                label="answer",
                summary=_WRONG_TYPE_SUMMARY,
            ) from None

    def _wrong_type(self, value: object) -> LearnerError:
        return LearnerError(
            f"expected {self.expects_text}, got {type_name(value)}",
            label="answer",
            summary=_WRONG_TYPE_SUMMARY,
        )

    def _score(self, cases: tuple[Case, ...]) -> Result:
        passed = sum(case.passed for case in cases)
        if cases and passed == len(cases):
            summary = f"All {len(cases)} cases pass." if len(cases) > 1 else "The case passes."
            if self.success:
                summary = f"{summary} {self.success}"
            return self._result(Status.CORRECT, cases, summary)
        summary = f"{passed} of {len(cases)} cases pass; fix the lines marked {FAIL_MARK}."
        return self._result(Status.INCORRECT, cases, summary)

    def _result(self, status: Status, cases: tuple[Case, ...], summary: str) -> Result:
        points = 0.0
        if status is not Status.NOT_ATTEMPTED and cases:
            points = round(self.max_points * sum(case.passed for case in cases) / len(cases), 2)
        return Result(self.id, self.title, status, points, self.max_points, cases, summary)
