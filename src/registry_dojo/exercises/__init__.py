"""Generate the learner's exercise notebooks from the solution notebooks.

A solution notebook marks each answer between ``### BEGIN SOLUTION`` and ``### END SOLUTION``
lines (the nbgrader convention). The exercise copy replaces each region with a stub: in code,
``# YOUR CODE HERE`` and ``raise NotImplementedError()`` at the marker's indentation, so an
untouched exercise fails loudly and its checker reports "not attempted"; in Markdown,
``YOUR ANSWER HERE``. Cells tagged ``solution-only`` are dropped.

This is written by hand instead of using nbgrader because nbgrader brings a database, a course
layout and a server extension, and we need four small transforms that give byte-identical
output on every run, so the committed exercises can be compared with a fresh build.

Modules: :mod:`.markers` (solution regions), :mod:`.reading` (reading and checking a solution
notebook), :mod:`.build` (the cell transforms and the all-or-nothing build).
"""

from __future__ import annotations

from registry_dojo.exercises.build import (
    NBFORMAT_MINOR,
    SOLUTION_ONLY_TAG,
    build_exercise_notebook,
    build_exercises,
    render_notebook,
)
from registry_dojo.exercises.markers import (
    BEGIN_SOLUTION,
    CODE_STUB,
    END_SOLUTION,
    TEXT_STUB,
    replace_solution_regions,
)
from registry_dojo.exercises.reading import NBFORMAT_VERSION, read_solution

__all__ = [
    "BEGIN_SOLUTION",
    "CODE_STUB",
    "END_SOLUTION",
    "NBFORMAT_MINOR",
    "NBFORMAT_VERSION",
    "SOLUTION_ONLY_TAG",
    "TEXT_STUB",
    "build_exercise_notebook",
    "build_exercises",
    "read_solution",
    "render_notebook",
    "replace_solution_regions",
]
