"""The lab: a real CNCF distribution registry on 127.0.0.1 for the course's exercises.

    from registry_dojo import lab
    info = lab.connect()          # start it if needed
    registry = info.client()

The registry runs as the ``docker-registry`` (or ``registry``) program, or as the
``registry:2`` image when only a Docker engine is available, with its own config, an htpasswd
login and storage in ``<data home>/lab``. It keeps running after the Python process that
started it exits, until ``lab.down()`` or ``registry-dojo lab down``.
"""

from __future__ import annotations

from registry_dojo.lab.info import LabInfo, env_exports, env_vars
from registry_dojo.lab.lifecycle import connect, down, status, up

__all__ = ["LabInfo", "connect", "down", "env_exports", "env_vars", "status", "up"]
