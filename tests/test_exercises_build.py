"""Generating exercise notebooks from solution notebooks."""

from __future__ import annotations

import filecmp
import json
from pathlib import Path

import nbformat
import pytest
from nbformat import NotebookNode
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

from registry_dojo import cli
from registry_dojo.errors import ExerciseBuildError
from registry_dojo.exercises import (
    build_exercise_notebook,
    build_exercises,
    render_notebook,
    replace_solution_regions,
)

ROOT = Path(__file__).resolve().parent.parent

SOLVED_FUNCTION = """\
def answer():
    ### BEGIN SOLUTION
    value = 6 * 7
    return value
    ### END SOLUTION
"""


def make_notebook(*cells: NotebookNode) -> NotebookNode:
    notebook = new_notebook(cells=list(cells))
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3"}
    return notebook


def write_notebook(folder: Path, name: str, notebook: NotebookNode) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(nbformat.writes(notebook), encoding="utf-8")
    return path


def test_code_region_becomes_indented_stub() -> None:
    stubbed = replace_solution_regions(SOLVED_FUNCTION, "code")
    assert stubbed == ("def answer():\n    # YOUR CODE HERE\n    raise NotImplementedError()\n")


def test_code_stub_raises_not_implemented() -> None:
    namespace: dict[str, object] = {}
    exec(replace_solution_regions(SOLVED_FUNCTION, "code"), namespace)
    answer = namespace["answer"]
    assert callable(answer)
    with pytest.raises(NotImplementedError):
        answer()


def test_markdown_region_becomes_answer_placeholder() -> None:
    source = "Why?\n\n### BEGIN SOLUTION\nBecause tags move.\n### END SOLUTION\n"
    assert replace_solution_regions(source, "markdown") == "Why?\n\nYOUR ANSWER HERE\n"


def test_every_region_in_a_cell_is_replaced() -> None:
    source = (
        "a = 1\n### BEGIN SOLUTION\nb = 2\n### END SOLUTION\n"
        "c = 3\n### BEGIN SOLUTION\nd = 4\n### END SOLUTION"
    )
    assert replace_solution_regions(source, "code") == (
        "a = 1\n# YOUR CODE HERE\nraise NotImplementedError()\n"
        "c = 3\n# YOUR CODE HERE\nraise NotImplementedError()"
    )


def test_source_without_markers_is_unchanged() -> None:
    source = "from registry_dojo.checks import module1\n"
    assert replace_solution_regions(source, "code") == source


def test_nested_begin_is_rejected() -> None:
    source = "### BEGIN SOLUTION\nx = 1\n  ### BEGIN SOLUTION\n### END SOLUTION\n"
    with pytest.raises(ExerciseBuildError) as caught:
        replace_solution_regions(source, "code", where="ex.ipynb: cell 'c1'")
    assert str(caught.value) == (
        "ex.ipynb: cell 'c1', line 3: '### BEGIN SOLUTION' inside the solution region "
        "opened on line 1; close that region with '### END SOLUTION' first"
    )


def test_end_without_begin_is_rejected() -> None:
    with pytest.raises(ExerciseBuildError) as caught:
        replace_solution_regions("x = 1\n### END SOLUTION\n", "code", where="ex.ipynb: cell 'c2'")
    assert str(caught.value) == (
        "ex.ipynb: cell 'c2', line 2: '### END SOLUTION' without a matching "
        "'### BEGIN SOLUTION'; add the begin marker or delete this line"
    )


def test_unclosed_begin_is_rejected() -> None:
    with pytest.raises(ExerciseBuildError) as caught:
        replace_solution_regions("x = 1\n### BEGIN SOLUTION\ny = 2\n", "code", where="nb: c3")
    assert str(caught.value) == (
        "nb: c3, line 2: '### BEGIN SOLUTION' is never closed; "
        "add a line '### END SOLUTION' after the solution"
    )


def test_marker_sharing_a_line_is_rejected() -> None:
    with pytest.raises(ExerciseBuildError) as caught:
        replace_solution_regions("x = 1  ### BEGIN SOLUTION\n", "code", where="nb: c4")
    assert str(caught.value) == (
        "nb: c4, line 1: '### BEGIN SOLUTION' must be alone on its line, "
        "got 'x = 1  ### BEGIN SOLUTION'"
    )


def test_notebook_error_names_notebook_and_cell() -> None:
    cell = new_code_cell("### END SOLUTION", id="check-qualify")
    with pytest.raises(ExerciseBuildError) as caught:
        build_exercise_notebook(make_notebook(cell), "01-demo.ipynb")
    assert str(caught.value).startswith("01-demo.ipynb: cell 'check-qualify', line 1: ")


def test_solution_only_cells_are_dropped() -> None:
    kept = new_code_cell("x = 1", id="kept")
    dropped = new_code_cell("secret = 2", id="dropped", metadata={"tags": ["solution-only"]})
    exercise = build_exercise_notebook(make_notebook(kept, dropped), "nb.ipynb")
    assert [cell.id for cell in exercise.cells] == ["kept"]


def test_solution_only_cell_markers_are_not_validated() -> None:
    broken = new_code_cell("### BEGIN SOLUTION", id="b", metadata={"tags": ["solution-only"]})
    exercise = build_exercise_notebook(make_notebook(broken), "nb.ipynb")
    assert exercise.cells == []


