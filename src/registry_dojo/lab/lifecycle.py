"""Start, find and stop the lab registry, with state shared through the lab folder.

The CLI and every notebook kernel call these functions on the same folder. A file lock makes
concurrent `up()` calls start one registry, and the recorded state lets any of them find,
probe and stop it.
"""

from __future__ import annotations

import logging
import secrets
import time
from pathlib import Path
from typing import TYPE_CHECKING

from registry_dojo.errors import LabError, RegistryBinaryNotFound
from registry_dojo.lab import container, process, recovery
from registry_dojo.lab.config import render_config
from registry_dojo.lab.files import Credentials, LabFiles, lab_error, write_private
from registry_dojo.lab.info import LabInfo
from registry_dojo.lab.network import LOOPBACK, free_port, port_is_free, registry_answers
from registry_dojo.lab.state import LabState
from registry_dojo.paths import HOME_ENV, data_home

if TYPE_CHECKING:
    from docker import DockerClient

logger = logging.getLogger(__name__)

START_TIMEOUT = 20.0
# Another program can take a free port between choosing it and the registry binding it.
START_ATTEMPTS = 3
POLL_INTERVAL = 0.02

MISSING_BACKEND = (
    "no registry program (docker-registry or registry) on PATH and no Docker engine to run "
    "the registry:2 image; install the Debian/Ubuntu package docker-registry "
    "(sudo apt-get install docker-registry)"
)


def up(home: Path | None = None) -> LabInfo:
    """Start the lab registry unless it is running, and return how to reach it.

    A recorded lab that died or stopped responding is stopped and started again, on the same
    port when that port is still free. Without a valid state file, a registry that serves
    this lab's config is adopted when it responds and stopped otherwise, so one storage never
    has two registries. Raises RegistryBinaryNotFound when there is nothing to run the
    registry with, and LabError when it does not come up or the lab folder cannot be written.
    """
    files = _lab_files(home)
    _check_utf8(files)
    try:
        files.ensure_folders()
    except OSError as error:
        raise lab_error(error, "create") from error
    try:
        with files.lock():
            return _up_locked(files)
    except OSError as error:
        raise lab_error(error) from error


def down(home: Path | None = None) -> bool:
    """Stop the lab registry; return True if a running registry was stopped.

    A registry serving this lab's config is stopped even when the state file does not list
    it. The credentials, storage and port stay on record for the next `up()`.
    """
    files = _lab_files(home)
    if not files.root.is_dir():
        return False
    try:
        with files.lock():
            state = files.read_state() or recovery.adopt(files)
            stopped = state is not None and _stop(state)
            if state is not None and state != state.stopped():
                _record_stopped(files, state)
            strays = recovery.stop_strays(files)
    except OSError as error:
        raise lab_error(error) from error
    if stopped and state is not None:
        logger.info("stopped the lab registry on port %d (backend %s)", state.port, state.backend)
    return stopped or strays > 0


def status(home: Path | None = None) -> LabInfo | None:
    """Return the running lab registry, or None if it is not running or does not respond.

    Without a valid state file, a registry process serving this lab's config counts.
    """
    files = _lab_files(home)
    state = files.read_state() or recovery.adopt(files)
    if state is None:
        return None
    return _running_info(files, state)


def connect() -> LabInfo:
    """Return the lab registry of the current data home, starting it if needed (notebooks)."""
    return status() or up()


def _up_locked(files: LabFiles) -> LabInfo:
    previous = files.read_state()
    if previous is None:
        previous = recovery.adopt(files)
        if previous is not None:
            logger.warning(
                "found the lab registry (pid %s) running without a valid state file; "
                "recording it in %s",
                previous.pid,
                files.state,
            )
            files.write_state(previous)
    if previous is not None:
        info = _running_info(files, previous)
        if info is not None:
            return info
        logger.info("the lab registry on port %d is not running; restarting it", previous.port)
        _stop(previous)
        files.write_state(previous.stopped())
    recovery.stop_strays(files)
    return _start(files, previous)


def _record_stopped(files: LabFiles, state: LabState) -> None:
    """Record that `state`'s registry has stopped. A failure is logged, not raised, because
    the registry is already gone, and a state naming a dead process counts as stopped."""
    try:
        files.write_state(state.stopped())
    except OSError as error:
        logger.warning("the lab registry stopped, but %s was not updated: %s", files.state, error)


def _check_utf8(files: LabFiles) -> None:
    try:
        str(files.home).encode("utf-8")
    except UnicodeEncodeError as error:
        raise LabError(
            f"the lab folder path {str(files.home)!r} is not valid UTF-8, which the "
            f"registry's YAML config requires; set {HOME_ENV} to a folder whose path is "
            "valid UTF-8"
        ) from error


def _lab_files(home: Path | None) -> LabFiles:
    return LabFiles((home if home is not None else data_home()).resolve())


