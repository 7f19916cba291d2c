"""Tests for `registry-dojo start`: the JupyterLab command and environment (unit), and a real
JupyterLab started and stopped in a subprocess (slow)."""

from __future__ import annotations

import json
import os
import queue
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import IO, Any, ClassVar

import httpx
import pytest

from registry_dojo import cli, lab, start
from registry_dojo.lab import process

NEEDS_REGISTRY = pytest.mark.skipif(
    process.find_binary() is None, reason="no docker-registry or registry program on PATH"
)
PASSWORD = "s3cret-Pa55word"
READY_TIMEOUT = 60.0


def _info(home: Path) -> lab.LabInfo:
    return lab.LabInfo(
        host="127.0.0.1:5999",
        url="http://127.0.0.1:5999",
        username="learner",
        password=PASSWORD,
        pid=1234,
        backend="binary",
        docker_config=home / "lab" / "docker-config",
        home=home,
    )


class FakeJupyter:
    """Stands in for the JupyterLab process; `wait` raises what `outcomes` lists, in order."""

    launched: ClassVar[list[FakeJupyter]] = []

    def __init__(self, command: list[str], **options: Any) -> None:
        self.command = command
        self.options = options
        self.signals: list[int] = []
        self.outcomes: list[BaseException | int] = [0]
        FakeJupyter.launched.append(self)

    def poll(self) -> int | None:
        return None

    def wait(self, timeout: float | None = None) -> int:
        outcome = self.outcomes.pop(0) if self.outcomes else 0
        if isinstance(outcome, BaseException):
            raise outcome
        return outcome

    def send_signal(self, number: int) -> None:
        self.signals.append(number)


