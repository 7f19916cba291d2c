"""The outcome of checking one answer: status, points and one message per case.

A wrong answer is a :class:`Result`, never an exception. Every rendering is deterministic (no
times, random words or memory addresses), so notebook outputs can be compared by nbval and
pinned by golden tests.
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from enum import Enum
from typing import Any

PASS_MARK = "✓"
FAIL_MARK = "✗"
TEXT_LIMIT = 200
"""Most characters of a learner's text (an exception message, say) that feedback shows."""
QUOTE_LIMIT = 60
"""Most characters of a quoted learner value (its repr) that feedback shows."""

_STATUS_COLOURS = {
    "correct": ("#1b5e20", "#e8f5e9"),
    "incorrect": ("#b71c1c", "#ffebee"),
    "not attempted": ("#5d4037", "#f5f5f5"),
}


class Status(Enum):
    """How a check ended: the answer was right, wrong, or still the untouched stub."""

    CORRECT = "correct"
    INCORRECT = "incorrect"
    NOT_ATTEMPTED = "not attempted"


@dataclass(frozen=True)
class Case:
    """One checked input: a label shown to the learner, whether it passed, and why."""

    label: str
    passed: bool
    message: str

    def text(self) -> str:
        """Render the case as one line: mark, label and message."""
        mark = PASS_MARK if self.passed else FAIL_MARK
        return f"{mark} {self.label}: {self.message}"


def shorten(text: str, limit: int = TEXT_LIMIT) -> str:
    """Return `text`, or its two ends and its length if it has more than `limit` characters."""
    if len(text) <= limit:
        return text
    head = limit * 2 // 3
    tail = limit // 5
    return f"{text[:head]}...{text[-tail:]} ({len(text)} characters)"


def quote(value: str, limit: int = QUOTE_LIMIT) -> str:
    """Return ``repr(value)``, or its two ends and the length of `value` if the repr is long."""
    text = repr(value)
    if len(text) <= limit:
        return text
    head = limit * 2 // 3
    tail = limit // 5
    return f"{text[:head]}...{text[-tail:]} ({len(value)} characters)"


def format_points(points: float) -> str:
    """Format points without a trailing ``.0`` (``3``, ``2.5``, ``0.33``)."""
    return f"{round(points, 2):g}"


@dataclass(frozen=True)
class Result:
    """The result of checking one answer to one exercise."""

    exercise_id: str
    title: str
    status: Status
    points: float
    max_points: float
    cases: tuple[Case, ...]
    summary: str

    @property
    def passed(self) -> bool:
        """Whether the answer is correct."""
        return self.status is Status.CORRECT

    def headline(self) -> str:
        """Render the first line: exercise, status and points."""
        score = f"{format_points(self.points)}/{format_points(self.max_points)} points"
        return f"{self.exercise_id} ({self.title}): {self.status.value}, {score}"

    def text(self) -> str:
        """Render the result as plain text: headline, summary, then one line per case."""
        lines = [self.headline(), self.summary]
        lines.extend(f"  {case.text()}" for case in self.cases)
        return "\n".join(lines)

    __str__ = text

    def _repr_pretty_(self, printer: Any, cycle: bool) -> None:
        """Show the plain-text rendering in IPython, instead of the dataclass fields."""
        printer.text(self.text())

    def _repr_html_(self) -> str:
        colour, background = _STATUS_COLOURS[self.status.value]
        items = "".join(
            f'<li><span style="color:{"#1b5e20" if case.passed else "#b71c1c"}">'
            f"{PASS_MARK if case.passed else FAIL_MARK}</span> "
            f"<code>{html.escape(case.label)}</code>: {html.escape(case.message)}</li>"
            for case in self.cases
        )
        case_list = f'<ul style="margin:0.3em 0 0 0">{items}</ul>' if items else ""
        return (
            f'<div style="border-left:4px solid {colour};background:{background};'
            f'padding:0.4em 0.8em;margin:0.3em 0">'
            f'<strong style="color:{colour}">{html.escape(self.headline())}</strong>'
            f'<div style="margin-top:0.2em">{html.escape(self.summary)}</div>'
            f"{case_list}</div>"
        )

    def to_dict(self) -> dict[str, object]:
        """Return the result as JSON-serialisable data."""
        return {
            "exercise_id": self.exercise_id,
            "title": self.title,
            "status": self.status.value,
            "points": self.points,
            "max_points": self.max_points,
            "summary": self.summary,
            "cases": [
                {"label": case.label, "passed": case.passed, "message": case.message}
                for case in self.cases
            ],
        }
