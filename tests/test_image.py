"""Tests of the OCI image builder: valid structure and byte-identical output for equal input."""

from __future__ import annotations

import dataclasses
import gzip
import hashlib
import io
import json
import os
import subprocess
import sys
import tarfile

import pytest

from registry_dojo.image import Blob, Image, build_image, gzip_deterministic, layer_tar
from registry_dojo.registry import OCI_CONFIG, OCI_LAYER_TAR, OCI_LAYER_TAR_GZIP, OCI_MANIFEST

FILES: dict[str, bytes | str] = {"hello.txt": b"hello\n", "etc/motd": "hi"}


def sha256(data: bytes) -> str:
    return "sha256:" + hashlib.sha256(data).hexdigest()


def members(layer: Blob) -> list[tarfile.TarInfo]:
    with tarfile.open(fileobj=io.BytesIO(gzip.decompress(layer.data))) as archive:
        return archive.getmembers()


def test_blob_digest_and_size() -> None:
    blob = Blob("text/plain", b"abc")
    assert blob.digest == sha256(b"abc")
    assert blob.size == 3
    assert blob.descriptor() == {"mediaType": "text/plain", "digest": sha256(b"abc"), "size": 3}


def test_blob_is_frozen() -> None:
    blob = Blob("text/plain", b"abc")
    with pytest.raises(dataclasses.FrozenInstanceError):
        blob.data = b"other"  # type: ignore[misc]


def test_blob_repr_omits_data() -> None:
    assert "data" not in repr(Blob("text/plain", b"secret bytes"))


def test_image_is_frozen() -> None:
    image = build_image(FILES)
    with pytest.raises(dataclasses.FrozenInstanceError):
        image.manifest = b"{}"  # type: ignore[misc]


def test_same_input_same_digest() -> None:
    assert build_image(FILES).digest == build_image(dict(FILES)).digest


def test_file_order_does_not_matter() -> None:
    reordered = dict(reversed(list(FILES.items())))
    assert build_image(reordered).digest == build_image(FILES).digest


def test_different_content_different_digest() -> None:
    assert build_image({"hello.txt": b"hello!\n"}).digest != build_image(FILES).digest


def test_digest_stable_across_processes() -> None:
    script = (
        "from registry_dojo.image import build_image;"
        "files = {'hello.txt': b'hello\\n', 'etc/motd': 'hi'};"
        "print(build_image(files, labels={'b': '2', 'a': '1'}).digest)"
    )
    digests = set()
    for seed in ("1", "2"):
        env = {**os.environ, "PYTHONHASHSEED": seed, "TZ": "Asia/Tokyo" if seed == "1" else "UTC"}
        result = subprocess.run(
            [sys.executable, "-c", script], env=env, capture_output=True, text=True, check=True
        )
        digests.add(result.stdout.strip())
    assert digests == {build_image(FILES, labels={"a": "1", "b": "2"}).digest}


def test_golden_digests() -> None:
    # Notebooks print these digests; a change here changes every notebook output.
    image = build_image(FILES, cmd=["/hello"])
    assert image.config.digest == (
        "sha256:a1bf72ac6dfc915e69423f3631666fb773c43cc2301b060ca56cf012534f3bb6"
    )
    assert image.digest == "sha256:1c0e2b5571ffd6b985572ba3caea0679d59e20d6690367c16c05acc943c76e78"


def test_manifest_structure() -> None:
    image = build_image(FILES)
    manifest = image.manifest_json()
    assert manifest["schemaVersion"] == 2
    assert manifest["mediaType"] == OCI_MANIFEST
    assert manifest["config"] == image.config.descriptor()
    assert manifest["layers"] == [layer.descriptor() for layer in image.layers]
    assert image.media_type == OCI_MANIFEST
    assert image.digest == sha256(image.manifest)


def test_manifest_is_compact_sorted_json() -> None:
    image = build_image(FILES, annotations={"z": "1", "a": "2"})
    expected = json.dumps(image.manifest_json(), sort_keys=True, separators=(",", ":"))
    assert image.manifest == expected.encode()


def test_config_fields() -> None:
    image = build_image(FILES, architecture="arm64", variant="v8", cmd=["/hello"])
    config = image.config_json()
    assert image.config.media_type == OCI_CONFIG
    assert config["architecture"] == "arm64"
    assert config["os"] == "linux"
    assert config["variant"] == "v8"
    assert config["config"] == {"Cmd": ["/hello"]}
    assert config["rootfs"]["type"] == "layers"


def test_config_diff_ids_are_uncompressed_digests() -> None:
    image = build_image(FILES, layers=[{"second.txt": b"2"}])
    diff_ids = image.config_json()["rootfs"]["diff_ids"]
    assert diff_ids == [sha256(gzip.decompress(layer.data)) for layer in image.layers]


def test_config_without_runtime_fields() -> None:
    assert "config" not in build_image(FILES).config_json()


