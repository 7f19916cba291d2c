"""Integration tests of the registry client and image builder against the real lab registry.

The lab runs CNCF distribution (2.8.2 on the development machine) with htpasswd Basic auth.
The skopeo tests check that images this package builds and pushes are valid for another
client. Each test uses its own repositories under ``itest/`` because the lab is shared by
the whole test session.
"""

from __future__ import annotations

import json
import logging
import shutil
import socket
import subprocess
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from registry_dojo.errors import RegistryError, RegistryUnreachable
from registry_dojo.image import Image, build_image
from registry_dojo.lab import LabInfo
from registry_dojo.registry import DOCKER_MANIFEST, OCI_MANIFEST, Descriptor, Registry

pytestmark = pytest.mark.integration

DOCKER_CONFIG_TYPE = "application/vnd.docker.container.image.v1+json"
DOCKER_LAYER_TYPE = "application/vnd.docker.image.rootfs.diff.tar.gzip"


@pytest.fixture
def registry(lab: LabInfo) -> Iterator[Registry]:
    with Registry(lab.url, lab.username, lab.password) as client:
        yield client


class RequestLog:
    """The ``METHOD URL -> STATUS`` lines the client logged since the last clear()."""

    def __init__(self, caplog: pytest.LogCaptureFixture) -> None:
        self._caplog = caplog

    def clear(self) -> None:
        self._caplog.clear()

    def lines(self) -> list[str]:
        records = self._caplog.records
        return [r.getMessage() for r in records if r.name.startswith("registry_dojo.registry")]

    def methods(self) -> list[str]:
        return [line.split()[0] for line in self.lines()]


@pytest.fixture
def request_log(caplog: pytest.LogCaptureFixture) -> RequestLog:
    caplog.set_level(logging.DEBUG, logger="registry_dojo.registry")
    return RequestLog(caplog)


def hello_image(text: str = "hello from registry-dojo\n") -> Image:
    return build_image({"hello.txt": text.encode()}, cmd=["/hello.txt"])


# ---- ping and authentication ---------------------------------------------------------------


def test_ping_with_credentials(registry: Registry) -> None:
    registry.ping()


def test_ping_without_credentials(lab: LabInfo) -> None:
    with Registry(lab.url) as anonymous, pytest.raises(RegistryError) as info:
        anonymous.ping()
    error = info.value
    assert error.status == 401
    assert error.code == "UNAUTHORIZED"
    assert error.message == "authentication required"
    assert error.challenge is not None
    assert error.challenge.startswith('Basic realm="')


def test_ping_wrong_password(lab: LabInfo) -> None:
    client = Registry(lab.url, lab.username, "not-the-password")
    with client, pytest.raises(RegistryError) as info:
        client.ping()
    assert info.value.status == 401
    assert info.value.code == "UNAUTHORIZED"
    assert "not-the-password" not in str(info.value)


def test_unreachable_port() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    client = Registry(f"http://127.0.0.1:{port}", timeout=5)
    with client, pytest.raises(RegistryUnreachable) as info:
        client.ping()
    assert str(info.value).startswith(f"cannot reach the registry at 'http://127.0.0.1:{port}/v2/'")
    assert str(info.value).endswith("Is the lab running? Start it with: registry-dojo lab up")


# ---- push, get, head, tag -------------------------------------------------------------------


def test_push_then_get_by_tag(registry: Registry) -> None:
    image = hello_image()
    assert registry.push_image("itest/get", "v1", image) == image.digest
    manifest = registry.get_manifest("itest/get", "v1")
    assert manifest.digest == image.digest
    assert manifest.data == image.manifest
    assert manifest.media_type == OCI_MANIFEST


def test_get_by_digest(registry: Registry) -> None:
    image = hello_image()
    registry.push_image("itest/get", "v1", image)
    manifest = registry.get_manifest("itest/get", image.digest)
    assert manifest.data == image.manifest
    assert manifest.digest == image.digest


def test_get_blobs_back(registry: Registry) -> None:
    image = hello_image()
    registry.push_image("itest/get", "v1", image)
    for blob in image.blobs:
        assert registry.get_blob("itest/get", blob.digest) == blob.data


def test_head_manifest(registry: Registry) -> None:
    image = hello_image()
    registry.push_image("itest/head", "v1", image)
    expected = Descriptor(OCI_MANIFEST, image.digest, len(image.manifest))
    assert registry.head_manifest("itest/head", "v1") == expected
    assert registry.head_manifest("itest/head", image.digest) == expected


def test_blob_exists(registry: Registry) -> None:
    image = hello_image("blob exists\n")
    registry.push_image("itest/exists", "v1", image)
    assert registry.blob_exists("itest/exists", image.layers[0].digest) is True
    assert registry.blob_exists("itest/exists", "sha256:" + "0" * 64) is False


