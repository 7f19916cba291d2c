"""Tests for the lab registry: files and config (unit), the Docker backend (fake client), and
the lifecycle against the real registry program (integration)."""

from __future__ import annotations

import base64
import errno
import json
import logging
import os
import shutil
import signal
import socket
import stat
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import bcrypt
import httpx
import pytest

from registry_dojo import lab
from registry_dojo.errors import LabError, RegistryBinaryNotFound
from registry_dojo.lab import container, files, lifecycle, network, process
from registry_dojo.lab.config import listen_port, render_config
from registry_dojo.lab.files import Credentials, LabFiles, LabState, write_private

PASSWORD = "s3cret-Pa55word"
NEEDS_REGISTRY = pytest.mark.skipif(
    process.find_binary() is None, reason="no docker-registry or registry program on PATH"
)


def _info(home: Path, password: str = PASSWORD) -> lab.LabInfo:
    return lab.LabInfo(
        host="127.0.0.1:5999",
        url="http://127.0.0.1:5999",
        username="learner",
        password=password,
        pid=1234,
        backend="binary",
        docker_config=home / "lab" / "docker-config",
        home=home,
    )


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def _lab_processes(config: Path) -> list[int]:
    """Return the pids of every process serving `config`, found through /proc."""
    pids = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit() and process.is_lab_process(int(entry.name), config):
            pids.append(int(entry.name))
    return pids


def _pid_exists(pid: int) -> bool:
    process.reap()
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


# --- LabInfo and env_exports ---------------------------------------------------------------


def test_labinfo_repr_hides_password(tmp_path: Path) -> None:
    assert PASSWORD not in repr(_info(tmp_path))


def test_labinfo_str_hides_password(tmp_path: Path) -> None:
    assert PASSWORD not in str(_info(tmp_path))


def test_labinfo_password_file_path(tmp_path: Path) -> None:
    assert _info(tmp_path).password_file == tmp_path / "lab" / "password"


def test_env_exports_without_reveal(tmp_path: Path) -> None:
    home = tmp_path / "with space's"
    expected = "\n".join(
        [
            f"export REGISTRY_DOJO_HOME='{tmp_path}/with space'\"'\"'s'",
            "export REGISTRY_DOJO_REGISTRY=127.0.0.1:5999",
            "export REGISTRY_DOJO_URL=http://127.0.0.1:5999",
            "export REGISTRY_DOJO_USERNAME=learner",
            f"export REGISTRY_DOJO_PASSWORD_FILE='{tmp_path}/with space'\"'\"'s/lab/password'",
            f"export DOCKER_CONFIG='{tmp_path}/with space'\"'\"'s/lab/docker-config'",
        ]
    )
    assert lab.env_exports(_info(home)) == expected


def test_env_exports_hides_password(tmp_path: Path) -> None:
    assert PASSWORD not in lab.env_exports(_info(tmp_path))


def test_env_exports_reveal_adds_password(tmp_path: Path) -> None:
    lines = lab.env_exports(_info(tmp_path, "it's $secret"), reveal=True).splitlines()
    assert lines[-1] == "export REGISTRY_DOJO_PASSWORD='it'\"'\"'s $secret'"


def test_env_exports_evaluate_in_bash(tmp_path: Path) -> None:
    info = _info(tmp_path / "a b", "p'w $x")
    show = 'printf "%s|%s" "$DOCKER_CONFIG" "$REGISTRY_DOJO_PASSWORD"'
    script = f"{lab.env_exports(info, reveal=True)}\n{show}"
    output = subprocess.run(["bash", "-c", script], capture_output=True, text=True, check=True)
    assert output.stdout == f"{tmp_path}/a b/lab/docker-config|p'w $x"


def test_client_is_registry_for_lab(tmp_path: Path) -> None:
    from registry_dojo.registry import Registry

    client = _info(tmp_path).client()
    assert isinstance(client, Registry)
    client.close()


# --- config and files ------------------------------------------------------------------------


def test_render_config_exact_text() -> None:
    text = render_config(
        addr="127.0.0.1:5000", storage="/data/a b:c", htpasswd='/x/"h"', secret="s3"
    )
    assert text == (
        'version: "0.1"\n'
        "log:\n"
        '  level: "warn"\n'
        "  accesslog:\n"
        "    disabled: true\n"
        "storage:\n"
        "  filesystem:\n"
        '    rootdirectory: "/data/a b:c"\n'
        "  delete:\n"
        "    enabled: true\n"
        "http:\n"
        '  addr: "127.0.0.1:5000"\n'
        '  secret: "s3"\n'
        "auth:\n"
        "  htpasswd:\n"
        '    realm: "registry-dojo lab"\n'
        '    path: "/x/\\"h\\""\n'
    )


def test_write_private_mode_0600(tmp_path: Path) -> None:
    target = tmp_path / "secret"
    write_private(target, "x")
    assert _mode(target) == 0o600


def test_write_private_replaces_content(tmp_path: Path) -> None:
    target = tmp_path / "secret"
    write_private(target, "old")
    write_private(target, "new")
    assert target.read_text() == "new"


def test_write_private_leaves_no_temporary(tmp_path: Path) -> None:
    write_private(tmp_path / "secret", "x")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["secret"]


def test_ensure_folders_tightens_modes(tmp_path: Path) -> None:
    files = LabFiles(tmp_path)
    files.root.mkdir(mode=0o755)
    files.ensure_folders()
    for folder in (files.root, files.storage, files.docker_config):
        assert _mode(folder) == 0o700, folder


def test_credentials_created_once(tmp_path: Path) -> None:
    files = LabFiles(tmp_path)
    files.ensure_folders()
    first = files.ensure_credentials()
    assert files.ensure_credentials() == first


def test_credentials_default_username(tmp_path: Path) -> None:
    files = LabFiles(tmp_path)
    files.ensure_folders()
    assert files.ensure_credentials().username == "learner"


def test_credentials_password_is_long_random(tmp_path: Path) -> None:
    files = LabFiles(tmp_path)
    files.ensure_folders()
    first = files.ensure_credentials().password
    files.password.unlink()
    second = files.ensure_credentials().password
    assert len(first) >= 40
    assert first != second


