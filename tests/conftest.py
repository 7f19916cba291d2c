"""Fixtures shared by the test modules: the session's lab registry and private lab folders."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from registry_dojo import lab as lab_module


@pytest.fixture(scope="session")
def lab() -> lab_module.LabInfo:
    """The lab registry of the test session's data home (REGISTRY_DOJO_HOME, set by the root
    conftest.py, which also stops the registry when the session ends)."""
    return lab_module.up()


@pytest.fixture
def lab_home(tmp_path: Path) -> Iterator[Path]:
    """A data home of the test's own, whose lab registry is stopped after the test."""
    home = tmp_path / "home"
    yield home
    lab_module.down(home)
