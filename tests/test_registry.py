"""Unit tests of the registry client against an in-process fake registry (httpx.MockTransport).

The fake follows what CNCF distribution 2.8.2 does where the client depends on it: the JSON
error body, the ``_state`` query of upload URLs, ``Link`` pagination, Basic and Bearer
challenges with per-scope tokens. The same behaviour is checked against the real registry in
test_registry_live.py.
"""

from __future__ import annotations

import base64
import hashlib
import itertools
import json
import logging
from collections.abc import Callable
from dataclasses import dataclass, field

import httpx
import pytest

from registry_dojo.errors import (
    DigestMismatchError,
    InvalidReferenceError,
    RegistryError,
    RegistryUnreachable,
)
from registry_dojo.image import build_image
from registry_dojo.registry import (
    DOCKER_MANIFEST,
    DOCKER_MANIFEST_LIST,
    OCI_INDEX,
    OCI_MANIFEST,
    Descriptor,
    Registry,
)
from registry_dojo.registry.challenge import Challenge, parse_challenges

BASE = "http://127.0.0.1:5000"
TAG_HINT = (
    "a tag is 1 to 128 letters, digits, '_', '.' and '-', and does not start with '.' or '-', "
    "such as '1.0'"
)
DIGEST_HINT = (
    "a digest is an algorithm (sha256, sha384, sha512), ':' and lowercase hex digits, such as "
    "'sha256:' followed by 64 hex digits"
)
REALM = "http://127.0.0.1:5001/token"
SERVICE = "fake-registry"
USERS = {"alice": "s3cret", "bob": "readonly"}


def digest_of(data: bytes) -> str:
    return "sha256:" + hashlib.sha256(data).hexdigest()


def error_response(status: int, code: str, message: str, detail: object = None) -> httpx.Response:
    body = {"errors": [{"code": code, "message": message, "detail": detail}]}
    return httpx.Response(status, json=body)


@dataclass
class Seen:
    method: str
    path: str
    query: str
    authorization: str | None
    status: int = 0


