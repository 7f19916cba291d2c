"""Tests against a real Docker engine: the lab's Docker backend, and docker workflows that a
learner runs against the lab registry.

The engine is the one DOCKER_HOST names (CI starts a private one with scripts/dockerd.sh);
the default socket is never used. Without a reachable engine these tests are skipped, unless
REGISTRY_DOJO_REQUIRE_DOCKER=1, which makes them fail instead so CI cannot pass without them.
No image registry outside this machine is reachable, so ``registry:2`` is a stand-in built
from Debian's registry program (tests/docker_support.py) and test images are ``FROM scratch``.
"""

from __future__ import annotations

import base64
import contextlib
import io
import json
import os
import shutil
import socket
import subprocess
import tarfile
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import httpx
import pytest

from docker_support import ensure_registry_image
from registry_dojo import lab as lab_module
from registry_dojo.checks import module1
from registry_dojo.checks.result import Status
from registry_dojo.errors import RegistryError
from registry_dojo.image import build_image
from registry_dojo.lab import LabInfo, container, process
from registry_dojo.lab.files import LabFiles
from registry_dojo.registry import Registry

if TYPE_CHECKING:
    from docker import DockerClient
    from docker.models.containers import Container

REQUIRE_DOCKER_ENV = "REGISTRY_DOJO_REQUIRE_DOCKER"
DOCKER = pytest.mark.docker
INTEGRATION = pytest.mark.integration
ENGINE_REPOSITORY = "dojo/engine"
LOCAL_IMAGE = "registry-dojo-test/engine:built"
IMAGE_FILE = b"hello from a FROM scratch image\n"
DOCKER_TIMEOUT = 120


def _skip_or_fail(reason: str) -> None:
    if os.environ.get(REQUIRE_DOCKER_ENV) == "1":
        pytest.fail(f"{REQUIRE_DOCKER_ENV}=1 but {reason}", pytrace=False)
    pytest.skip(reason)


@pytest.fixture(scope="session")
def engine() -> Iterator[DockerClient]:
    """A client for the engine DOCKER_HOST names; skips (or fails, when required) without one."""
    host = os.environ.get("DOCKER_HOST")
    if not host:
        _skip_or_fail("DOCKER_HOST is not set, so no Docker engine is used")
    import docker
    import requests

    try:
        client = docker.from_env(timeout=DOCKER_TIMEOUT)
        client.ping()
    except (docker.errors.DockerException, requests.RequestException) as error:
        _skip_or_fail(f"no Docker engine answers at DOCKER_HOST={host}: {error}")
    before = {image.id for image in client.images.list(all=True)}
    yield client
    # Remove only what this session added (the pushed tags, the built image, the registry:2
    # stand-in), so a developer's own engine keeps its images and gets no fake registry:2.
    for image in client.images.list(all=True):
        if image.id not in before:
            with contextlib.suppress(docker.errors.APIError):
                client.images.remove(image.id, force=True)
    client.close()


@pytest.fixture(scope="session")
def registry_image(engine: DockerClient) -> str:
    """The id of ``registry:2`` on the engine: the real image if present, else the stand-in."""
    return ensure_registry_image(engine)


def _has_bridge_network(client: DockerClient) -> bool:
    import docker

    try:
        client.networks.get("bridge")
    except docker.errors.NotFound:
        return False
    return True


def _refuses(host: str, port: int) -> bool:
    """Return True if nothing accepts a TCP connection on host:port."""
    try:
        with socket.create_connection((host, port), timeout=1):
            return False
    except OSError:
        return True


# --- the lab's Docker backend ----------------------------------------------------------------


