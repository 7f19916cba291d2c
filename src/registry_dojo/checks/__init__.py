"""Graders for the course's exercises, with feedback that says why an answer is wrong.

    from registry_dojo.checks import module1
    module1.qualify.check(qualify)      # a Result: status, points, one line per case
    module1.qualify.hint(1)
    module1.qualify.show_solution()

Checks, hints and solution views are recorded by :mod:`registry_dojo.progress`.
"""

from __future__ import annotations

from types import ModuleType

from registry_dojo.checks import module0, module1
from registry_dojo.checks.exercise import AnswerKind, Exercise, Hint, SolutionView
from registry_dojo.checks.result import Case, Result, Status

__all__ = [
    "MODULES",
    "AnswerKind",
    "Case",
    "Exercise",
    "Hint",
    "Result",
    "SolutionView",
    "Status",
    "module0",
    "module1",
]

MODULES: tuple[ModuleType, ...] = (module0, module1)
"""The course's exercise modules, in course order; each has a TITLE and EXERCISES."""