@dataclass
class FakeRegistry:
    """A small registry: blobs, manifests, tags, uploads, Basic or Bearer auth."""

    auth: str | None = None
    absolute_location: bool = False
    tag_page_support: bool = True
    blobs: dict[str, dict[str, bytes]] = field(default_factory=dict)
    manifests: dict[str, dict[str, tuple[bytes, str]]] = field(default_factory=dict)
    tags: dict[str, dict[str, str]] = field(default_factory=dict)
    uploads: dict[str, str] = field(default_factory=dict)
    tokens: dict[str, tuple[str, set[str]]] = field(default_factory=dict)
    token_scopes: list[str | None] = field(default_factory=list)
    seen: list[Seen] = field(default_factory=list)
    counter: itertools.count[int] = field(default_factory=itertools.count)

    def client(self) -> httpx.Client:
        return httpx.Client(transport=httpx.MockTransport(self.handle))

    def registry(self, username: str | None = "alice", password: str | None = None) -> Registry:
        if username is not None and password is None:
            password = USERS[username]
        return Registry(BASE, username, password, client=self.client())

    def requests(self, method: str | None = None) -> list[Seen]:
        return [s for s in self.seen if method is None or s.method == method]

    # ---- request handling -------------------------------------------------------------

    def handle(self, request: httpx.Request) -> httpx.Response:
        seen = Seen(
            request.method,
            request.url.path,
            request.url.query.decode(),
            request.headers.get("Authorization"),
        )
        self.seen.append(seen)
        is_token_request = request.url.port == 5001
        response = self.token_endpoint(request) if is_token_request else self.route(request)
        seen.status = response.status_code
        return response

    def route(self, request: httpx.Request) -> httpx.Response:
        path = request.url.path
        if not path.startswith("/v2/"):
            return httpx.Response(404, text="404 page not found\n")
        rest = path[len("/v2/") :]
        scope = self.scope_for(request.method, rest)
        denied = self.check_auth(request, scope)
        if denied is not None:
            return denied
        if rest == "":
            return httpx.Response(200, json={})
        if rest == "_catalog":
            return self.catalog(request)
        if rest != rest.lower():
            return httpx.Response(404, text="404 page not found\n")
        for marker, handler in (
            ("/blobs/uploads/", self.upload),
            ("/blobs/", self.blob),
            ("/manifests/", self.manifest),
        ):
            if marker in rest:
                repo, _, reference = rest.partition(marker)
                return handler(request, repo, reference)
        if rest.endswith("/tags/list"):
            return self.tag_list(request, rest[: -len("/tags/list")])
        return httpx.Response(404, text="404 page not found\n")

    def scope_for(self, method: str, rest: str) -> str | None:
        if rest == "":
            return None
        if rest == "_catalog":
            return "registry:catalog:*"
        repo = rest.split("/blobs/")[0].split("/manifests/")[0].removesuffix("/tags/list")
        actions = {"GET": "pull", "HEAD": "pull", "DELETE": "delete"}.get(method, "pull,push")
        return f"repository:{repo}:{actions}"

    # ---- authentication ---------------------------------------------------------------

    def check_auth(self, request: httpx.Request, scope: str | None) -> httpx.Response | None:
        header = request.headers.get("Authorization", "")
        if self.auth == "basic":
            if self.basic_user(header) is not None:
                return None
            unauthorized = error_response(401, "UNAUTHORIZED", "authentication required")
            unauthorized.headers["WWW-Authenticate"] = 'Basic realm="fake"'
            return unauthorized
        if self.auth == "bearer":
            return self.check_bearer(header, scope)
        return None

    def check_bearer(self, header: str, scope: str | None) -> httpx.Response | None:
        token = header.removeprefix("Bearer ") if header.startswith("Bearer ") else None
        granted = self.tokens.get(token or "")
        if granted is not None and (scope is None or self.covers(granted, scope)):
            return None
        challenge = f'Bearer realm="{REALM}",service="{SERVICE}"'
        if scope is not None:
            challenge += f',scope="{scope}"'
        if granted is not None:
            challenge += ',error="insufficient_scope"'
        unauthorized = error_response(401, "UNAUTHORIZED", "authentication required")
        unauthorized.headers["WWW-Authenticate"] = challenge
        return unauthorized

    @staticmethod
    def covers(granted: tuple[str, set[str]], scope: str) -> bool:
        resource, _, actions = scope.rpartition(":")
        return granted[0] == resource and set(actions.split(",")) <= granted[1]

    @staticmethod
    def basic_user(header: str) -> str | None:
        if not header.startswith("Basic "):
            return None
        user, _, password = base64.b64decode(header[len("Basic ") :]).decode().partition(":")
        return user if USERS.get(user) == password else None

    def token_endpoint(self, request: httpx.Request) -> httpx.Response:
        header = request.headers.get("Authorization", "")
        user = self.basic_user(header)
        if header and user is None:
            return error_response(401, "UNAUTHORIZED", "invalid username or password")
        scope = request.url.params.get("scope")
        self.token_scopes.append(scope)
        if request.url.params.get("service") != SERVICE:
            return httpx.Response(400, json={"details": "unknown service"})
        resource, actions = "", set()
        if scope:
            resource, _, requested = scope.rpartition(":")
            allowed = {"pull", "push", "delete", "*"} if user == "alice" else {"pull"}
            actions = set(requested.split(",")) & allowed
        token = f"token-{next(self.counter)}"
        self.tokens[token] = (resource, actions)
        return httpx.Response(200, json={"token": token, "expires_in": 300})

    # ---- API ----------------------------------------------------------------------------

    def upload(self, request: httpx.Request, repo: str, upload_id: str) -> httpx.Response:
        if request.method == "POST":
            mount, source = request.url.params.get("mount"), request.url.params.get("from")
            if mount and source and mount in self.blobs.get(source, {}):
                self.blobs.setdefault(repo, {})[mount] = self.blobs[source][mount]
                return httpx.Response(201, headers={"Docker-Content-Digest": mount})
            new_id = f"upload-{next(self.counter)}"
            self.uploads[new_id] = repo
            location = f"/v2/{repo}/blobs/uploads/{new_id}?_state=state-{new_id}"
            if self.absolute_location:
                location = BASE + location
            return httpx.Response(202, headers={"Location": location})
        if request.url.params.get("_state") != f"state-{upload_id}":
            return error_response(404, "BLOB_UPLOAD_INVALID", "blob upload invalid")
        digest = request.url.params.get("digest", "")
        data = request.content
        if digest != digest_of(data):
            return error_response(
                400, "DIGEST_INVALID", "provided digest did not match uploaded content"
            )
        self.blobs.setdefault(repo, {})[digest] = data
        return httpx.Response(201, headers={"Docker-Content-Digest": digest})

    def blob(self, request: httpx.Request, repo: str, digest: str) -> httpx.Response:
        data = self.blobs.get(repo, {}).get(digest)
        if data is None:
            if request.method == "HEAD":
                return httpx.Response(404)
            return error_response(404, "BLOB_UNKNOWN", "blob unknown to registry", digest)
        headers = {"Docker-Content-Digest": digest, "Content-Length": str(len(data))}
        if request.method == "HEAD":
            return httpx.Response(200, headers=headers)
        return httpx.Response(200, headers=headers, content=data)

    def manifest(self, request: httpx.Request, repo: str, reference: str) -> httpx.Response:
        if request.method == "PUT":
            data = request.content
            digest = digest_of(data)
            self.manifests.setdefault(repo, {})[digest] = (data, request.headers["Content-Type"])
            if ":" not in reference:
                self.tags.setdefault(repo, {})[reference] = digest
            return httpx.Response(201, headers={"Docker-Content-Digest": digest})
        if request.method == "DELETE":
            if ":" not in reference:
                return error_response(
                    400, "DIGEST_INVALID", "provided digest did not match uploaded content"
                )
            self.manifests.get(repo, {}).pop(reference, None)
            tags = self.tags.get(repo, {})
            for tag in [t for t, d in tags.items() if d == reference]:
                del tags[tag]
            return httpx.Response(202)
        digest = self.tags.get(repo, {}).get(reference, reference)
        stored = self.manifests.get(repo, {}).get(digest)
        if stored is None:
            if request.method == "HEAD":
                return httpx.Response(404)
            return error_response(404, "MANIFEST_UNKNOWN", "manifest unknown", {"Tag": reference})
        data, media_type = stored
        headers = {
            "Content-Type": media_type,
            "Docker-Content-Digest": digest,
            "Content-Length": str(len(data)),
        }
        if request.method == "HEAD":
            return httpx.Response(200, headers=headers)
        return httpx.Response(200, headers=headers, content=data)

    def tag_list(self, request: httpx.Request, repo: str) -> httpx.Response:
        if repo not in self.tags:
            return error_response(
                404, "NAME_UNKNOWN", "repository name not known to registry", {"name": repo}
            )
        names = sorted(self.tags[repo]) or None
        if not self.tag_page_support:
            return httpx.Response(200, json={"name": repo, "tags": names})
        return self.paged(request, f"/v2/{repo}/tags/list", "tags", names, {"name": repo})

    def catalog(self, request: httpx.Request) -> httpx.Response:
        names = sorted(repo for repo, tags in self.tags.items() if tags) or None
        return self.paged(request, "/v2/_catalog", "repositories", names, {})

    @staticmethod
    def paged(
        request: httpx.Request, path: str, key: str, names: list[str] | None, extra: dict[str, str]
    ) -> httpx.Response:
        size = request.url.params.get("n")
        last = request.url.params.get("last")
        remaining = [n for n in names or [] if last is None or n > last]
        if size is None or names is None:
            return httpx.Response(200, json={**extra, key: names})
        page = remaining[: int(size)]
        headers = {}
        if len(remaining) > int(size):
            headers["Link"] = f'<{path}?last={page[-1]}&n={size}>; rel="next"'
        return httpx.Response(200, json={**extra, key: page}, headers=headers)


