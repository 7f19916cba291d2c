"""The course's data folder: the lab registry's storage and state, and the progress."""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs

from registry_dojo.errors import DataHomeError

HOME_ENV = "REGISTRY_DOJO_HOME"
WRITABLE_FOLDER_FIX = f"set {HOME_ENV} to a folder you can write"


def data_home() -> Path:
    """Return the course's data folder: ``$REGISTRY_DOJO_HOME`` if set, else the user data dir.

    The folder is created with mode 0700 if it does not exist. Raises DataHomeError when it
    cannot be created (a file of that name, a read-only file system).
    """
    configured = os.environ.get(HOME_ENV)
    home = (
        Path(configured).expanduser()
        if configured
        else Path(platformdirs.user_data_dir("registry-dojo", appauthor=False))
    )
    try:
        home.mkdir(mode=0o700, parents=True, exist_ok=True)
    except OSError as error:
        raise DataHomeError(
            f"cannot create the data folder {str(home)!r}: {describe_os_error(error)}; "
            f"{WRITABLE_FOLDER_FIX}"
        ) from error
    return home


def describe_os_error(error: OSError) -> str:
    """Describe why a file operation failed, naming the file that blocks a folder path.

    mkdir reports "File exists" or "Not a directory" for a file where a folder should be,
    which does not say which part of the path is the file.
    """
    if isinstance(error, (FileExistsError, NotADirectoryError)) and error.filename:
        requested = Path(os.fsdecode(error.filename))
        for path in (*reversed(requested.parents), requested):
            if path.exists() and not path.is_dir():
                name = "it" if path == requested else repr(str(path))
                return f"{name} is a file, not a folder"
    return error.strerror or str(error)