def test_password_file_has_no_newline(tmp_path: Path) -> None:
    files = LabFiles(tmp_path)
    files.ensure_folders()
    credentials = files.ensure_credentials()
    assert files.password.read_text() == credentials.password


def test_htpasswd_is_bcrypt_of_password(tmp_path: Path) -> None:
    files = LabFiles(tmp_path)
    files.ensure_folders()
    credentials = files.ensure_credentials()
    username, hashed = files.htpasswd.read_text().strip().split(":", 1)
    assert username == "learner"
    assert hashed.startswith("$2b$05$")
    assert bcrypt.checkpw(credentials.password.encode(), hashed.encode())


def test_htpasswd_rewritten_when_stale(tmp_path: Path) -> None:
    files = LabFiles(tmp_path)
    files.ensure_folders()
    files.htpasswd.write_text("learner:$2b$05$" + "x" * 53 + "\n")
    credentials = files.ensure_credentials()
    hashed = files.htpasswd.read_text().strip().split(":", 1)[1]
    assert bcrypt.checkpw(credentials.password.encode(), hashed.encode())


def test_state_round_trip(tmp_path: Path) -> None:
    files = LabFiles(tmp_path)
    files.ensure_folders()
    state = LabState("binary", 5123, str(files.config), pid=42, binary="/usr/bin/docker-registry")
    files.write_state(state)
    assert files.read_state() == state


def test_state_stopped_keeps_port() -> None:
    state = LabState("docker", 5123, "/c.yml", pid=42, container_id="abc")
    assert state.stopped() == LabState("docker", 5123, "/c.yml")


def test_state_unreadable_is_none(tmp_path: Path) -> None:
    files = LabFiles(tmp_path)
    files.ensure_folders()
    files.state.write_text("{not json")
    assert files.read_state() is None


def _state_warnings(tmp_path: Path, text: str, caplog: pytest.LogCaptureFixture) -> list[str]:
    """Write `text` as the state file, read it, and return the warnings logged."""
    lab_files = LabFiles(tmp_path)
    lab_files.ensure_folders()
    lab_files.state.write_text(text)
    caplog.set_level(logging.WARNING, logger="registry_dojo")
    assert lab_files.read_state() is None
    return [record.getMessage() for record in caplog.records]


def _valid_state(tmp_path: Path, **changes: object) -> str:
    data: dict[str, object] = {
        "backend": "binary",
        "port": 5123,
        "config": str(tmp_path / "lab" / "config.yml"),
        "pid": 42,
        "binary": "/usr/bin/docker-registry",
        "container_id": None,
    }
    data.update(changes)
    return json.dumps(data)


@pytest.mark.parametrize(
    ("value", "shown"),
    [("abc", '"abc"'), (99999, "99999"), (-1, "-1"), (0, "0"), (1.5, "1.5"), (True, "true")],
)
def test_state_bad_port_ignored(
    tmp_path: Path, caplog: pytest.LogCaptureFixture, value: object, shown: str
) -> None:
    warnings = _state_warnings(tmp_path, _valid_state(tmp_path, port=value), caplog)
    assert warnings == [
        f"ignoring the lab state file {tmp_path}/lab/state.json: "
        f"port must be an integer from 1 to 65535, found {shown}"
    ]


@pytest.mark.parametrize(("value", "shown"), [(0, "0"), (True, "true"), ("42", '"42"')])
def test_state_bad_pid_ignored(
    tmp_path: Path, caplog: pytest.LogCaptureFixture, value: object, shown: str
) -> None:
    warnings = _state_warnings(tmp_path, _valid_state(tmp_path, pid=value), caplog)
    assert warnings == [
        f"ignoring the lab state file {tmp_path}/lab/state.json: "
        f"pid must be an integer from 1 to 2147483647, found {shown}"
    ]