# ---- WWW-Authenticate parsing ------------------------------------------------------------


def test_challenge_bearer_quoted_scope_with_comma() -> None:
    header = 'Bearer realm="https://auth.test/token",service="reg",scope="repository:a/b:pull,push"'
    assert parse_challenges(header) == [
        Challenge(
            "bearer",
            {
                "realm": "https://auth.test/token",
                "service": "reg",
                "scope": "repository:a/b:pull,push",
            },
        )
    ]


def test_challenge_escaped_quote_in_value() -> None:
    [challenge] = parse_challenges(r'Basic realm="say \"hi\", then go"')
    assert challenge.get("realm") == 'say "hi", then go'


def test_challenge_two_schemes_in_one_header() -> None:
    header = 'Basic realm="lab", Bearer realm="http://127.0.0.1:5001/token",service="s"'
    challenges = parse_challenges(header)
    assert [c.scheme for c in challenges] == ["basic", "bearer"]
    assert challenges[1].params == {"realm": "http://127.0.0.1:5001/token", "service": "s"}


def test_challenge_case_and_unquoted_values() -> None:
    [challenge] = parse_challenges("BEARER Realm=http://127.0.0.1:5001/token , Service=reg")
    assert challenge.scheme == "bearer"
    assert challenge.get("REALM") == "http://127.0.0.1:5001/token"
    assert challenge.get("service") == "reg"


def test_challenge_malformed_header() -> None:
    assert parse_challenges('=,"') == []
    assert parse_challenges("") == []


def test_challenge_scheme_without_params() -> None:
    assert parse_challenges("Negotiate") == [Challenge("negotiate", {})]


# ---- construction -------------------------------------------------------------------------


def test_registry_rejects_url_without_scheme() -> None:
    with pytest.raises(ValueError) as info:
        Registry("127.0.0.1:5000")
    assert str(info.value) == (
        "registry URL '127.0.0.1:5000' must start with http:// or https:// and name a host, "
        "e.g. 'http://127.0.0.1:5000'"
    )


def test_registry_rejects_credentials_in_url() -> None:
    with pytest.raises(ValueError) as info:
        Registry("http://alice:s3cret@127.0.0.1:5000")
    assert "s3cret" not in str(info.value)
    assert str(info.value).endswith("contains credentials; pass username= and password= instead")


@pytest.mark.parametrize("suffix", ["?x=1", "?", "#top", "/#", "/?x=1#f"])
def test_registry_rejects_query_or_fragment(suffix: str) -> None:
    with pytest.raises(ValueError) as info:
        Registry(BASE + suffix)
    assert str(info.value) == (
        f"registry URL {BASE + suffix!r} has a query or fragment; pass only the scheme, host "
        "and port, e.g. 'http://127.0.0.1:5000'"
    )


@pytest.mark.parametrize(("suffix", "path"), [("/v2/", "/v2/"), ("/v2", "/v2"), ("/a/", "/a/")])
def test_registry_rejects_path(suffix: str, path: str) -> None:
    with pytest.raises(ValueError) as info:
        Registry(BASE + suffix)
    assert str(info.value) == (
        f"registry URL {BASE + suffix!r} has the path {path!r}; pass only the scheme, host and "
        "port, e.g. 'http://127.0.0.1:5000': the client adds /v2/ to every request itself"
    )


def test_registry_accepts_trailing_slash() -> None:
    fake = FakeRegistry()
    Registry(BASE + "/", client=fake.client()).ping()
    assert [request.path for request in fake.requests()] == ["/v2/"]


def test_registry_rejects_invalid_url() -> None:
    with pytest.raises(ValueError) as info:
        Registry("http://[::1")
    assert str(info.value).startswith("registry URL 'http://[::1' is not a valid URL: ")


def test_registry_rejects_colon_in_username() -> None:
    with pytest.raises(ValueError) as info:
        Registry(BASE, "ali:ce", "s3cret")
    assert str(info.value) == (
        "username 'ali:ce' contains ':', which HTTP Basic authentication cannot send "
        "(RFC 7617); use a user name without ':'"
    )


def test_registry_needs_username_and_password() -> None:
    with pytest.raises(ValueError, match=r"^give both username and password, or neither$"):
        Registry(BASE, "alice")


def test_registry_repr_hides_password() -> None:
    registry = Registry(BASE, "alice", "s3cret", client=FakeRegistry().client())
    assert repr(registry) == "Registry('http://127.0.0.1:5000', username='alice')"


def test_registry_keeps_injected_client_open() -> None:
    client = FakeRegistry().client()
    with Registry(BASE, client=client):
        pass
    assert not client.is_closed


def test_registry_closes_own_client() -> None:
    registry = Registry(BASE)
    registry.close()
    assert registry._session.client.is_closed


@pytest.mark.parametrize(
    ("repo", "message"),
    [
        (
            "a/../b",
            "invalid reference format: 'a/../b'; a repository name is path components of "
            "lowercase letters and digits, joined by '.', '_', '__' or '-' and separated by '/', "
            "such as 'dojo/hello'",
        ),
        (
            "dojo/Hello",
            "repository name must be lowercase: 'dojo/Hello'; use 'dojo/hello': only the "
            "registry host and the tag may have capitals",
        ),
        (
            "127.0.0.1:5000/dojo/hello",
            "invalid reference format: '127.0.0.1:5000/dojo/hello'; pass the repository path "
            "without the registry host, such as 'dojo/hello'",
        ),
        (
            "localhost/Dojo",
            "repository name must be lowercase: 'localhost/Dojo'; use 'localhost/dojo': only "
            "the registry host and the tag may have capitals",
        ),
        (
            "a" * 256,
            f"repository name must not be more than 255 characters: {'a' * 256!r}; "
            "shorten it to at most 255",
        ),
        (
            "",
            "invalid reference format: ''; a repository name is path components of lowercase "
            "letters and digits, joined by '.', '_', '__' or '-' and separated by '/', such as "
            "'dojo/hello'",
        ),
    ],
)
def test_invalid_repository_rejected_before_request(repo: str, message: str) -> None:
    fake = FakeRegistry()
    registry = fake.registry(None)
    with pytest.raises(InvalidReferenceError) as info:
        registry.tags(repo)
    assert str(info.value) == message
    assert isinstance(info.value, ValueError)
    assert fake.requests() == []


