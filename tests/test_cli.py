"""Tests for the `lab` and `start` subcommands of the command line."""

from __future__ import annotations

import errno
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from registry_dojo import cli, lab
from registry_dojo.lab import container, process

NEEDS_REGISTRY = pytest.mark.skipif(
    process.find_binary() is None, reason="no docker-registry or registry program on PATH"
)
NOT_RUNNING = f"lab registry is not running; start it with: {cli.command_name()} lab up\n"


@pytest.fixture
def home(lab_home: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The test's own data home, set as REGISTRY_DOJO_HOME for the command line."""
    monkeypatch.setenv("REGISTRY_DOJO_HOME", str(lab_home))
    return lab_home


def test_command_name_on_path(monkeypatch: pytest.MonkeyPatch) -> None:
    scripts = str(Path(sys.executable).parent)
    monkeypatch.setenv("PATH", os.pathsep.join([scripts, os.environ.get("PATH", "")]))
    assert cli.command_name() == "registry-dojo"


def test_command_name_off_path(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))
    monkeypatch.chdir(tmp_path)
    assert cli.command_name() == str(Path(sys.executable).parent / "registry-dojo")


def test_subcommand_rejects_unknown_option(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as stopped:
        cli.main(["lab", "env", "--reval"])
    assert stopped.value.code == 2
    error = capsys.readouterr().err
    assert "usage: registry-dojo lab env [-h] [--reveal]" in error
    assert "registry-dojo lab env: error: unrecognized arguments: --reval" in error


def test_status_not_running(home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["lab", "status"]) == 3
    assert capsys.readouterr().out == NOT_RUNNING


def test_env_not_running(home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["lab", "env"]) == 3
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err == NOT_RUNNING


def test_down_not_running(home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["lab", "down"]) == 0
    assert capsys.readouterr().out == "lab registry was not running\n"


def test_up_without_backend(
    home: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(shutil, "which", lambda name: None)
    monkeypatch.setattr(container, "engine", lambda: None)
    assert cli.main(["lab", "up"]) == 1
    assert capsys.readouterr().err == (
        "registry-dojo: error: no registry program (docker-registry or registry) on PATH and no "
        "Docker engine to run the registry:2 image; install the Debian/Ubuntu package "
        "docker-registry (sudo apt-get install docker-registry)\n"
    )


@pytest.mark.parametrize("action", ["up", "status", "down", "env"])
def test_home_is_file(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    action: str,
) -> None:
    home = tmp_path / "home"
    home.write_text("")
    monkeypatch.setenv("REGISTRY_DOJO_HOME", str(home))
    assert cli.main(["lab", action]) == 1
    assert capsys.readouterr().err == (
        f"registry-dojo: error: cannot create the data folder '{home}': it is a file, not a "
        "folder; set REGISTRY_DOJO_HOME to a folder you can write\n"
    )


def test_home_under_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "file").write_text("")
    monkeypatch.setenv("REGISTRY_DOJO_HOME", str(tmp_path / "file" / "home"))
    assert cli.main(["lab", "up"]) == 1
    assert capsys.readouterr().err == (
        f"registry-dojo: error: cannot create the data folder '{tmp_path}/file/home': "
        f"'{tmp_path}/file' is a file, not a folder; set REGISTRY_DOJO_HOME to a folder you "
        "can write\n"
    )


def test_storage_is_file(home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (home / "lab").mkdir(parents=True)
    (home / "lab" / "storage").write_text("")
    assert cli.main(["lab", "up"]) == 1
    assert capsys.readouterr().err == (
        f"registry-dojo: error: cannot create '{home.resolve()}/lab/storage': it is a file, "
        "not a folder; move that file away, or set REGISTRY_DOJO_HOME to a folder you can "
        "write\n"
    )


def test_os_error_is_one_line(
    home: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def fail(home: Path | None = None) -> None:
        raise OSError(errno.EIO, "Input/output error", "/dev/disk")

    monkeypatch.setattr(lab, "down", fail)
    assert cli.main(["lab", "down"]) == 1
    assert capsys.readouterr().err == (
        "registry-dojo: error: [Errno 5] Input/output error: '/dev/disk'\n"
    )


def test_start_passes_options(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    from registry_dojo import start

    calls: list[tuple[int | None, bool, Path | None]] = []

    def record(port: int | None = None, open_browser: bool = True, root: Path | None = None) -> int:
        calls.append((port, open_browser, root))
        return 7

    monkeypatch.setattr(start, "start", record)
    status = cli.main(["start", "--port", "8123", "--no-browser", "--root", str(tmp_path)])
    assert status == 7
    assert calls == [(8123, False, tmp_path)]


def test_start_default_options(monkeypatch: pytest.MonkeyPatch) -> None:
    from registry_dojo import start

    calls: list[tuple[int | None, bool, Path | None]] = []

    def record(port: int | None = None, open_browser: bool = True, root: Path | None = None) -> int:
        calls.append((port, open_browser, root))
        return 0

    monkeypatch.setattr(start, "start", record)
    assert cli.main(["start"]) == 0
    assert calls == [(None, True, None)]


@pytest.mark.integration
@NEEDS_REGISTRY
def test_up_status_env_down(home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["lab", "up"]) == 0
    info = lab.status(home)
    assert info is not None
    assert capsys.readouterr().out == (
        f"lab registry running at {info.url} (user learner, backend binary)\n"
        f"lab Docker config: {info.docker_config}\n"
    )

    assert cli.main(["lab", "status"]) == 0
    assert capsys.readouterr().out == (
        f"lab registry running at {info.url} (pid {info.pid}, backend binary)\n"
    )

    assert cli.main(["lab", "env"]) == 0
    assert capsys.readouterr().out == lab.env_exports(info) + "\n"

    assert cli.main(["lab", "down"]) == 0
    assert capsys.readouterr().out == "lab registry stopped\n"


@pytest.mark.integration
@NEEDS_REGISTRY
def test_env_hides_password(home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    info = lab.up(home)
    cli.main(["lab", "env"])
    assert info.password not in capsys.readouterr().out


@pytest.mark.integration
@NEEDS_REGISTRY
def test_env_reveal_shows_password(home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    info = lab.up(home)
    cli.main(["lab", "env", "--reveal"])
    lines = capsys.readouterr().out.splitlines()
    assert lines[-1] == f"export REGISTRY_DOJO_PASSWORD={info.password}"


@pytest.mark.integration
@NEEDS_REGISTRY
def test_env_output_evaluates_in_bash(home: Path) -> None:
    info = lab.up(home)
    command = Path(sys.executable).parent / "registry-dojo"
    script = f'eval "$({command} lab env)"; echo "$DOCKER_CONFIG"; echo "$REGISTRY_DOJO_REGISTRY"'
    result = subprocess.run(
        ["bash", "-c", script],
        env={**os.environ, "REGISTRY_DOJO_HOME": str(home)},
        capture_output=True,
        text=True,
        check=True,
    )
    assert result.stdout == f"{info.docker_config}\n{info.host}\n"


@pytest.mark.integration
@NEEDS_REGISTRY
def test_lab_outlives_cli_process(home: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "registry_dojo.cli", "lab", "up"],
        env={**os.environ, "REGISTRY_DOJO_HOME": str(home)},
        capture_output=True,
        text=True,
        check=True,
    )
    info = lab.status(home)
    assert info is not None
    assert result.stdout.startswith(f"lab registry running at {info.url} ")


@pytest.mark.integration
@NEEDS_REGISTRY
@pytest.mark.parametrize("port", ['"abc"', "99999", "-1", "1.5", "true"])
def test_bad_state_port_still_found(
    home: Path, capsys: pytest.CaptureFixture[str], caplog: pytest.LogCaptureFixture, port: str
) -> None:
    info = lab.up(home)
    state_file = home / "lab" / "state.json"
    text = state_file.read_text()
    state_file.write_text(text.replace(f'"port": {info.host.rsplit(":", 1)[1]}', f'"port": {port}'))
    assert cli.main(["lab", "status"]) == 0
    assert capsys.readouterr().out == (
        f"lab registry running at {info.url} (pid {info.pid}, backend binary)\n"
    )
    # pytest's log capture replaces the handler that main() would configure.
    assert [record.getMessage() for record in caplog.records] == [
        f"ignoring the lab state file {home.resolve()}/lab/state.json: "
        f"port must be an integer from 1 to 65535, found {port}"
    ]


def test_home_is_file_no_traceback(tmp_path: Path) -> None:
    home = tmp_path / "home"
    home.write_text("")
    result = subprocess.run(
        [sys.executable, "-m", "registry_dojo.cli", "lab", "up"],
        env={**os.environ, "REGISTRY_DOJO_HOME": str(home)},
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 1
    assert result.stderr == (
        f"registry-dojo: error: cannot create the data folder '{home}': it is a file, not a "
        "folder; set REGISTRY_DOJO_HOME to a folder you can write\n"
    )


def test_reveal_prefix_is_not_reveal(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as stopped:
        cli.main(["lab", "env", "--rev"])
    assert stopped.value.code == 2
    assert "unrecognized arguments: --rev" in capsys.readouterr().err


def test_progress_with_file_as_home(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    home = tmp_path / "file"
    home.write_text("")
    monkeypatch.setenv("REGISTRY_DOJO_HOME", str(home))
    assert cli.main(["progress"]) == 1
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err == (
        f"registry-dojo: error: cannot create the data folder '{home}': it is a file, not a "
        "folder; set REGISTRY_DOJO_HOME to a folder you can write\n"
    )
