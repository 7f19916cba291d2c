"""Tests for the SQLite progress store and its summary table."""

from __future__ import annotations

import logging
import sqlite3
import threading
from pathlib import Path

import pytest

from registry_dojo import cli, progress


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "home"
    monkeypatch.setenv("REGISTRY_DOJO_HOME", str(folder))
    return folder


def test_empty_summary_names_database(home: Path) -> None:
    assert progress.summary_table() == (
        f"No progress recorded yet. Progress is kept in {home / 'progress.sqlite3'}."
    )


def test_empty_summary_creates_no_database(home: Path) -> None:
    progress.summary_table()
    assert not (home / "progress.sqlite3").exists()


def test_record_returns_true(home: Path) -> None:
    assert progress.record("check", "m01.qualify", status="correct", points=4, max_points=4)


def test_record_stores_row(home: Path) -> None:
    progress.record("hint", "m01.parse", hint_level=2)
    with sqlite3.connect(home / "progress.sqlite3") as connection:
        row = connection.execute(
            "SELECT exercise_id, module, event, status, points, max_points, hint_level FROM events"
        ).fetchone()
    assert row == ("m01.parse", "m01", "hint", None, None, None, 2)


def test_record_uses_wal(home: Path) -> None:
    progress.record("solution", "m01.parse")
    with sqlite3.connect(home / "progress.sqlite3") as connection:
        mode = connection.execute("PRAGMA journal_mode").fetchone()[0]
    assert mode == "wal"


def test_record_rejects_unknown_event(home: Path) -> None:
    with pytest.raises(ValueError) as caught:
        progress.record("peek", "m01.parse")
    assert (
        str(caught.value) == "unknown progress event 'peek'; expected one of check, hint, solution"
    )


def test_record_failure_is_a_warning(home: Path, caplog: pytest.LogCaptureFixture) -> None:
    home.parent.mkdir(parents=True, exist_ok=True)
    home.write_text("a file, not a folder")
    with caplog.at_level(logging.WARNING, logger="registry_dojo.progress"):
        stored = progress.record("check", "m01.qualify", status="correct")
    assert stored is False
    assert "could not record check of m01.qualify as progress" in caplog.text


def test_summary_table_golden(home: Path) -> None:
    progress.record("check", "m01.qualify", status="incorrect", points=2, max_points=4)
    progress.record("hint", "m01.qualify", hint_level=1)
    progress.record("hint", "m01.qualify", hint_level=2)
    progress.record("check", "m01.qualify", status="correct", points=4, max_points=4)
    progress.record("check", "m01.qualify", status="incorrect", points=3, max_points=4)
    progress.record("solution", "m01.parse")
    progress.record("check", "m01.parse", status="not attempted", points=0, max_points=27)
    progress.record("check", "m02.digest", status="incorrect", points=0.5, max_points=3)
    progress.record("check", "m00.first_reference", status="correct", points=1, max_points=1)
    assert progress.summary_table() == (
        "Module 0: Start here\n"
        "exercise             best status  points  checks  hints  solution\n"
        "m00.first_reference  correct      1/1     1       0      -\n"
        "total: 1 of 1 points, 1 of 1 exercises correct\n"
        "\n"
        "Module 1: Image references\n"
        "exercise     best status    points  checks  hints  solution\n"
        "m01.qualify  correct        4/4     3       2      -\n"
        "m01.parse    not attempted  0/27    1       0      viewed\n"
        "total: 4 of 65 points, 1 of 7 exercises correct\n"
        "\n"
        "Module m02\n"
        "exercise    best status  points  checks  hints  solution\n"
        "m02.digest  incorrect    0.5/3   1       0      -\n"
        "total: 0.5 of 3 points, 0 of 1 exercises correct\n"
        "\n"
        "points: best score of any check; checks: how many checks ran; hints: the highest hint "
        "level shown; solution: whether show_solution() was used."
    )


def test_summary_without_checks(home: Path) -> None:
    progress.record("hint", "m01.login", hint_level=1)
    assert progress.exercises() == [
        progress.ExerciseProgress(
            exercise_id="m01.login",
            module="m01",
            best_status="not checked",
            best_points=None,
            max_points=None,
            checks=0,
            hints=1,
            solution_viewed=False,
        )
    ]


def test_concurrent_writers(home: Path) -> None:
    progress.record("check", "m01.warmup", status="correct", points=1, max_points=1)
    results: list[bool] = []

    def write(index: int) -> None:
        for _ in range(20):
            results.append(progress.record("check", f"m01.e{index}", status="correct"))

    threads = [threading.Thread(target=write, args=(index,)) for index in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert results.count(True) == 160
    checks = {item.exercise_id: item.checks for item in progress.exercises()}
    assert checks == {"m01.warmup": 1, **{f"m01.e{index}": 20 for index in range(8)}}


def test_module_of() -> None:
    assert progress.module_of("m03.gc") == "m03"
    assert progress.module_of("loose") == "loose"


def test_cli_progress(home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    progress.record("check", "m01.qualify", status="correct", points=1, max_points=1)
    assert cli.main(["progress"]) == 0
    assert capsys.readouterr().out.startswith(
        "Module 1: Image references\nexercise     best status"
    )