@pytest.mark.parametrize(
    "tag", ["..", ".", "a/b", "-x", "?x", "#", "%2f", "a b", "ü", "", "t" * 129]
)
def test_invalid_tag_rejected_before_request(tag: str) -> None:
    fake = FakeRegistry()
    with pytest.raises(InvalidReferenceError) as info:
        fake.registry(None).get_manifest("dojo/odd", tag)
    assert str(info.value) == f"invalid tag format: {tag!r}; " + TAG_HINT
    assert info.value.reason == "invalid tag format"
    assert fake.requests() == []


def test_longest_tag_accepted() -> None:
    fake = FakeRegistry()
    with pytest.raises(RegistryError):
        fake.registry(None).get_manifest("demo/app", "t" * 128)
    assert [request.path for request in fake.requests()] == [f"/v2/demo/app/manifests/{'t' * 128}"]


@pytest.mark.parametrize(
    ("digest", "reason"),
    [
        ("sha256:../../x", "invalid checksum digest length"),
        ("sha256:" + "g" * 64, "invalid checksum digest format"),
        ("sha256:zz", "invalid checksum digest length"),
        ("sha256:" + "A" * 64, "invalid checksum digest format"),
        ("md5:" + "0" * 32, "unsupported digest algorithm"),
        ("foo:bar", "unsupported digest algorithm"),
        (":abc", "invalid checksum digest format"),
        ("sha256:", "invalid checksum digest format"),
    ],
)
def test_invalid_digest_rejected_before_request(digest: str, reason: str) -> None:
    fake = FakeRegistry()
    registry = fake.registry(None)
    calls: list[Callable[[], object]] = [
        lambda: registry.get_manifest("dojo/odd", digest),
        lambda: registry.head_manifest("dojo/odd", digest),
        lambda: registry.delete_manifest("dojo/odd", digest),
        lambda: registry.blob_exists("dojo/odd", digest),
        lambda: registry.get_blob("dojo/odd", digest),
        lambda: registry.push_blob("dojo/odd", b"abc", digest),
    ]
    for call in calls:
        with pytest.raises(InvalidReferenceError) as info:
            call()
        assert str(info.value) == f"{reason}: {digest!r}; " + DIGEST_HINT
    assert fake.requests() == []


def test_tag_checks_new_tag_before_request() -> None:
    fake = FakeRegistry()
    with pytest.raises(InvalidReferenceError) as info:
        fake.registry(None).tag("demo/app", "v1", "..")
    assert str(info.value) == "invalid tag format: '..'; " + TAG_HINT
    assert fake.requests() == []


def test_tag_rejects_digest_as_new_tag() -> None:
    fake = FakeRegistry()
    digest = digest_of(b"x")
    with pytest.raises(InvalidReferenceError) as info:
        fake.registry(None).tag("demo/app", "v1", digest)
    assert str(info.value) == f"invalid tag format: {digest!r}; " + TAG_HINT
    assert fake.requests() == []


def test_push_image_checks_tag_before_upload() -> None:
    fake = FakeRegistry()
    with pytest.raises(InvalidReferenceError):
        fake.registry(None).push_image("demo/app", "a/b", build_image({"a.txt": b"a"}))
    assert fake.requests() == []


def test_push_blob_checks_mount_source() -> None:
    fake = FakeRegistry()
    with pytest.raises(InvalidReferenceError) as info:
        fake.registry(None).push_blob("demo/app", b"abc", mount_from="Demo/Other")
    assert str(info.value).startswith("repository name must be lowercase: 'Demo/Other'; ")
    assert fake.requests() == []


@pytest.mark.parametrize(
    "media_type",
    ["application/\u00e9", "a\nb", "application", "application/json; charset=utf-8", "/json", ""],
)
def test_put_manifest_rejects_invalid_media_type(media_type: str) -> None:
    fake = FakeRegistry()
    with pytest.raises(ValueError) as info:
        fake.registry(None).put_manifest("demo/app", "v1", b"{}", media_type)
    assert str(info.value) == (
        f"invalid media type {media_type!r}: expected type/subtype in ASCII letters, digits "
        "and !#$&^_.+-, without parameters, such as 'application/vnd.oci.image.manifest.v1+json'"
    )
    assert fake.requests() == []


def test_header_with_newline_rejected_before_sending() -> None:
    fake = FakeRegistry()
    session = fake.registry(None)._session
    with pytest.raises(ValueError) as info:
        session.transmit("GET", httpx.URL(BASE + "/v2/"), {"X-Note": "a\r\nInjected: 1"})
    assert str(info.value) == (
        "invalid value for HTTP header 'X-Note': 'a\\r\\nInjected: 1'; a header value may "
        "contain only printable ASCII characters, spaces and tabs"
    )
    assert fake.requests() == []


def test_bad_token_header_hides_value() -> None:
    fake = FakeRegistry()
    session = fake.registry(None)._session
    with pytest.raises(ValueError) as info:
        session.transmit("GET", httpx.URL(BASE + "/v2/"), {"Authorization": "Bearer s3cret\n"})
    assert str(info.value) == (
        "invalid value for HTTP header 'Authorization': (value hidden); a header value may "
        "contain only printable ASCII characters, spaces and tabs"
    )