@pytest.fixture
def docker_lab(
    engine: DockerClient, registry_image: str, lab_home: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[LabInfo]:
    """A lab in its own data home that runs on the Docker backend (no registry program)."""
    monkeypatch.setattr(process, "find_binary", lambda: None)
    info = lab_module.up(lab_home)
    yield info
    lab_module.down(lab_home)


def _lab_container(client: DockerClient, info: LabInfo) -> Container:
    state = LabFiles(info.home).read_state()
    assert state is not None
    assert state.container_id is not None
    return client.containers.get(state.container_id)


@DOCKER
@INTEGRATION
def test_docker_lab_backend(docker_lab: LabInfo) -> None:
    assert docker_lab.backend == "docker"
    assert docker_lab.pid is None


@DOCKER
@INTEGRATION
def test_docker_lab_runs_registry_image(
    engine: DockerClient, registry_image: str, docker_lab: LabInfo
) -> None:
    running = _lab_container(engine, docker_lab)
    assert running.status == "running"
    assert running.image.id == registry_image
    assert running.name == container.container_name(LabFiles(docker_lab.home))


@DOCKER
@INTEGRATION
def test_docker_lab_refuses_other_addresses(docker_lab: LabInfo) -> None:
    port = int(docker_lab.host.rpartition(":")[2])
    assert _refuses("127.0.0.2", port)


@DOCKER
@INTEGRATION
def test_docker_lab_port_binding_loopback(engine: DockerClient, docker_lab: LabInfo) -> None:
    if not _has_bridge_network(engine):
        pytest.skip("the engine has no bridge network (dockerd --bridge=none), so no port binding")
    port = docker_lab.host.rpartition(":")[2]
    bindings = _lab_container(engine, docker_lab).attrs["HostConfig"]["PortBindings"]
    assert bindings == {"5000/tcp": [{"HostIp": "127.0.0.1", "HostPort": port}]}


@DOCKER
@INTEGRATION
def test_docker_lab_host_network_loopback(engine: DockerClient, docker_lab: LabInfo) -> None:
    if _has_bridge_network(engine):
        pytest.skip("the engine has a bridge network, so the lab publishes a port instead")
    attributes = _lab_container(engine, docker_lab).attrs
    config = (docker_lab.home / "lab" / "config.yml").read_text(encoding="utf-8")
    assert attributes["HostConfig"]["NetworkMode"] == "host"
    assert attributes["HostConfig"]["PortBindings"] in ({}, None)
    assert f'  addr: "{docker_lab.host}"\n' in config


@DOCKER
@INTEGRATION
def test_docker_lab_requires_login(docker_lab: LabInfo) -> None:
    response = httpx.get(f"{docker_lab.url}/v2/", trust_env=False)
    assert response.status_code == 401
    assert response.headers["Www-Authenticate"] == 'Basic realm="registry-dojo lab"'


@DOCKER
@INTEGRATION
def test_docker_lab_credentials_work(docker_lab: LabInfo) -> None:
    with docker_lab.client() as registry:
        registry.ping()


@DOCKER
@INTEGRATION
def test_docker_lab_push_read_back(docker_lab: LabInfo) -> None:
    image = build_image({"hello.txt": b"pushed to the docker backend\n"})
    with docker_lab.client() as registry:
        pushed = registry.push_image(ENGINE_REPOSITORY, "1.0", image)
        manifest = registry.get_manifest(ENGINE_REPOSITORY, "1.0")
        layer = registry.get_blob(ENGINE_REPOSITORY, image.layers[0].digest)
    assert pushed == image.digest
    assert manifest.digest == image.digest
    assert manifest.data == image.manifest
    assert layer == image.layers[0].data


@DOCKER
@INTEGRATION
def test_docker_lab_status_sees_it(docker_lab: LabInfo) -> None:
    assert lab_module.status(docker_lab.home) == docker_lab


@DOCKER
@INTEGRATION
def test_docker_lab_down_removes_container(engine: DockerClient, docker_lab: LabInfo) -> None:
    import docker

    container_id = _lab_container(engine, docker_lab).id
    assert lab_module.down(docker_lab.home) is True
    with pytest.raises(docker.errors.NotFound):
        engine.containers.get(container_id)
    assert lab_module.status(docker_lab.home) is None


@DOCKER
@INTEGRATION
def test_docker_lab_restarts_killed_container(engine: DockerClient, docker_lab: LabInfo) -> None:
    import docker

    image = build_image({"kept.txt": b"survives a restart\n"})
    with docker_lab.client() as registry:
        registry.push_image(ENGINE_REPOSITORY, "kept", image)
    killed = _lab_container(engine, docker_lab)
    killed.kill()
    assert lab_module.status(docker_lab.home) is None

    restarted = lab_module.up(docker_lab.home)
    replacement = _lab_container(engine, restarted)
    assert replacement.id != killed.id
    assert replacement.status == "running"
    with pytest.raises(docker.errors.NotFound):
        engine.containers.get(killed.id)
    assert restarted.host == docker_lab.host
    with restarted.client() as registry:
        assert registry.head_manifest(ENGINE_REPOSITORY, "kept").digest == image.digest


# --- docker workflows against the lab registry (binary backend) -------------------------------


class DockerCli:
    """Runs the ``docker`` program with a private HOME and an explicit --config folder."""

    def __init__(self, home: Path) -> None:
        program = shutil.which("docker")
        if program is None:
            _skip_or_fail("no docker program on PATH")
        self.program = str(program)
        self.home = home
        self.environment = {
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "HOME": str(home),
            "DOCKER_HOST": os.environ["DOCKER_HOST"],
        }

    def run(
        self, config: Path, *arguments: str, stdin: str | None = None
    ) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [self.program, "--config", str(config), *arguments],
            input=stdin,
            capture_output=True,
            text=True,
            env=self.environment,
            timeout=DOCKER_TIMEOUT,
            check=False,
        )

    def check(self, config: Path, *arguments: str, stdin: str | None = None) -> str:
        """Run docker and return its output; fail the test with stderr when it fails."""
        result = self.run(config, *arguments, stdin=stdin)
        assert result.returncode == 0, f"docker {' '.join(arguments)} failed: {result.stderr}"
        return result.stdout + result.stderr


