"""Build small, valid OCI images in Python, with no container engine.

The course needs images to push before a learner has Docker, and it prints their digests in
notebooks, so the same input must give byte-identical blobs on every run. We found no PyPI
library that builds an OCI image without an engine and fixes every byte (tar headers, gzip
header, JSON key order). This module therefore uses the standard library: `tarfile` for
layers, `hashlib` for digests, `json` in canonical form (sorted keys, no spaces), and a gzip
member written by hand because `gzip.compress` writes a different header on Python 3.10
than on 3.11+.
"""

from __future__ import annotations

import hashlib
import io
import json
import struct
import tarfile
import zlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import PurePosixPath
from typing import Any, TypeAlias

from registry_dojo.registry.mediatypes import (
    OCI_CONFIG,
    OCI_LAYER_TAR,
    OCI_LAYER_TAR_GZIP,
    OCI_MANIFEST,
)

FileContent: TypeAlias = "bytes | str"
LayerSpec: TypeAlias = "Mapping[str, FileContent] | bytes"

FILE_MODE = 0o644
DIRECTORY_MODE = 0o755
GZIP_LEVEL = 6
# Gzip member header (RFC 1952): magic, deflate, no flags, mtime 0, no extra flags, OS unknown.
_GZIP_HEADER = b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\xff"
_GZIP_MAGIC = b"\x1f\x8b"


def sha256_digest(data: bytes) -> str:
    """Return the OCI digest string ``sha256:<64 hex>`` of `data`."""
    return "sha256:" + hashlib.sha256(data).hexdigest()


def canonical_json(value: object) -> bytes:
    """Encode `value` as compact UTF-8 JSON with sorted keys, so equal values give equal bytes."""
    text = json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return text.encode("utf-8")


@dataclass(frozen=True)
class Blob:
    """Content addressed by its digest: a layer, a config or a manifest."""

    media_type: str
    data: bytes = field(repr=False)
    digest: str = field(init=False)
    size: int = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "digest", sha256_digest(self.data))
        object.__setattr__(self, "size", len(self.data))

    def descriptor(self) -> dict[str, object]:
        """Return the OCI descriptor (media type, digest, size) that points to this blob."""
        return {"mediaType": self.media_type, "digest": self.digest, "size": self.size}


@dataclass(frozen=True)
class Image:
    """An OCI image: config and layer blobs plus the manifest bytes that reference them."""

    config: Blob
    layers: tuple[Blob, ...]
    manifest: bytes = field(repr=False)
    media_type: str = OCI_MANIFEST
    digest: str = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "digest", sha256_digest(self.manifest))

    @property
    def blobs(self) -> tuple[Blob, ...]:
        """Every blob the manifest references: config first, then the layers in order."""
        return (self.config, *self.layers)

    def manifest_json(self) -> Any:
        """Return the manifest decoded from JSON."""
        return json.loads(self.manifest)

    def config_json(self) -> Any:
        """Return the image config decoded from JSON."""
        return json.loads(self.config.data)


def build_image(
    files: Mapping[str, FileContent] | None = None,
    *,
    layers: Sequence[LayerSpec] = (),
    architecture: str = "amd64",
    os: str = "linux",
    variant: str | None = None,
    cmd: Sequence[str] | None = None,
    entrypoint: Sequence[str] | None = None,
    env: Mapping[str, str] | None = None,
    working_dir: str | None = None,
    labels: Mapping[str, str] | None = None,
    annotations: Mapping[str, str] | None = None,
) -> Image:
    """Build a deterministic OCI image: the same arguments give the same digest on every run.

    `files` (path -> content, str encoded as UTF-8) becomes the first layer. Each entry of
    `layers` adds one more layer: a mapping of files, or raw bytes used as they are (gzip-
    compressed when they start with the gzip magic, a plain tar otherwise). `cmd`,
    `entrypoint`, `env`, `working_dir` and `labels` go into the image config; `annotations`
    into the manifest. Raises ValueError for an image without layers or an invalid path, and
    TypeError when `files` is not a mapping.
    """
    if files is not None and not isinstance(files, Mapping):
        raise TypeError(
            f"files must be a mapping of path to content, such as {{'hello.txt': 'hello'}}, "
            f"not {type(files).__name__} {_shorten(repr(files))}"
        )
    specs: list[LayerSpec] = [] if files is None else [files]
    specs.extend(layers)
    if not specs:
        raise ValueError(
            "an image needs at least one layer: pass files={path: bytes} or layers=[...]"
        )

    layer_blobs: list[Blob] = []
    diff_ids: list[str] = []
    for spec in specs:
        blob, diff_id = _layer_blob(spec)
        layer_blobs.append(blob)
        diff_ids.append(diff_id)

    runtime_config = _runtime_config(cmd, entrypoint, env, working_dir, labels)
    config: dict[str, object] = {
        "architecture": architecture,
        "os": os,
        "rootfs": {"type": "layers", "diff_ids": diff_ids},
    }
    if variant is not None:
        config["variant"] = variant
    if runtime_config:
        config["config"] = runtime_config
    config_blob = Blob(OCI_CONFIG, canonical_json(config))

    manifest: dict[str, object] = {
        "schemaVersion": 2,
        "mediaType": OCI_MANIFEST,
        "config": config_blob.descriptor(),
        "layers": [blob.descriptor() for blob in layer_blobs],
    }
    if annotations:
        manifest["annotations"] = dict(annotations)
    return Image(config_blob, tuple(layer_blobs), canonical_json(manifest))