def test_repository_with_dots_accepted() -> None:
    fake = FakeRegistry()
    registry = fake.registry(None)
    with pytest.raises(RegistryError):
        registry.tags("user.name/app")
    assert len(fake.requests()) >= 1


# ---- Basic authentication -------------------------------------------------------------------


def test_ping_basic_answers_challenge() -> None:
    fake = FakeRegistry(auth="basic")
    fake.registry().ping()
    assert [s.status for s in fake.seen] == [401, 200]
    expected = "Basic " + base64.b64encode(b"alice:s3cret").decode()
    assert fake.seen[1].authorization == expected


def test_ping_basic_wrong_password() -> None:
    fake = FakeRegistry(auth="basic")
    with pytest.raises(RegistryError) as info:
        fake.registry("alice", "wrong").ping()
    error = info.value
    assert error.status == 401
    assert error.code == "UNAUTHORIZED"
    assert error.message == "authentication required"
    assert error.challenge == 'Basic realm="fake"'
    assert error.method == "GET"
    assert error.url == "http://127.0.0.1:5000/v2/"
    assert len(fake.seen) == 2


def test_ping_without_credentials_fails_once() -> None:
    fake = FakeRegistry(auth="basic")
    with pytest.raises(RegistryError) as info:
        fake.registry(None).ping()
    assert str(info.value) == (
        "401 UNAUTHORIZED: authentication required (GET http://127.0.0.1:5000/v2/)"
    )
    assert len(fake.seen) == 1


def test_basic_sent_upfront_after_first_challenge() -> None:
    fake = FakeRegistry(auth="basic")
    registry = fake.registry()
    registry.ping()
    registry.catalog()
    assert [s.status for s in fake.seen] == [401, 200, 200]


def test_put_manifest_first_discovers_scheme() -> None:
    fake = FakeRegistry(auth="basic")
    image = build_image({"a.txt": b"a"})
    fake.registry().put_manifest("demo/app", "v1", image.manifest, image.media_type)
    assert [(s.method, s.path, s.status) for s in fake.seen] == [
        ("GET", "/v2/", 401),
        ("PUT", "/v2/demo/app/manifests/v1", 201),
    ]


def test_blob_body_never_sent_unauthenticated() -> None:
    fake = FakeRegistry(auth="basic")
    fake.registry().push_blob("demo/app", b"layer bytes")
    puts = fake.requests("PUT")
    assert [s.status for s in puts] == [201]


# ---- blob upload ---------------------------------------------------------------------------


def test_push_blob_keeps_upload_state_query() -> None:
    fake = FakeRegistry()
    digest = fake.registry(None).push_blob("demo/app", b"hello")
    [put] = fake.requests("PUT")
    assert put.query.startswith("_state=state-upload-")
    assert put.query.endswith("&digest=" + digest.replace(":", "%3A"))
    assert fake.blobs["demo/app"][digest] == b"hello"


def test_push_blob_absolute_location() -> None:
    fake = FakeRegistry(absolute_location=True)
    digest = fake.registry(None).push_blob("demo/app", b"hello")
    assert digest == digest_of(b"hello")
    assert fake.blobs["demo/app"][digest] == b"hello"


def test_push_blob_skips_existing_blob() -> None:
    fake = FakeRegistry()
    registry = fake.registry(None)
    registry.push_blob("demo/app", b"hello")
    fake.seen.clear()
    registry.push_blob("demo/app", b"hello")
    assert [s.method for s in fake.seen] == ["HEAD"]


def test_push_blob_wrong_digest_shows_registry_error() -> None:
    fake = FakeRegistry()
    with pytest.raises(RegistryError) as info:
        fake.registry(None).push_blob("demo/app", b"hello", digest_of(b"other"))
    assert info.value.status == 400
    assert info.value.code == "DIGEST_INVALID"
    assert info.value.message == "provided digest did not match uploaded content"


def test_push_blob_mount_from_other_repo() -> None:
    fake = FakeRegistry()
    registry = fake.registry(None)
    digest = registry.push_blob("demo/base", b"shared layer")
    fake.seen.clear()
    assert registry.push_blob("demo/app", b"shared layer", mount_from="demo/base") == digest
    assert [s.method for s in fake.seen] == ["HEAD", "POST"]
    assert fake.seen[1].query == f"mount={digest.replace(':', '%3A')}&from=demo%2Fbase"
    assert fake.blobs["demo/app"][digest] == b"shared layer"


def test_push_blob_mount_falls_back_to_upload() -> None:
    fake = FakeRegistry()
    registry = fake.registry(None)
    digest = registry.push_blob("demo/app", b"new layer", mount_from="demo/base")
    assert fake.blobs["demo/app"][digest] == b"new layer"
    assert [(s.method, s.status) for s in fake.seen] == [
        ("HEAD", 404),
        ("POST", 202),
        ("GET", 200),
        ("PUT", 201),
    ]


def test_upload_without_location_fails() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(404) if request.method == "HEAD" else httpx.Response(202)

    registry = Registry(BASE, client=httpx.Client(transport=httpx.MockTransport(handler)))
    with pytest.raises(RegistryError) as info:
        registry.push_blob("demo/app", b"x")
    assert info.value.message == "upload response has no Location header"
    assert info.value.code is None


# ---- blob download -------------------------------------------------------------------------


def test_get_blob_returns_verified_bytes() -> None:
    fake = FakeRegistry()
    registry = fake.registry(None)
    digest = registry.push_blob("demo/app", b"content")
    assert registry.get_blob("demo/app", digest) == b"content"


def test_get_blob_detects_tampered_bytes() -> None:
    fake = FakeRegistry()
    digest = digest_of(b"original")
    fake.blobs["demo/app"] = {digest: b"tampered"}
    with pytest.raises(DigestMismatchError) as info:
        fake.registry(None).get_blob("demo/app", digest)
    assert info.value.expected == digest
    assert info.value.actual == digest_of(b"tampered")
    assert str(info.value) == (
        f"content from http://127.0.0.1:5000/v2/demo/app/blobs/{digest} has digest "
        f"'{digest_of(b'tampered')}', expected '{digest}'; "
        "the registry or a proxy altered it, so do not use it"
    )


