"""Build exercise notebooks: the cell transforms, rendering, and the all-or-nothing write."""

from __future__ import annotations

import contextlib
import copy
import logging
import os
from collections.abc import Callable, Iterable
from pathlib import Path

import nbformat
from nbformat import NotebookNode

from registry_dojo.errors import ExerciseBuildError
from registry_dojo.exercises.markers import replace_solution_regions
from registry_dojo.exercises.reading import NBFORMAT_VERSION, read_solution

logger = logging.getLogger(__name__)

SOLUTION_ONLY_TAG = "solution-only"
NBFORMAT_MINOR = 5
# Notebook metadata written by a front end at run time; it differs between runs and machines.
VOLATILE_NOTEBOOK_METADATA = ("widgets",)
VOLATILE_CELL_METADATA = ("execution", "collapsed", "scrolled", "widgets")
# Suffix of the files written next to each target before they replace it.
STAGING_SUFFIX = ".partial"

CellTransform = Callable[[NotebookNode, str], NotebookNode | None]


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

    Returns the written paths in name order. Every notebook is read, checked and rendered in
    memory before any file is written, so one broken solution notebook leaves `exercises_dir`
    as it was. The output depends only on the solution notebooks, so two builds give identical
    bytes. Files in `exercises_dir` with no solution notebook are left alone.
    """
    solutions_dir = Path(solutions_dir)
    exercises_dir = Path(exercises_dir)
    sources = sorted(solutions_dir.glob("*.ipynb"))
    if not sources:
        raise ExerciseBuildError(
            f"no solution notebooks (*.ipynb) in {str(solutions_dir)!r}; "
            "pass the folder that holds them with --solutions"
        )
    _check_output_folder(solutions_dir, exercises_dir)
    rendered: dict[Path, str] = {}
    for source in sources:
        exercise = build_exercise_notebook(read_solution(source), source.name)
        rendered[exercises_dir / source.name] = render_notebook(exercise, source.name)
    _write_all(rendered, exercises_dir)
    return list(rendered)


def _check_output_folder(solutions_dir: Path, exercises_dir: Path) -> None:
    if exercises_dir.exists() and not exercises_dir.is_dir():
        raise ExerciseBuildError(
            f"the exercises folder {str(exercises_dir)!r} is a file; pass a folder with "
            "--exercises (it is created if missing)"
        )
    if exercises_dir.exists() and exercises_dir.resolve() == solutions_dir.resolve():
        raise ExerciseBuildError(
            f"the exercises folder {str(exercises_dir)!r} is the solutions folder, so the build "
            "would overwrite the solutions; pass another folder with --exercises"
        )


def _write_all(rendered: dict[Path, str], exercises_dir: Path) -> None:
    """Write every notebook to a staging file, then move each over its target.

    A write error (a full disk, a folder in the target's place) leaves every target unchanged.
    NOTE: an error while moving the staged files in place can still leave some targets new.
    """
    for target in rendered:
        if target.is_dir():
            raise ExerciseBuildError(
                f"cannot write {str(target)!r}: a folder has that name; remove or rename it"
            )
    try:
        exercises_dir.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise ExerciseBuildError(
            f"cannot create the exercises folder {str(exercises_dir)!r}: {error.strerror}"
        ) from error
    staged: list[tuple[Path, Path]] = []
    try:
        for target, text in rendered.items():
            staging = target.with_name(target.name + STAGING_SUFFIX)
            staged.append((staging, target))
            staging.write_bytes(text.encode("utf-8"))
    except OSError as error:
        _remove(staging for staging, _ in staged)
        raise ExerciseBuildError(
            f"cannot write {str(error.filename)!r}: {error.strerror}; "
            "no exercise notebook was changed"
        ) from error
    try:
        for staging, target in staged:
            os.replace(staging, target)
            logger.info("wrote exercise notebook %s", target)
    except OSError as error:
        _remove(staging for staging, _ in staged)
        raise ExerciseBuildError(
            f"cannot replace {str(error.filename2 or error.filename)!r}: {error.strerror}"
        ) from error


def _remove(paths: Iterable[Path]) -> None:
    # Cleanup is best effort: the error being reported matters more than a leftover file.
    for path in paths:
        with contextlib.suppress(OSError):
            path.unlink(missing_ok=True)
