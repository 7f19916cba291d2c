"""An exercise: its grader, graduated hints and solution, with every use recorded as progress.

:meth:`Exercise.check` never raises because of the learner's answer. An untouched stub (one that
raises ``NotImplementedError``) is reported as not attempted. Any other exception from the
learner's code, ``SystemExit`` and other ``BaseException`` subclasses included, and an answer
of the wrong type, become an incorrect result that names the exception or the type. Only
``KeyboardInterrupt`` propagates: the learner pressed interrupt and wants the check to stop.

Before a grader runs, the answer is copied into plain built-in types (an exact ``str``, a
``dict`` whose ``str`` keys and values are exact ``str``), so that graders never run code from
a learner's subclass; anything that goes wrong while the answer is examined or copied is the
learner's error, and only an exception from a grader itself is reported as a checker bug.
"""

from __future__ import annotations

import html
import inspect
import logging
import sysconfig
import traceback
import types
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import Enum
from pathlib import Path
from typing import Any, cast

from registry_dojo import progress
from registry_dojo.checks.result import FAIL_MARK, Case, Result, Status, shorten

logger = logging.getLogger(__name__)

_PACKAGE_DIR = Path(__file__).resolve().parent.parent
_LIBRARY_DIRS = tuple(
    Path(sysconfig.get_paths()[name]).resolve() for name in ("stdlib", "purelib", "platlib")
)

Grader = Callable[[object], Sequence[Case]]
_WRONG_TYPE_SUMMARY = "The answer has the wrong type, so nothing was checked."
_RAISED_SUMMARY = "Your code raised an exception, so nothing was checked."
_NAME_LIMIT = 60
_ROUTINE_TYPES = (
    types.FunctionType,
    types.BuiltinFunctionType,
    types.MethodType,
    types.MethodDescriptorType,
    types.WrapperDescriptorType,
    types.MethodWrapperType,
    types.ClassMethodDescriptorType,
)
# The getter of type.__name__ itself: a metaclass cannot replace it with code of its own.
_TYPE_NAME_GETTER: Any = vars(type)["__name__"]


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
        summary: str = _RAISED_SUMMARY,
    ) -> None:
        super().__init__(description)
        self.description = description
        self.label = label
        self.summary = summary


@dataclass(frozen=True)
class Raised:
    """A call into learner code that raised; `description` is ``Type: message (line N)``."""

    error: BaseException
    description: str


def class_name(cls: type) -> str:
    """Return the name of class `cls`, shortened, without running any code of the learner's."""
    try:
        name = _TYPE_NAME_GETTER.__get__(cls, type)
    except Exception:
        return "object"
    return shorten(name, _NAME_LIMIT) if isinstance(name, str) else "object"


def type_name(value: object) -> str:
    """Name the type of `value` for feedback: ``None``, ``a list``, ``a function``.

    Only ``type(value)`` is examined, so no method of a learner's class runs.
    """
    if value is None:
        return "None"
    cls = type(value)
    if issubclass(cls, _ROUTINE_TYPES):
        return "a function"
    name = class_name(cls)
    article = "an" if name[:1].lower() in "aeiou" else "a"
    return f"{article} {name}"


def _is_learner_file(filename: str) -> bool:
    if filename.startswith("<frozen"):
        return False
    path = Path(filename).resolve()
    if path.is_relative_to(_PACKAGE_DIR):
        return False
    return not any(path.is_relative_to(library) for library in _LIBRARY_DIRS)


def _learner_location(error: BaseException) -> str:
    """Return `` (line N, in NAME)`` for the innermost learner frame, or ``""`` if none."""
    location = ""
    try:
        tb = BaseException.__dict__["__traceback__"].__get__(error)
        for frame in traceback.extract_tb(tb):
            if _is_learner_file(frame.filename):
                location = f" (line {frame.lineno}, in {shorten(frame.name, _NAME_LIMIT)})"
    except Exception:
        return ""
    return location