def _info(files: LabFiles, state: LabState, credentials: Credentials) -> LabInfo:
    host = f"{LOOPBACK}:{state.port}"
    return LabInfo(
        host=host,
        url=f"http://{host}",
        username=credentials.username,
        password=credentials.password,
        pid=state.pid,
        backend=state.backend,
        docker_config=files.docker_config,
        home=files.home,
    )


def _running_info(files: LabFiles, state: LabState) -> LabInfo | None:
    credentials = files.read_credentials()
    if credentials is None or not files.htpasswd_matches(credentials) or not _is_alive(state):
        return None
    info = _info(files, state, credentials)
    return info if registry_answers(info.url) else None


def _is_alive(state: LabState, client: DockerClient | None = None) -> bool:
    if state.backend == "docker":
        client = client or container.engine()
        if client is None or state.container_id is None:
            return False
        return container.is_running(client, state.container_id)
    return state.pid is not None and process.is_lab_process(state.pid, Path(state.config))


def _stop(state: LabState) -> bool:
    if state.backend == "docker":
        client = container.engine()
        if client is None or state.container_id is None:
            return False
        return container.remove(client, state.container_id)
    if state.pid is None:
        return False
    return process.stop(state.pid, Path(state.config))


def _start(files: LabFiles, previous: LabState | None) -> LabInfo:
    credentials = files.ensure_credentials()
    binary = process.find_binary()
    client = None if binary else container.engine()
    if binary is None and client is None:
        raise RegistryBinaryNotFound(MISSING_BACKEND)

    began = time.monotonic()
    port = previous.port if previous and port_is_free(previous.port) else free_port()
    for attempt in range(1, START_ATTEMPTS + 1):
        state = _launch(files, binary, client, port)
        _record_started(files, state)
        failure = _wait_until_up(files, state, client)
        if failure is None:
            break
        _stop(state)
        files.write_state(state.stopped())
        if attempt == START_ATTEMPTS or "address already in use" not in failure:
            raise LabError(failure)
        logger.info("port %d was taken while the lab registry started; trying another", port)
        port = free_port()

    stale = f"{LOOPBACK}:{previous.port}" if previous else None
    info = _info(files, state, credentials)
    files.write_docker_config(info.host, credentials, stale)
    logger.info(
        "started the lab registry at %s (backend %s, pid %s) in %.2f s",
        info.url,
        info.backend,
        info.pid,
        time.monotonic() - began,
    )
    return info


def _record_started(files: LabFiles, state: LabState) -> None:
    """Record a registry that just started, or stop it if the state cannot be written, so
    no registry runs without a record."""
    try:
        files.write_state(state)
    except BaseException:
        _stop(state)
        raise


def _launch(
    files: LabFiles, binary: str | None, client: DockerClient | None, port: int
) -> LabState:
    if binary is not None:
        return _launch_process(files, binary, port)
    if client is not None:
        return _launch_container(files, client, port)
    raise RegistryBinaryNotFound(MISSING_BACKEND)


def _launch_process(files: LabFiles, binary: str, port: int) -> LabState:
    config = render_config(
        addr=f"{LOOPBACK}:{port}",
        storage=files.storage,
        htpasswd=files.htpasswd,
        secret=secrets.token_urlsafe(32),
    )
    write_private(files.config, config)
    child = process.spawn(binary, files.config, files.log)
    return LabState("binary", port, str(files.config), pid=child.pid, binary=binary)


def _launch_container(files: LabFiles, client: DockerClient, port: int) -> LabState:
    host_network = not container.has_bridge_network(client)
    config = render_config(
        addr=f"{LOOPBACK}:{port}" if host_network else container.CONTAINER_ADDR,
        storage=container.STORAGE_PATH,
        htpasswd=container.HTPASSWD_PATH,
        secret=secrets.token_urlsafe(32),
    )
    write_private(files.config, config)
    started = container.run(client, files, port, host_network=host_network)
    return LabState("docker", port, str(files.config), container_id=started.id)


def _wait_until_up(files: LabFiles, state: LabState, client: DockerClient | None) -> str | None:
    """Wait until the new registry responds. Return None, or what went wrong with its log."""
    url = f"http://{LOOPBACK}:{state.port}"
    timeout = START_TIMEOUT
    deadline = time.monotonic() + timeout
    while True:
        if registry_answers(url):
            return None
        if not _is_alive(state, client):
            problem = f"the lab registry (backend {state.backend}) exited while starting"
            break
        if time.monotonic() > deadline:
            problem = f"the lab registry did not answer at {url}/v2/ within {timeout:g} s"
            break
        time.sleep(POLL_INTERVAL)
    if client is not None and state.container_id is not None:
        where = f"container {state.container_id}"
        tail = container.log_tail(client, state.container_id)
    else:
        where, tail = str(files.log), files.log_tail()
    return (
        f"{problem}; fix what its log shows, then run: registry-dojo lab up\n"
        f"last lines of {where}:\n{tail}"
    )
