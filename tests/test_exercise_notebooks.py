"""Run the notebooks and read their check cells: both directions of every exercise.

Every untouched exercise in exercises/ must report "not attempted" (never a crash, never
correct), and every answer in solutions/ must be correct. Check cells are found by their
``registry_dojo`` cell metadata, never by position.
"""

from __future__ import annotations

import html
import re
from pathlib import Path

import ipykernel.kernelspec
import nbformat
import pytest
from jupyter_client.kernelspec import KernelSpec, KernelSpecManager
from jupyter_client.manager import KernelManager
from nbclient import NotebookClient
from nbformat import NotebookNode

from registry_dojo.checks import Exercise, module1

ROOT = Path(__file__).resolve().parent.parent
EXERCISE_NOTEBOOKS = sorted((ROOT / "exercises").glob("*.ipynb"))
SOLUTION_NOTEBOOKS = sorted((ROOT / "solutions").glob("*.ipynb"))
CELL_TIMEOUT_SECONDS = 120

# A Result shows its headline in HTML, e.g. "m01.qualify (Write ...): not attempted, 0/10 points".
HEADLINE = re.compile(r"(?P<id>m\d+\.\w+) \([^)]*\): (?P<status>correct|incorrect|not attempted), ")
# Its dataclass repr, used for text/plain, contains the same two fields.
REPR = re.compile(r"exercise_id='(?P<id>[^']+)'.*?status=<Status\.\w+: '(?P<status>[^']+)'>")


class CurrentEnvironmentSpecs(KernelSpecManager):
    """Kernel specs that always start ipykernel with this test run's Python."""

    def get_kernel_spec(self, kernel_name: str) -> KernelSpec:
        return KernelSpec(
            resource_dir=ipykernel.kernelspec.RESOURCES, **ipykernel.kernelspec.get_kernel_dict()
        )


def run_notebook(path: Path) -> NotebookNode:
    """Execute a copy of the notebook at `path` in its folder; raise on the first cell error."""
    notebook = nbformat.read(path, as_version=4)
    manager = KernelManager(kernel_spec_manager=CurrentEnvironmentSpecs())
    client = NotebookClient(
        notebook,
        km=manager,
        timeout=CELL_TIMEOUT_SECONDS,
        resources={"metadata": {"path": str(path.parent)}},
    )
    client.execute()
    return notebook


def check_cells(notebook: NotebookNode) -> list[NotebookNode]:
    """Return the cells whose metadata marks them as the check of an exercise."""
    return [
        cell
        for cell in notebook.cells
        if cell.cell_type == "code"
        and cell.metadata.get("registry_dojo", {}).get("role") == "check"
    ]


def reported(cell: NotebookNode) -> tuple[str, str]:
    """Return (exercise id, status) of the Result that a check cell displayed."""
    for output in cell.outputs:
        data = output.get("data", {})
        found = HEADLINE.search(html.unescape(str(data.get("text/html", ""))))
        found = found or REPR.search(str(data.get("text/plain", "")))
        if found is not None:
            return found.group("id"), found.group("status")
    raise AssertionError(f"check cell {cell.id!r} displayed no result: {cell.outputs!r}")


def statuses(path: Path) -> dict[str, str]:
    """Run the notebook and return {exercise id: status} from its check cells."""
    results: dict[str, str] = {}
    for cell in check_cells(run_notebook(path)):
        exercise_id, status = reported(cell)
        assert exercise_id == cell.metadata["registry_dojo"]["exercise"], cell.id
        results[exercise_id] = status
    return results


def test_notebooks_exist() -> None:
    assert [path.name for path in EXERCISE_NOTEBOOKS] == [p.name for p in SOLUTION_NOTEBOOKS]
    assert EXERCISE_NOTEBOOKS


def test_headline_pattern_reads_result() -> None:
    def stub() -> None:
        raise NotImplementedError()

    found = HEADLINE.search(html.unescape(module1.qualify.check(stub)._repr_html_()))
    assert found is not None
    assert (found.group("id"), found.group("status")) == ("m01.qualify", "not attempted")


@pytest.mark.slow
@pytest.mark.parametrize("path", EXERCISE_NOTEBOOKS, ids=lambda path: path.name)
def test_untouched_exercises_are_not_attempted(path: Path) -> None:
    results = statuses(path)
    assert results, f"{path.name} has no check cells"
    for exercise_id, status in results.items():
        assert status == "not attempted", exercise_id


@pytest.mark.slow
@pytest.mark.integration
@pytest.mark.parametrize("path", SOLUTION_NOTEBOOKS, ids=lambda path: path.name)
def test_solutions_are_correct(path: Path) -> None:
    results = statuses(path)
    assert results, f"{path.name} has no check cells"
    for exercise_id, status in results.items():
        assert status == "correct", exercise_id


def test_every_module1_exercise_has_a_check_cell() -> None:
    checked = {
        cell.metadata["registry_dojo"]["exercise"]
        for path in EXERCISE_NOTEBOOKS
        for cell in check_cells(nbformat.read(path, as_version=4))
    }
    assert checked == {exercise.id for exercise in module1.EXERCISES}


SOLUTION_MARKERS = ("### BEGIN SOLUTION", "### END SOLUTION")


def answer_code(cell: NotebookNode) -> str:
    """Return an answer cell's code without its solution marker lines."""
    lines = cell.source.splitlines()
    return "\n".join(line for line in lines if line.strip() not in SOLUTION_MARKERS)


@pytest.mark.parametrize("exercise", module1.EXERCISES, ids=lambda exercise: exercise.id)
def test_show_solution_matches_notebook(exercise: Exercise) -> None:
    notebook = nbformat.read(ROOT / "solutions" / "01-image-references.ipynb", as_version=4)
    answers = [
        cell
        for cell in notebook.cells
        if cell.metadata.get("registry_dojo", {}).get("exercise") == exercise.id
        and cell.metadata["registry_dojo"].get("role") == "answer"
    ]
    assert len(answers) == 1, exercise.id
    assert exercise.solution == answer_code(answers[0])
