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


# ---- markers that are almost right ------------------------------------------------------


NEAR_MISS_SUFFIX = (
    "looks like a solution marker but is not one, so the solution would be copied into the "
    "exercise; write {expected!r} exactly, alone on its line"
)


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("## BEGIN SOLUTION", "### BEGIN SOLUTION"),
        ("###BEGIN SOLUTION", "### BEGIN SOLUTION"),
        ("### Begin Solution", "### BEGIN SOLUTION"),
        ("#### BEGIN  SOLUTION", "### BEGIN SOLUTION"),
        ("# begin_solution", "### BEGIN SOLUTION"),
        ("## END SOLUTION", "### END SOLUTION"),
        ("### end solution", "### END SOLUTION"),
        ("BEGIN SOLUTION", "### BEGIN SOLUTION"),
    ],
)
def test_near_miss_code_marker_is_rejected(line: str, expected: str) -> None:
    source = f"def answer():\n    {line}\n    return 42\n"
    with pytest.raises(ExerciseBuildError) as caught:
        replace_solution_regions(source, "code", where="nb.ipynb: cell 'ans'")
    assert str(caught.value) == (
        f"nb.ipynb: cell 'ans', line 2: {line!r} " + NEAR_MISS_SUFFIX.format(expected=expected)
    )


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("**BEGIN SOLUTION**", "### BEGIN SOLUTION"),
        ("<!-- END SOLUTION -->", "### END SOLUTION"),
        ("## Begin solution", "### BEGIN SOLUTION"),
    ],
)
def test_near_miss_markdown_marker_is_rejected(line: str, expected: str) -> None:
    with pytest.raises(ExerciseBuildError) as caught:
        replace_solution_regions(f"Why?\n{line}\n", "markdown", where="nb.ipynb: cell 'why'")
    assert str(caught.value) == (
        f"nb.ipynb: cell 'why', line 2: {line!r} " + NEAR_MISS_SUFFIX.format(expected=expected)
    )


def test_marker_words_in_prose_are_kept() -> None:
    source = "Everything up to the END SOLUTION line is hidden.\n# the begin of a solution\n"
    assert replace_solution_regions(source, "markdown") == source


def test_near_miss_marker_fails_build_and_writes_nothing(tmp_path: Path) -> None:
    source = SOLVED_FUNCTION.replace("### BEGIN", "## BEGIN").replace("### END", "## END")
    write_notebook(tmp_path / "solutions", "nb.ipynb", make_notebook(new_code_cell(source, id="a")))
    with pytest.raises(ExerciseBuildError) as caught:
        build_exercises(tmp_path / "solutions", tmp_path / "exercises")
    assert str(caught.value).startswith("nb.ipynb: cell 'a', line 2: '## BEGIN SOLUTION' looks ")
    assert not (tmp_path / "exercises").exists()


# ---- damaged notebooks ------------------------------------------------------------------


def valid_raw_cell() -> dict[str, object]:
    return {"cell_type": "code", "id": "c1", "metadata": {}, "source": "x = 1", "outputs": []}


def raw_notebook(*cells: object, **fields: object) -> dict[str, object]:
    notebook: dict[str, object] = {
        "nbformat": 4,
        "nbformat_minor": 5,
        "metadata": {},
        "cells": list(cells),
    }
    notebook.update(fields)
    return notebook


def without(mapping: dict[str, object], key: str) -> dict[str, object]:
    return {name: value for name, value in mapping.items() if name != key}


def with_field(mapping: dict[str, object], key: str, value: object) -> dict[str, object]:
    return {**mapping, key: value}