@pytest.fixture
def docker_cli(engine: DockerClient, tmp_path: Path) -> DockerCli:
    home = tmp_path / "user-home"
    home.mkdir()
    return DockerCli(home)


def _build_context(files: dict[str, bytes]) -> bytes:
    dockerfile = "FROM scratch\n" + "".join(f"COPY {name} /{name}\n" for name in files)
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w") as archive:
        for name, data in {"Dockerfile": dockerfile.encode(), **files}.items():
            entry = tarfile.TarInfo(name)
            entry.size = len(data)
            archive.addfile(entry, io.BytesIO(data))
    return buffer.getvalue()


@pytest.fixture(scope="session")
def local_image(engine: DockerClient) -> str:
    """A one-file ``FROM scratch`` image built through the Docker SDK; returns its id."""
    image, _ = engine.images.build(
        fileobj=io.BytesIO(_build_context({"hello.txt": IMAGE_FILE})),
        custom_context=True,
        tag=LOCAL_IMAGE,
        rm=True,
    )
    return str(image.id)


def _login(docker_cli: DockerCli, lab: LabInfo) -> str:
    return docker_cli.check(
        lab.docker_config,
        "login",
        lab.host,
        "-u",
        lab.username,
        "--password-stdin",
        stdin=lab.password,
    )


@pytest.fixture
def logged_in(lab: LabInfo, docker_cli: DockerCli) -> Path:
    """The lab's Docker config folder after a real ``docker login`` into it."""
    _login(docker_cli, lab)
    return lab.docker_config


@DOCKER
@INTEGRATION
def test_docker_login_writes_lab_config(lab: LabInfo, docker_cli: DockerCli) -> None:
    path = lab.docker_config / "config.json"
    original = path.read_text(encoding="utf-8")
    without_lab = json.loads(original)
    del without_lab["auths"][lab.host]
    path.write_text(json.dumps(without_lab), encoding="utf-8")
    try:
        _login(docker_cli, lab)
        written = json.loads(path.read_text(encoding="utf-8"))
    finally:
        path.write_text(original, encoding="utf-8")
    token = base64.b64decode(written["auths"][lab.host]["auth"]).decode()
    assert token == f"{lab.username}:{lab.password}"