def test_tag_shares_digest_without_upload(registry: Registry, request_log: RequestLog) -> None:
    image = hello_image("tagged\n")
    registry.push_image("itest/tag", "v1", image)
    request_log.clear()
    assert registry.tag("itest/tag", "v1", "stable") == image.digest
    assert registry.head_manifest("itest/tag", "stable").digest == image.digest
    assert registry.head_manifest("itest/tag", "v1").digest == image.digest
    assert not [line for line in request_log.lines() if "/blobs/" in line]


def test_second_push_skips_blobs(registry: Registry, request_log: RequestLog) -> None:
    image = hello_image("pushed twice\n")
    registry.push_image("itest/twice", "v1", image)
    request_log.clear()
    registry.push_image("itest/twice", "v2", image)
    assert request_log.methods() == ["HEAD", "HEAD", "PUT"]


def test_docker_schema2_manifest_round_trip(registry: Registry) -> None:
    image = hello_image("docker media types\n")
    manifest = image.manifest_json()
    manifest["mediaType"] = DOCKER_MANIFEST
    manifest["config"]["mediaType"] = DOCKER_CONFIG_TYPE
    for layer in manifest["layers"]:
        layer["mediaType"] = DOCKER_LAYER_TYPE
    data = json.dumps(manifest).encode()
    for blob in image.blobs:
        registry.push_blob("itest/docker", blob.data)
    digest = registry.put_manifest("itest/docker", "v1", data, DOCKER_MANIFEST)
    assert registry.tag("itest/docker", "v1", "copy") == digest
    fetched = registry.get_manifest("itest/docker", "copy")
    assert fetched.media_type == DOCKER_MANIFEST
    assert fetched.data == data


def test_mount_blob_from_other_repo(registry: Registry, request_log: RequestLog) -> None:
    image = hello_image("mounted\n")
    registry.push_image("itest/mount-source", "v1", image)
    layer = image.layers[0]
    request_log.clear()
    assert registry.push_blob("itest/mount-target", layer.data, mount_from="itest/mount-source")
    assert request_log.methods() == ["HEAD", "POST"]
    assert request_log.lines()[-1].endswith("-> 201")
    assert registry.get_blob("itest/mount-target", layer.digest) == layer.data


def test_oci_manifest_needs_oci_accept(lab: LabInfo, registry: Registry) -> None:
    image = hello_image("accept header\n")
    registry.push_image("itest/accept", "v1", image)
    with httpx.Client(auth=(lab.username, lab.password)) as client:
        response = client.get(
            f"{lab.url}/v2/itest/accept/manifests/v1", headers={"Accept": DOCKER_MANIFEST}
        )
    assert response.status_code == 404
    assert response.json()["errors"][0] == {
        "code": "MANIFEST_UNKNOWN",
        "message": "OCI manifest found, but accept header does not support OCI manifests",
    }


# ---- listing --------------------------------------------------------------------------------


def test_tags_with_page_size_one(registry: Registry) -> None:
    image = hello_image("three tags\n")
    registry.push_image("itest/tags", "a", image)
    registry.tag("itest/tags", "a", "b")
    registry.tag("itest/tags", "a", "c")
    # Distribution 2.8.2 lists tags in storage order, not sorted.
    assert sorted(registry.tags("itest/tags", page_size=1)) == ["a", "b", "c"]
    assert sorted(registry.tags("itest/tags")) == ["a", "b", "c"]


def test_catalog_with_page_size_one(registry: Registry, request_log: RequestLog) -> None:
    image = hello_image("catalog\n")
    names = ["itest/catalog-a", "itest/catalog-b", "itest/catalog-c"]
    for name in names:
        registry.push_image(name, "v1", image)
    request_log.clear()
    repositories = registry.catalog(page_size=1)
    assert [name for name in repositories if name.startswith("itest/catalog-")] == names
    assert repositories == sorted(repositories)
    pages = [line for line in request_log.lines() if "/v2/_catalog" in line]
    assert len(pages) == len(repositories)


# ---- registry errors ------------------------------------------------------------------------


def test_manifest_unknown(registry: Registry) -> None:
    registry.push_image("itest/errors", "v1", hello_image())
    with pytest.raises(RegistryError) as info:
        registry.get_manifest("itest/errors", "missing")
    error = info.value
    assert error.status == 404
    assert error.code == "MANIFEST_UNKNOWN"
    assert error.message == "manifest unknown"
    assert error.detail == {"Tag": "missing"}


def test_name_unknown(registry: Registry) -> None:
    with pytest.raises(RegistryError) as info:
        registry.tags("itest/never-pushed")
    error = info.value
    assert error.status == 404
    assert error.code == "NAME_UNKNOWN"
    assert error.message == "repository name not known to registry"
    assert error.detail == {"name": "itest/never-pushed"}


def test_blob_unknown(registry: Registry) -> None:
    registry.push_image("itest/errors", "v1", hello_image())
    missing = "sha256:" + "0" * 64
    with pytest.raises(RegistryError) as info:
        registry.get_blob("itest/errors", missing)
    error = info.value
    assert error.status == 404
    assert error.code == "BLOB_UNKNOWN"
    assert error.message == "blob unknown to registry"
    assert error.detail == missing