def test_get_blob_follows_redirect() -> None:
    digest = digest_of(b"stored elsewhere")

    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path.startswith("/storage/"):
            return httpx.Response(200, content=b"stored elsewhere")
        return httpx.Response(307, headers={"Location": f"/storage/{digest}"})

    registry = Registry(BASE, client=httpx.Client(transport=httpx.MockTransport(handler)))
    assert registry.get_blob("demo/app", digest) == b"stored elsewhere"


def test_get_blob_unknown_blob() -> None:
    fake = FakeRegistry()
    fake.blobs["demo/app"] = {}
    digest = digest_of(b"missing")
    with pytest.raises(RegistryError) as info:
        fake.registry(None).get_blob("demo/app", digest)
    assert info.value.code == "BLOB_UNKNOWN"
    assert info.value.detail == digest


def test_get_blob_unsupported_algorithm() -> None:
    fake = FakeRegistry()
    with pytest.raises(InvalidReferenceError) as info:
        fake.registry(None).get_blob("demo/app", "md5:abc")
    assert str(info.value) == "unsupported digest algorithm: 'md5:abc'; " + DIGEST_HINT
    assert fake.requests() == []


def test_blob_exists_true_and_false() -> None:
    fake = FakeRegistry()
    registry = fake.registry(None)
    digest = registry.push_blob("demo/app", b"here")
    assert registry.blob_exists("demo/app", digest) is True
    assert registry.blob_exists("demo/app", digest_of(b"absent")) is False


# ---- manifests ------------------------------------------------------------------------------


def pushed(fake: FakeRegistry, tag: str = "v1") -> tuple[Registry, str]:
    registry = fake.registry(None)
    image = build_image({"hello.txt": b"hello\n"})
    return registry, registry.push_image("demo/app", tag, image)


def test_get_manifest_accepts_oci_and_docker_types() -> None:
    captured: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        captured.append(request.headers["Accept"])
        return httpx.Response(200, headers={"Content-Type": OCI_MANIFEST}, content=b"{}")

    registry = Registry(BASE, client=httpx.Client(transport=httpx.MockTransport(handler)))
    registry.get_manifest("demo/app", "v1")
    accepted = [value.strip() for value in captured[0].split(",")]
    for media_type in (OCI_MANIFEST, OCI_INDEX, DOCKER_MANIFEST, DOCKER_MANIFEST_LIST):
        assert media_type in accepted


def test_get_manifest_by_tag_and_digest() -> None:
    fake = FakeRegistry()
    registry, digest = pushed(fake)
    by_tag = registry.get_manifest("demo/app", "v1")
    by_digest = registry.get_manifest("demo/app", digest)
    assert by_tag.digest == digest
    assert by_digest.data == by_tag.data
    assert by_tag.media_type == OCI_MANIFEST
    assert by_tag.json()["schemaVersion"] == 2


def test_get_manifest_by_digest_detects_tampering() -> None:
    fake = FakeRegistry()
    digest = digest_of(b'{"schemaVersion":2}')
    fake.manifests["demo/app"] = {digest: (b'{"schemaVersion":3}', OCI_MANIFEST)}
    with pytest.raises(DigestMismatchError) as info:
        fake.registry(None).get_manifest("demo/app", digest)
    assert info.value.actual == digest_of(b'{"schemaVersion":3}')


def test_get_manifest_media_type_from_body() -> None:
    body = json.dumps({"schemaVersion": 2, "mediaType": DOCKER_MANIFEST}).encode()

    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, headers={"Content-Type": "application/json"}, content=body)

    registry = Registry(BASE, client=httpx.Client(transport=httpx.MockTransport(handler)))
    manifest = registry.get_manifest("demo/app", "v1")
    assert manifest.media_type == DOCKER_MANIFEST
    assert manifest.digest == digest_of(body)


def test_get_manifest_unknown_tag() -> None:
    fake = FakeRegistry()
    registry, _ = pushed(fake)
    with pytest.raises(RegistryError) as info:
        registry.get_manifest("demo/app", "nope")
    error = info.value
    assert error.status == 404
    assert error.code == "MANIFEST_UNKNOWN"
    assert error.message == "manifest unknown"
    assert error.detail == {"Tag": "nope"}
    assert error.method == "GET"
    assert error.url == "http://127.0.0.1:5000/v2/demo/app/manifests/nope"


def test_plain_text_404_has_no_code() -> None:
    fake = FakeRegistry()
    # The fake answers any path with capitals from its router, as distribution does for
    # names its routes do not match, with a plain-text body.
    with pytest.raises(RegistryError) as info:
        fake.registry(None).get_manifest("demo/app", "V1")
    assert info.value.code is None
    assert info.value.message == "404 page not found"
    assert str(info.value) == (
        "404 HTTP error: 404 page not found (GET http://127.0.0.1:5000/v2/demo/app/manifests/V1)"
    )


def test_head_manifest_descriptor() -> None:
    fake = FakeRegistry()
    registry, digest = pushed(fake)
    size = len(fake.manifests["demo/app"][digest][0])
    assert registry.head_manifest("demo/app", "v1") == Descriptor(OCI_MANIFEST, digest, size)


def test_head_manifest_missing_has_no_code() -> None:
    fake = FakeRegistry()
    registry, _ = pushed(fake)
    with pytest.raises(RegistryError) as info:
        registry.head_manifest("demo/app", "nope")
    assert info.value.status == 404
    assert info.value.code is None
    assert info.value.message == "Not Found"


def test_tag_reuses_manifest_bytes() -> None:
    fake = FakeRegistry()
    registry, digest = pushed(fake)
    fake.seen.clear()
    assert registry.tag("demo/app", "v1", "stable") == digest
    assert [(s.method, s.path) for s in fake.seen] == [
        ("GET", "/v2/demo/app/manifests/v1"),
        ("PUT", "/v2/demo/app/manifests/stable"),
    ]
    assert fake.tags["demo/app"] == {"v1": digest, "stable": digest}


