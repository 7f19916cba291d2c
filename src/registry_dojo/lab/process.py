"""The "binary" backend: the registry program (``docker-registry`` or ``registry``) as a
child process in its own session, so it outlives the command or kernel that started it.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import time
from pathlib import Path

# Debian and Ubuntu package the CNCF distribution registry as `docker-registry`; upstream
# release archives and Homebrew name the program `registry`.
BINARY_NAMES = ("docker-registry", "registry")

STOP_TIMEOUT = 5.0
PROC = Path("/proc")

# Children this process started, kept so their exit status can be collected (no zombies).
_children: dict[int, subprocess.Popen[bytes]] = {}


def find_binary() -> str | None:
    """Return the path of the first registry program on PATH, or None."""
    for name in BINARY_NAMES:
        path = shutil.which(name)
        if path:
            return path
    return None


def spawn(binary: str, config: Path, log: Path) -> subprocess.Popen[bytes]:
    """Start ``binary serve config`` in a new session, with output to `log` (truncated)."""
    # The registry reads REGISTRY_* variables as config overrides (REGISTRY_HTTP_ADDR, say),
    # so the child gets none of them, including this package's REGISTRY_DOJO_* variables.
    environment = {k: v for k, v in os.environ.items() if not k.startswith("REGISTRY_")}
    descriptor = os.open(log, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        process = subprocess.Popen(
            [binary, "serve", str(config)],
            stdin=subprocess.DEVNULL,
            stdout=descriptor,
            stderr=subprocess.STDOUT,
            env=environment,
            cwd=config.parent,
            start_new_session=True,
        )
    finally:
        os.close(descriptor)
    _children[process.pid] = process
    return process


def reap() -> None:
    """Collect the exit status of children that have ended, so they leave no zombie."""
    for pid, process in list(_children.items()):
        if process.poll() is not None:
            _children.pop(pid, None)


def command_line(pid: int) -> str:
    """Return the command line of process `pid` (arguments joined by spaces), or "" if it is
    gone or a zombie."""
    if PROC.is_dir():
        try:
            raw = (PROC / str(pid) / "cmdline").read_bytes()
        except OSError:
            return ""
        return " ".join(part.decode(errors="replace") for part in raw.split(b"\0") if part)
    # Without /proc (macOS), ask ps. A zombie shows an empty or bracketed command there.
    # NOTE: tests run this branch on Linux (with PROC pointed elsewhere), never on macOS.
    result = subprocess.run(
        ["ps", "-ww", "-o", "command=", "-p", str(pid)],
        capture_output=True,
        text=True,
        check=False,
    )
    return result.stdout.strip() if result.returncode == 0 else ""


def is_lab_process(pid: int, config: Path) -> bool:
    """Return True if `pid` is alive and is a registry serving `config`.

    Checking the command line means a pid that the OS recycled for another program is
    never mistaken for the lab, and never signalled. A child that this process started and
    has not reaped is checked by the arguments it was started with instead: its pid cannot
    be recycled, and Linux shows an empty command line for a moment after exec.
    """
    reap()
    child = _children.get(pid)
    if child is not None:
        return isinstance(child.args, list) and child.args[1:] == ["serve", str(config)]
    return serves(command_line(pid), config)


def serves(command: str, config: Path) -> bool:
    """Return True if `command` (a command line) is a registry program serving `config`.

    The program is the word before ``serve``, and must be named as in BINARY_NAMES. It may
    follow an interpreter (``/bin/sh .../docker-registry``) when it is a script.
    """
    suffix = f" serve {config}"
    if not command.endswith(suffix):
        return False
    return Path(command[: -len(suffix)]).name in BINARY_NAMES


def find_serving(config: Path) -> list[int]:
    """Return the pids of every registry process serving `config`, in ascending order."""
    reap()
    return sorted(pid for pid, command in _command_lines() if serves(command, config))


def _command_lines() -> list[tuple[int, str]]:
    if PROC.is_dir():
        pids = [int(entry.name) for entry in PROC.iterdir() if entry.name.isdigit()]
        return [(pid, command_line(pid)) for pid in pids]
    result = subprocess.run(
        ["ps", "-ww", "-ax", "-o", "pid=,command="],
        capture_output=True,
        text=True,
        check=False,
    )
    lines = [line.strip().partition(" ") for line in result.stdout.splitlines()]
    return [(int(pid), command.strip()) for pid, _, command in lines if pid.isdigit()]


def stop(pid: int, config: Path, timeout: float = STOP_TIMEOUT) -> bool:
    """Stop the lab registry `pid` (SIGTERM, then SIGKILL after `timeout` seconds).

    Return False without signalling anything if `pid` is not the registry serving `config`.
    """
    if not is_lab_process(pid, config):
        return False
    _signal(pid, signal.SIGTERM)
    # A stopped process (SIGSTOP, a debugger) handles SIGTERM only once it continues.
    _signal(pid, signal.SIGCONT)
    if not _wait_gone(pid, config, timeout):
        _signal(pid, signal.SIGKILL)
        _wait_gone(pid, config, timeout)
    return True


def _signal(pid: int, number: signal.Signals) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, number)


def _wait_gone(pid: int, config: Path, timeout: float) -> bool:
    process = _children.get(pid)
    if process is not None:
        try:
            process.wait(timeout)
        except subprocess.TimeoutExpired:
            return False
        reap()
        return True
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not is_lab_process(pid, config):
            return True
        time.sleep(0.02)
    return False
