"""Graders for the course's exercises, with feedback that says why an answer is wrong.

    from registry_dojo.checks import module1
    module1.qualify.check(qualify)      # a Result: status, points, one line per case
    module1.qualify.hint(1)
    module1.qualify.show_solution()

Checks, hints and solution views are recorded by :mod:`registry_dojo.progress`.
"""

from __future__ import annotations

from registry_dojo.checks import module1
from registry_dojo.checks.exercise import AnswerKind, Exercise, Hint, SolutionView
from registry_dojo.checks.result import Case, Result, Status

__all__ = [
    "AnswerKind",
    "Case",
    "Exercise",
    "Hint",
    "Result",
    "SolutionView",
    "Status",
    "module1",
]