def test_push_image_twice_uploads_nothing_new() -> None:
    fake = FakeRegistry()
    registry, digest = pushed(fake)
    fake.seen.clear()
    image = build_image({"hello.txt": b"hello\n"})
    assert registry.push_image("demo/app", "v2", image) == digest
    assert [s.method for s in fake.seen] == ["HEAD", "HEAD", "PUT"]


def test_put_manifest_digest_disagreement() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(201, headers={"Docker-Content-Digest": "sha256:" + "0" * 64})

    registry = Registry(BASE, client=httpx.Client(transport=httpx.MockTransport(handler)))
    with pytest.raises(RegistryError) as info:
        registry.put_manifest("demo/app", "v1", b"{}", OCI_MANIFEST)
    assert info.value.message == (
        f"registry stored digest 'sha256:{'0' * 64}' but the data is '{digest_of(b'{}')}'"
    )


# ---- tags, catalog, delete ------------------------------------------------------------------


def test_tags_follow_link_pages() -> None:
    fake = FakeRegistry()
    registry, _ = pushed(fake)
    registry.tag("demo/app", "v1", "v2")
    registry.tag("demo/app", "v1", "v3")
    fake.seen.clear()
    assert registry.tags("demo/app", page_size=1) == ["v1", "v2", "v3"]
    assert [s.query for s in fake.seen] == ["n=1", "last=v1&n=1", "last=v2&n=1"]


def test_tags_single_page_ignoring_n() -> None:
    fake = FakeRegistry(tag_page_support=False)
    registry, _ = pushed(fake)
    registry.tag("demo/app", "v1", "v2")
    assert registry.tags("demo/app", page_size=1) == ["v1", "v2"]


def test_tags_null_means_empty() -> None:
    fake = FakeRegistry()
    registry, digest = pushed(fake)
    registry.delete_manifest("demo/app", digest)
    assert registry.tags("demo/app") == []


def test_tags_unknown_repository() -> None:
    with pytest.raises(RegistryError) as info:
        FakeRegistry().registry(None).tags("demo/none")
    assert info.value.code == "NAME_UNKNOWN"
    assert info.value.detail == {"name": "demo/none"}


def test_tags_rejects_page_size_zero() -> None:
    with pytest.raises(ValueError, match=r"^page_size must be a positive int, got 0$"):
        FakeRegistry().registry(None).tags("demo/app", page_size=0)


@pytest.mark.parametrize("page_size", [True, 1.5, "5"])
def test_page_size_must_be_int(page_size: object) -> None:
    fake = FakeRegistry()
    with pytest.raises(TypeError) as info:
        fake.registry(None).catalog(page_size=page_size)  # type: ignore[arg-type]
    assert str(info.value) == f"page_size must be an int such as 100, got {page_size!r}"
    assert fake.requests() == []


def test_catalog_follows_link_pages() -> None:
    fake = FakeRegistry()
    registry = fake.registry(None)
    image = build_image({"a": b"a"})
    for repo in ("demo/c", "demo/a", "demo/b"):
        registry.push_image(repo, "v1", image)
    fake.seen.clear()
    assert registry.catalog(page_size=2) == ["demo/a", "demo/b", "demo/c"]
    assert len(fake.seen) == 2


def test_catalog_null_means_empty() -> None:
    assert FakeRegistry().registry(None).catalog() == []


def test_link_loop_detected() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        link = '</v2/_catalog?n=1>; rel="next"'
        return httpx.Response(200, json={"repositories": ["a"]}, headers={"Link": link})

    registry = Registry(BASE, client=httpx.Client(transport=httpx.MockTransport(handler)))
    with pytest.raises(RegistryError) as info:
        registry.catalog(page_size=1)
    assert info.value.message == (
        "Link header points back to 'http://127.0.0.1:5000/v2/_catalog?n=1'"
    )


def test_non_json_body_is_registry_error() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, text="<html>proxy login</html>")

    registry = Registry(BASE, client=httpx.Client(transport=httpx.MockTransport(handler)))
    with pytest.raises(RegistryError) as info:
        registry.catalog()
    assert info.value.message.startswith("response body is not valid JSON (")


def test_delete_by_digest_removes_all_tags() -> None:
    fake = FakeRegistry()
    registry, digest = pushed(fake)
    registry.tag("demo/app", "v1", "stable")
    registry.delete_manifest("demo/app", digest)
    assert fake.tags["demo/app"] == {}


def test_delete_by_tag_registry_error() -> None:
    fake = FakeRegistry()
    registry, _ = pushed(fake)
    with pytest.raises(RegistryError) as info:
        registry.delete_manifest("demo/app", "v1")
    assert info.value.status == 400
    assert info.value.code == "DIGEST_INVALID"


# ---- Bearer authentication ------------------------------------------------------------------


def test_bearer_ping_fetches_token() -> None:
    fake = FakeRegistry(auth="bearer")
    fake.registry().ping()
    assert [(s.method, s.path, s.status) for s in fake.seen] == [
        ("GET", "/v2/", 401),
        ("GET", "/token", 200),
        ("GET", "/v2/", 200),
    ]
    assert fake.seen[1].query == f"service={SERVICE}"
    assert fake.seen[1].authorization == "Basic " + base64.b64encode(b"alice:s3cret").decode()
    assert fake.seen[2].authorization == "Bearer token-0"


def test_bearer_scope_escalates_for_push() -> None:
    fake = FakeRegistry(auth="bearer")
    registry = fake.registry()
    registry.push_blob("demo/app", b"layer")
    assert fake.token_scopes == ["repository:demo/app:pull", "repository:demo/app:pull,push"]
    assert [s.status for s in fake.requests("PUT")] == [201]


