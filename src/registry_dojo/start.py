"""`registry-dojo start`: the lab registry plus JupyterLab on the course folder.

This module is the command itself, so it prints to the terminal: the JupyterLab URL with its
token, and how to stop things.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx

from registry_dojo import lab
from registry_dojo.cli import command_name
from registry_dojo.lab.network import LOOPBACK, free_port

START_NOTEBOOK = Path("notebooks") / "00-start-here.ipynb"
READY_TIMEOUT = 120.0
STOP_TIMEOUT = 30.0
STOP_SIGNALS = (signal.SIGTERM, signal.SIGHUP)


def start(port: int | None = None, open_browser: bool = True, root: Path | None = None) -> int:
    """Start the lab registry if needed, then run JupyterLab on 127.0.0.1 until it stops.

    Kernels get the lab's settings (REGISTRY_DOJO_* without the password, DOCKER_CONFIG)
    through the environment. Returns JupyterLab's exit status. The lab registry keeps running.
    """
    info = lab.up()
    print(f"lab registry running at {info.url} (user {info.username})")
    root_dir = (root if root is not None else Path.cwd()).resolve()
    port = port if port is not None else free_port()
    token = secrets.token_urlsafe(24)
    page = "/lab"
    if (root_dir / START_NOTEBOOK).is_file():
        page = f"/lab/tree/{START_NOTEBOOK.as_posix()}"

    environment = kernel_environment(info, token)
    command = jupyter_command(root_dir, port, page, open_browser)
    # A session of its own: Ctrl-C reaches only this process, which then stops JupyterLab
    # with SIGTERM instead of JupyterLab asking "Shutdown this Jupyter server (y/[n])?".
    jupyter = subprocess.Popen(
        command, env=environment, cwd=root_dir, stdin=subprocess.DEVNULL, start_new_session=True
    )
    try:
        with _forward_stop_signals(jupyter):
            if _wait_ready(jupyter, port, token):
                print(f"JupyterLab is running at http://{LOOPBACK}:{port}{page}?token={token}")
                print("Press Ctrl-C to stop JupyterLab.", flush=True)
            status = jupyter.wait()
    except KeyboardInterrupt:
        status = _stop(jupyter)
    # After a SIGHUP the terminal may be gone, and writing to it fails.
    with contextlib.suppress(OSError):
        print(
            f"JupyterLab stopped. The lab registry keeps running at {info.url}; "
            f"stop it with: {command_name()} lab down"
        )
    return status


def kernel_environment(info: lab.LabInfo, token: str) -> dict[str, str]:
    """Return this process's environment plus the lab's settings and the JupyterLab token.

    REGISTRY_DOJO_PASSWORD is removed even if the shell exported it, so no kernel inherits it.
    """
    environment = dict(os.environ)
    environment.pop("REGISTRY_DOJO_PASSWORD", None)
    # JupyterLab's terminals then find `registry-dojo` even when the shell that ran `start`
    # had not activated the virtual environment.
    scripts = str(Path(sys.executable).parent)
    environment["PATH"] = os.pathsep.join([scripts, environment.get("PATH", os.defpath)])
    environment.update(lab.env_vars(info))
    # Passed through the environment, not the command line, which other local users can read.
    environment["JUPYTER_TOKEN"] = token
    return environment


def jupyter_command(root_dir: Path, port: int, page: str, open_browser: bool) -> list[str]:
    """Return the command that runs JupyterLab from this Python's environment.

    As root (a container, a throwaway VM) JupyterLab refuses to start unless told to allow it;
    the server binds 127.0.0.1 only and requires the token, so the course allows it.
    """
    command = [
        sys.executable,
        "-m",
        "jupyterlab",
        f"--ServerApp.ip={LOOPBACK}",
        f"--ServerApp.port={port}",
        "--ServerApp.port_retries=0",
        f"--ServerApp.root_dir={root_dir}",
        f"--ServerApp.open_browser={open_browser}",
        f"--LabApp.default_url={page}",
    ]
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        command.append("--ServerApp.allow_root=True")
    return command


def _wait_ready(jupyter: subprocess.Popen[bytes], port: int, token: str) -> bool:
    """Wait until JupyterLab responds to ``/api/status``. Return False if it exited first."""
    url = f"http://{LOOPBACK}:{port}/api/status"
    headers = {"Authorization": f"token {token}"}
    deadline = time.monotonic() + READY_TIMEOUT
    while jupyter.poll() is None and time.monotonic() < deadline:
        try:
            if httpx.get(url, headers=headers, timeout=2, trust_env=False).status_code == 200:
                return True
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    return False


def _stop(jupyter: subprocess.Popen[bytes]) -> int:
    """Stop JupyterLab with SIGTERM (SIGKILL if it hangs) and return its exit status."""
    jupyter.send_signal(signal.SIGTERM)
    try:
        return jupyter.wait(STOP_TIMEOUT)
    except subprocess.TimeoutExpired:
        jupyter.kill()
        return jupyter.wait()


@contextlib.contextmanager
def _forward_stop_signals(jupyter: subprocess.Popen[bytes]) -> Iterator[None]:
    """Turn a SIGTERM or SIGHUP (terminal closed) sent to this process into a SIGTERM for
    JupyterLab, which runs in its own session and would otherwise keep running."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def forward(number: int, frame: object) -> None:
        jupyter.send_signal(signal.SIGTERM)

    previous = {number: signal.signal(number, forward) for number in STOP_SIGNALS}
    try:
        yield
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler)