@pytest.fixture
def fake_jupyter(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> type[FakeJupyter]:
    """Replace the lab and JupyterLab with fakes; JupyterLab is ready at once."""
    FakeJupyter.launched = []
    monkeypatch.setattr(lab, "up", lambda: _info(tmp_path / "home"))
    monkeypatch.setattr(start.subprocess, "Popen", FakeJupyter)
    monkeypatch.setattr(start, "_wait_ready", lambda jupyter, port, token: True)
    return FakeJupyter


def test_jupyter_command(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(os, "geteuid", lambda: 1000)
    command = start.jupyter_command(tmp_path, 8123, "/lab", False)
    assert command == [
        sys.executable,
        "-m",
        "jupyterlab",
        "--ServerApp.ip=127.0.0.1",
        "--ServerApp.port=8123",
        "--ServerApp.port_retries=0",
        f"--ServerApp.root_dir={tmp_path}",
        "--ServerApp.open_browser=False",
        "--LabApp.default_url=/lab",
    ]


def test_jupyter_command_as_root_allows_root(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(os, "geteuid", lambda: 0)
    command = start.jupyter_command(tmp_path, 8123, "/lab", False)
    assert command[-1] == "--ServerApp.allow_root=True"


def test_start_kernel_environment(fake_jupyter: type[FakeJupyter], tmp_path: Path) -> None:
    start.start(port=8123, open_browser=False, root=tmp_path)
    environment = fake_jupyter.launched[0].options["env"]
    home = tmp_path / "home"
    assert environment["REGISTRY_DOJO_HOME"] == str(home)
    assert environment["REGISTRY_DOJO_REGISTRY"] == "127.0.0.1:5999"
    assert environment["REGISTRY_DOJO_URL"] == "http://127.0.0.1:5999"
    assert environment["REGISTRY_DOJO_USERNAME"] == "learner"
    assert environment["REGISTRY_DOJO_PASSWORD_FILE"] == str(home / "lab" / "password")
    assert environment["DOCKER_CONFIG"] == str(home / "lab" / "docker-config")


def test_start_puts_scripts_on_path(
    fake_jupyter: type[FakeJupyter], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PATH", "/usr/bin:/bin")
    start.start(port=8123, open_browser=False, root=tmp_path)
    environment = fake_jupyter.launched[0].options["env"]
    scripts = str(Path(sys.executable).parent)
    assert environment["PATH"] == f"{scripts}:/usr/bin:/bin"


def test_start_keeps_password_from_kernels(
    fake_jupyter: type[FakeJupyter], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("REGISTRY_DOJO_PASSWORD", PASSWORD)
    start.start(port=8123, open_browser=False, root=tmp_path)
    environment = fake_jupyter.launched[0].options["env"]
    assert "REGISTRY_DOJO_PASSWORD" not in environment
    assert PASSWORD not in json.dumps(environment)


def test_start_token_not_on_command_line(
    fake_jupyter: type[FakeJupyter], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    start.start(port=8123, open_browser=False, root=tmp_path)
    launched = fake_jupyter.launched[0]
    token = launched.options["env"]["JUPYTER_TOKEN"]
    assert len(token) >= 32
    assert all(token not in argument for argument in launched.command)


def test_start_prints_url_once(
    fake_jupyter: type[FakeJupyter], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    start.start(port=8123, open_browser=False, root=tmp_path)
    token = fake_jupyter.launched[0].options["env"]["JUPYTER_TOKEN"]
    assert capsys.readouterr().out == (
        "lab registry running at http://127.0.0.1:5999 (user learner)\n"
        f"JupyterLab is running at http://127.0.0.1:8123/lab?token={token}\n"
        "Press Ctrl-C to stop JupyterLab.\n"
        "JupyterLab stopped. The lab registry keeps running at http://127.0.0.1:5999; "
        f"stop it with: {cli.command_name()} lab down\n"
    )


def test_start_opens_start_notebook(fake_jupyter: type[FakeJupyter], tmp_path: Path) -> None:
    (tmp_path / "notebooks").mkdir()
    (tmp_path / "notebooks" / "00-start-here.ipynb").write_text("{}")
    start.start(port=8123, open_browser=True, root=tmp_path)
    command = fake_jupyter.launched[0].command
    assert "--LabApp.default_url=/lab/tree/notebooks/00-start-here.ipynb" in command
    assert "--ServerApp.open_browser=True" in command


def test_start_runs_in_root(fake_jupyter: type[FakeJupyter], tmp_path: Path) -> None:
    start.start(port=8123, open_browser=False, root=tmp_path)
    assert fake_jupyter.launched[0].options["cwd"] == tmp_path.resolve()


def test_start_returns_jupyter_status(fake_jupyter: type[FakeJupyter], tmp_path: Path) -> None:
    original = FakeJupyter.__init__

    def failing(self: FakeJupyter, command: list[str], **options: Any) -> None:
        original(self, command, **options)
        self.outcomes = [4]

    fake_jupyter.__init__ = failing  # type: ignore[method-assign]
    try:
        assert start.start(port=8123, open_browser=False, root=tmp_path) == 4
    finally:
        fake_jupyter.__init__ = original  # type: ignore[method-assign]


def test_ctrl_c_stops_jupyter(fake_jupyter: type[FakeJupyter], tmp_path: Path) -> None:
    original = FakeJupyter.__init__

    def interrupted(self: FakeJupyter, command: list[str], **options: Any) -> None:
        original(self, command, **options)
        self.outcomes = [KeyboardInterrupt(), 0]

    fake_jupyter.__init__ = interrupted  # type: ignore[method-assign]
    try:
        assert start.start(port=8123, open_browser=False, root=tmp_path) == 0
    finally:
        fake_jupyter.__init__ = original  # type: ignore[method-assign]
    assert fake_jupyter.launched[0].signals == [signal.SIGTERM]


# --- a real JupyterLab -----------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def _port_open(port: int) -> bool:
    with socket.socket() as probe:
        return probe.connect_ex(("127.0.0.1", port)) == 0


def _read_lines(stream: IO[str], lines: queue.Queue[str]) -> None:
    for line in stream:
        lines.put(line)


def _jupyter_environment(tmp_path: Path, home: Path) -> dict[str, str]:
    """Return the environment for `registry-dojo start`: the test's data home, and empty
    Jupyter config and runtime folders of the test's own, so a learner's settings play no
    part (as root, `start` itself must allow JupyterLab to run)."""
    config = tmp_path / "jupyter-config"
    config.mkdir()
    # Without PYTHONUNBUFFERED, the test also checks that the URL line is flushed at once.
    environment = {k: v for k, v in os.environ.items() if k != "PYTHONUNBUFFERED"}
    return {
        **environment,
        "REGISTRY_DOJO_HOME": str(home),
        "JUPYTER_CONFIG_DIR": str(config),
        "JUPYTER_RUNTIME_DIR": str(tmp_path / "jupyter-runtime"),
        "JUPYTERLAB_WORKSPACES_DIR": str(tmp_path / "jupyter-workspaces"),
    }


def _stop_starter(starter: subprocess.Popen[str]) -> None:
    """Stop `registry-dojo start` after a failed check, so that JupyterLab (in a session of
    its own) stops too: SIGTERM, which it forwards, and SIGKILL for both if that hangs."""
    if starter.poll() is not None:
        return
    starter.terminate()
    try:
        starter.wait(timeout=30)
    except subprocess.TimeoutExpired:
        for child in Path(f"/proc/{starter.pid}/task/{starter.pid}/children").read_text().split():
            os.kill(int(child), signal.SIGKILL)
        starter.kill()
        starter.wait()


def _jupyter_child(pid: int) -> int:
    """Return the pid of the JupyterLab process that `pid` started (it also started the lab)."""
    children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    for child in children:
        if b"jupyterlab" in Path(f"/proc/{child}/cmdline").read_bytes().split(b"\0"):
            return int(child)
    raise AssertionError(f"no JupyterLab process among the children {children} of {pid}")


def _environ(pid: int) -> dict[str, str]:
    raw = Path(f"/proc/{pid}/environ").read_bytes()
    pairs = (item.decode().partition("=") for item in raw.split(b"\0") if item)
    return {name: value for name, _, value in pairs}


@pytest.mark.slow
@pytest.mark.integration
@NEEDS_REGISTRY
@pytest.mark.parametrize(
    "stop_signal",
    [signal.SIGINT, signal.SIGTERM, signal.SIGHUP],
    ids=["SIGINT", "SIGTERM", "SIGHUP"],
)
def test_start_serves_jupyterlab(
    lab_home: Path, tmp_path: Path, stop_signal: signal.Signals
) -> None:
    root = tmp_path / "course"
    (root / "notebooks").mkdir(parents=True)
    (root / "notebooks" / "00-start-here.ipynb").write_text(
        json.dumps({"cells": [], "metadata": {}, "nbformat": 4, "nbformat_minor": 5})
    )
    port = _free_port()
    command = [sys.executable, "-m", "registry_dojo.cli", "start", "--no-browser"]
    command += ["--port", str(port), "--root", str(root)]
    began = time.monotonic()
    starter = subprocess.Popen(
        command,
        env=_jupyter_environment(tmp_path, lab_home),
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    lines: queue.Queue[str] = queue.Queue()
    assert starter.stdout is not None
    threading.Thread(target=_read_lines, args=(starter.stdout, lines), daemon=True).start()
    try:
        lab_line = lines.get(timeout=READY_TIMEOUT)
        assert lab_line.startswith("lab registry running at http://127.0.0.1:")
        first = lines.get(timeout=READY_TIMEOUT)
        ready = time.monotonic() - began
        print(f"registry-dojo start: JupyterLab ready after {ready:.1f} s")
        prefix = f"JupyterLab is running at http://127.0.0.1:{port}/lab/tree/notebooks/"
        assert first.startswith(prefix + "00-start-here.ipynb?token=")
        token = first.strip().rsplit("=", 1)[1]
        headers = {"Authorization": f"token {token}"}
        base = f"http://127.0.0.1:{port}"

        status = httpx.get(f"{base}/api/status", headers=headers, trust_env=False)
        assert status.status_code == 200
        page = httpx.get(f"{base}/lab?token={token}", trust_env=False)
        assert page.status_code == 200
        assert "<title>JupyterLab</title>" in page.text
        home_page = httpx.get(f"{base}/?token={token}", trust_env=False)
        assert home_page.status_code == 302
        location = home_page.headers["location"].split("?", 1)[0]
        assert location == "/lab/tree/notebooks/00-start-here.ipynb"
        assert httpx.get(f"{base}/api/status", trust_env=False).status_code == 403

        jupyter_pid = _jupyter_child(starter.pid)
        kernel_environment = _environ(jupyter_pid)
        info = lab.status(lab_home)
        assert info is not None
        assert kernel_environment["REGISTRY_DOJO_REGISTRY"] == info.host
        assert kernel_environment["DOCKER_CONFIG"] == str(info.docker_config)
        assert "REGISTRY_DOJO_PASSWORD" not in kernel_environment

        starter.send_signal(stop_signal)
        assert starter.wait(timeout=30) == 0
    finally:
        _stop_starter(starter)
    assert not _port_open(port)
    assert not Path(f"/proc/{jupyter_pid}").exists()
    assert lab.status(lab_home) == info
