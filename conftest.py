"""Test-session setup shared by the unit tests, the integration tests and nbval.

Every test session gets its own data folder, so the tests never touch a learner's lab or
progress, and notebook kernels started by nbval inherit it through the environment.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import pytest

_created_home: Path | None = None


def pytest_configure(config: pytest.Config) -> None:
    global _created_home
    if "REGISTRY_DOJO_HOME" in os.environ and os.environ.get("REGISTRY_DOJO_KEEP_HOME") == "1":
        return
    _created_home = Path(tempfile.mkdtemp(prefix="registry-dojo-test-"))
    os.environ["REGISTRY_DOJO_HOME"] = str(_created_home)


def pytest_unconfigure(config: pytest.Config) -> None:
    if _created_home is None:
        return
    try:
        from registry_dojo import lab

        lab.down(_created_home)
    finally:
        shutil.rmtree(_created_home, ignore_errors=True)