def _message(error: BaseException) -> str:
    """Return ``str(error)``, or why it cannot be shown: the learner's class may break str()."""
    try:
        return str(error)
    except KeyboardInterrupt:
        raise
    except BaseException as inner:
        try:
            reason = f"{class_name(type(inner))}: {inner!s}"
        except KeyboardInterrupt:
            raise
        except BaseException:
            reason = class_name(type(inner))
        return f"(its message cannot be shown: str() raised {shorten(reason)})"


def describe_exception(error: BaseException, redact: Mapping[str, str] | None = None) -> str:
    """Describe an exception as Python prints its last line, plus the learner's line if known.

    A long message is shortened. Each key of `redact` found in the text is replaced by its
    value, so that a varying address (the lab registry's port, say) never reaches notebook
    output.
    """
    message = _message(error)
    name = class_name(type(error))
    for secret, replacement in (redact or {}).items():
        message = message.replace(secret, replacement)
    text = f"{name}: {shorten(message)}" if message else name
    return text + _learner_location(error)


def call_learner(
    function: Callable[..., object], *args: object, redact: Mapping[str, str] | None = None
) -> object:
    """Call learner code and return its value, or a :class:`Raised` if it raised.

    Every exception becomes a :class:`Raised`, ``SystemExit`` and ``GeneratorExit`` included,
    except two: ``NotImplementedError`` propagates, so an untouched stub ends the check as not
    attempted, and ``KeyboardInterrupt`` propagates, because the learner pressed interrupt.
    """
    try:
        return function(*args)
    except (NotImplementedError, KeyboardInterrupt):
        raise
    except BaseException as error:
        return Raised(error, describe_exception(error, redact))


def plain(value: object) -> object:
    """Copy `value` into plain built-in types, so that graders run none of the learner's code.

    A ``str`` becomes an exact ``str``. A ``dict`` becomes an exact ``dict`` read from its
    stored items, so overridden methods of a subclass are not called; its ``str`` keys and
    values are made exact. Anything else is returned as it is. Hashing a key that is not a ``str``
    runs the learner's ``__hash__``, so call this where a failure is the learner's error.
    """
    if issubclass(type(value), str):
        return str.__str__(cast(str, value))
    if issubclass(type(value), dict):
        return {
            plain_text(key): plain_text(item)
            for key, item in dict.items(cast(dict[object, object], value))
        }
    return value


def plain_text(value: object) -> object:
    """Return `value` as an exact ``str`` if it is a ``str`` (of a subclass, say), else as is."""
    return str.__str__(cast(str, value)) if issubclass(type(value), str) else value


def _signature(function: Callable[..., object]) -> inspect.Signature | None:
    """Return the signature of `function`, or None if it is hidden or cannot be read."""
    try:
        return inspect.signature(function)
    except Exception:
        return None


def _required_parameters(function: Callable[..., object]) -> list[str] | None:
    """Return the names of parameters a call must supply, or None if the signature is hidden."""
    signature = _signature(function)
    if signature is None:
        return None
    return [
        name
        for name, parameter in signature.parameters.items()
        if parameter.default is parameter.empty
        and parameter.kind in (parameter.POSITIONAL_ONLY, parameter.POSITIONAL_OR_KEYWORD)
    ]


