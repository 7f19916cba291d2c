"""The registry client: one method per call of the Registry HTTP API v2.

Written by hand on httpx because the Python registry libraries each fail a case the course
needs: some never ask for a push-scoped Bearer token, refuse credentials over plain HTTP (the
lab's setup), or hide the registry's error code. Keeping one method per API call also lets a
notebook show the HTTP exchange behind each `docker` command.
"""

from __future__ import annotations

from types import TracebackType
from typing import TYPE_CHECKING

import httpx

from registry_dojo.registry.auth import CATALOG_SCOPE, AuthState, repository_scope
from registry_dojo.registry.mediatypes import MANIFEST_TYPES
from registry_dojo.registry.models import Descriptor, Manifest
from registry_dojo.registry.responses import (
    check_digest,
    compute_digest,
    error_from,
    expect,
    is_digest,
    json_body,
    next_page,
    safe_url,
)
from registry_dojo.registry.session import Session
from registry_dojo.registry.validation import (
    check_base_url,
    check_digest_format,
    check_manifest_reference,
    check_media_type,
    check_page_size,
    check_repository,
    check_tag,
)

if TYPE_CHECKING:
    from registry_dojo.image import Image

MANIFEST_ACCEPT = ", ".join(MANIFEST_TYPES)


class Registry:
    """A client for one registry, e.g. ``Registry("http://127.0.0.1:5000", "user", "pass")``.

    Basic or Bearer authentication is chosen from the registry's 401 challenge. Every error
    response raises RegistryError, and no response at all raises RegistryUnreachable.
    `base_url` is the scheme, host and port only: a path (even ``/v2/``), a query or a
    fragment raises ValueError. Repository names, tags, digests and media types are checked
    before any request, so a malformed one raises InvalidReferenceError or ValueError.
    Pass `client` to use your own httpx.Client (tests pass one with a MockTransport).
    `timeout` (seconds) applies only to the client this class creates, and close() closes
    only that one.
    """

    def __init__(
        self,
        base_url: str,
        username: str | None = None,
        password: str | None = None,
        *,
        client: httpx.Client | None = None,
        timeout: float = 30.0,
    ) -> None:
        check_base_url(base_url)
        if (username is None) != (password is None):
            raise ValueError("give both username and password, or neither")
        if username is not None and ":" in username:
            raise ValueError(
                f"username {username!r} contains ':', which HTTP Basic authentication cannot "
                "send (RFC 7617); use a user name without ':'"
            )
        self.base_url = base_url.rstrip("/")
        self.username = username
        self._owns_client = client is None
        http = client if client is not None else httpx.Client(timeout=timeout)
        self._session = Session(self.base_url, AuthState(username, password), http)

    def __repr__(self) -> str:
        return f"Registry({self.base_url!r}, username={self.username!r})"

    def close(self) -> None:
        """Close the HTTP client if this object created it."""
        if self._owns_client:
            self._session.client.close()

    def __enter__(self) -> Registry:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    def ping(self) -> None:
        """Check ``GET /v2/``: the registry speaks API v2 and accepts the credentials."""
        expect(self._send("GET", "/v2/", None), 200)

    def blob_exists(self, repo: str, digest: str) -> bool:
        """Tell whether `repo` has the blob `digest` (``HEAD /v2/<repo>/blobs/<digest>``)."""
        response = self._send("HEAD", _blob_path(repo, digest), _pull(repo))
        if response.status_code == 404:
            return False
        expect(response, 200)
        return True

    def push_blob(
        self, repo: str, data: bytes, digest: str | None = None, *, mount_from: str | None = None
    ) -> str:
        """Upload `data` as a blob of `repo` unless the registry has it; return its digest.

        Uses one POST and one monolithic PUT. `digest` defaults to the sha256 of `data`. A
        wrong `digest` is sent as given, so the registry rejects it with 400 DIGEST_INVALID. With
        `mount_from`, the registry is asked to link the blob from that repository instead.
        NOTE: with Bearer auth a mount works only when the registry's challenge also requests
        pull on `mount_from`. Otherwise the token lacks it and the registry starts a normal upload.
        """
        digest = digest if digest is not None else compute_digest(data)
        check_repository(repo)
        check_digest_format(digest)
        if mount_from is not None:
            check_repository(mount_from)
        if self.blob_exists(repo, digest):
            return digest
        upload = self._start_upload(repo, digest, mount_from)
        if upload is None:
            return digest
        # The Location's query carries the upload state (`_state`), and httpx 0.28+ drops a
        # URL's query when `params=` is passed, so the digest is merged into the URL itself.
        response = self._session.send(
            "PUT",
            upload.copy_merge_params({"digest": digest}),
            _push(repo),
            headers={"Content-Type": "application/octet-stream"},
            content=data,
        )
        expect(response, 201)
        return digest

    def get_blob(self, repo: str, digest: str) -> bytes:
        """Download the blob `digest` of `repo` and check that its bytes match the digest."""
        response = self._send("GET", _blob_path(repo, digest), _pull(repo), follow_redirects=True)
        expect(response, 200)
        check_digest(response.content, digest, safe_url(response.request.url))
        return response.content

    def put_manifest(self, repo: str, reference: str, data: bytes, media_type: str) -> str:
        """Store manifest `data` as `reference` (a tag or its digest); return its digest."""
        check_media_type(media_type)
        response = self._send(
            "PUT",
            _manifest_path(repo, reference),
            _push(repo),
            headers={"Content-Type": media_type},
            content=data,
        )
        expect(response, 201)
        digest = compute_digest(data)
        announced = response.headers.get("Docker-Content-Digest")
        if announced is not None and announced != digest:
            raise error_from(
                response, f"registry stored digest {announced!r} but the data is {digest!r}"
            )
        return digest

    def get_manifest(self, repo: str, reference: str) -> Manifest:
        """Fetch the manifest `reference` (tag or digest) of `repo` in any OCI or Docker v2 type.

        A manifest fetched by digest is checked against that digest.
        """
        response = self._send(
            "GET",
            _manifest_path(repo, reference),
            _pull(repo),
            headers={"Accept": MANIFEST_ACCEPT},
        )
        expect(response, 200)
        data = response.content
        url = safe_url(response.request.url)
        announced = response.headers.get("Docker-Content-Digest")
        if is_digest(reference):
            check_digest(data, reference, url)
            digest = reference
        elif announced is not None:
            check_digest(data, announced, url)
            digest = announced
        else:
            digest = compute_digest(data)
        return Manifest(data, _manifest_media_type(response), digest)

    def head_manifest(self, repo: str, reference: str) -> Descriptor:
        """Return the media type, digest and size of a manifest without downloading it."""
        response = self._send(
            "HEAD",
            _manifest_path(repo, reference),
            _pull(repo),
            headers={"Accept": MANIFEST_ACCEPT},
        )
        expect(response, 200)
        digest = response.headers.get("Docker-Content-Digest")
        if not digest:
            raise error_from(response, "response has no Docker-Content-Digest header")
        if is_digest(reference) and digest != reference:
            raise error_from(response, f"registry returned digest {digest!r} instead")
        media_type = response.headers.get("Content-Type", "").split(";")[0].strip()
        return Descriptor(media_type, digest, int(response.headers.get("Content-Length", "0")))

    def tag(self, repo: str, source: str, new_tag: str) -> str:
        """Make `new_tag` point at the manifest `source` (tag or digest); return its digest.

        The manifest bytes are sent back unchanged, so the digest stays the same and no blob
        is uploaded again.
        """
        _manifest_path(repo, source)
        check_tag(new_tag)
        manifest = self.get_manifest(repo, source)
        return self.put_manifest(repo, new_tag, manifest.data, manifest.media_type)

    def tags(self, repo: str, page_size: int | None = None) -> list[str]:
        """Return every tag of `repo`, following ``Link`` pages of `page_size` (query ``n``).

        Tags come in the registry's order: distribution 2.8.2 does not sort them, and it
        ignores ``n`` for tags, returning them all in one page.
        """
        check_repository(repo)
        return self._paged(f"/v2/{repo}/tags/list", _pull(repo), "tags", page_size)

    def catalog(self, page_size: int | None = None) -> list[str]:
        """Return every repository name, following ``Link`` pages of `page_size` (query ``n``)."""
        return self._paged("/v2/_catalog", CATALOG_SCOPE, "repositories", page_size)

    def delete_manifest(self, repo: str, digest: str) -> None:
        """Delete the manifest `digest` of `repo`, and with it every tag that points at it.

        Distribution 2.8 deletes by digest only: a tag here gets 400 DIGEST_INVALID.
        """
        path = _manifest_path(repo, digest)
        response = self._send("DELETE", path, repository_scope(repo, "delete"))
        expect(response, 202)

    def push_image(self, repo: str, tag: str, image: Image) -> str:
        """Upload the image's blobs (skipping those present) and its manifest; return the digest."""
        _manifest_path(repo, tag)
        for blob in image.blobs:
            self.push_blob(repo, blob.data, blob.digest)
        return self.put_manifest(repo, tag, image.manifest, image.media_type)

    def _start_upload(self, repo: str, digest: str, mount_from: str | None) -> httpx.URL | None:
        """Open an upload session and return its URL, or None when the blob was mounted."""
        url = self._url(f"/v2/{repo}/blobs/uploads/")
        if mount_from is not None:
            url = url.copy_merge_params({"mount": digest, "from": mount_from})
        response = expect(self._session.send("POST", url, _push(repo)), 201, 202)
        if response.status_code == 201:
            return None
        location = response.headers.get("Location")
        if not location:
            raise error_from(response, "upload response has no Location header")
        return response.request.url.join(location)

    def _paged(self, path: str, scope: str, key: str, page_size: int | None) -> list[str]:
        url: httpx.URL | None = self._url(path)
        if page_size is not None:
            check_page_size(page_size)
            url = self._url(path).copy_merge_params({"n": str(page_size)})
        names: list[str] = []
        seen: set[str] = set()
        while url is not None:
            seen.add(str(url))
            response = expect(self._session.send("GET", url, scope), 200)
            body = json_body(response)
            page = body.get(key) if isinstance(body, dict) else None
            names.extend(page or [])
            url = next_page(response)
            if url is not None and str(url) in seen:
                raise error_from(response, f"Link header points back to {safe_url(url)!r}")
        return names

    def _send(
        self,
        method: str,
        path: str,
        scope: str | None,
        *,
        headers: dict[str, str] | None = None,
        content: bytes | None = None,
        follow_redirects: bool = False,
    ) -> httpx.Response:
        return self._session.send(
            method,
            self._url(path),
            scope,
            headers=headers,
            content=content,
            follow_redirects=follow_redirects,
        )

    def _url(self, path: str) -> httpx.URL:
        return httpx.URL(self.base_url + path)


def _pull(repo: str) -> str:
    return repository_scope(repo, "pull")


def _push(repo: str) -> str:
    return repository_scope(repo, "pull,push")


def _manifest_path(repo: str, reference: str) -> str:
    """Return ``/v2/<repo>/manifests/<reference>`` after checking both parts."""
    check_repository(repo)
    check_manifest_reference(reference)
    return f"/v2/{repo}/manifests/{reference}"


def _blob_path(repo: str, digest: str) -> str:
    """Return ``/v2/<repo>/blobs/<digest>`` after checking both parts."""
    check_repository(repo)
    check_digest_format(digest)
    return f"/v2/{repo}/blobs/{digest}"


def _manifest_media_type(response: httpx.Response) -> str:
    """Return the manifest's media type: Content-Type, else the body's ``mediaType``."""
    content_type: str = response.headers.get("Content-Type", "").split(";")[0].strip()
    if content_type and content_type not in ("application/json", "text/plain"):
        return content_type
    body = json_body(response)
    media_type = body.get("mediaType") if isinstance(body, dict) else None
    if isinstance(media_type, str):
        return media_type
    raise error_from(response, "manifest has no media type in Content-Type or its mediaType field")
