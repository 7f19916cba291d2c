"""The parsed image reference and its familiar (Docker UI) form."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

DEFAULT_DOMAIN: Final = "docker.io"
"""Domain that normalisation gives to names without one (Docker Hub)."""

LEGACY_DEFAULT_DOMAIN: Final = "index.docker.io"
"""Docker Hub's old name, which normalisation rewrites to :data:`DEFAULT_DOMAIN`."""

OFFICIAL_REPO_PREFIX: Final = "library/"
"""Namespace of Docker Hub's official images, added to one-component Hub paths."""

DEFAULT_TAG: Final = "latest"
"""Tag that ``parse_docker_ref`` adds when a reference has neither tag nor digest."""


@dataclass(frozen=True)
class Reference:
    """An image reference: ``[domain/]path[:tag][@digest]``.

    ``domain`` is ``""`` when the reference has none (only :func:`parse` leaves it empty for a
    name, because normalisation always sets one). A digest-only reference from
    :func:`parse_any_reference` has an empty domain and path.
    """

    domain: str
    path: str
    tag: str | None = None
    digest: str | None = None

    @property
    def name(self) -> str:
        """Repository name: ``domain/path``, or the path alone when there is no domain."""
        if not self.domain:
            return self.path
        return f"{self.domain}/{self.path}"

    @property
    def familiar_name(self) -> str:
        """Name as the Docker CLI prints it: without ``docker.io/`` and Hub's ``library/``."""
        if self.domain != DEFAULT_DOMAIN:
            return self.name
        remainder = self.path.removeprefix(OFFICIAL_REPO_PREFIX)
        # Only a one-component official name loses its prefix: "library/a/b" keeps it.
        if remainder != self.path and "/" not in remainder:
            return remainder
        return self.path

    @property
    def familiar_string(self) -> str:
        """Whole reference in familiar form: familiar name, then ``:tag`` and ``@digest``."""
        return _join(self.familiar_name, self.tag, self.digest)

    def __str__(self) -> str:
        """Canonical string: ``name[:tag][@digest]``, or only the digest when there is no name."""
        return _join(self.name, self.tag, self.digest)


def _join(name: str, tag: str | None, digest: str | None) -> str:
    text = name
    if tag is not None:
        text += f":{tag}"
    if digest is not None:
        text = f"{text}@{digest}" if text else digest
    return text