def _describe_level(level: object) -> str:
    """Return the repr of a hint level that is not an int, shortened; its type if repr fails."""
    try:
        text = repr(level)
    except KeyboardInterrupt:
        raise
    except BaseException:
        return type_name(level)
    return shorten(text, _NAME_LIMIT) if issubclass(type(text), str) else type_name(level)


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
        """Return hint number `level` (1 is the gentlest); record that it was shown.

        A level that is not a whole number from 1 to the number of hints gives a note naming
        the valid range instead of a hint.
        """
        count = len(self.hints)
        if not issubclass(type(level), int) or issubclass(type(level), bool):
            return self._no_such_hint(_describe_level(level), count)
        number = int.__int__(level)
        if number > count:
            message = (
                f"There are no more hints for {self.id}: hint({count}) is the last one. "
                "show_solution() shows a worked solution."
            )
            return Hint(self.id, number, count, message)
        if number < 1:
            return self._no_such_hint(str(number), count)
        progress.record("hint", self.id, hint_level=number)
        return Hint(self.id, number, count, self.hints[number - 1])

    def _no_such_hint(self, given: str, count: int) -> Hint:
        message = f"hint() takes a level from 1 to {count}; got {given}"
        return Hint(self.id, 0, count, message)

    def show_solution(self) -> SolutionView:
        """Return the worked solution; record that it was viewed."""
        progress.record("solution", self.id)
        return SolutionView(self.id, self.title, self.solution)

    def _check(self, answer: object) -> Result:
        try:
            prepared = self._prepare(answer)
        except NotImplementedError:
            return self._not_attempted()
        except LearnerError as error:
            return self._learner_failure(error)
        except KeyboardInterrupt:
            raise
        except BaseException as error:
            # The learner's value misbehaved while its type was checked or it was copied.
            return self._learner_failure(LearnerError(describe_exception(error, self.redact)))
        try:
            cases = tuple(self.grader(prepared))
        except NotImplementedError:
            return self._not_attempted()
        except LearnerError as error:
            return self._learner_failure(error)
        except Exception as error:
            logger.exception("grader of %s failed", self.id)
            case = Case("checker", False, describe_exception(error, self.redact))
            summary = "The checker itself failed; this is a bug in registry-dojo, not your answer."
            return self._result(Status.INCORRECT, (case,), summary)
        return self._score(cases)

    def _not_attempted(self) -> Result:
        return self._result(
            Status.NOT_ATTEMPTED,
            (),
            "Not attempted yet: the answer still raises NotImplementedError. "
            "Replace the stub with your answer, then run the check again.",
        )

    def _learner_failure(self, error: LearnerError) -> Result:
        case = Case(error.label, False, error.description)
        return self._result(Status.INCORRECT, (case,), error.summary)

    def _prepare(self, answer: object) -> object:
        """Return what the grader gets: the function, or the value copied into plain types."""
        if self.kind is AnswerKind.FUNCTION:
            if not callable(answer):
                raise self._wrong_type(answer)
            self._check_arity(answer)
            return answer
        value = self._value_of(answer)
        if not issubclass(type(value), self.expects):
            raise self._wrong_type(value)
        return plain(value)

    def _value_of(self, answer: object) -> object:
        """Return the answer itself, or what it returns if it is a function with no parameters."""
        if not callable(answer) or issubclass(type(answer), type):
            return answer
        required = _required_parameters(answer)
        if required:
            raise LearnerError(
                f"expected {self.expects_text}, or a function with no parameters that returns "
                f"it; got a function that needs the parameter(s) {shorten(', '.join(required))}",
                label="answer",
                summary=_WRONG_TYPE_SUMMARY,
            )
        outcome = call_learner(answer, redact=self.redact)
        if isinstance(outcome, Raised):
            raise LearnerError(outcome.description)
        return outcome

    def _check_arity(self, function: Callable[..., object]) -> None:
        """Raise LearnerError if `function` cannot take the arguments the grader passes."""
        signature = _signature(function)
        if signature is None:
            return
        try:
            signature.bind(*([None] * self.parameters))
        except TypeError:
            name = getattr(function, "__name__", "your function")
            signature = signature.replace(return_annotation=inspect.Signature.empty)
            raise LearnerError(
                f"expected {self.expects_text}, with {_parameter_count(self.parameters)}; "
                f"got {shorten(f'{name}{signature}')}, which takes "
                f"{_parameter_count(len(signature.parameters))}",
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