DAMAGED_NOTEBOOKS = [
    (
        without(raw_notebook(), "cells"),
        "bad.ipynb: the notebook has no 'cells' field; add one, such as \"cells\": []",
    ),
    (
        without(raw_notebook(), "metadata"),
        "bad.ipynb: the notebook has no 'metadata' field; add one, such as \"metadata\": {}",
    ),
    (
        raw_notebook(cells={}),
        "bad.ipynb: the notebook field 'cells' is an object, expected a list; "
        'fix it, such as "cells": []',
    ),
    (
        raw_notebook("x = 1"),
        "bad.ipynb: cell 1 is the string 'x = 1', expected a cell object such as "
        '{"cell_type": "code", "id": "...", "metadata": {}, "source": ""}',
    ),
    (
        raw_notebook(without(valid_raw_cell(), "source")),
        "bad.ipynb: cell 'c1' has no 'source' field; add one, such as \"source\": \"\"",
    ),
    (
        raw_notebook(without(valid_raw_cell(), "metadata")),
        "bad.ipynb: cell 'c1' has no 'metadata' field; add one, such as \"metadata\": {}",
    ),
    (
        raw_notebook(without(without(valid_raw_cell(), "cell_type"), "id")),
        'bad.ipynb: cell 1 has no \'cell_type\' field; add one, such as "cell_type": "code"',
    ),
    (
        raw_notebook(with_field(valid_raw_cell(), "cell_type", "python")),
        "bad.ipynb: cell 'c1' field 'cell_type' is the string 'python', expected one of "
        "'code', 'markdown', 'raw'; fix it, such as \"cell_type\": \"code\"",
    ),
    (
        raw_notebook(with_field(valid_raw_cell(), "source", None)),
        "bad.ipynb: cell 'c1' field 'source' is null, expected a string or a list of "
        'strings; fix it, such as "source": ""',
    ),
    (
        raw_notebook(with_field(valid_raw_cell(), "source", ["x", 1])),
        "bad.ipynb: cell 'c1' field 'source' is a list, expected a string or a list of "
        'strings; fix it, such as "source": ""',
    ),
    (
        raw_notebook(with_field(valid_raw_cell(), "outputs", [5])),
        "bad.ipynb: cell 'c1' field 'outputs' is a list, expected a list of output objects; "
        'fix it, such as "outputs": []',
    ),
    (
        raw_notebook(with_field(valid_raw_cell(), "metadata", {"tags": "solution-only"})),
        "bad.ipynb: cell 'c1' metadata field 'tags' is the string 'solution-only', expected a "
        'list of strings; fix it, such as "tags": ["solution-only"]',
    ),
    (
        [1, 2],
        "bad.ipynb: not a notebook, its JSON is a list instead of an object with 'cells' "
        "and 'metadata'",
    ),
    (
        raw_notebook(nbformat=3),
        "bad.ipynb: nbformat 3 is not supported; save it as nbformat 4",
    ),
]


@pytest.mark.parametrize(("raw", "message"), DAMAGED_NOTEBOOKS)
def test_damaged_notebook_is_rejected(tmp_path: Path, raw: object, message: str) -> None:
    solutions = tmp_path / "solutions"
    solutions.mkdir()
    (solutions / "bad.ipynb").write_text(json.dumps(raw), encoding="utf-8")
    with pytest.raises(ExerciseBuildError) as caught:
        build_exercises(solutions, tmp_path / "exercises")
    assert str(caught.value) == message
    assert not (tmp_path / "exercises").exists()


def test_damaged_output_data_is_rejected(tmp_path: Path) -> None:
    output = {"output_type": "display_data", "data": [], "metadata": {}}
    raw = raw_notebook(with_field(valid_raw_cell(), "outputs", [output]))
    solutions = tmp_path / "solutions"
    solutions.mkdir()
    (solutions / "bad.ipynb").write_text(json.dumps(raw), encoding="utf-8")
    with pytest.raises(ExerciseBuildError) as caught:
        build_exercises(solutions, tmp_path / "exercises")
    assert str(caught.value) == (
        "bad.ipynb: damaged notebook (AttributeError: 'list' object has no attribute 'items'); "
        "clear its outputs and attachments, or open it in JupyterLab and save it again"
    )


def test_non_utf8_notebook_is_rejected(tmp_path: Path) -> None:
    solutions = tmp_path / "solutions"
    solutions.mkdir()
    (solutions / "latin.ipynb").write_bytes(b'{"cells": "caf\xe9"}')
    with pytest.raises(ExerciseBuildError) as caught:
        build_exercises(solutions, tmp_path / "exercises")
    assert str(caught.value) == (
        "latin.ipynb: not a notebook, byte 0xe9 at offset 14 is not UTF-8; "
        "save the notebook as UTF-8"
    )


def test_folder_named_like_notebook_is_rejected(tmp_path: Path) -> None:
    solutions = tmp_path / "solutions"
    (solutions / "x.ipynb").mkdir(parents=True)
    with pytest.raises(ExerciseBuildError) as caught:
        build_exercises(solutions, tmp_path / "exercises")
    assert str(caught.value) == (
        f"x.ipynb: is a folder, not a notebook; move it out of {str(solutions)!r} "
        "or rename it so its name does not end in .ipynb"
    )