def test_runtime_config_entries() -> None:
    image = build_image(
        FILES,
        entrypoint=["/bin/sh", "-c"],
        env={"GREETING": "hi"},
        working_dir="/srv",
        labels={"org.opencontainers.image.title": "hello"},
    )
    assert image.config_json()["config"] == {
        "Entrypoint": ["/bin/sh", "-c"],
        "Env": ["GREETING=hi"],
        "WorkingDir": "/srv",
        "Labels": {"org.opencontainers.image.title": "hello"},
    }


def test_annotations_in_manifest() -> None:
    image = build_image(FILES, annotations={"org.opencontainers.image.version": "1.0"})
    assert image.manifest_json()["annotations"] == {"org.opencontainers.image.version": "1.0"}


def test_layer_entries_sorted_with_directories() -> None:
    image = build_image({"b/z.txt": b"z", "a.txt": b"a", "b/c/d.txt": b"d"})
    names = [(m.name, m.isdir()) for m in members(image.layers[0])]
    assert names == [
        ("a.txt", False),
        ("b", True),
        ("b/c", True),
        ("b/c/d.txt", False),
        ("b/z.txt", False),
    ]


def test_layer_entries_fixed_metadata() -> None:
    for member in members(build_image(FILES).layers[0]):
        assert member.mtime == 0
        assert member.uid == 0
        assert member.gid == 0
        assert member.uname == ""
        assert member.mode == (0o755 if member.isdir() else 0o644)


def test_layer_file_contents() -> None:
    layer = build_image(FILES).layers[0]
    with tarfile.open(fileobj=io.BytesIO(gzip.decompress(layer.data))) as archive:
        hello = archive.extractfile("hello.txt")
        motd = archive.extractfile("etc/motd")
        assert hello is not None
        assert motd is not None
        assert hello.read() == b"hello\n"
        assert motd.read() == b"hi"


def test_layer_gzip_header_fixed() -> None:
    layer = build_image(FILES).layers[0]
    assert layer.media_type == OCI_LAYER_TAR_GZIP
    assert layer.data[:10] == b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\xff"


def test_gzip_round_trip() -> None:
    data = b"registry " * 1000
    assert gzip.decompress(gzip_deterministic(data)) == data


def test_leading_slash_and_dot_dropped() -> None:
    assert layer_tar({"/etc/motd": b"x"}) == layer_tar({"./etc/motd": b"x"})


def test_path_with_dot_dot_rejected() -> None:
    with pytest.raises(ValueError) as info:
        build_image({"../escape": b"x"})
    assert str(info.value) == "file path '../escape' contains '..'; give a path inside the image"


def test_empty_path_rejected() -> None:
    with pytest.raises(ValueError) as info:
        build_image({"/": b"x"})
    assert str(info.value) == "file path '/' is empty; give a path such as 'hello.txt'"


def test_same_file_twice_rejected() -> None:
    with pytest.raises(ValueError) as info:
        build_image({"etc/motd": b"x", "/etc/motd": b"y"})
    assert str(info.value) == "path '/etc/motd' names the same file as an earlier path 'etc/motd'"


def test_file_and_folder_clash_rejected() -> None:
    with pytest.raises(ValueError) as info:
        build_image({"etc": b"x", "etc/motd": b"y"})
    assert (
        str(info.value) == "path 'etc' is used both as a file and as a folder; rename one of them"
    )


def test_image_without_layers_rejected() -> None:
    with pytest.raises(ValueError) as info:
        build_image()
    assert str(info.value) == (
        "an image needs at least one layer: pass files={path: bytes} or layers=[...]"
    )


def test_raw_gzip_layer_used_as_given() -> None:
    tar = layer_tar({"x": b"1"})
    compressed = gzip.compress(tar, mtime=0)
    image = build_image(layers=[compressed])
    assert image.layers[0].data == compressed
    assert image.layers[0].media_type == OCI_LAYER_TAR_GZIP
    assert image.config_json()["rootfs"]["diff_ids"] == [sha256(tar)]


def test_raw_tar_layer_uncompressed() -> None:
    tar = layer_tar({"x": b"1"})
    image = build_image(layers=[tar])
    assert image.layers[0].media_type == OCI_LAYER_TAR
    assert image.config_json()["rootfs"]["diff_ids"] == [sha256(tar)]


def test_files_layer_comes_first() -> None:
    image = build_image({"first": b"1"}, layers=[{"second": b"2"}])
    assert [m.name for m in members(image.layers[0])] == ["first"]
    assert [m.name for m in members(image.layers[1])] == ["second"]


def test_image_blobs_config_first() -> None:
    image = build_image(FILES)
    assert image.blobs == (image.config, *image.layers)
    assert isinstance(image, Image)


def test_build_image_rejects_non_mapping_files() -> None:
    with pytest.raises(TypeError) as info:
        build_image("hello")  # type: ignore[arg-type]
    assert str(info.value) == (
        "files must be a mapping of path to content, such as {'hello.txt': 'hello'}, "
        "not str 'hello'"
    )
