"""The "docker" backend: the ``registry:2`` image run through the Docker SDK, used only when
no registry program is installed but a Docker engine is reachable.

NOTE: tests/test_docker_engine.py runs this backend on Debian's docker.io 20.10 engine,
started with --bridge=none, so only the host-network path runs there. Its ``registry:2`` is a
locally built stand-in: Debian's registry 2.8.2 program in a FROM scratch image, with the same
entrypoint and default argument as the Hub image. The published-port path (an engine with a
bridge network, such as Docker Desktop) and the real Hub image are covered by unit tests with
a fake client only.
"""

from __future__ import annotations

import hashlib
import logging
import os
from pathlib import Path
from typing import TYPE_CHECKING

from registry_dojo.errors import LabError
from registry_dojo.lab.files import LabFiles

if TYPE_CHECKING:
    from docker import DockerClient
    from docker.models.containers import Container

logger = logging.getLogger(__name__)

IMAGE = "registry:2"
CONTAINER_PORT = 5000
# Paths inside the container. The image runs `registry serve /etc/docker/registry/config.yml`.
CONFIG_PATH = "/etc/docker/registry/config.yml"
HTPASSWD_PATH = "/auth/htpasswd"
STORAGE_PATH = "/var/lib/registry"
# The registry listens on every interface of the container's own network namespace; the
# host side of the port binding is 127.0.0.1 only.
CONTAINER_ADDR = f":{CONTAINER_PORT}"

DEFAULT_SOCKET = Path("/var/run/docker.sock")
PING_TIMEOUT = 3
STOP_TIMEOUT = 5


def engine() -> DockerClient | None:
    """Return a client for a Docker engine that responds to a ping, or None.

    Only the engine named by DOCKER_HOST or the default local socket is tried.
    """
    if not os.environ.get("DOCKER_HOST") and not DEFAULT_SOCKET.exists():
        return None
    import docker
    import requests

    try:
        client = docker.from_env(timeout=PING_TIMEOUT)
        client.ping()
    except (docker.errors.DockerException, requests.RequestException) as error:
        logger.info("no usable Docker engine for the lab registry: %s", error)
        return None
    return client


def container_name(files: LabFiles) -> str:
    """Return a container name unique to the lab folder, so two data homes never share one."""
    digest = hashlib.sha256(str(files.home).encode()).hexdigest()[:12]
    return f"registry-dojo-lab-{digest}"


def has_bridge_network(client: DockerClient) -> bool:
    """Return True if the engine has its default ``bridge`` network.

    An engine started with ``dockerd --bridge=none`` has none. It accepts a port binding but
    never applies it, so the lab must use the host's network there.
    """
    import docker

    try:
        client.networks.get("bridge")
    except docker.errors.NotFound:
        return False
    return True


def run(
    client: DockerClient, files: LabFiles, port: int, *, host_network: bool = False
) -> Container:
    """Start the registry container with the lab's config, htpasswd and storage mounted.

    The container's port 5000 is published on 127.0.0.1:`port`, or with `host_network` the
    container shares the host's network and the config must name ``127.0.0.1:port`` itself.
    Raises LabError when the engine rejects the container (image missing, port taken).
    """
    import docker

    remove(client, container_name(files))
    try:
        return _run(client, files, port, host_network)
    except docker.errors.DockerException as error:
        raise LabError(
            f"the Docker engine could not start the {IMAGE} image for the lab registry on "
            f"port {port}: {error}; check `docker pull {IMAGE}` works, then run: "
            "registry-dojo lab up"
        ) from error


def _run(client: DockerClient, files: LabFiles, port: int, host_network: bool) -> Container:
    published = {f"{CONTAINER_PORT}/tcp": ("127.0.0.1", port)}
    return client.containers.run(
        IMAGE,
        name=container_name(files),
        detach=True,
        network_mode="host" if host_network else None,
        ports=None if host_network else published,
        volumes={
            str(files.config): {"bind": CONFIG_PATH, "mode": "ro"},
            str(files.htpasswd): {"bind": HTPASSWD_PATH, "mode": "ro"},
            str(files.storage): {"bind": STORAGE_PATH, "mode": "rw"},
        },
        labels={"registry-dojo.home": str(files.home)},
    )


def is_running(client: DockerClient, container_id: str) -> bool:
    """Return True if the container exists and is running."""
    import docker

    try:
        container = client.containers.get(container_id)
    except docker.errors.NotFound:
        return False
    return bool(container.status == "running")


def remove(client: DockerClient, container_id: str) -> bool:
    """Stop and remove a container; return False if there was none."""
    import docker

    try:
        container = client.containers.get(container_id)
    except docker.errors.NotFound:
        return False
    container.stop(timeout=STOP_TIMEOUT)
    container.remove()
    return True


def log_tail(client: DockerClient, container_id: str, lines: int = 20) -> str:
    """Return the last `lines` lines the container wrote, or a note that there are none."""
    import docker

    try:
        output = client.containers.get(container_id).logs(tail=lines)
    except docker.errors.DockerException:
        return "(no container log)"
    text = output.decode(errors="replace").strip() if isinstance(output, bytes) else ""
    return text or "(the container log is empty)"
