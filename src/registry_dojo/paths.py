"""Where registry-dojo keeps its data: the lab registry's storage and state, and progress."""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs

HOME_ENV = "REGISTRY_DOJO_HOME"


def data_home() -> Path:
    """Return the course's data folder: ``$REGISTRY_DOJO_HOME`` if set, else the user data dir.

    The folder is created with mode 0700 if it does not exist.
    """
    configured = os.environ.get(HOME_ENV)
    home = (
        Path(configured).expanduser()
        if configured
        else Path(platformdirs.user_data_dir("registry-dojo", appauthor=False))
    )
    home.mkdir(mode=0o700, parents=True, exist_ok=True)
    return home