def test_broken_second_notebook_writes_nothing(tmp_path: Path) -> None:
    solutions = tmp_path / "solutions"
    write_notebook(solutions, "01-good.ipynb", make_notebook(new_code_cell("x", id="x")))
    (solutions / "02-bad.ipynb").write_text("{", encoding="utf-8")
    exercises = tmp_path / "exercises"
    exercises.mkdir()
    (exercises / "01-good.ipynb").write_text("old", encoding="utf-8")
    with pytest.raises(ExerciseBuildError):
        build_exercises(solutions, exercises)
    assert sorted(path.name for path in exercises.iterdir()) == ["01-good.ipynb"]
    assert (exercises / "01-good.ipynb").read_text(encoding="utf-8") == "old"


def test_exercises_path_that_is_a_file_is_rejected(tmp_path: Path) -> None:
    write_notebook(tmp_path / "solutions", "nb.ipynb", make_notebook(new_code_cell("x", id="x")))
    target = tmp_path / "exercises"
    target.write_text("not a folder", encoding="utf-8")
    with pytest.raises(ExerciseBuildError) as caught:
        build_exercises(tmp_path / "solutions", target)
    assert str(caught.value) == (
        f"the exercises folder {str(target)!r} is a file; pass a folder with --exercises "
        "(it is created if missing)"
    )


def test_exercises_folder_equal_to_solutions_is_rejected(tmp_path: Path) -> None:
    solutions = tmp_path / "solutions"
    path = write_notebook(solutions, "nb.ipynb", make_notebook(new_code_cell(SOLVED_FUNCTION)))
    before = path.read_bytes()
    with pytest.raises(ExerciseBuildError) as caught:
        build_exercises(solutions, tmp_path / "solutions" / ".")
    assert str(caught.value) == (
        f"the exercises folder {str(solutions / '.')!r} is the solutions folder, so the build "
        "would overwrite the solutions; pass another folder with --exercises"
    )
    assert path.read_bytes() == before


def test_folder_in_place_of_exercise_is_rejected(tmp_path: Path) -> None:
    write_notebook(tmp_path / "solutions", "nb.ipynb", make_notebook(new_code_cell("x", id="x")))
    (tmp_path / "exercises" / "nb.ipynb").mkdir(parents=True)
    with pytest.raises(ExerciseBuildError) as caught:
        build_exercises(tmp_path / "solutions", tmp_path / "exercises")
    target = tmp_path / "exercises" / "nb.ipynb"
    assert str(caught.value) == (
        f"cannot write {str(target)!r}: a folder has that name; remove or rename it"
    )


def test_write_failure_changes_nothing(tmp_path: Path) -> None:
    for name in ("01-a.ipynb", "02-b.ipynb"):
        write_notebook(tmp_path / "solutions", name, make_notebook(new_code_cell("x", id="x")))
    exercises = tmp_path / "exercises"
    exercises.mkdir()
    (exercises / "01-a.ipynb").write_text("old", encoding="utf-8")
    (exercises / "02-b.ipynb.partial").mkdir()
    with pytest.raises(ExerciseBuildError) as caught:
        build_exercises(tmp_path / "solutions", exercises)
    blocked = exercises / "02-b.ipynb.partial"
    assert str(caught.value) == (
        f"cannot write {str(blocked)!r}: Is a directory; no exercise notebook was changed"
    )
    assert (exercises / "01-a.ipynb").read_text(encoding="utf-8") == "old"
    assert sorted(path.name for path in exercises.iterdir()) == ["01-a.ipynb", blocked.name]


def test_cli_reports_near_miss_marker(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    source = "## BEGIN SOLUTION\nx = 1\n## END SOLUTION"
    write_notebook(tmp_path / "solutions", "nb.ipynb", make_notebook(new_code_cell(source, id="a")))
    argv = ["build-exercises", "--solutions", str(tmp_path / "solutions")]
    status = cli.main([*argv, "--exercises", str(tmp_path / "exercises")])
    assert status == 1
    assert capsys.readouterr().err.endswith(
        "registry-dojo: error: nb.ipynb: cell 'a', line 1: '## BEGIN SOLUTION' "
        + NEAR_MISS_SUFFIX.format(expected="### BEGIN SOLUTION")
        + "\n"
    )