def test_uppercase_repository_plain_404(lab: LabInfo) -> None:
    # The client rejects such a name before sending it; the registry's own answer is a
    # plain-text 404 from its router, with no JSON error code.
    with httpx.Client(auth=(lab.username, lab.password), trust_env=False) as http:
        response = http.get(f"{lab.url}/v2/itest/Upper/manifests/v1")
    assert response.status_code == 404
    assert response.text.strip() == "404 page not found"


def test_wrong_digest_upload_rejected(registry: Registry) -> None:
    with pytest.raises(RegistryError) as info:
        registry.push_blob("itest/errors", b"some bytes", "sha256:" + "1" * 64)
    error = info.value
    assert error.status == 400
    assert error.code == "DIGEST_INVALID"
    assert error.message == "provided digest did not match uploaded content"


# ---- delete ---------------------------------------------------------------------------------


def test_delete_by_digest_removes_every_tag(registry: Registry) -> None:
    image = hello_image("to be deleted\n")
    registry.push_image("itest/delete", "v1", image)
    registry.tag("itest/delete", "v1", "stable")
    registry.delete_manifest("itest/delete", image.digest)
    assert registry.tags("itest/delete") == []
    with pytest.raises(RegistryError) as info:
        registry.get_manifest("itest/delete", "stable")
    assert info.value.code == "MANIFEST_UNKNOWN"


def test_delete_by_tag_rejected(registry: Registry) -> None:
    image = hello_image("delete by tag\n")
    registry.push_image("itest/delete-tag", "v1", image)
    with pytest.raises(RegistryError) as info:
        registry.delete_manifest("itest/delete-tag", "v1")
    error = info.value
    assert error.status == 400
    assert error.code == "DIGEST_INVALID"
    assert error.message == "provided digest did not match uploaded content"
    assert registry.head_manifest("itest/delete-tag", "v1").digest == image.digest


# ---- skopeo cross-check ---------------------------------------------------------------------

skopeo_required = pytest.mark.skipif(
    shutil.which("skopeo") is None, reason="skopeo is not on PATH; install it to cross-check"
)


def run_skopeo(tmp_path: Path, *args: str) -> str:
    """Run skopeo with a policy that accepts any image; return stdout, fail with stderr."""
    policy = tmp_path / "policy.json"
    policy.write_text('{"default": [{"type": "insecureAcceptAnything"}]}')
    result = subprocess.run(
        ["skopeo", "--policy", str(policy), *args],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, f"skopeo {args[0]} failed: {result.stderr}"
    return result.stdout


@skopeo_required
def test_skopeo_inspects_pushed_image(lab: LabInfo, registry: Registry, tmp_path: Path) -> None:
    image = build_image({"hello.txt": b"skopeo\n"}, architecture="arm64", variant="v8")
    registry.push_image("itest/skopeo", "v1", image)
    creds = f"{lab.username}:{lab.password}"
    output = run_skopeo(
        tmp_path,
        "inspect",
        "--tls-verify=false",
        "--creds",
        creds,
        f"docker://{lab.host}/itest/skopeo:v1",
    )
    inspected = json.loads(output)
    assert inspected["Digest"] == image.digest
    assert inspected["Architecture"] == "arm64"
    assert inspected["Os"] == "linux"
    assert inspected["Layers"] == [image.layers[0].digest]


@skopeo_required
def test_skopeo_copies_to_oci_layout(lab: LabInfo, registry: Registry, tmp_path: Path) -> None:
    image = hello_image("copied to a folder\n")
    registry.push_image("itest/skopeo-oci", "v1", image)
    creds = f"{lab.username}:{lab.password}"
    layout = tmp_path / "layout"
    run_skopeo(
        tmp_path,
        "copy",
        "--src-tls-verify=false",
        "--src-creds",
        creds,
        "--preserve-digests",
        f"docker://{lab.host}/itest/skopeo-oci:v1",
        f"oci:{layout}:v1",
    )
    index = json.loads((layout / "index.json").read_text())
    assert [m["digest"] for m in index["manifests"]] == [image.digest]
    for blob in image.blobs:
        algorithm, encoded = blob.digest.split(":")
        assert (layout / "blobs" / algorithm / encoded).read_bytes() == blob.data


@skopeo_required
def test_skopeo_copies_to_other_tag(lab: LabInfo, registry: Registry, tmp_path: Path) -> None:
    image = hello_image("copied to a tag\n")
    registry.push_image("itest/skopeo-tag", "v1", image)
    creds = f"{lab.username}:{lab.password}"
    run_skopeo(
        tmp_path,
        "copy",
        "--src-tls-verify=false",
        "--dest-tls-verify=false",
        "--src-creds",
        creds,
        "--dest-creds",
        creds,
        "--preserve-digests",
        f"docker://{lab.host}/itest/skopeo-tag:v1",
        f"docker://{lab.host}/itest/skopeo-copy:v2",
    )
    assert registry.head_manifest("itest/skopeo-copy", "v2").digest == image.digest
    assert registry.get_manifest("itest/skopeo-copy", "v2").data == image.manifest
