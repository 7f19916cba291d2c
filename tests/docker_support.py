"""Test helpers for a real Docker engine: a locally built stand-in for the ``registry:2`` image.

The lab's Docker backend runs ``registry:2`` from Docker Hub, but the machines that run these
tests reach no image registry, so nothing can be pulled. `ensure_registry_image` builds a
``FROM scratch`` image instead, from Debian's ``/usr/bin/docker-registry`` (CNCF distribution
2.8) and the shared libraries ``ldd`` lists for it. It behaves like the Hub image where the
lab depends on it: the program is ``/bin/registry``, the entrypoint is ``registry serve`` and
the default argument is ``/etc/docker/registry/config.yml``.

The build context is a tar made in memory with `tarfile`, because the Docker SDK takes a tar
stream and a temporary folder would only be packed into one again.
"""

from __future__ import annotations

import io
import os
import re
import subprocess
import tarfile
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from docker import DockerClient

REGISTRY_IMAGE = "registry:2"
REGISTRY_BINARY = Path("/usr/bin/docker-registry")
STAND_IN_LABEL = "registry-dojo.stand-in"

# The official image declares the same volume, port and CMD, and its entrypoint runs
# `/bin/registry serve "$@"` (Dockerfile and docker-entrypoint.sh in the GitHub repository
# distribution/distribution-library-image).
DOCKERFILE = f"""\
FROM scratch
COPY rootfs/ /
LABEL {STAND_IN_LABEL}="CNCF distribution from Debian's docker-registry package"
VOLUME ["/var/lib/registry"]
EXPOSE 5000
ENTRYPOINT ["/bin/registry", "serve"]
CMD ["/etc/docker/registry/config.yml"]
"""

# `ldd` prints "libc.so.6 => /lib/x86_64-linux-gnu/libc.so.6 (0x...)" for a library and
# "/lib64/ld-linux-x86-64.so.2 (0x...)" for the dynamic loader.
_LDD_PATH = re.compile(r"(?:=>\s*)?(/\S+)\s+\(0x[0-9a-f]+\)")


def shared_libraries(binary: Path) -> list[Path]:
    """Return the absolute paths of the shared libraries and loader that `ldd` lists."""
    output = subprocess.run(["ldd", str(binary)], capture_output=True, text=True, check=True).stdout
    return [Path(match.group(1)) for match in _LDD_PATH.finditer(output)]


def build_context(binary: Path = REGISTRY_BINARY) -> bytes:
    """Return a tar build context: the Dockerfile plus rootfs/ with the binary and its libraries.

    Each library is stored as a regular file at the path `ldd` printed, with symbolic links
    resolved, so the image needs no link targets of its own.
    """
    files: dict[str, Path] = {"rootfs/bin/registry": binary}
    for library in shared_libraries(binary):
        files["rootfs" + str(library)] = library.resolve()
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w") as archive:
        _add_bytes(archive, "Dockerfile", DOCKERFILE.encode(), 0o644)
        for name, source in files.items():
            _add_bytes(archive, name, source.read_bytes(), 0o755)
    return buffer.getvalue()


def _add_bytes(archive: tarfile.TarFile, name: str, data: bytes, mode: int) -> None:
    entry = tarfile.TarInfo(name)
    entry.size = len(data)
    entry.mode = mode
    archive.addfile(entry, io.BytesIO(data))


def is_stand_in(labels: Mapping[str, str] | None) -> bool:
    """Return True if image labels mark the image as this module's stand-in."""
    return STAND_IN_LABEL in (labels or {})


def ensure_registry_image(client: DockerClient) -> str:
    """Make ``registry:2`` available on the engine and return the image id.

    A ``registry:2`` that is not the stand-in (the real Hub image, pulled earlier) is used as
    it is, so this never replaces it. Otherwise the stand-in is built, or rebuilt from the
    build cache when it exists.
    """
    import docker

    try:
        existing = client.images.get(REGISTRY_IMAGE)
    except docker.errors.ImageNotFound:
        existing = None
    if existing is not None and not is_stand_in(existing.labels):
        return str(existing.id)
    if not os.access(REGISTRY_BINARY, os.X_OK):
        raise FileNotFoundError(
            f"no registry program at {REGISTRY_BINARY} to build the {REGISTRY_IMAGE} stand-in "
            "from; install the Debian/Ubuntu package docker-registry"
        )
    image, _ = client.images.build(
        fileobj=io.BytesIO(build_context()),
        custom_context=True,
        tag=REGISTRY_IMAGE,
        rm=True,
    )
    return str(image.id)
