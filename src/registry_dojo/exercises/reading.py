"""Read a solution notebook and check the structure that building its exercise relies on.

nbformat's own reader and validator report a damaged cell as an AttributeError, a TypeError or
a JSON-schema message without the cell, so the fields the build touches are checked here first,
and each error names the file, the cell and the fix.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from nbformat import NotebookNode
from nbformat.v4.nbjson import JSONReader

from registry_dojo.errors import ExerciseBuildError

NBFORMAT_VERSION = 4
CELL_TYPES = ("code", "markdown", "raw")

# A field check: the predicate on the value, what it should be (for the message) and an example.
_FieldRule = tuple[Callable[[Any], bool], str, str]


def _is_text(value: object) -> bool:
    return isinstance(value, str) or (
        isinstance(value, list) and all(isinstance(line, str) for line in value)
    )


def _is_object(value: object) -> bool:
    return isinstance(value, dict)


def _is_list(value: object) -> bool:
    return isinstance(value, list)


def _is_list_of_objects(value: object) -> bool:
    return isinstance(value, list) and all(isinstance(item, dict) for item in value)


def _is_list_of_strings(value: object) -> bool:
    return isinstance(value, list) and all(isinstance(item, str) for item in value)


def _is_cell_type(value: object) -> bool:
    return value in CELL_TYPES


NOTEBOOK_FIELDS: Mapping[str, _FieldRule] = {
    "metadata": (_is_object, "an object", '"metadata": {}'),
    "cells": (_is_list, "a list", '"cells": []'),
}
CELL_FIELDS: Mapping[str, _FieldRule] = {
    "cell_type": (_is_cell_type, "one of 'code', 'markdown', 'raw'", '"cell_type": "code"'),
    "metadata": (_is_object, "an object", '"metadata": {}'),
    "source": (_is_text, "a string or a list of strings", '"source": ""'),
}
# Fields a cell may leave out, checked only when present.
OPTIONAL_CELL_FIELDS: Mapping[str, _FieldRule] = {
    "outputs": (_is_list_of_objects, "a list of output objects", '"outputs": []'),
    "attachments": (_is_object, "an object", '"attachments": {}'),
}
TAGS_RULE: _FieldRule = (_is_list_of_strings, "a list of strings", '"tags": ["solution-only"]')


def read_solution(path: Path) -> NotebookNode:
    """Read a solution notebook as stored, without the random cell ids nbformat would invent.

    Raises :class:`~registry_dojo.errors.ExerciseBuildError` naming the file (and the cell)
    when it cannot be read, is not UTF-8 JSON, is not nbformat 4, or has a damaged cell.
    """
    raw = _load_json(path)
    check_structure(raw, path.name)
    # nbformat's v4 reader joins the stored line lists but, unlike nbformat.read, adds no ids.
    # It also walks outputs and attachments, whose inner fields check_structure leaves alone.
    try:
        notebook: NotebookNode = JSONReader().to_notebook(raw)  # type: ignore[no-untyped-call]
    except (AttributeError, TypeError) as error:
        raise ExerciseBuildError(
            f"{path.name}: damaged notebook ({type(error).__name__}: {error}); "
            "clear its outputs and attachments, or open it in JupyterLab and save it again"
        ) from error
    return notebook


def _load_json(path: Path) -> object:
    if path.is_dir():
        raise ExerciseBuildError(
            f"{path.name}: is a folder, not a notebook; move it out of {str(path.parent)!r} "
            "or rename it so its name does not end in .ipynb"
        )
    try:
        data = path.read_bytes()
    except OSError as error:
        raise ExerciseBuildError(
            f"{path.name}: cannot read {str(path)!r}: {error.strerror}"
        ) from error
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise ExerciseBuildError(
            f"{path.name}: not a notebook, byte {data[error.start]:#04x} at offset "
            f"{error.start} is not UTF-8; save the notebook as UTF-8"
        ) from error
    try:
        return json.loads(text)
    except json.JSONDecodeError as error:
        raise ExerciseBuildError(
            f"{path.name}: not a notebook, invalid JSON at line {error.lineno}: {error.msg}"
        ) from error


def check_structure(raw: object, name: str) -> None:
    """Raise ExerciseBuildError unless `raw` is an nbformat 4 notebook with well-formed cells.

    Checks the fields the build reads or nbformat's reader touches: the notebook's ``cells``
    and ``metadata``, and each cell's ``cell_type``, ``metadata``, ``source``, ``outputs``,
    ``attachments`` and ``metadata.tags``. `name` identifies the notebook in the message.
    """
    if not isinstance(raw, dict):
        raise ExerciseBuildError(
            f"{name}: not a notebook, its JSON is {_json_kind(raw)} instead of an object "
            "with 'cells' and 'metadata'"
        )
    version = raw.get("nbformat")
    if version != NBFORMAT_VERSION:
        raise ExerciseBuildError(
            f"{name}: nbformat {version!r} is not supported; save it as nbformat 4"
        )
    for key, rule in NOTEBOOK_FIELDS.items():
        _check_field(raw, key, rule, f"{name}: the notebook", required=True)
    for number, cell in enumerate(raw["cells"], start=1):
        if not isinstance(cell, dict):
            raise ExerciseBuildError(
                f"{name}: cell {number} is {_json_kind(cell)}, expected a cell object such as "
                '{"cell_type": "code", "id": "...", "metadata": {}, "source": ""}'
            )
        where = f"{name}: {cell_label(cell, number)}"
        for key, rule in CELL_FIELDS.items():
            _check_field(cell, key, rule, where, required=True)
        for key, rule in OPTIONAL_CELL_FIELDS.items():
            _check_field(cell, key, rule, where, required=False)
        _check_field(cell["metadata"], "tags", TAGS_RULE, f"{where} metadata", required=False)


def cell_label(cell: Mapping[str, object], number: int) -> str:
    """Return ``cell 'id'`` for a cell with an id, else ``cell N`` (counting from 1)."""
    cell_id = cell.get("id")
    return f"cell {cell_id!r}" if isinstance(cell_id, str) and cell_id else f"cell {number}"


def _check_field(
    container: Mapping[str, object], key: str, rule: _FieldRule, where: str, *, required: bool
) -> None:
    is_valid, expected, example = rule
    if key not in container:
        if required:
            raise ExerciseBuildError(f"{where} has no {key!r} field; add one, such as {example}")
        return
    value = container[key]
    if not is_valid(value):
        raise ExerciseBuildError(
            f"{where} field {key!r} is {_json_kind(value)}, expected {expected}; "
            f"fix it, such as {example}"
        )


def _json_kind(value: object) -> str:
    """Name a decoded JSON value for a message: ``a list``, ``the string 'x'``, ``null``."""
    if value is None:
        return "null"
    if isinstance(value, bool | int | float):
        return f"the {type(value).__name__} {json.dumps(value)}"
    if isinstance(value, str):
        return f"the string {value!r}"
    if isinstance(value, list):
        return "a list"
    return "an object"
