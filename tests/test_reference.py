"""Image reference parsing, checked against the rules of Go's distribution/reference v0.6.0.

The expected values are derived by hand from the Go grammar and functions, not recorded from
this implementation. Digests use repeated hex characters so their lengths are easy to check.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import pytest

from registry_dojo import reference as ref
from registry_dojo.errors import InvalidReferenceError
from registry_dojo.reference import Reference

if TYPE_CHECKING:
    from hypothesis.strategies import SearchStrategy

H64 = "f" * 64
H96 = "e" * 96
H128 = "d" * 128
SHA256 = f"sha256:{H64}"
SHA384 = f"sha384:{H96}"
SHA512 = f"sha512:{H128}"

FORMAT = "invalid reference format"
TAG_FORMAT = "invalid tag format"
DIGEST_FORMAT = "invalid digest format"
UPPERCASE = "repository name must be lowercase"
EMPTY = "repository name must have at least one component"
TOO_LONG = "repository name must not be more than 255 characters"
NOT_CANONICAL = "repository name must be canonical"
IDENTIFIER = "cannot specify 64-byte hexadecimal strings"
UNSUPPORTED = "unsupported digest algorithm"
CHECKSUM_LENGTH = "invalid checksum digest length"
CHECKSUM_FORMAT = "invalid checksum digest format"


def reason_of(function: Callable[[str], object], text: str) -> str:
    """Return the reason of the InvalidReferenceError that ``function(text)`` raises."""
    with pytest.raises(InvalidReferenceError) as caught:
        function(text)
    return caught.value.reason


def parts(reference: Reference) -> tuple[str, str, str | None, str | None]:
    return reference.domain, reference.path, reference.tag, reference.digest


# --- parse: grammar only ------------------------------------------------------------------

PARSE_VALID = [
    ("nginx", ("", "nginx", None, None)),
    ("nginx:1.27", ("", "nginx", "1.27", None)),
    ("library/nginx", ("library", "nginx", None, None)),
    ("a/b/c", ("a", "b/c", None, None)),
    ("test_com", ("", "test_com", None, None)),
    ("test_com/foo", ("", "test_com/foo", None, None)),
    ("test.com:tag", ("", "test.com", "tag", None)),
    ("test.com:5000", ("", "test.com", "5000", None)),
    ("localhost:5000", ("", "localhost", "5000", None)),
    ("test:5000/repo", ("test:5000", "repo", None, None)),
    ("localhost/repo", ("localhost", "repo", None, None)),
    ("localhost:5000/repo:tag", ("localhost:5000", "repo", "tag", None)),
    ("Foo/bar", ("Foo", "bar", None, None)),
    ("EXAMPLE.COM/foo", ("EXAMPLE.COM", "foo", None, None)),
    ("192.168.1.1", ("", "192.168.1.1", None, None)),
    ("192.168.1.1:5000/repo:5050", ("192.168.1.1:5000", "repo", "5050", None)),
    ("[2001:db8::1]/repo", ("[2001:db8::1]", "repo", None, None)),
    ("[::1]:5000/repo", ("[::1]:5000", "repo", None, None)),
    ("[A:B::F]/repo", ("[A:B::F]", "repo", None, None)),
    ("[:]/repo", ("[:]", "repo", None, None)),
    (f"[2001:db8::1]:5000/repo:tag@{SHA256}", ("[2001:db8::1]:5000", "repo", "tag", SHA256)),
    ("xn--n3h.com/myimage:xn--n3h.com", ("xn--n3h.com", "myimage", "xn--n3h.com", None)),
    ("a-b.c-d.e/f", ("a-b.c-d.e", "f", None, None)),
    ("a--b/c", ("a--b", "c", None, None)),
    ("foo:0/bar", ("foo:0", "bar", None, None)),
    ("foo:99999999/bar", ("foo:99999999", "bar", None, None)),
    ("a.b.c.d.e.f/g", ("a.b.c.d.e.f", "g", None, None)),
    ("a.b", ("", "a.b", None, None)),
    ("a_b", ("", "a_b", None, None)),
    ("a__b", ("", "a__b", None, None)),
    ("a---b", ("", "a---b", None, None)),
    ("a-b-c", ("", "a-b-c", None, None)),
    ("foo/a.b_c__d---e", ("foo", "a.b_c__d---e", None, None)),
    ("foo/foo_bar.com:8080", ("foo", "foo_bar.com", "8080", None)),
    ("0", ("", "0", None, None)),
    ("9/9", ("9", "9", None, None)),
    (f"foo@{SHA256}", ("", "foo", None, SHA256)),
    (f"foo@{SHA384}", ("", "foo", None, SHA384)),
    (f"foo@{SHA512}", ("", "foo", None, SHA512)),
    (f"foo:tag@{SHA256}", ("", "foo", "tag", SHA256)),
    ("foo:" + "a" * 128, ("", "foo", "a" * 128, None)),
    ("foo:_", ("", "foo", "_", None)),
    ("foo:_" + "." * 127, ("", "foo", "_" + "." * 127, None)),
    ("foo:Tag.With-Chars_1", ("", "foo", "Tag.With-Chars_1", None)),
    ("lowercase:Uppercase", ("", "lowercase", "Uppercase", None)),
    ("a" * 255, ("", "a" * 255, None, None)),
    ("example.com/" + "a" * 255, ("example.com", "a" * 255, None, None)),
    ("a/" * 128 + "a", ("a", "a/" * 127 + "a", None, None)),
    ("x" * 200 + ".com:1/y", ("x" * 200 + ".com:1", "y", None, None)),
]


@pytest.mark.parametrize(("text", "expected"), PARSE_VALID)
def test_parse_valid(text: str, expected: tuple[str, str, str | None, str | None]) -> None:
    assert parts(ref.parse(text)) == expected


@pytest.mark.parametrize(("text", "expected"), PARSE_VALID)
def test_parse_round_trips(text: str, expected: object) -> None:
    assert str(ref.parse(text)) == text


PARSE_ERRORS = [
    ("", EMPTY),
    (":justtag", FORMAT),
    (f"@{SHA256}", FORMAT),
    ("foo:", FORMAT),
    ("foo@", FORMAT),
    ("foo/", FORMAT),
    ("/foo", FORMAT),
    ("foo//bar", FORMAT),
    ("-foo", FORMAT),
    ("foo-", FORMAT),
    (".foo", FORMAT),
    ("foo.", FORMAT),
    ("_foo", FORMAT),
    ("foo_", FORMAT),
    ("a..b", FORMAT),
    ("a___b", FORMAT),
    ("a._b", FORMAT),
    ("a-.b", FORMAT),
    ("foo bar", FORMAT),
    (" foo", FORMAT),
    ("foo ", FORMAT),
    ("foo\n", FORMAT),
    ("\nfoo", FORMAT),
    ("foo:tag\n", FORMAT),
    ("foo\t", FORMAT),
    ("foo\x00", FORMAT),
    ("foo:ta g", FORMAT),
    ("foo:-tag", FORMAT),
    ("foo:.tag", FORMAT),
    ("foo:tag:tag2", FORMAT),
    ("foo:" + "a" * 129, FORMAT),
    ("aa/asdf$$^/aa", FORMAT),
    ("[2001:db8::1]", FORMAT),
    ("[2001:db8::1]:5000", FORMAT),
    ("[2001:db8::1]:tag", FORMAT),
    ("[fe80::1%eth0]:5000/repo", FORMAT),
    ("[]/repo", FORMAT),
    ("[::1]:/repo", FORMAT),
    ("[g::1]/repo", FORMAT),
    ("foo:/bar", FORMAT),
    ("-foo.com/bar", FORMAT),
    ("foo-.com/bar", FORMAT),
    ("foo.com./bar", FORMAT),
    ("foo:5000:6000/bar", FORMAT),
    ("a:b:c", FORMAT),
    ("é", FORMAT),
    ("日本", FORMAT),
    ("foo@sha256:" + "f" * 31, FORMAT),
    ("foo@sha256:" + "g" * 64, FORMAT),
    ("foo@sha256", FORMAT),
    (f"foo@:{H64}", FORMAT),
    (f"foo@1sha:{H64}", FORMAT),
    (f"foo@sha256::{H64}", FORMAT),
    (f"foo@{SHA256}@{SHA256}", FORMAT),
    (f"foo@{SHA256}:tag", FORMAT),
    ("Uppercase:tag", UPPERCASE),
    ("UPPER", UPPERCASE),
    ("a/B", UPPERCASE),
    ("Foo/Bar", UPPERCASE),
    ("test:5000/Uppercase/lowercase:tag", UPPERCASE),
    ("Foo@sha256:" + "f" * 40, UPPERCASE),
    ("Foo!", FORMAT),
    ("\u212aube", UPPERCASE),  # KELVIN SIGN lowercases to an ASCII "k" in Go and Python
    ("\u0130", UPPERCASE),  # Go lowercases DOTTED CAPITAL I to a plain "i"
    ("a" * 256, TOO_LONG),
    ("example.com/" + "a" * 256, TOO_LONG),
    ("a/" * 129 + "a", TOO_LONG),
    ("a" * 256 + "@sha256:" + "f" * 40, TOO_LONG),
    ("repo@sha256:" + "f" * 34, CHECKSUM_LENGTH),
    ("repo@sha256:" + "f" * 65, CHECKSUM_LENGTH),
    (f"repo@sha384:{H64}", CHECKSUM_LENGTH),
    (f"repo@sha512:{H64}", CHECKSUM_LENGTH),
    ("repo@sha256:" + "A" * 40, CHECKSUM_LENGTH),
    ("foo:tag@sha256:" + "f" * 40, CHECKSUM_LENGTH),
    ("repo@sha256:" + "F" * 64, CHECKSUM_FORMAT),
    (f"repo@SHA256:{H64}", CHECKSUM_FORMAT),
    (f"repo@Sha256:{H64}", CHECKSUM_FORMAT),
    (f"validname@invaliddigest:{H64}", UNSUPPORTED),
    ("foo@md5:" + "f" * 32, UNSUPPORTED),
    ("foo@md5:" + "F" * 32, UNSUPPORTED),
    ("foo@sha1:" + "f" * 40, UNSUPPORTED),
    (f"foo@sha256+b64:{H64}", UNSUPPORTED),
    (f"foo@sha256.x:{H64}", UNSUPPORTED),
    (f"foo@sha256_x:{H64}", UNSUPPORTED),
    (f"foo@sha256-x:{H64}", UNSUPPORTED),
    (f"foo@MD5:{H64}", CHECKSUM_FORMAT),
]


@pytest.mark.parametrize(("text", "reason"), PARSE_ERRORS)
def test_parse_rejects(text: str, reason: str) -> None:
    assert reason_of(ref.parse, text) == reason


def test_parse_error_names_input() -> None:
    with pytest.raises(InvalidReferenceError) as caught:
        ref.parse("foo@sha256:" + "f" * 40)
    assert caught.value.value == "foo@sha256:" + "f" * 40


def test_parse_error_message_quotes_input() -> None:
    with pytest.raises(InvalidReferenceError) as caught:
        ref.parse("Foo")
    assert str(caught.value) == "repository name must be lowercase: 'Foo'"


def test_invalid_reference_error_is_value_error() -> None:
    with pytest.raises(ValueError, match="invalid reference format"):
        ref.parse("foo bar")


# --- parse_normalized_named -----------------------------------------------------------------

NORMALIZED_VALID = [
    ("nginx", "docker.io/library/nginx", "nginx"),
    ("nginx:1.27", "docker.io/library/nginx:1.27", "nginx:1.27"),
    ("library/nginx", "docker.io/library/nginx", "nginx"),
    ("docker.io/nginx", "docker.io/library/nginx", "nginx"),
    ("docker.io/library/nginx", "docker.io/library/nginx", "nginx"),
    ("index.docker.io/nginx", "docker.io/library/nginx", "nginx"),
    ("index.docker.io/library/nginx", "docker.io/library/nginx", "nginx"),
    ("index.docker.io/user/app:v1", "docker.io/user/app:v1", "user/app:v1"),
    ("user/app", "docker.io/user/app", "user/app"),
    ("user/app/sub", "docker.io/user/app/sub", "user/app/sub"),
    ("library/a/b", "docker.io/library/a/b", "library/a/b"),
    ("dockerhub/foo", "docker.io/dockerhub/foo", "dockerhub/foo"),
    ("localhost/foo", "localhost/foo", "localhost/foo"),
    ("localhost:5000/foo", "localhost:5000/foo", "localhost:5000/foo"),
    ("localhost", "docker.io/library/localhost", "localhost"),
    ("localhost:5000", "docker.io/library/localhost:5000", "localhost:5000"),
    ("example.com", "docker.io/library/example.com", "example.com"),
    ("example.com/foo", "example.com/foo", "example.com/foo"),
    ("example.com:5000/foo/bar:tag", "example.com:5000/foo/bar:tag", None),
    ("myregistry:5000/foo", "myregistry:5000/foo", "myregistry:5000/foo"),
    ("Foo/bar", "Foo/bar", "Foo/bar"),
    ("FOO/bar", "FOO/bar", "FOO/bar"),
    ("fooBar/baz", "fooBar/baz", "fooBar/baz"),
    ("127.0.0.1:5000/dojo/hello:1.0", "127.0.0.1:5000/dojo/hello:1.0", None),
    ("[::1]:5000/foo", "[::1]:5000/foo", "[::1]:5000/foo"),
    ("docker.io", "docker.io/library/docker.io", "docker.io"),
    ("registry-1.docker.io/foo", "registry-1.docker.io/foo", "registry-1.docker.io/foo"),
    ("foo:Bar", "docker.io/library/foo:Bar", "foo:Bar"),
    (f"foo@{SHA256}", f"docker.io/library/foo@{SHA256}", f"foo@{SHA256}"),
    (f"foo:tag@{SHA256}", f"docker.io/library/foo:tag@{SHA256}", f"foo:tag@{SHA256}"),
    (f"user/app@{SHA512}", f"docker.io/user/app@{SHA512}", f"user/app@{SHA512}"),
    (H64 + ":tag", f"docker.io/library/{H64}:tag", f"{H64}:tag"),
    ("f" * 63, "docker.io/library/" + "f" * 63, "f" * 63),
    ("f" * 65, "docker.io/library/" + "f" * 65, "f" * 65),
    (f"docker.io/{H64}", f"docker.io/library/{H64}", H64),
    ("a" * 247, "docker.io/library/" + "a" * 247, "a" * 247),
    ("user/" + "a" * 250, "docker.io/user/" + "a" * 250, None),
    ("example.com/" + "a" * 255, "example.com/" + "a" * 255, None),
    ("localhost/" + "a" * 255, "localhost/" + "a" * 255, None),
]


@pytest.mark.parametrize(("text", "canonical", "familiar"), NORMALIZED_VALID)
def test_normalized_canonical_string(text: str, canonical: str, familiar: str | None) -> None:
    assert str(ref.parse_normalized_named(text)) == canonical


@pytest.mark.parametrize(("text", "canonical", "familiar"), NORMALIZED_VALID)
def test_normalized_familiar_string(text: str, canonical: str, familiar: str | None) -> None:
    expected = text if familiar is None else familiar
    assert ref.parse_normalized_named(text).familiar_string == expected


@pytest.mark.parametrize(("text", "canonical", "familiar"), NORMALIZED_VALID)
def test_normalized_is_stable(text: str, canonical: str, familiar: str | None) -> None:
    once = ref.parse_normalized_named(text)
    assert ref.parse_normalized_named(str(once)) == once


NORMALIZED_ERRORS = [
    (H64, IDENTIFIER),
    ("", FORMAT),
    ("Nginx", UPPERCASE),
    ("NGINX:latest", UPPERCASE),
    ("docker.io/Nginx", UPPERCASE),
    ("user/App", UPPERCASE),
    ("example.com/Foo", UPPERCASE),
    ("localhost/Foo", UPPERCASE),
    ("Foo/Bar", UPPERCASE),
    ("A" * 64, UPPERCASE),
    ("\u0130", UPPERCASE),
    ("É", UPPERCASE),
    ("é", FORMAT),
    # The name is cut at the first ":", which here is inside the digest.
    (f"foo@SHA256:{H64}", UPPERCASE),
    (f"foo:Tag@SHA256:{H64}", CHECKSUM_FORMAT),
    ("a" * 248, TOO_LONG),
    ("user/" + "a" * 251, TOO_LONG),
    ("example.com/" + "a" * 256, TOO_LONG),
    ("foo bar", FORMAT),
    ("/foo", FORMAT),
    ("foo/", FORMAT),
    (":tag", FORMAT),
    (f"@{SHA256}", FORMAT),
    ("nginx:", FORMAT),
    ("nginx\n", FORMAT),
    ("日本", FORMAT),
    ("foo@md5:" + "f" * 32, UNSUPPORTED),
    ("foo@sha256:" + "f" * 63, CHECKSUM_LENGTH),
    ("foo@sha256:" + "F" * 64, CHECKSUM_FORMAT),
]


@pytest.mark.parametrize(("text", "reason"), NORMALIZED_ERRORS)
def test_normalized_rejects(text: str, reason: str) -> None:
    assert reason_of(ref.parse_normalized_named, text) == reason


def test_normalized_error_names_original_input() -> None:
    with pytest.raises(InvalidReferenceError) as caught:
        ref.parse_normalized_named("foo@sha256:" + "f" * 40)
    assert caught.value.value == "foo@sha256:" + "f" * 40


def test_normalized_familiar_dotted_namespace_is_ambiguous() -> None:
    # Go keeps "user.name/app" as the familiar name, though it would re-parse as a domain.
    reference = ref.parse_normalized_named("docker.io/user.name/app")
    assert reference.familiar_name == "user.name/app"
    assert ref.parse_normalized_named(reference.familiar_name).domain == "user.name"


# --- parse_named --------------------------------------------------------------------------

NAMED_VALID = [
    "docker.io/library/nginx",
    "docker.io/library/nginx:latest",
    f"docker.io/user/app@{SHA256}",
    f"docker.io/user/app:1@{SHA256}",
    "localhost:5000/foo",
    "localhost/foo",
    "example.com/foo:bar",
    "Foo/bar",
    "[::1]:5000/foo",
]


@pytest.mark.parametrize("text", NAMED_VALID)
def test_named_accepts_canonical(text: str) -> None:
    assert str(ref.parse_named(text)) == text


NAMED_ERRORS = [
    ("nginx", NOT_CANONICAL),
    ("nginx:latest", NOT_CANONICAL),
    ("docker.io/nginx", NOT_CANONICAL),
    ("index.docker.io/library/nginx", NOT_CANONICAL),
    ("library/nginx", NOT_CANONICAL),
    ("user/app", NOT_CANONICAL),
    ("localhost:5000", NOT_CANONICAL),
    ("", FORMAT),
    ("NGINX", UPPERCASE),
    (H64, IDENTIFIER),
    ("docker.io/library/" + "a" * 248, TOO_LONG),
    ("docker.io/library/nginx@sha256:" + "f" * 40, CHECKSUM_LENGTH),
]


@pytest.mark.parametrize(("text", "reason"), NAMED_ERRORS)
def test_named_rejects(text: str, reason: str) -> None:
    assert reason_of(ref.parse_named, text) == reason


# --- parse_docker_ref ---------------------------------------------------------------------

DOCKER_REF = [
    ("nginx", "docker.io/library/nginx:latest"),
    ("nginx:1.27", "docker.io/library/nginx:1.27"),
    (f"nginx@{SHA256}", f"docker.io/library/nginx@{SHA256}"),
    (f"nginx:1.27@{SHA256}", f"docker.io/library/nginx@{SHA256}"),
    (f"docker.io/library/busybox:latest@{SHA256}", f"docker.io/library/busybox@{SHA256}"),
    ("localhost:5000/foo", "localhost:5000/foo:latest"),
    ("localhost:5000", "docker.io/library/localhost:5000"),
    ("example.com/foo/bar", "example.com/foo/bar:latest"),
    ("user/app", "docker.io/user/app:latest"),
    ("index.docker.io/user/app:v1", "docker.io/user/app:v1"),
    ("FOO/bar", "FOO/bar:latest"),
    ("myacr.azurecr.io/team/hello:1.0", "myacr.azurecr.io/team/hello:1.0"),
]


@pytest.mark.parametrize(("text", "expected"), DOCKER_REF)
def test_docker_ref_string(text: str, expected: str) -> None:
    assert str(ref.parse_docker_ref(text)) == expected


def test_docker_ref_drops_tag_with_digest() -> None:
    assert ref.parse_docker_ref(f"nginx:1.27@{SHA256}").tag is None


def test_docker_ref_keeps_digest() -> None:
    assert ref.parse_docker_ref(f"nginx:1.27@{SHA256}").digest == SHA256


DOCKER_REF_ERRORS = [
    ("", FORMAT),
    (H64, IDENTIFIER),
    ("Nginx", UPPERCASE),
    ("nginx:", FORMAT),
    ("a" * 248, TOO_LONG),
]


@pytest.mark.parametrize(("text", "reason"), DOCKER_REF_ERRORS)
def test_docker_ref_rejects(text: str, reason: str) -> None:
    assert reason_of(ref.parse_docker_ref, text) == reason


# --- parse_any_reference ------------------------------------------------------------------

ANY_DIGEST_ONLY = [
    (H64, SHA256),
    (SHA256, SHA256),
    (SHA384, SHA384),
    (SHA512, SHA512),
]


@pytest.mark.parametrize(("text", "digest"), ANY_DIGEST_ONLY)
def test_any_reference_digest_only(text: str, digest: str) -> None:
    assert parts(ref.parse_any_reference(text)) == ("", "", None, digest)


@pytest.mark.parametrize(("text", "digest"), ANY_DIGEST_ONLY)
def test_any_reference_digest_string(text: str, digest: str) -> None:
    assert str(ref.parse_any_reference(text)) == digest


ANY_NAMED = [
    ("sha256:" + "f" * 63, "docker.io/library/sha256:" + "f" * 63),
    ("sha256:" + "F" * 64, "docker.io/library/sha256:" + "F" * 64),
    ("md5:" + "f" * 32, "docker.io/library/md5:" + "f" * 32),
    ("sha1:" + "f" * 40, "docker.io/library/sha1:" + "f" * 40),
    ("f" * 63, "docker.io/library/" + "f" * 63),
    ("4e07f3", "docker.io/library/4e07f3"),
    ("nginx", "docker.io/library/nginx"),
    (f"sha256:{H64}@{SHA256}", f"docker.io/library/sha256:{H64}@{SHA256}"),
    ("localhost:5000/foo:1", "localhost:5000/foo:1"),
]


@pytest.mark.parametrize(("text", "expected"), ANY_NAMED)
def test_any_reference_named(text: str, expected: str) -> None:
    assert str(ref.parse_any_reference(text)) == expected


ANY_ERRORS = [
    ("", FORMAT),
    ("A" * 64, UPPERCASE),
    (f"SHA256:{H64}", UPPERCASE),
    ("sha512:" + "f" * 129, FORMAT),
    ("foo@sha256:" + "f" * 63, CHECKSUM_LENGTH),
]


@pytest.mark.parametrize(("text", "reason"), ANY_ERRORS)
def test_any_reference_rejects(text: str, reason: str) -> None:
    assert reason_of(ref.parse_any_reference, text) == reason


# --- familiar forms -----------------------------------------------------------------------

FAMILIAR = [
    (Reference("docker.io", "library/nginx"), "nginx"),
    (Reference("docker.io", "library/a/b"), "library/a/b"),
    (Reference("docker.io", "user/app"), "user/app"),
    (Reference("docker.io", "library"), "library"),
    (Reference("docker.io", "libraryx/foo"), "libraryx/foo"),
    (Reference("localhost", "foo"), "localhost/foo"),
    (Reference("localhost:5000", "library/foo"), "localhost:5000/library/foo"),
    (Reference("example.com", "library/foo"), "example.com/library/foo"),
    (Reference("index.docker.io", "library/foo"), "index.docker.io/library/foo"),
    (Reference("", "foo"), "foo"),
    (Reference("", "library/foo"), "library/foo"),
    (Reference("", "", digest=SHA256), ""),
]


@pytest.mark.parametrize(("reference", "expected"), FAMILIAR)
def test_familiar_name(reference: Reference, expected: str) -> None:
    assert reference.familiar_name == expected


FAMILIAR_STRING = [
    (Reference("docker.io", "library/nginx", "1.27", SHA256), f"nginx:1.27@{SHA256}"),
    (Reference("docker.io", "user/app", "v1"), "user/app:v1"),
    (Reference("docker.io", "library/nginx", digest=SHA256), f"nginx@{SHA256}"),
    (Reference("localhost:5000", "foo", "1"), "localhost:5000/foo:1"),
    (Reference("", "", digest=SHA256), SHA256),
]


@pytest.mark.parametrize(("reference", "expected"), FAMILIAR_STRING)
def test_familiar_string(reference: Reference, expected: str) -> None:
    assert reference.familiar_string == expected


CANONICAL_STRING = [
    (Reference("docker.io", "library/nginx"), "docker.io/library/nginx"),
    (
        Reference("docker.io", "library/nginx", "1.27", SHA256),
        f"docker.io/library/nginx:1.27@{SHA256}",
    ),
    (Reference("", "foo", "tag"), "foo:tag"),
    (Reference("", "foo", digest=SHA256), f"foo@{SHA256}"),
    (Reference("", "", digest=SHA256), SHA256),
]


@pytest.mark.parametrize(("reference", "expected"), CANONICAL_STRING)
def test_canonical_string(reference: Reference, expected: str) -> None:
    assert str(reference) == expected


def test_name_without_domain_is_path() -> None:
    assert Reference("", "a/b").name == "a/b"


def test_name_joins_domain_and_path() -> None:
    assert Reference("localhost:5000", "a/b").name == "localhost:5000/a/b"


def test_reference_is_frozen() -> None:
    reference = Reference("docker.io", "library/nginx")
    with pytest.raises(AttributeError):
        reference.tag = "x"  # type: ignore[misc]


# --- with_name, with_tag, with_digest ------------------------------------------------------


def test_with_name_splits_domain() -> None:
    assert parts(ref.with_name("foo/bar")) == ("foo", "bar", None, None)


def test_with_name_long_domain_allowed() -> None:
    assert ref.with_name("example.com/" + "a" * 255).path == "a" * 255


WITH_NAME_ERRORS = [
    ("", FORMAT),
    ("foo:tag", FORMAT),
    (f"foo@{SHA256}", FORMAT),
    ("Foo", FORMAT),
    ("a" * 256, TOO_LONG),
]


@pytest.mark.parametrize(("text", "reason"), WITH_NAME_ERRORS)
def test_with_name_rejects(text: str, reason: str) -> None:
    assert reason_of(ref.with_name, text) == reason


def test_with_tag_keeps_digest() -> None:
    base = Reference("example.com", "foo", digest=SHA256)
    assert str(ref.with_tag(base, "v1")) == f"example.com/foo:v1@{SHA256}"


def test_with_tag_max_length() -> None:
    assert ref.with_tag(Reference("", "foo"), "a" * 128).tag == "a" * 128


@pytest.mark.parametrize("tag", ["", "-v", ".v", "a" * 129, "v 1", "v/1", "v:1", "v\n"])
def test_with_tag_rejects(tag: str) -> None:
    assert reason_of(lambda text: ref.with_tag(Reference("", "foo"), text), tag) == TAG_FORMAT


def test_with_tag_needs_name() -> None:
    digest_only = Reference("", "", digest=SHA256)
    assert reason_of(lambda text: ref.with_tag(digest_only, text), "v1") == FORMAT


def test_with_digest_keeps_tag() -> None:
    base = Reference("example.com", "foo", "v1")
    assert str(ref.with_digest(base, SHA256)) == f"example.com/foo:v1@{SHA256}"


def test_with_digest_checks_grammar_only() -> None:
    digest = "md5:" + "f" * 32
    assert ref.with_digest(Reference("", "foo"), digest).digest == digest


@pytest.mark.parametrize("digest", ["sha256:abc", "sha256", f"1sha:{H64}", f"{SHA256}\n", ""])
def test_with_digest_rejects(digest: str) -> None:
    base = Reference("", "foo")
    assert reason_of(lambda text: ref.with_digest(base, text), digest) == DIGEST_FORMAT


# --- parse_digest (go-digest) -------------------------------------------------------------


@pytest.mark.parametrize("digest", [SHA256, SHA384, SHA512])
def test_parse_digest_accepts(digest: str) -> None:
    assert ref.parse_digest(digest) == digest


DIGEST_ERRORS = [
    ("", CHECKSUM_FORMAT),
    (f":{H64}", CHECKSUM_FORMAT),
    ("sha256:", CHECKSUM_FORMAT),
    ("sha256", CHECKSUM_FORMAT),
    ("sha256:" + "f" * 63, CHECKSUM_LENGTH),
    (f"{SHA256}\n", CHECKSUM_LENGTH),
    ("sha256:" + "F" * 64, CHECKSUM_FORMAT),
    ("sha256:" + "g" * 64, CHECKSUM_FORMAT),
    # Go measures length in UTF-8 bytes: 2 + 62 bytes is the right length, so the format fails.
    ("sha256:é" + "f" * 62, CHECKSUM_FORMAT),
    ("md5:" + "f" * 32, UNSUPPORTED),
    ("md5:xyz", UNSUPPORTED),
    ("md5:abc\n", CHECKSUM_FORMAT),
    ("MD5:" + "f" * 32, CHECKSUM_FORMAT),
    ("sha256+b64:abc=", UNSUPPORTED),
    ("a:b:c", CHECKSUM_FORMAT),
]


@pytest.mark.parametrize(("digest", "reason"), DIGEST_ERRORS)
def test_parse_digest_rejects(digest: str, reason: str) -> None:
    assert reason_of(ref.parse_digest, digest) == reason


# --- split_docker_domain and registry_host ------------------------------------------------

SPLIT = [
    ("nginx", ("docker.io", "library/nginx")),
    ("nginx:1", ("docker.io", "library/nginx:1")),
    ("user/app", ("docker.io", "user/app")),
    ("docker.io/app", ("docker.io", "library/app")),
    ("index.docker.io/app", ("docker.io", "library/app")),
    ("localhost/app", ("localhost", "app")),
    ("host:1/app", ("host:1", "app")),
    ("Host/app", ("Host", "app")),
    ("a.b/c/d", ("a.b", "c/d")),
]


@pytest.mark.parametrize(("text", "expected"), SPLIT)
def test_split_docker_domain(text: str, expected: tuple[str, str]) -> None:
    assert ref.split_docker_domain(text) == expected


REGISTRY_HOSTS = [
    ("nginx", "registry-1.docker.io"),
    ("docker.io/library/nginx", "registry-1.docker.io"),
    ("index.docker.io/user/app", "registry-1.docker.io"),
    ("user/app:1", "registry-1.docker.io"),
    ("localhost:5000/foo", "localhost:5000"),
    ("localhost/foo", "localhost"),
    ("myacr.azurecr.io/team/hello:1.0", "myacr.azurecr.io"),
    ("127.0.0.1:5000/dojo/hello", "127.0.0.1:5000"),
    ("[::1]:5000/foo", "[::1]:5000"),
    ("registry-1.docker.io/library/nginx", "registry-1.docker.io"),
    ("ghcr.io/owner/image@" + SHA256, "ghcr.io"),
]


@pytest.mark.parametrize(("text", "host"), REGISTRY_HOSTS)
def test_registry_host_of_string(text: str, host: str) -> None:
    assert ref.registry_host(text) == host


def test_registry_host_renormalizes_parse_result() -> None:
    # parse() takes "foo" as the domain, but Docker would send "foo/bar" to Docker Hub.
    assert ref.registry_host(ref.parse("foo/bar")) == "registry-1.docker.io"


def test_registry_host_of_normalized_reference() -> None:
    assert ref.registry_host(ref.parse_normalized_named("ghcr.io/x/y")) == "ghcr.io"


def test_registry_host_digest_only_rejected() -> None:
    digest_only = ref.parse_any_reference(H64)
    with pytest.raises(InvalidReferenceError) as caught:
        ref.registry_host(digest_only)
    assert caught.value.reason == FORMAT


def test_registry_host_invalid_string() -> None:
    assert reason_of(ref.registry_host, "Nginx") == UPPERCASE


# --- constants ----------------------------------------------------------------------------

REASON_CONSTANTS = [
    (ref.INVALID_REFERENCE_FORMAT, FORMAT),
    (ref.INVALID_TAG_FORMAT, TAG_FORMAT),
    (ref.INVALID_DIGEST_FORMAT, DIGEST_FORMAT),
    (ref.NAME_CONTAINS_UPPERCASE, UPPERCASE),
    (ref.NAME_EMPTY, EMPTY),
    (ref.NAME_TOO_LONG, TOO_LONG),
    (ref.NAME_NOT_CANONICAL, NOT_CANONICAL),
    (ref.NAME_IS_IDENTIFIER, IDENTIFIER),
    (ref.DIGEST_UNSUPPORTED, UNSUPPORTED),
    (ref.DIGEST_INVALID_LENGTH, CHECKSUM_LENGTH),
    (ref.DIGEST_INVALID_FORMAT, CHECKSUM_FORMAT),
]


@pytest.mark.parametrize(("constant", "text"), REASON_CONSTANTS)
def test_reason_constant_text(constant: str, text: str) -> None:
    assert constant == text


def test_name_limit_matches_reason() -> None:
    assert str(ref.REPOSITORY_NAME_TOTAL_LENGTH_MAX) in ref.NAME_TOO_LONG


# --- properties (run when hypothesis is installed) ----------------------------------------

ALL_REASONS = {text for _, text in REASON_CONSTANTS}
REFERENCE_ALPHABET = "aAz09._-/:@[]+%é \n"


def _references_with_domain() -> SearchStrategy[tuple[str, tuple[object, ...]]]:
    """Build a hypothesis strategy of (text, expected parts) drawn from the grammar."""
    strategies = pytest.importorskip("hypothesis.strategies")

    alphanumeric = strategies.from_regex(r"[a-z0-9]{1,4}", fullmatch=True)
    separator = strategies.sampled_from([".", "_", "__", "-", "--", "---"])
    component = strategies.builds(
        lambda first, rest: first + "".join(sep + part for sep, part in rest),
        alphanumeric,
        strategies.lists(strategies.tuples(separator, alphanumeric), max_size=3),
    )
    path = strategies.lists(component, min_size=1, max_size=4).map("/".join)

    label = strategies.from_regex(r"[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,5}[a-zA-Z0-9])?", fullmatch=True)
    host = strategies.one_of(
        strategies.lists(label, min_size=1, max_size=3).map(".".join),
        strategies.from_regex(r"\[[a-fA-F0-9:]{1,12}\]", fullmatch=True),
    )
    port = strategies.one_of(
        strategies.just(""), strategies.from_regex(r":[0-9]{1,5}", fullmatch=True)
    )
    domain = strategies.builds(str.__add__, host, port)

    tag = strategies.one_of(
        strategies.none(),
        strategies.from_regex(r"[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}", fullmatch=True),
    )
    digest = strategies.one_of(
        strategies.none(),
        strategies.text("0123456789abcdef", min_size=64, max_size=64).map("sha256:".__add__),
    )

    def assemble(
        pieces: tuple[str, str, str | None, str | None],
    ) -> tuple[str, tuple[object, ...]]:
        return str(Reference(*pieces)), pieces

    return strategies.tuples(domain, path, tag, digest).map(assemble)


def test_property_parse_recovers_parts() -> None:
    hypothesis = pytest.importorskip("hypothesis")

    @hypothesis.given(_references_with_domain())
    def check(case: tuple[str, tuple[object, ...]]) -> None:
        text, expected = case
        assert parts(ref.parse(text)) == expected

    check()


def test_property_parse_round_trips_or_names_reason() -> None:
    hypothesis = pytest.importorskip("hypothesis")
    strategies = hypothesis.strategies

    @hypothesis.given(strategies.text(REFERENCE_ALPHABET, max_size=40))
    def check(text: str) -> None:
        try:
            parsed = ref.parse(text)
        except InvalidReferenceError as error:
            assert error.reason in ALL_REASONS
        else:
            assert str(parsed) == text

    check()


def test_property_normalized_is_canonical() -> None:
    hypothesis = pytest.importorskip("hypothesis")
    strategies = hypothesis.strategies

    @hypothesis.given(strategies.text(REFERENCE_ALPHABET, max_size=40))
    def check(text: str) -> None:
        try:
            normalized = ref.parse_normalized_named(text)
        except InvalidReferenceError as error:
            assert error.reason in ALL_REASONS
        else:
            assert ref.parse_named(str(normalized)) == normalized

    check()


def test_property_any_reference_never_crashes() -> None:
    hypothesis = pytest.importorskip("hypothesis")
    strategies = hypothesis.strategies

    @hypothesis.given(strategies.text(REFERENCE_ALPHABET + "0123456789abcdef", max_size=80))
    def check(text: str) -> None:
        try:
            ref.parse_any_reference(text)
        except InvalidReferenceError as error:
            assert error.reason in ALL_REASONS

    check()