def test_bearer_tokens_cached_per_scope() -> None:
    fake = FakeRegistry(auth="bearer")
    registry = fake.registry()
    registry.push_blob("demo/app", b"layer one")
    registry.push_blob("demo/app", b"layer two")
    assert len(fake.token_scopes) == 2


def test_bearer_delete_and_catalog_scopes() -> None:
    fake = FakeRegistry(auth="bearer")
    owner = fake.registry()
    digest = owner.push_image("demo/app", "v1", build_image({"a": b"a"}))
    fake.token_scopes.clear()
    registry = fake.registry()
    registry.catalog()
    registry.delete_manifest("demo/app", digest)
    assert fake.token_scopes == ["registry:catalog:*", "repository:demo/app:delete"]


def test_bearer_insufficient_scope() -> None:
    fake = FakeRegistry(auth="bearer")
    with pytest.raises(RegistryError) as info:
        fake.registry("bob").push_blob("demo/app", b"layer")
    error = info.value
    assert error.status == 401
    assert error.code == "UNAUTHORIZED"
    assert error.method == "POST"
    assert error.challenge == (
        f'Bearer realm="{REALM}",service="{SERVICE}",'
        'scope="repository:demo/app:pull,push",error="insufficient_scope"'
    )


def test_bearer_expired_token_replaced() -> None:
    fake = FakeRegistry(auth="bearer")
    registry = fake.registry()
    registry.catalog()
    fake.tokens.clear()
    assert registry.catalog() == []
    assert len(fake.token_scopes) == 2


def test_bearer_wrong_password_at_token_service() -> None:
    fake = FakeRegistry(auth="bearer")
    with pytest.raises(RegistryError) as info:
        fake.registry("alice", "wrong").ping()
    error = info.value
    assert error.message == "invalid username or password"
    assert error.url == f"{REALM}?service={SERVICE}"
    assert error.challenge is None


def test_bearer_anonymous_pull() -> None:
    fake = FakeRegistry(auth="bearer")
    _, digest = pushed(FakeRegistry())
    fake.manifests = {"demo/app": {}}
    anonymous = fake.registry(None)
    with pytest.raises(RegistryError) as info:
        anonymous.get_manifest("demo/app", digest)
    assert info.value.code == "MANIFEST_UNKNOWN"
    assert fake.seen[1].authorization is None
    assert fake.token_scopes == ["repository:demo/app:pull"]


def test_token_request_with_two_scopes() -> None:
    scopes: list[list[str]] = []
    both = "repository:demo/app:pull,push repository:demo/base:pull"

    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/token":
            scopes.append(request.url.params.get_list("scope"))
            return httpx.Response(200, json={"token": " ".join(scopes[-1])})
        required_scope = "repository:demo/app:pull" if request.method == "HEAD" else both
        if request.headers.get("Authorization") == f"Bearer {required_scope}":
            return httpx.Response(404 if request.method == "HEAD" else 201)
        challenge = f'Bearer realm="{REALM}",service="{SERVICE}",scope="{required_scope}"'
        return httpx.Response(401, headers={"WWW-Authenticate": challenge})

    registry = Registry(BASE, client=httpx.Client(transport=httpx.MockTransport(handler)))
    digest = registry.push_blob("demo/app", b"shared", mount_from="demo/base")
    assert digest == digest_of(b"shared")
    assert scopes[-1] == ["repository:demo/app:pull,push", "repository:demo/base:pull"]


def test_token_in_access_token_field() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/token":
            return httpx.Response(200, json={"access_token": "abc"})
        if request.headers.get("Authorization") == "Bearer abc":
            return httpx.Response(200, json={})
        return httpx.Response(401, headers={"WWW-Authenticate": f'Bearer realm="{REALM}"'})

    registry = Registry(BASE, client=httpx.Client(transport=httpx.MockTransport(handler)))
    registry.ping()


def test_token_response_without_token() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/token":
            return httpx.Response(200, json={"expires_in": 60})
        return httpx.Response(401, headers={"WWW-Authenticate": f'Bearer realm="{REALM}"'})

    registry = Registry(BASE, client=httpx.Client(transport=httpx.MockTransport(handler)))
    with pytest.raises(RegistryError) as info:
        registry.ping()
    assert info.value.message == "token response has no 'token' or 'access_token' field"


# ---- logging and connection failures ---------------------------------------------------------


def test_requests_logged_without_secrets(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG, logger="registry_dojo.registry")
    fake = FakeRegistry(auth="bearer")
    fake.registry().ping()
    messages = [record.getMessage() for record in caplog.records]
    assert messages == [
        "GET http://127.0.0.1:5000/v2/ -> 401",
        f"GET {REALM}?service={SERVICE} -> 200",
        "GET http://127.0.0.1:5000/v2/ -> 200",
    ]
    assert "s3cret" not in caplog.text
    assert "token-0" not in caplog.text


def raising(exc: Exception) -> Callable[[httpx.Request], httpx.Response]:
    def handler(request: httpx.Request) -> httpx.Response:
        raise exc

    return handler


def test_connection_refused_is_unreachable() -> None:
    transport = httpx.MockTransport(raising(httpx.ConnectError("[Errno 111] Connection refused")))
    registry = Registry(BASE, client=httpx.Client(transport=transport))
    with pytest.raises(RegistryUnreachable) as info:
        registry.ping()
    assert str(info.value) == (
        "cannot reach the registry at 'http://127.0.0.1:5000/v2/': "
        "ConnectError: [Errno 111] Connection refused. "
        "Is the lab running? Start it with: registry-dojo lab up"
    )


def test_timeout_is_unreachable() -> None:
    transport = httpx.MockTransport(raising(httpx.ReadTimeout("timed out")))
    registry = Registry(BASE, client=httpx.Client(transport=transport))
    with pytest.raises(RegistryUnreachable) as info:
        registry.catalog()
    assert info.value.reason == "ReadTimeout: timed out"
    assert isinstance(info.value, ConnectionError)
