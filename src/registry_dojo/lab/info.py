"""Connection details of the running lab registry, for notebooks and shells."""

from __future__ import annotations

import shlex
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from registry_dojo.paths import HOME_ENV

if TYPE_CHECKING:
    from registry_dojo.registry import Registry


@dataclass(frozen=True)
class LabInfo:
    """The running lab registry: where it listens and how to log in.

    The password is left out of repr() and str(), so printing a LabInfo never shows it.
    """

    host: str
    url: str
    username: str
    password: str = field(repr=False)
    pid: int | None
    backend: str
    docker_config: Path
    home: Path

    @property
    def password_file(self) -> Path:
        """File (mode 0600) that contains the password and nothing else."""
        return self.home / "lab" / "password"

    def client(self) -> Registry:
        """Return a registry client logged in to the lab."""
        from registry_dojo.registry import Registry

        return Registry(self.url, self.username, self.password)


def env_vars(info: LabInfo, *, reveal: bool = False) -> dict[str, str]:
    """Return the environment variables that point tools at the lab.

    REGISTRY_DOJO_PASSWORD is included only when `reveal` is True; the password file is
    always named instead.
    """
    variables = {
        HOME_ENV: str(info.home),
        "REGISTRY_DOJO_REGISTRY": info.host,
        "REGISTRY_DOJO_URL": info.url,
        "REGISTRY_DOJO_USERNAME": info.username,
        "REGISTRY_DOJO_PASSWORD_FILE": str(info.password_file),
        "DOCKER_CONFIG": str(info.docker_config),
    }
    if reveal:
        variables["REGISTRY_DOJO_PASSWORD"] = info.password
    return variables


def env_exports(info: LabInfo, *, reveal: bool = False) -> str:
    """Return ``export NAME=value`` lines for a POSIX shell, values quoted with shlex."""
    lines = [
        f"export {name}={shlex.quote(value)}"
        for name, value in env_vars(info, reveal=reveal).items()
    ]
    return "\n".join(lines)
