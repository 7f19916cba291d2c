"""Find the lab registry when the state file cannot tell where it is.

A state file that was deleted, emptied or edited must not leave a registry running unseen:
`up()` would then start a second registry on the same storage, and `down()` would stop
nothing. The registry program is found by its command line, ``<program> serve <config>``,
which names this lab's config file and no other lab's.

NOTE: only the binary backend is searched. A container of the Docker backend is replaced by
name on the next `up()`, but `down()` without a valid state file leaves it running.
"""

from __future__ import annotations

import logging

from registry_dojo.lab import process
from registry_dojo.lab.config import listen_port
from registry_dojo.lab.files import LabFiles
from registry_dojo.lab.state import LabState

logger = logging.getLogger(__name__)


def adopt(files: LabFiles) -> LabState | None:
    """Return a state for the one registry process serving this lab's config, or None.

    The port is read from the config file, which `up()` writes just before it starts the
    registry. None when no process, or more than one, serves the config.
    """
    pids = process.find_serving(files.config)
    if len(pids) != 1:
        return None
    try:
        port = listen_port(files.config.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError):
        return None
    if port is None:
        return None
    program = process.command_line(pids[0]).rsplit(" serve ", 1)[0]
    return LabState("binary", port, str(files.config), pid=pids[0], binary=program)


def stop_strays(files: LabFiles) -> int:
    """Stop every registry process serving this lab's config, and return how many stopped."""
    stopped = 0
    for pid in process.find_serving(files.config):
        if process.stop(pid, files.config):
            logger.warning("stopped a lab registry (pid %d) that the state file did not list", pid)
            stopped += 1
    return stopped
