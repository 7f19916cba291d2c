"""Loopback ports, and the `/v2/` probe that checks whether a registry listens on one."""

from __future__ import annotations

import socket

import httpx

LOOPBACK = "127.0.0.1"
API_VERSION_HEADER = "Docker-Distribution-Api-Version"


def free_port() -> int:
    """Return a TCP port on 127.0.0.1 that was free a moment ago (the OS picks it)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((LOOPBACK, 0))
        port: int = probe.getsockname()[1]
        return port


def port_is_free(port: int) -> bool:
    """Return True if a server could listen on 127.0.0.1:`port` now.

    SO_REUSEADDR is set as the registry (a Go program) sets it, so a port in TIME_WAIT counts
    as free.
    """
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((LOOPBACK, port))
        except OSError:
            return False
        return True


def registry_answers(url: str, timeout: float = 1.0) -> bool:
    """Return True if a Docker registry (API v2) responds to ``GET url/v2/``.

    401 counts as up, because the lab requires a login. The API version header tells a
    registry apart from another server that took the port.
    """
    try:
        # trust_env=False: a proxy from the environment must never carry loopback traffic.
        response = httpx.get(f"{url}/v2/", timeout=timeout, trust_env=False)
    except httpx.HTTPError:
        return False
    return (
        response.status_code in (200, 401)
        and response.headers.get(API_VERSION_HEADER) == "registry/2.0"
    )