def layer_tar(files: Mapping[str, FileContent]) -> bytes:
    """Return an uncompressed tar of `files`, with sorted entries, mtime 0 and owner root (0:0).

    Each parent folder of a path gets its own directory entry. A leading ``/`` or ``./`` is
    dropped. Raises ValueError for an empty path, a ``..`` part, a path given twice, or a path
    used both as a file and as a folder.
    """
    contents = _normalise_files(files)
    directories = _implied_directories(contents)
    clash = sorted(directories & contents.keys())
    if clash:
        raise ValueError(
            f"path {clash[0]!r} is used both as a file and as a folder; rename one of them"
        )

    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w", format=tarfile.PAX_FORMAT) as archive:
        for name in sorted(directories | contents.keys()):
            if name in directories:
                archive.addfile(_tar_info(name, tarfile.DIRTYPE, DIRECTORY_MODE, 0))
            else:
                data = contents[name]
                info = _tar_info(name, tarfile.REGTYPE, FILE_MODE, len(data))
                archive.addfile(info, io.BytesIO(data))
    return buffer.getvalue()


def gzip_deterministic(data: bytes) -> bytes:
    """Compress `data` into one gzip member with a fixed header (mtime 0, no file name).

    NOTE: the deflate stream comes from the zlib that Python links. Common zlib builds give
    the same bytes, but a different implementation (zlib-ng, say) can change the digest.
    """
    compressor = zlib.compressobj(GZIP_LEVEL, zlib.DEFLATED, -zlib.MAX_WBITS)
    body = compressor.compress(data) + compressor.flush()
    trailer = struct.pack("<II", zlib.crc32(data), len(data) & 0xFFFFFFFF)
    return _GZIP_HEADER + body + trailer


def _layer_blob(spec: LayerSpec) -> tuple[Blob, str]:
    """Return the layer blob for `spec` and its diff ID (digest of the uncompressed tar)."""
    if isinstance(spec, bytes):
        if spec.startswith(_GZIP_MAGIC):
            return Blob(OCI_LAYER_TAR_GZIP, spec), sha256_digest(zlib.decompress(spec, 31))
        return Blob(OCI_LAYER_TAR, spec), sha256_digest(spec)
    tar = layer_tar(spec)
    return Blob(OCI_LAYER_TAR_GZIP, gzip_deterministic(tar)), sha256_digest(tar)


def _runtime_config(
    cmd: Sequence[str] | None,
    entrypoint: Sequence[str] | None,
    env: Mapping[str, str] | None,
    working_dir: str | None,
    labels: Mapping[str, str] | None,
) -> dict[str, object]:
    """Return the ``config`` object of the image config, holding only the fields given."""
    runtime: dict[str, object] = {}
    if cmd is not None:
        runtime["Cmd"] = list(cmd)
    if entrypoint is not None:
        runtime["Entrypoint"] = list(entrypoint)
    if env:
        runtime["Env"] = [f"{key}={value}" for key, value in env.items()]
    if working_dir is not None:
        runtime["WorkingDir"] = working_dir
    if labels:
        runtime["Labels"] = dict(labels)
    return runtime


def _normalise_files(files: Mapping[str, FileContent]) -> dict[str, bytes]:
    """Return `files` keyed by normalised relative path, with str content encoded as UTF-8."""
    normalised: dict[str, bytes] = {}
    for path, content in files.items():
        name = _normalise_path(path)
        if name in normalised:
            raise ValueError(f"path {path!r} names the same file as an earlier path {name!r}")
        normalised[name] = content.encode("utf-8") if isinstance(content, str) else content
    return normalised


def _normalise_path(path: str) -> str:
    parts = [part for part in PurePosixPath(path).parts if part not in ("/", ".")]
    if not parts:
        raise ValueError(f"file path {path!r} is empty; give a path such as 'hello.txt'")
    if ".." in parts:
        raise ValueError(f"file path {path!r} contains '..'; give a path inside the image")
    return "/".join(parts)


def _implied_directories(contents: Mapping[str, bytes]) -> set[str]:
    directories: set[str] = set()
    for name in contents:
        parents = PurePosixPath(name).parents
        directories.update(str(parent) for parent in parents if str(parent) != ".")
    return directories


def _tar_info(name: str, kind: bytes, mode: int, size: int) -> tarfile.TarInfo:
    info = tarfile.TarInfo(name)
    info.type = kind
    info.mode = mode
    info.size = size
    info.mtime = 0
    info.uid = info.gid = 0
    info.uname = info.gname = ""
    return info


def _shorten(text: str, limit: int = 60) -> str:
    return text if len(text) <= limit else text[: limit - 3] + "..."