def test_outputs_and_counts_are_cleared() -> None:
    cell = new_code_cell("1 + 1", id="sum", execution_count=3)
    cell.outputs = [new_output("execute_result", {"text/plain": "2"}, execution_count=3)]
    exercise = build_exercise_notebook(make_notebook(cell), "nb.ipynb")
    assert exercise.cells[0].outputs == []
    assert exercise.cells[0].execution_count is None


def test_widget_and_run_metadata_are_dropped() -> None:
    cell = new_code_cell(
        "w",
        id="w",
        metadata={"execution": {"iopub.status.busy": "2025-01-01T00:00:00Z"}, "tags": ["keep"]},
    )
    notebook = make_notebook(cell)
    notebook.metadata["widgets"] = {"application/vnd.jupyter.widget-state+json": {}}
    exercise = build_exercise_notebook(notebook, "nb.ipynb")
    assert "widgets" not in exercise.metadata
    assert exercise.cells[0].metadata == {"tags": ["keep"]}
    assert exercise.metadata["kernelspec"]["name"] == "python3"


def test_cell_ids_are_kept() -> None:
    cells = [new_markdown_cell("# Title", id="title"), new_code_cell(SOLVED_FUNCTION, id="ans")]
    exercise = build_exercise_notebook(make_notebook(*cells), "nb.ipynb")
    assert [cell.id for cell in exercise.cells] == ["title", "ans"]


def test_solution_notebook_is_not_modified() -> None:
    notebook = make_notebook(new_code_cell(SOLVED_FUNCTION, id="ans"))
    build_exercise_notebook(notebook, "nb.ipynb")
    assert notebook.cells[0].source == SOLVED_FUNCTION


def test_cell_without_id_is_rejected(tmp_path: Path) -> None:
    raw = {
        "nbformat": 4,
        "nbformat_minor": 4,
        "metadata": {},
        "cells": [{"cell_type": "markdown", "metadata": {}, "source": "# Old"}],
    }
    solutions = tmp_path / "solutions"
    solutions.mkdir()
    (solutions / "old.ipynb").write_text(json.dumps(raw), encoding="utf-8")
    with pytest.raises(ExerciseBuildError) as caught:
        build_exercises(solutions, tmp_path / "exercises")
    assert str(caught.value) == (
        "old.ipynb: cell 1 has no id; save the notebook with nbformat 4.5 or later "
        "(JupyterLab 3 or later) so every cell gets one"
    )


def test_invalid_json_is_rejected(tmp_path: Path) -> None:
    solutions = tmp_path / "solutions"
    solutions.mkdir()
    (solutions / "broken.ipynb").write_text("{", encoding="utf-8")
    with pytest.raises(ExerciseBuildError) as caught:
        build_exercises(solutions, tmp_path / "exercises")
    assert str(caught.value).startswith("broken.ipynb: not a notebook, invalid JSON at line 1: ")


def test_empty_solutions_folder_is_rejected(tmp_path: Path) -> None:
    with pytest.raises(ExerciseBuildError) as caught:
        build_exercises(tmp_path, tmp_path / "exercises")
    assert str(caught.value) == (
        f"no solution notebooks (*.ipynb) in {str(tmp_path)!r}; "
        "pass the folder that holds them with --solutions"
    )


def test_build_writes_one_file_per_solution(tmp_path: Path) -> None:
    for name in ("02-b.ipynb", "01-a.ipynb"):
        write_notebook(tmp_path / "solutions", name, make_notebook(new_code_cell("x", id="x")))
    written = build_exercises(tmp_path / "solutions", tmp_path / "exercises")
    assert written == [tmp_path / "exercises" / "01-a.ipynb", tmp_path / "exercises" / "02-b.ipynb"]


def test_build_output_is_byte_identical(tmp_path: Path) -> None:
    notebook = make_notebook(new_code_cell(SOLVED_FUNCTION, id="ans"))
    write_notebook(tmp_path / "solutions", "nb.ipynb", notebook)
    first = build_exercises(tmp_path / "solutions", tmp_path / "one")[0].read_bytes()
    second = build_exercises(tmp_path / "solutions", tmp_path / "two")[0].read_bytes()
    assert first == second


def test_rendered_notebook_is_jupyter_json() -> None:
    text = render_notebook(make_notebook(new_code_cell("x", id="x")), "nb.ipynb")
    assert text.endswith("}\n")
    assert text.startswith('{\n "cells": [\n  {\n   "cell_type": "code",')


def test_cli_builds_exercises(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write_notebook(tmp_path / "solutions", "nb.ipynb", make_notebook(new_code_cell("x", id="x")))
    argv = ["build-exercises", "--solutions", str(tmp_path / "solutions")]
    status = cli.main([*argv, "--exercises", str(tmp_path / "exercises")])
    assert status == 0
    assert capsys.readouterr().out == f"wrote {tmp_path / 'exercises' / 'nb.ipynb'}\n"


def test_committed_exercises_match_solutions(tmp_path: Path) -> None:
    built = build_exercises(ROOT / "solutions", tmp_path)
    committed = sorted(path.name for path in (ROOT / "exercises").glob("*.ipynb"))
    assert committed == [path.name for path in built]
    for path in built:
        assert filecmp.cmp(path, ROOT / "exercises" / path.name, shallow=False), (
            f"exercises/{path.name} is stale; run: registry-dojo build-exercises"
        )