def test_state_null_config_ignored(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    warnings = _state_warnings(tmp_path, _valid_state(tmp_path, config=None), caplog)
    assert warnings == [
        f"ignoring the lab state file {tmp_path}/lab/state.json: "
        f'config must be "{tmp_path}/lab/config.yml", found null'
    ]


def test_state_missing_port_ignored(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    data = json.loads(_valid_state(tmp_path))
    del data["port"]
    warnings = _state_warnings(tmp_path, json.dumps(data), caplog)
    assert warnings == [
        f"ignoring the lab state file {tmp_path}/lab/state.json: "
        "port must be an integer from 1 to 65535, found no value"
    ]


def test_state_bad_backend_ignored(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    warnings = _state_warnings(tmp_path, _valid_state(tmp_path, backend="podman"), caplog)
    assert warnings == [
        f"ignoring the lab state file {tmp_path}/lab/state.json: "
        'backend must be one of "binary", "docker", found "podman"'
    ]


def test_state_bad_container_id_ignored(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    text = _valid_state(tmp_path, backend="docker", container_id="../other")
    warnings = _state_warnings(tmp_path, text, caplog)
    assert warnings == [
        f"ignoring the lab state file {tmp_path}/lab/state.json: "
        'container_id must be 12 to 64 hex digits, found "../other"'
    ]


def test_state_empty_file_ignored(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    warnings = _state_warnings(tmp_path, "", caplog)
    assert warnings == [
        f"ignoring the lab state file {tmp_path}/lab/state.json: "
        "not valid JSON (Expecting value: line 1 column 1 (char 0))"
    ]


def test_state_array_ignored(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    warnings = _state_warnings(tmp_path, "[1]", caplog)
    assert warnings == [
        f"ignoring the lab state file {tmp_path}/lab/state.json: expected a JSON object, found [1]"
    ]


def test_state_missing_file_no_warning(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.WARNING, logger="registry_dojo")
    assert LabFiles(tmp_path).read_state() is None
    assert caplog.records == []


def test_state_unknown_field_ignored(tmp_path: Path) -> None:
    lab_files = LabFiles(tmp_path)
    lab_files.ensure_folders()
    lab_files.state.write_text(_valid_state(tmp_path, future="x"))
    state = lab_files.read_state()
    assert state is not None
    assert state.port == 5123


def test_listen_port_from_config() -> None:
    text = render_config(addr="127.0.0.1:5123", storage="/s", htpasswd="/h", secret="x")
    assert listen_port(text) == 5123


def test_listen_port_container_addr() -> None:
    text = render_config(addr=":5000", storage="/s", htpasswd="/h", secret="x")
    assert listen_port(text) is None


def test_username_lost_keeps_password(tmp_path: Path) -> None:
    lab_files = LabFiles(tmp_path)
    lab_files.ensure_folders()
    first = lab_files.ensure_credentials()
    lab_files.username.unlink()
    assert lab_files.ensure_credentials() == first
    assert lab_files.username.read_text() == "learner\n"


def test_username_emptied_keeps_password(tmp_path: Path) -> None:
    lab_files = LabFiles(tmp_path)
    lab_files.ensure_folders()
    first = lab_files.ensure_credentials()
    lab_files.username.write_text("")
    assert lab_files.ensure_credentials() == first


def test_custom_username_kept_with_new_password(tmp_path: Path) -> None:
    lab_files = LabFiles(tmp_path)
    lab_files.ensure_folders()
    lab_files.username.write_text("ada\n")
    assert lab_files.ensure_credentials().username == "ada"


def test_password_newline_stripped(tmp_path: Path) -> None:
    lab_files = LabFiles(tmp_path)
    lab_files.ensure_folders()
    first = lab_files.ensure_credentials()
    lab_files.password.write_text(first.password + "\n")
    assert lab_files.read_credentials() == first


def test_password_file_normalised(tmp_path: Path) -> None:
    lab_files = LabFiles(tmp_path)
    lab_files.ensure_folders()
    lab_files.password.write_text("  chosen-password\r\n")
    credentials = lab_files.ensure_credentials()
    assert credentials.password == "chosen-password"
    assert lab_files.password.read_text() == "chosen-password"
    assert lab_files.htpasswd_matches(credentials)


def test_lab_folder_is_file(tmp_path: Path) -> None:
    home = tmp_path / "home"
    home.write_text("")
    with pytest.raises(LabError) as raised:
        lab.up(home)
    assert str(raised.value) == (
        f"cannot create '{home}': it is a file, not a folder; move that file away, or set "
        "REGISTRY_DOJO_HOME to a folder you can write"
    )


def test_lab_folder_under_file(tmp_path: Path) -> None:
    (tmp_path / "file").write_text("")
    with pytest.raises(LabError) as raised:
        lab.up(tmp_path / "file" / "home")
    assert str(raised.value) == (
        f"cannot create '{tmp_path}/file/home': '{tmp_path}/file' is a file, not a folder; "
        "move that file away, or set REGISTRY_DOJO_HOME to a folder you can write"
    )


@pytest.mark.parametrize("name", ["storage", "docker-config"])
def test_lab_subfolder_is_file(lab_home: Path, name: str) -> None:
    (lab_home / "lab").mkdir(parents=True)
    (lab_home / "lab" / name).write_text("")
    with pytest.raises(LabError) as raised:
        lab.up(lab_home)
    assert str(raised.value) == (
        f"cannot create '{lab_home}/lab/{name}': it is a file, not a folder; move that file "
        "away, or set REGISTRY_DOJO_HOME to a folder you can write"
    )


def test_home_not_utf8_rejected(tmp_path: Path) -> None:
    home = Path(os.fsdecode(bytes(tmp_path) + b"/caf\xe9"))
    with pytest.raises(LabError) as raised:
        lab.up(home)
    assert str(raised.value) == (
        f"the lab folder path '{tmp_path}/caf\\udce9' is not valid UTF-8, which the "
        "registry's YAML config requires; set REGISTRY_DOJO_HOME to a folder whose path is "
        "valid UTF-8"
    )
    assert not home.exists()


def _fail_writes(monkeypatch: pytest.MonkeyPatch, number: int, *names: str) -> None:
    """Make write_private fail with `number` (an errno) for the files called `names`, and
    opening a new lock file fail the same way, as on a read-only or full file system."""
    real_mkstemp = files.tempfile.mkstemp
    real_open = os.open

    def mkstemp(dir: Path, prefix: str) -> tuple[int, str]:
        if prefix.strip(".") in names:
            raise OSError(number, os.strerror(number), f"{dir}/{prefix}xyz")
        return real_mkstemp(dir=dir, prefix=prefix)

    def open_file(path: Any, flags: int, mode: int = 0o777) -> int:
        if Path(path).name == "lock" and flags & os.O_CREAT and "lock" in names:
            raise OSError(number, os.strerror(number), str(path))
        return real_open(path, flags, mode)

    monkeypatch.setattr(files.tempfile, "mkstemp", mkstemp)
    monkeypatch.setattr(files.os, "open", open_file)


def test_up_read_only_lock(lab_home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _fail_writes(monkeypatch, errno.EROFS, "lock")
    with pytest.raises(LabError) as raised:
        lab.up(lab_home)
    assert str(raised.value) == (
        f"cannot write '{lab_home}/lab/lock': Read-only file system; set REGISTRY_DOJO_HOME to "
        "a folder you can write"
    )


def test_up_disk_full(lab_home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _fail_writes(monkeypatch, errno.ENOSPC, "username", "password", "htpasswd")
    with pytest.raises(LabError) as raised:
        lab.up(lab_home)
    assert str(raised.value) == (
        f"cannot write '{lab_home}/lab/username': No space left on device; free some disk "
        "space, then run the command again"
    )


def test_write_private_names_target(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _fail_writes(monkeypatch, errno.ENOSPC, "secret")
    with pytest.raises(OSError) as raised:
        write_private(tmp_path / "secret", "x")
    assert raised.value.filename == str(tmp_path / "secret")


def test_find_serving_ignores_other_program(tmp_path: Path) -> None:
    config = tmp_path / "lab" / "config.yml"
    impostor = subprocess.Popen(["bash", "-c", "sleep 30", "serve", str(config)])
    try:
        time.sleep(0.1)
        assert process.find_serving(config) == []
        assert not process.is_lab_process(impostor.pid, config)
    finally:
        impostor.kill()
        impostor.wait()


def test_docker_config_auth_entry(tmp_path: Path) -> None:
    files = LabFiles(tmp_path)
    files.ensure_folders()
    files.write_docker_config("127.0.0.1:5001", Credentials("learner", "pw"), None)
    config = json.loads((files.docker_config / "config.json").read_text())
    assert config == {
        "auths": {"127.0.0.1:5001": {"auth": base64.b64encode(b"learner:pw").decode()}}
    }


def test_docker_config_drops_stale_host_keeps_others(tmp_path: Path) -> None:
    files = LabFiles(tmp_path)
    files.ensure_folders()
    other = {"auth": "b3RoZXI6eA=="}
    (files.docker_config / "config.json").write_text(
        json.dumps({"auths": {"127.0.0.1:5001": {"auth": "old"}, "example.test": other}})
    )
    files.write_docker_config("127.0.0.1:5002", Credentials("learner", "pw"), "127.0.0.1:5001")
    auths = json.loads((files.docker_config / "config.json").read_text())["auths"]
    assert sorted(auths) == ["127.0.0.1:5002", "example.test"]
    assert auths["example.test"] == other


def test_log_tail_last_lines(tmp_path: Path) -> None:
    files = LabFiles(tmp_path)
    files.ensure_folders()
    files.log.write_text("".join(f"line {n}\n" for n in range(30)))
    assert files.log_tail(2) == "line 28\nline 29"


def test_log_tail_missing_log(tmp_path: Path) -> None:
    assert LabFiles(tmp_path).log_tail() == "(no registry log)"


# --- the process backend, without a registry -------------------------------------------------


def test_find_binary_prefers_docker_registry(monkeypatch: pytest.MonkeyPatch) -> None:
    found = {"docker-registry": "/a/docker-registry", "registry": "/b/registry"}
    monkeypatch.setattr(shutil, "which", found.get)
    assert process.find_binary() == "/a/docker-registry"


def test_find_binary_falls_back_to_registry(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(shutil, "which", {"registry": "/b/registry"}.get)
    assert process.find_binary() == "/b/registry"


def test_is_lab_process_rejects_other_program(tmp_path: Path) -> None:
    assert not process.is_lab_process(os.getpid(), tmp_path / "config.yml")


def test_is_lab_process_rejects_missing_pid(tmp_path: Path) -> None:
    assert not process.is_lab_process(2**22 + 1, tmp_path / "config.yml")


def test_stop_never_signals_other_program(tmp_path: Path) -> None:
    sleeper = subprocess.Popen(["sleep", "30"])
    try:
        assert process.stop(sleeper.pid, tmp_path / "config.yml") is False
        assert sleeper.poll() is None
    finally:
        sleeper.kill()
        sleeper.wait()


def test_own_child_found_by_arguments(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = _fake_registry(tmp_path / "bin", "exec sleep 30")
    config = tmp_path / "config.yml"
    child = process.spawn(str(folder / "docker-registry"), config, tmp_path / "log")
    # Right after exec, /proc/PID/cmdline is empty until the kernel has set up the arguments.
    monkeypatch.setattr(process, "command_line", lambda pid: "")
    try:
        assert process.is_lab_process(child.pid, config)
        assert not process.is_lab_process(child.pid, tmp_path / "other.yml")
        assert process.stop(child.pid, config)
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()


def test_missing_backend_message(lab_home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(shutil, "which", lambda name: None)
    monkeypatch.setattr(container, "engine", lambda: None)
    with pytest.raises(RegistryBinaryNotFound) as raised:
        lab.up(lab_home)
    assert str(raised.value) == (
        "no registry program (docker-registry or registry) on PATH and no Docker engine to run "
        "the registry:2 image; install the Debian/Ubuntu package docker-registry "
        "(sudo apt-get install docker-registry)"
    )


def _fake_registry(folder: Path, body: str) -> Path:
    """Put a shell script named docker-registry in `folder` and return the folder."""
    folder.mkdir()
    script = folder / "docker-registry"
    script.write_text(f"#!/bin/sh\n{body}\n")
    script.chmod(0o755)
    return folder


def test_start_failure_shows_log(
    lab_home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = _fake_registry(tmp_path / "bin", "echo 'configuration error: boom' >&2; exit 1")
    monkeypatch.setenv("PATH", f"{folder}:/usr/bin:/bin")
    with pytest.raises(LabError) as raised:
        lab.up(lab_home)
    log = lab_home.resolve() / "lab" / "registry.log"
    assert str(raised.value) == (
        "the lab registry (backend binary) exited while starting; fix what its log shows, then "
        f"run: registry-dojo lab up\nlast lines of {log}:\nconfiguration error: boom"
    )


def test_start_failure_records_stopped_lab(
    lab_home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = _fake_registry(tmp_path / "bin", "exit 1")
    monkeypatch.setenv("PATH", f"{folder}:/usr/bin:/bin")
    with pytest.raises(LabError):
        lab.up(lab_home)
    state = LabFiles(lab_home.resolve()).read_state()
    assert state is not None
    assert state.pid is None
    assert lab.status(lab_home) is None


def test_start_timeout_stops_process(
    lab_home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = _fake_registry(tmp_path / "bin", "echo waiting; while :; do sleep 0.05; done")
    monkeypatch.setenv("PATH", f"{folder}:/usr/bin:/bin")
    monkeypatch.setattr(lifecycle, "START_TIMEOUT", 0.5)
    with pytest.raises(LabError) as raised:
        lab.up(lab_home)
    assert str(raised.value).startswith("the lab registry did not answer at http://127.0.0.1:")
    log = lab_home.resolve() / "lab" / "registry.log"
    assert str(raised.value).endswith(
        "/v2/ within 0.5 s; fix what its log shows, then run: registry-dojo lab up\n"
        f"last lines of {log}:\nwaiting"
    )
    assert _lab_processes(lab_home.resolve() / "lab" / "config.yml") == []


def test_status_without_lab_folder(tmp_path: Path) -> None:
    assert lab.status(tmp_path / "nothing") is None


def test_status_leaves_no_lab_folder(tmp_path: Path) -> None:
    lab.status(tmp_path / "nothing")
    assert not (tmp_path / "nothing").exists()


def test_down_without_lab_folder(tmp_path: Path) -> None:
    assert lab.down(tmp_path / "nothing") is False


# --- the Docker backend, with a fake client --------------------------------------------------


class FakeContainer:
    def __init__(self, container_id: str, client: FakeDockerClient) -> None:
        self.id = container_id
        self.status = "running"
        self.client = client

    def stop(self, timeout: int) -> None:
        self.client.calls.append(("stop", self.id, timeout))
        self.status = "exited"

    def remove(self) -> None:
        self.client.calls.append(("remove", self.id))
        by_id = self.client.containers.by_id
        for key in [key for key, value in by_id.items() if value is self]:
            del by_id[key]

    def logs(self, tail: int) -> bytes:
        return b"registry log line\n"


class FakeContainers:
    def __init__(self, client: FakeDockerClient) -> None:
        self.client = client
        self.by_id: dict[str, FakeContainer] = {}

    def run(self, image: str, **options: Any) -> FakeContainer:
        self.client.calls.append(("run", image, options))
        started = FakeContainer(f"{len(self.client.calls):064x}", self.client)
        self.by_id[started.id] = started
        self.by_id[options["name"]] = started
        return started

    def get(self, key: str) -> FakeContainer:
        import docker

        if key not in self.by_id:
            raise docker.errors.NotFound(f"No such container: {key}")
        return self.by_id[key]


class FakeNetworks:
    def __init__(self) -> None:
        self.names = {"bridge", "host", "none"}

    def get(self, name: str) -> str:
        import docker

        if name not in self.names:
            raise docker.errors.NotFound(f"network {name} not found")
        return name


class FakeDockerClient:
    def __init__(self) -> None:
        self.calls: list[tuple[Any, ...]] = []
        self.containers = FakeContainers(self)
        self.networks = FakeNetworks()


@pytest.fixture
def fake_docker(monkeypatch: pytest.MonkeyPatch) -> FakeDockerClient:
    """A fake engine used by the lab instead of a registry program; every probe succeeds."""
    client = FakeDockerClient()
    monkeypatch.setattr(shutil, "which", lambda name: None)
    monkeypatch.setattr(container, "engine", lambda: client)
    monkeypatch.setattr(lifecycle, "registry_answers", lambda url: True)
    return client


def test_docker_run_binds_loopback_only(fake_docker: FakeDockerClient, tmp_path: Path) -> None:
    files = LabFiles(tmp_path)
    container.run(fake_docker, files, 5123)  # type: ignore[arg-type]
    run_call = fake_docker.calls[-1]
    assert run_call[1] == "registry:2"
    assert run_call[2]["ports"] == {"5000/tcp": ("127.0.0.1", 5123)}
    assert run_call[2]["network_mode"] is None


def test_docker_run_host_network_publishes_nothing(
    fake_docker: FakeDockerClient, tmp_path: Path
) -> None:
    files = LabFiles(tmp_path)
    container.run(fake_docker, files, 5123, host_network=True)  # type: ignore[arg-type]
    options = fake_docker.calls[-1][2]
    assert options["network_mode"] == "host"
    assert options["ports"] is None


def test_docker_run_mounts_lab_files(fake_docker: FakeDockerClient, tmp_path: Path) -> None:
    files = LabFiles(tmp_path)
    container.run(fake_docker, files, 5123)  # type: ignore[arg-type]
    assert fake_docker.calls[-1][2]["volumes"] == {
        f"{tmp_path}/lab/config.yml": {"bind": "/etc/docker/registry/config.yml", "mode": "ro"},
        f"{tmp_path}/lab/htpasswd": {"bind": "/auth/htpasswd", "mode": "ro"},
        f"{tmp_path}/lab/storage": {"bind": "/var/lib/registry", "mode": "rw"},
    }


def test_docker_run_error_is_lab_error(
    fake_docker: FakeDockerClient, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import docker

    def fail_run(image: str, **options: Any) -> None:
        raise docker.errors.ImageNotFound("No such image: registry:2")

    monkeypatch.setattr(fake_docker.containers, "run", fail_run)
    with pytest.raises(LabError) as raised:
        container.run(fake_docker, LabFiles(tmp_path), 5123)  # type: ignore[arg-type]
    assert str(raised.value) == (
        "the Docker engine could not start the registry:2 image for the lab registry on port "
        "5123: No such image: registry:2; check `docker pull registry:2` works, then run: "
        "registry-dojo lab up"
    )


def test_container_name_differs_per_home(tmp_path: Path) -> None:
    first = container.container_name(LabFiles(tmp_path / "a"))
    second = container.container_name(LabFiles(tmp_path / "b"))
    assert first.startswith("registry-dojo-lab-")
    assert first != second


def test_docker_backend_up(fake_docker: FakeDockerClient, lab_home: Path) -> None:
    info = lab.up(lab_home)
    assert info.backend == "docker"
    assert info.pid is None


def test_docker_backend_config_uses_container_paths(
    fake_docker: FakeDockerClient, lab_home: Path
) -> None:
    lab.up(lab_home)
    config = (lab_home / "lab" / "config.yml").read_text()
    assert '  addr: ":5000"\n' in config
    assert '    rootdirectory: "/var/lib/registry"\n' in config
    assert '    path: "/auth/htpasswd"\n' in config


def test_docker_backend_without_bridge_uses_host_network(
    fake_docker: FakeDockerClient, lab_home: Path
) -> None:
    fake_docker.networks.names.remove("bridge")
    info = lab.up(lab_home)
    config = (lab_home / "lab" / "config.yml").read_text()
    assert fake_docker.calls[-1][2]["network_mode"] == "host"
    assert f'  addr: "{info.host}"\n' in config


def test_docker_backend_up_is_idempotent(fake_docker: FakeDockerClient, lab_home: Path) -> None:
    lab.up(lab_home)
    lab.up(lab_home)
    assert [call[0] for call in fake_docker.calls] == ["run"]


def test_docker_backend_down_removes_container(
    fake_docker: FakeDockerClient, lab_home: Path
) -> None:
    lab.up(lab_home)
    container_id = json.loads((lab_home / "lab" / "state.json").read_text())["container_id"]
    assert lab.down(lab_home) is True
    assert fake_docker.calls[-2:] == [("stop", container_id, 5), ("remove", container_id)]


def test_docker_backend_restarts_exited_container(
    fake_docker: FakeDockerClient, lab_home: Path
) -> None:
    first = lab.up(lab_home)
    state = json.loads((lab_home / "lab" / "state.json").read_text())
    fake_docker.containers.get(state["container_id"]).status = "exited"
    second = lab.up(lab_home)
    assert [call[0] for call in fake_docker.calls] == ["run", "stop", "remove", "run"]
    assert second.host == first.host


def test_engine_none_without_socket(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("DOCKER_HOST", raising=False)
    monkeypatch.setattr(container, "DEFAULT_SOCKET", tmp_path / "docker.sock")
    assert container.engine() is None


def test_engine_none_when_ping_fails(monkeypatch: pytest.MonkeyPatch) -> None:
    import docker

    def fail_ping(**options: Any) -> None:
        raise docker.errors.DockerException("Error while fetching server API version")

    monkeypatch.setenv("DOCKER_HOST", "unix:///nonexistent/docker.sock")
    monkeypatch.setattr(docker, "from_env", fail_ping)
    assert container.engine() is None


# --- the real registry -----------------------------------------------------------------------


@pytest.mark.integration
@NEEDS_REGISTRY
def test_up_status_down(lab_home: Path) -> None:
    assert lab.status(lab_home) is None
    info = lab.up(lab_home)
    assert lab.status(lab_home) == info
    assert lab.down(lab_home) is True
    assert lab.status(lab_home) is None


@pytest.mark.integration
@NEEDS_REGISTRY
def test_up_fields(lab_home: Path) -> None:
    info = lab.up(lab_home)
    assert info.host == f"127.0.0.1:{info.url.rsplit(':', 1)[1]}"
    assert info.url.startswith("http://127.0.0.1:")
    assert info.username == "learner"
    assert info.backend == "binary"
    assert info.home == lab_home.resolve()
    assert info.docker_config == lab_home.resolve() / "lab" / "docker-config"


@pytest.mark.integration
@NEEDS_REGISTRY
def test_registry_requires_login(lab_home: Path) -> None:
    info = lab.up(lab_home)
    response = httpx.get(f"{info.url}/v2/", trust_env=False)
    assert response.status_code == 401
    assert response.headers["www-authenticate"] == 'Basic realm="registry-dojo lab"'


@pytest.mark.integration
@NEEDS_REGISTRY
def test_registry_accepts_lab_credentials(lab_home: Path) -> None:
    info = lab.up(lab_home)
    response = httpx.get(f"{info.url}/v2/", auth=(info.username, info.password), trust_env=False)
    assert response.status_code == 200


@pytest.mark.integration
@NEEDS_REGISTRY
def test_registry_listens_on_loopback_only(lab_home: Path) -> None:
    info = lab.up(lab_home)
    config = (lab_home / "lab" / "config.yml").read_text()
    assert f'  addr: "{info.host}"\n' in config


@pytest.mark.integration
@NEEDS_REGISTRY
def test_up_is_idempotent(lab_home: Path) -> None:
    first = lab.up(lab_home)
    assert lab.up(lab_home).pid == first.pid


@pytest.mark.integration
@NEEDS_REGISTRY
def test_down_leaves_no_process(lab_home: Path) -> None:
    info = lab.up(lab_home)
    assert info.pid is not None
    lab.down(lab_home)
    assert not _pid_exists(info.pid)
    assert _lab_processes(lab_home.resolve() / "lab" / "config.yml") == []


@pytest.mark.integration
@NEEDS_REGISTRY
def test_lab_process_found_without_proc(
    lab_home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    info = lab.up(lab_home)
    assert info.pid is not None
    monkeypatch.setattr(process, "PROC", tmp_path / "no-proc")
    assert process.is_lab_process(info.pid, lab_home.resolve() / "lab" / "config.yml")
    assert not process.is_lab_process(os.getpid(), lab_home.resolve() / "lab" / "config.yml")


@pytest.mark.integration
@NEEDS_REGISTRY
def test_connect_starts_then_reuses(lab_home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("REGISTRY_DOJO_HOME", str(lab_home))
    first = lab.connect()
    assert first.home == lab_home.resolve()
    assert lab.connect().pid == first.pid


@pytest.mark.integration
@NEEDS_REGISTRY
def test_down_twice_stops_once(lab_home: Path) -> None:
    lab.up(lab_home)
    assert lab.down(lab_home) is True
    assert lab.down(lab_home) is False


@pytest.mark.integration
@NEEDS_REGISTRY
def test_registry_survives_starting_process(lab_home: Path) -> None:
    script = "import sys; from pathlib import Path; from registry_dojo import lab; "
    script += "print(lab.up(Path(sys.argv[1])).pid)"
    result = subprocess.run(
        [sys.executable, "-c", script, str(lab_home)], capture_output=True, text=True, check=True
    )
    info = lab.status(lab_home)
    assert info is not None
    assert info.pid == int(result.stdout)


@pytest.mark.integration
@NEEDS_REGISTRY
def test_restart_after_kill(lab_home: Path) -> None:
    first = lab.up(lab_home)
    assert first.pid is not None
    os.kill(first.pid, signal.SIGKILL)
    # A signal is delivered asynchronously: wait until the registry has exited and released
    # its port, as it has by the time a learner notices a dead lab.
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        process.reap()
        if not _pid_exists(first.pid):
            break
        time.sleep(0.05)
    assert lab.status(lab_home) is None
    second = lab.up(lab_home)
    assert second.pid != first.pid
    assert second.host == first.host
    assert second.password == first.password


@pytest.mark.integration
@NEEDS_REGISTRY
def test_restart_when_not_responding(lab_home: Path) -> None:
    first = lab.up(lab_home)
    assert first.pid is not None
    os.kill(first.pid, signal.SIGSTOP)
    try:
        second = lab.up(lab_home)
    finally:
        if _pid_exists(first.pid):
            os.kill(first.pid, signal.SIGKILL)
    assert second.pid != first.pid
    assert not _pid_exists(first.pid)


@pytest.mark.integration
@NEEDS_REGISTRY
def test_busy_recorded_port_moves_lab(lab_home: Path) -> None:
    first = lab.up(lab_home)
    lab.down(lab_home)
    port = int(first.host.rsplit(":", 1)[1])
    with socket.socket() as squatter:
        squatter.bind(("127.0.0.1", port))
        squatter.listen()
        second = lab.up(lab_home)
    assert second.host != first.host
    assert lab.status(lab_home) == second
    config = (lab_home / "lab" / "config.yml").read_text()
    assert f'  addr: "{second.host}"\n' in config
    auths = json.loads((second.docker_config / "config.json").read_text())["auths"]
    assert sorted(auths) == [second.host]


@pytest.mark.integration
@NEEDS_REGISTRY
def test_restart_reuses_free_port(lab_home: Path) -> None:
    first = lab.up(lab_home)
    lab.down(lab_home)
    assert lab.up(lab_home).host == first.host


@pytest.mark.integration
@NEEDS_REGISTRY
def test_credentials_stable_across_restarts(lab_home: Path) -> None:
    first = lab.up(lab_home)
    lab.down(lab_home)
    assert lab.up(lab_home).password == first.password


@pytest.mark.integration
@NEEDS_REGISTRY
def test_lost_password_file_gives_new_login(lab_home: Path) -> None:
    first = lab.up(lab_home)
    (lab_home / "lab" / "password").unlink()
    assert lab.status(lab_home) is None
    second = lab.up(lab_home)
    assert second.password != first.password
    response = httpx.get(
        f"{second.url}/v2/", auth=(second.username, second.password), trust_env=False
    )
    assert response.status_code == 200


@pytest.mark.integration
@NEEDS_REGISTRY
def test_concurrent_up_threads_start_one(lab_home: Path) -> None:
    results: list[lab.LabInfo] = []
    threads = [threading.Thread(target=lambda: results.append(lab.up(lab_home))) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(results) == 4
    assert len({info.pid for info in results}) == 1
    assert len(_lab_processes(lab_home.resolve() / "lab" / "config.yml")) == 1


@pytest.mark.integration
@NEEDS_REGISTRY
def test_concurrent_up_processes_start_one(lab_home: Path) -> None:
    script = "import sys; from pathlib import Path; from registry_dojo import lab; "
    script += "print(lab.up(Path(sys.argv[1])).pid)"
    starters = [
        subprocess.Popen(
            [sys.executable, "-c", script, str(lab_home)], stdout=subprocess.PIPE, text=True
        )
        for _ in range(3)
    ]
    pids = {starter.communicate(timeout=60)[0].strip() for starter in starters}
    assert [starter.returncode for starter in starters] == [0, 0, 0]
    assert len(pids) == 1
    assert len(_lab_processes(lab_home.resolve() / "lab" / "config.yml")) == 1


@pytest.mark.integration
@NEEDS_REGISTRY
def test_lab_folder_modes(lab_home: Path) -> None:
    lab.up(lab_home)
    root = lab_home / "lab"
    for folder in (root, root / "storage", root / "docker-config"):
        assert _mode(folder) == 0o700, folder
    for name in ("config.yml", "htpasswd", "username", "password", "state.json", "registry.log"):
        assert _mode(root / name) == 0o600, name
    assert _mode(root / "docker-config" / "config.json") == 0o600


@pytest.mark.integration
@NEEDS_REGISTRY
def test_docker_config_has_lab_login(lab_home: Path) -> None:
    info = lab.up(lab_home)
    auths = json.loads((info.docker_config / "config.json").read_text())["auths"]
    expected = base64.b64encode(f"{info.username}:{info.password}".encode()).decode()
    assert auths == {info.host: {"auth": expected}}


@pytest.mark.integration
@NEEDS_REGISTRY
@pytest.mark.skipif(shutil.which("skopeo") is None, reason="skopeo is not installed")
def test_skopeo_logs_in_with_authfile(lab_home: Path) -> None:
    info = lab.up(lab_home)
    result = subprocess.run(
        [
            "skopeo",
            "list-tags",
            "--tls-verify=false",
            "--authfile",
            str(info.docker_config / "config.json"),
            f"docker://{info.host}/dojo/missing",
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    # Logged in, the registry reports the repository unknown (404) instead of 401.
    assert "404 (Not Found)" in result.stderr
    assert "unauthorized" not in result.stderr


@pytest.mark.integration
@NEEDS_REGISTRY
def test_learner_docker_config_untouched(
    lab_home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    user_home = tmp_path / "user"
    user_home.mkdir()
    monkeypatch.setenv("HOME", str(user_home))
    info = lab.up(lab_home)
    lab.env_exports(info, reveal=True)
    lab.down(lab_home)
    assert list(user_home.iterdir()) == []


@pytest.mark.integration
@NEEDS_REGISTRY
def test_registry_gets_no_registry_env(lab_home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("REGISTRY_HTTP_ADDR", "127.0.0.1:1")
    info = lab.up(lab_home)
    assert lab.status(lab_home) == info


@pytest.mark.integration
@NEEDS_REGISTRY
def test_start_logged_without_password(lab_home: Path, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level("INFO", logger="registry_dojo")
    info = lab.up(lab_home)
    lab.down(lab_home)
    messages = [r.getMessage() for r in caplog.records if r.name.startswith("registry_dojo")]
    port = info.host.rsplit(":", 1)[1]
    started = f"started the lab registry at {info.url} (backend binary, pid {info.pid}) in "
    assert messages[0].startswith(started)
    assert messages[-1] == f"stopped the lab registry on port {port} (backend binary)"
    assert all(info.password not in message for message in messages)


@pytest.mark.integration
@NEEDS_REGISTRY
def test_start_time_median(tmp_path: Path) -> None:
    durations = []
    for run in range(7):
        home = tmp_path / f"home{run}"
        began = time.monotonic()
        lab.up(home)
        durations.append(time.monotonic() - began)
        lab.down(home)
    median = statistics.median(durations)
    print(f"lab start time: median {median * 1000:.0f} ms, max {max(durations) * 1000:.0f} ms")
    assert median < lifecycle.START_TIMEOUT


def _config(home: Path) -> Path:
    return home.resolve() / "lab" / "config.yml"


@pytest.mark.integration
@NEEDS_REGISTRY
@pytest.mark.parametrize("text", ["{", "", '{"port": "abc"}'])
def test_broken_state_running_lab_adopted(lab_home: Path, text: str) -> None:
    first = lab.up(lab_home)
    (lab_home / "lab" / "state.json").write_text(text)
    assert lab.status(lab_home) == first
    assert lab.up(lab_home) == first
    assert _lab_processes(_config(lab_home)) == [first.pid]
    assert LabFiles(lab_home.resolve()).read_state() is not None


@pytest.mark.integration
@NEEDS_REGISTRY
@pytest.mark.parametrize("text", ["{", ""])
def test_broken_state_down_stops_lab(lab_home: Path, text: str) -> None:
    first = lab.up(lab_home)
    (lab_home / "lab" / "state.json").write_text(text)
    assert lab.down(lab_home) is True
    assert _lab_processes(_config(lab_home)) == []
    state = LabFiles(lab_home.resolve()).read_state()
    assert state is not None
    assert state.pid is None
    assert f"127.0.0.1:{state.port}" == first.host


@pytest.mark.integration
@NEEDS_REGISTRY
def test_broken_state_stuck_lab_replaced(lab_home: Path) -> None:
    first = lab.up(lab_home)
    assert first.pid is not None
    (lab_home / "lab" / "state.json").write_text("{")
    os.kill(first.pid, signal.SIGSTOP)
    try:
        second = lab.up(lab_home)
    finally:
        if _pid_exists(first.pid):
            os.kill(first.pid, signal.SIGKILL)
    assert second.pid != first.pid
    assert _lab_processes(_config(lab_home)) == [second.pid]


@pytest.mark.integration
@NEEDS_REGISTRY
def test_up_stops_two_unlisted_registries(lab_home: Path) -> None:
    first = lab.up(lab_home)
    binary = process.find_binary()
    assert binary is not None
    # A second registry on the same config path and storage, on another port, as an older
    # version left behind after losing its state file.
    lab_files = LabFiles(lab_home.resolve())
    port = network.free_port()
    lab_files.config.write_text(
        render_config(
            addr=f"127.0.0.1:{port}",
            storage=lab_files.storage,
            htpasswd=lab_files.htpasswd,
            secret="x",
        )
    )
    extra = process.spawn(binary, lab_files.config, lab_home / "extra.log")
    deadline = time.monotonic() + 10
    while not network.registry_answers(f"http://127.0.0.1:{port}"):
        assert time.monotonic() < deadline, "the second registry did not start"
        time.sleep(0.05)
    assert _lab_processes(lab_files.config) == sorted([first.pid, extra.pid])
    lab_files.state.write_text("")

    second = lab.up(lab_home)
    assert _lab_processes(lab_files.config) == [second.pid]
    assert second.pid not in (first.pid, extra.pid)


@pytest.mark.integration
@NEEDS_REGISTRY
def test_password_newline_still_logs_in(lab_home: Path) -> None:
    first = lab.up(lab_home)
    lab.down(lab_home)
    (lab_home / "lab" / "password").write_text(first.password + "\n")
    second = lab.up(lab_home)
    assert second.password == first.password
    response = httpx.get(
        f"{second.url}/v2/", auth=(second.username, first.password), trust_env=False
    )
    assert response.status_code == 200


@pytest.mark.integration
@NEEDS_REGISTRY
def test_lost_username_keeps_login(lab_home: Path) -> None:
    first = lab.up(lab_home)
    (lab_home / "lab" / "username").unlink()
    assert lab.status(lab_home) == first
    assert lab.up(lab_home) == first


@pytest.mark.integration
@NEEDS_REGISTRY
@pytest.mark.parametrize(
    ("number", "reason", "names"),
    [
        (errno.EROFS, "Read-only file system", ("lock", "state.json")),
        # An existing lock file opens on a full disk; only new data fails.
        (errno.ENOSPC, "No space left on device", ("state.json",)),
    ],
)
def test_down_without_writable_state(
    lab_home: Path,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
    number: int,
    reason: str,
    names: tuple[str, ...],
) -> None:
    info = lab.up(lab_home)
    _fail_writes(monkeypatch, number, *names)
    caplog.set_level(logging.WARNING, logger="registry_dojo")
    assert lab.down(lab_home) is True
    state_file = lab_home.resolve() / "lab" / "state.json"
    assert [record.getMessage() for record in caplog.records] == [
        f"the lab registry stopped, but {state_file} was not updated: "
        f"[Errno {number}] {reason}: '{state_file}'"
    ]
    assert _lab_processes(_config(lab_home)) == []
    assert lab.status(lab_home) is None
    assert info.pid is not None
    assert not _pid_exists(info.pid)


@pytest.mark.integration
@NEEDS_REGISTRY
def test_up_state_unwritable_stops_new_registry(
    lab_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _fail_writes(monkeypatch, errno.ENOSPC, "state.json")
    with pytest.raises(LabError) as raised:
        lab.up(lab_home)
    assert str(raised.value) == (
        f"cannot write '{lab_home.resolve()}/lab/state.json': No space left on device; free "
        "some disk space, then run the command again"
    )
    assert _lab_processes(_config(lab_home)) == []
