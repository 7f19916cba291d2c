"""Generate the learner's exercise notebooks from the solution notebooks.

A solution notebook marks each answer between ``### BEGIN SOLUTION`` and ``### END SOLUTION``
lines (the nbgrader convention). The exercise copy replaces each region with a stub: in code,
``# YOUR CODE HERE`` and ``raise NotImplementedError()`` at the marker's indentation, so an
untouched exercise fails loudly and its checker reports "not attempted"; in Markdown,
``YOUR ANSWER HERE``. Cells tagged ``solution-only`` are dropped.

This is written by hand instead of using nbgrader because nbgrader brings a database, a course
layout and a server extension, and we need four small transforms that give byte-identical
output on every run, so the committed exercises can be compared with a fresh build.
"""

from __future__ import annotations

import copy
import json
import logging
from collections.abc import Callable
from pathlib import Path

import nbformat
from nbformat import NotebookNode
from nbformat.v4.nbjson import JSONReader

from registry_dojo.errors import ExerciseBuildError

logger = logging.getLogger(__name__)

BEGIN_SOLUTION = "### BEGIN SOLUTION"
END_SOLUTION = "### END SOLUTION"
CODE_STUB = ("# YOUR CODE HERE", "raise NotImplementedError()")
TEXT_STUB = "YOUR ANSWER HERE"
SOLUTION_ONLY_TAG = "solution-only"

NBFORMAT_VERSION = 4
NBFORMAT_MINOR = 5
# Notebook metadata written by a front end at run time; it differs between runs and machines.
VOLATILE_NOTEBOOK_METADATA = ("widgets",)
VOLATILE_CELL_METADATA = ("execution", "collapsed", "scrolled", "widgets")

CellTransform = Callable[[NotebookNode, str], NotebookNode | None]


def replace_solution_regions(source: str, cell_type: str, *, where: str = "cell") -> str:
    """Return `source` with every solution region replaced by the stub for `cell_type`.

    `where` names the notebook and cell in error messages. Raises
    :class:`~registry_dojo.errors.ExerciseBuildError` for a marker that is not alone on its line,
    a nested or unmatched ``### BEGIN SOLUTION``, or an ``### END SOLUTION`` with no begin.
    """
    lines = source.split("\n")
    output: list[str] = []
    begin_line: int | None = None
    for number, line in enumerate(lines, start=1):
        marker = _marker(line, where, number)
        if marker == BEGIN_SOLUTION:
            if begin_line is not None:
                raise ExerciseBuildError(
                    f"{where}, line {number}: {BEGIN_SOLUTION!r} inside the solution region "
                    f"opened on line {begin_line}; close that region with {END_SOLUTION!r} first"
                )
            begin_line = number
            indent = line[: len(line) - len(line.lstrip())]
            output.extend(_stub(cell_type, indent))
        elif marker == END_SOLUTION:
            if begin_line is None:
                raise ExerciseBuildError(
                    f"{where}, line {number}: {END_SOLUTION!r} without a matching "
                    f"{BEGIN_SOLUTION!r}; add the begin marker or delete this line"
                )
            begin_line = None
        elif begin_line is None:
            output.append(line)
    if begin_line is not None:
        raise ExerciseBuildError(
            f"{where}, line {begin_line}: {BEGIN_SOLUTION!r} is never closed; "
            f"add a line {END_SOLUTION!r} after the solution"
        )
    return "\n".join(output)


def _marker(line: str, where: str, number: int) -> str | None:
    stripped = line.strip()
    for marker in (BEGIN_SOLUTION, END_SOLUTION):
        if stripped == marker:
            return marker
        if marker in line:
            raise ExerciseBuildError(
                f"{where}, line {number}: {marker!r} must be alone on its line, got {line!r}"
            )
    return None


def _stub(cell_type: str, indent: str) -> list[str]:
    if cell_type == "code":
        return [indent + stub_line for stub_line in CODE_STUB]
    return [indent + TEXT_STUB]


def _drop_solution_only(cell: NotebookNode, where: str) -> NotebookNode | None:
    tags = cell.get("metadata", {}).get("tags", [])
    return None if SOLUTION_ONLY_TAG in tags else cell


def _strip_solutions(cell: NotebookNode, where: str) -> NotebookNode:
    try:
        cell.source = replace_solution_regions(cell.source, cell.cell_type, where=where)
    except ExerciseBuildError:
        logger.error("cannot build the exercise from %s; its source:\n%s", where, cell.source)
        raise
    return cell