@DOCKER
@INTEGRATION
def test_docker_login_leaves_home_alone(docker_cli: DockerCli, logged_in: Path) -> None:
    assert not (docker_cli.home / ".docker").exists()


@DOCKER
@INTEGRATION
def test_docker_login_output_hides_password(lab: LabInfo, docker_cli: DockerCli) -> None:
    output = _login(docker_cli, lab)
    assert "Login Succeeded" in output
    assert lab.password not in output


def _push_two_tags(
    docker_cli: DockerCli, config: Path, host: str, repository: str, image_id: str
) -> None:
    for tag in ("1.0", "stable"):
        target = f"{host}/{repository}:{tag}"
        docker_cli.check(config, "tag", image_id, target)
        docker_cli.check(config, "push", target)


@DOCKER
@INTEGRATION
def test_docker_push_two_tags_one_digest(
    lab: LabInfo, docker_cli: DockerCli, logged_in: Path, local_image: str
) -> None:
    _push_two_tags(docker_cli, logged_in, lab.host, ENGINE_REPOSITORY, local_image)
    with lab.client() as registry:
        first = registry.head_manifest(ENGINE_REPOSITORY, "1.0")
        second = registry.head_manifest(ENGINE_REPOSITORY, "stable")
        tags = registry.tags(ENGINE_REPOSITORY)
    assert first.digest == second.digest
    assert {"1.0", "stable"} <= set(tags)


@DOCKER
@INTEGRATION
def test_docker_pushed_layer_has_file(
    lab: LabInfo, docker_cli: DockerCli, logged_in: Path, local_image: str
) -> None:
    _push_two_tags(docker_cli, logged_in, lab.host, ENGINE_REPOSITORY, local_image)
    with lab.client() as registry:
        manifest = registry.get_manifest(ENGINE_REPOSITORY, "1.0").json()
        layer = registry.get_blob(ENGINE_REPOSITORY, manifest["layers"][0]["digest"])
    with tarfile.open(fileobj=io.BytesIO(layer)) as archive:
        extracted = archive.extractfile("hello.txt")
        assert extracted is not None
        assert extracted.read() == IMAGE_FILE


@DOCKER
@INTEGRATION
def test_lab_push_accepts_docker_cli_publish(
    lab: LabInfo, docker_cli: DockerCli, logged_in: Path, local_image: str
) -> None:
    def publish(registry: Registry) -> None:
        _push_two_tags(docker_cli, logged_in, lab.host, "dojo/hello", local_image)

    result = module1.lab_push.check(publish)
    assert result.status is Status.CORRECT, result.text()


@DOCKER
@INTEGRATION
def test_docker_rmi_keeps_registry_copy(
    lab: LabInfo, docker_cli: DockerCli, logged_in: Path, local_image: str
) -> None:
    _push_two_tags(docker_cli, logged_in, lab.host, ENGINE_REPOSITORY, local_image)
    target = f"{lab.host}/{ENGINE_REPOSITORY}:1.0"
    docker_cli.check(logged_in, "rmi", target)
    assert docker_cli.run(logged_in, "image", "inspect", target).returncode != 0
    with lab.client() as registry:
        assert registry.head_manifest(ENGINE_REPOSITORY, "1.0").digest.startswith("sha256:")


@DOCKER
@INTEGRATION
def test_docker_push_without_login(
    lab: LabInfo, docker_cli: DockerCli, local_image: str, tmp_path: Path
) -> None:
    empty_config = tmp_path / "empty-docker-config"
    empty_config.mkdir()
    target = f"{lab.host}/{ENGINE_REPOSITORY}:no-login"
    docker_cli.check(empty_config, "tag", local_image, target)
    result = docker_cli.run(empty_config, "push", target)
    assert result.returncode != 0
    assert result.stderr == "no basic auth credentials\n"
    with lab.client() as registry, pytest.raises(RegistryError) as raised:
        registry.head_manifest(ENGINE_REPOSITORY, "no-login")
    assert raised.value.status == 404
