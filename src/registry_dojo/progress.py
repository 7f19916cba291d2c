"""The learner's progress: every check, hint and solution view, kept in SQLite.

The database is ``progress.sqlite3`` in :func:`registry_dojo.paths.data_home`. Several notebook
kernels may write at once, so the database uses write-ahead logging, each write is one short
transaction, and a busy database is retried for up to :data:`BUSY_TIMEOUT_SECONDS`.
Recording is best effort: if the database cannot be written (a read-only data folder, say),
:func:`record` logs a warning and returns False, so a check still shows its result.
"""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from registry_dojo import paths

logger = logging.getLogger(__name__)

DB_NAME = "progress.sqlite3"
BUSY_TIMEOUT_SECONDS = 10.0
EVENTS = ("check", "hint", "solution")
_STATUS_RANK = {"correct": 3, "incorrect": 2, "not attempted": 1}

_SCHEMA = """
CREATE TABLE IF NOT EXISTS events (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    time TEXT NOT NULL,
    exercise_id TEXT NOT NULL,
    module TEXT NOT NULL,
    event TEXT NOT NULL CHECK (event IN ('check', 'hint', 'solution')),
    status TEXT,
    points REAL,
    max_points REAL,
    hint_level INTEGER
);
CREATE INDEX IF NOT EXISTS events_by_exercise ON events (exercise_id);
"""


def db_path() -> Path:
    """Return the path of the progress database (it may not exist yet)."""
    return paths.data_home() / DB_NAME


def module_of(exercise_id: str) -> str:
    """Return the module an exercise belongs to: the id before its first dot (``m01``)."""
    return exercise_id.split(".", 1)[0]


@contextmanager
def _connect(path: Path, *, write: bool) -> Iterator[sqlite3.Connection]:
    with closing(sqlite3.connect(path, timeout=BUSY_TIMEOUT_SECONDS)) as connection:
        if write:
            connection.execute("PRAGMA journal_mode=WAL")
            connection.executescript(_SCHEMA)
        yield connection


def record(
    event: str,
    exercise_id: str,
    *,
    status: str | None = None,
    points: float | None = None,
    max_points: float | None = None,
    hint_level: int | None = None,
) -> bool:
    """Store one event (``check``, ``hint`` or ``solution``); return False if it failed.

    A failure to write (OSError or sqlite3.Error) is logged as a warning and not raised,
    because progress must not stop a check. An unknown `event` is a programming error and
    raises ValueError.
    """
    if event not in EVENTS:
        raise ValueError(f"unknown progress event {event!r}; expected one of {', '.join(EVENTS)}")
    time = datetime.now(timezone.utc).isoformat(timespec="seconds")
    row = (time, exercise_id, module_of(exercise_id), event, status, points, max_points, hint_level)
    try:
        path = db_path()
        with _connect(path, write=True) as connection, connection:
            connection.execute(
                "INSERT INTO events (time, exercise_id, module, event, status, points,"
                " max_points, hint_level) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                row,
            )
    except (OSError, sqlite3.Error) as error:
        logger.warning("could not record %s of %s as progress: %s", event, exercise_id, error)
        return False
    return True


@dataclass(frozen=True)
class ExerciseProgress:
    """The learner's activity on one exercise: best result, checks, hints and solution views."""

    exercise_id: str
    module: str
    best_status: str
    best_points: float | None
    max_points: float | None
    checks: int
    hints: int
    solution_viewed: bool


_SUMMARY_QUERY = """
SELECT exercise_id, module,
       MAX(CASE status WHEN 'correct' THEN 3 WHEN 'incorrect' THEN 2
                       WHEN 'not attempted' THEN 1 END),
       MAX(points), MAX(max_points),
       SUM(event = 'check'), MAX(CASE WHEN event = 'hint' THEN hint_level END),
       MAX(event = 'solution')
FROM events GROUP BY exercise_id ORDER BY MIN(id)
"""