def _clear_outputs(cell: NotebookNode, where: str) -> NotebookNode:
    if cell.cell_type == "code":
        cell.outputs = []
        cell.execution_count = None
    for key in VOLATILE_CELL_METADATA:
        cell.metadata.pop(key, None)
    return cell


# Order matters: solution-only cells go first, so their markers are never validated, and
# outputs are cleared after the stubs replace the solutions.
CELL_TRANSFORMS: tuple[CellTransform, ...] = (
    _drop_solution_only,
    _strip_solutions,
    _clear_outputs,
)


def _apply_transforms(cell: NotebookNode, where: str) -> NotebookNode | None:
    for transform in CELL_TRANSFORMS:
        result = transform(cell, where)
        if result is None:
            return None
        cell = result
    return cell


def build_exercise_notebook(solution: NotebookNode, name: str) -> NotebookNode:
    """Return the exercise version of the solution notebook `solution`; `name` is for errors.

    Cell ids are kept, so a learner's exercise cell and its solution cell share one id.
    """
    exercise = copy.deepcopy(solution)
    exercise.nbformat = NBFORMAT_VERSION
    exercise.nbformat_minor = NBFORMAT_MINOR
    for key in VOLATILE_NOTEBOOK_METADATA:
        exercise.metadata.pop(key, None)
    cells: list[NotebookNode] = []
    for number, original in enumerate(exercise.cells, start=1):
        cell_id = original.get("id")
        if not cell_id:
            raise ExerciseBuildError(
                f"{name}: cell {number} has no id; save the notebook with nbformat 4.5 or "
                "later (JupyterLab 3 or later) so every cell gets one"
            )
        where = f"{name}: cell {cell_id!r}"
        cell = _apply_transforms(original, where)
        if cell is not None:
            cells.append(cell)
    exercise.cells = cells
    return exercise


def read_solution(path: Path) -> NotebookNode:
    """Read a solution notebook as stored, without the random cell ids nbformat would invent."""
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as error:
        raise ExerciseBuildError(
            f"{path.name}: not a notebook, invalid JSON at line {error.lineno}: {error.msg}"
        ) from error
    version = raw.get("nbformat") if isinstance(raw, dict) else None
    if version != NBFORMAT_VERSION:
        raise ExerciseBuildError(
            f"{path.name}: nbformat {version!r} is not supported; save it as nbformat 4"
        )
    # nbformat's v4 reader joins the stored line lists but, unlike nbformat.read, adds no ids.
    notebook: NotebookNode = JSONReader().to_notebook(raw)  # type: ignore[no-untyped-call]
    return notebook


def render_notebook(notebook: NotebookNode, name: str) -> str:
    """Serialise `notebook` the way Jupyter saves it (sorted keys, indent 1, final newline).

    Raises :class:`~registry_dojo.errors.ExerciseBuildError` if the notebook is not valid
    nbformat; `name` identifies it in the message.
    """
    try:
        nbformat.validate(notebook)
    except nbformat.ValidationError as error:
        raise ExerciseBuildError(f"{name}: invalid notebook: {error.message}") from error
    text: str = nbformat.writes(notebook, version=NBFORMAT_VERSION)  # type: ignore[no-untyped-call]
    return text if text.endswith("\n") else text + "\n"


def build_exercises(solutions_dir: Path, exercises_dir: Path) -> list[Path]:
    """Write an exercise notebook to `exercises_dir` for each ``*.ipynb`` in `solutions_dir`.

    Returns the written paths in name order. The output depends only on the solution
    notebooks, so two builds give identical bytes. Files in `exercises_dir` with no solution
    notebook are left alone.
    """
    solutions_dir = Path(solutions_dir)
    exercises_dir = Path(exercises_dir)
    sources = sorted(solutions_dir.glob("*.ipynb"))
    if not sources:
        raise ExerciseBuildError(
            f"no solution notebooks (*.ipynb) in {str(solutions_dir)!r}; "
            "pass the folder that holds them with --solutions"
        )
    exercises_dir.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    for source in sources:
        solution = read_solution(source)
        exercise = build_exercise_notebook(solution, source.name)
        target = exercises_dir / source.name
        target.write_text(render_notebook(exercise, source.name), encoding="utf-8", newline="\n")
        logger.info("wrote exercise notebook %s", target)
        written.append(target)
    return written