def exercises() -> list[ExerciseProgress]:
    """Return the progress on every exercise seen so far, in the order first seen."""
    path = db_path()
    if not path.exists():
        return []
    names = {rank: name for name, rank in _STATUS_RANK.items()}
    with _connect(path, write=False) as connection:
        rows = connection.execute(_SUMMARY_QUERY).fetchall()
    return [
        ExerciseProgress(
            exercise_id=exercise_id,
            module=module,
            best_status=names.get(rank, "not checked"),
            best_points=best_points,
            max_points=max_points,
            checks=checks,
            hints=hints or 0,
            solution_viewed=bool(solution),
        )
        for exercise_id, module, rank, best_points, max_points, checks, hints, solution in rows
    ]


LEGEND = (
    "points: best score of any check; checks: how many checks ran; hints: the highest hint "
    "level shown; solution: whether show_solution() was used."
)


@dataclass(frozen=True)
class ModuleInfo:
    """A module's title and the maximum points of each of its exercises, by exercise id."""

    title: str
    max_points: dict[str, float]


def _catalogue() -> dict[str, ModuleInfo]:
    """Return the course's modules by id (``m01``), from :mod:`registry_dojo.checks`."""
    # Imported here because registry_dojo.checks records its events through this module.
    from registry_dojo.checks import MODULES

    modules: dict[str, ModuleInfo] = {}
    for module in MODULES:
        maxima = {exercise.id: exercise.max_points for exercise in module.EXERCISES}
        modules[module_of(next(iter(maxima)))] = ModuleInfo(module.TITLE, maxima)
    return modules


def _format_score(item: ExerciseProgress) -> str:
    if item.best_points is None or item.max_points is None:
        return "-"
    return f"{_number(item.best_points)}/{_number(item.max_points)}"


def _number(value: float) -> str:
    return f"{round(value, 2):g}"


def _totals(items: list[ExerciseProgress], info: ModuleInfo | None) -> str:
    points = sum(item.best_points or 0.0 for item in items)
    correct = sum(item.best_status == "correct" for item in items)
    if info is None:
        maximum = sum(item.max_points or 0.0 for item in items)
        count = len(items)
    else:
        maximum = sum(info.max_points.values())
        count = len(info.max_points)
    return (
        f"total: {_number(points)} of {_number(maximum)} points, "
        f"{correct} of {count} exercises correct"
    )


def _module_table(module: str, items: list[ExerciseProgress], info: ModuleInfo | None) -> str:
    header = ("exercise", "best status", "points", "checks", "hints", "solution")
    rows = [
        (
            item.exercise_id,
            item.best_status,
            _format_score(item),
            str(item.checks),
            str(item.hints),
            "viewed" if item.solution_viewed else "-",
        )
        for item in items
    ]
    widths = [max(len(row[column]) for row in [header, *rows]) for column in range(len(header))]
    lines = [info.title if info else f"Module {module}"]
    for row in [header, *rows]:
        lines.append(
            "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip()
        )
    lines.append(_totals(items, info))
    return "\n".join(lines)


def summary_table() -> str:
    """Render progress as one plain-text table per module, each with a totals line.

    Columns: exercise, best status, best points out of the maximum, number of checks, the
    highest hint level shown, and whether the solution was viewed. A legend line ends the
    text. For a module in :data:`registry_dojo.checks.MODULES`, the totals count every exercise,
    checked or not.
    """
    try:
        path = db_path()
    except OSError as error:
        return f"Could not open the registry-dojo data folder: {error}"
    try:
        items = exercises()
    except sqlite3.Error as error:
        return f"Could not read progress from {path}: {error}"
    if not items:
        return f"No progress recorded yet. Progress is kept in {path}."
    modules: dict[str, list[ExerciseProgress]] = {}
    for item in items:
        modules.setdefault(item.module, []).append(item)
    catalogue = _catalogue()
    tables = [
        _module_table(module, group, catalogue.get(module))
        for module, group in sorted(modules.items())
    ]
    return "\n\n".join([*tables, LEGEND])
