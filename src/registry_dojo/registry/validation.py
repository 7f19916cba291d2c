"""Checks on what the caller passes, made before any request is sent.

A repository name, tag or digest goes into the request path. Without these checks ``..`` or a
``/`` in a tag would change which URL is requested, and a registry answers a malformed name
with a bare ``404 page not found``. Like the Docker client, the client raises
InvalidReferenceError with Go's reason and a fix instead. Header values are checked because
httpx reports a bad one as a UnicodeEncodeError or a transport error, which reads like a
network problem.
"""

from __future__ import annotations

import re
from typing import Final

import httpx

from registry_dojo.errors import InvalidReferenceError
from registry_dojo.reference import (
    ENCODED_HEX_LENGTHS,
    INVALID_REFERENCE_FORMAT,
    INVALID_TAG_FORMAT,
    NAME_CONTAINS_UPPERCASE,
    NAME_TOO_LONG,
    REPOSITORY_NAME_TOTAL_LENGTH_MAX,
    TAG_LENGTH_MAX,
    parse_digest,
)
from registry_dojo.reference._grammar import LOCALHOST, REMOTE_NAME, TAG_REGEXP
from registry_dojo.registry.responses import safe_url

_REPOSITORY_REGEXP: Final = re.compile(REMOTE_NAME)

TAG_HINT: Final = (
    f"a tag is 1 to {TAG_LENGTH_MAX} letters, digits, '_', '.' and '-', and does not start "
    "with '.' or '-', such as '1.0'"
)
DIGEST_HINT: Final = (
    f"a digest is an algorithm ({', '.join(ENCODED_HEX_LENGTHS)}), ':' and lowercase hex "
    "digits, such as 'sha256:' followed by 64 hex digits"
)

# RFC 6838 section 4.2: type "/" subtype, each a restricted-name of 1 to 127 characters.
_RESTRICTED_NAME: Final = r"[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]{0,126}"
MEDIA_TYPE_REGEXP: Final = re.compile(f"{_RESTRICTED_NAME}/{_RESTRICTED_NAME}")

# RFC 9110 field values, limited to what httpx encodes: printable ASCII, space and tab.
_HEADER_VALUE_REGEXP: Final = re.compile(r"[\t\x20-\x7e]*")
SECRET_HEADERS: Final = frozenset({"authorization"})


def check_repository(repo: str) -> None:
    """Raise InvalidReferenceError for a repository name that Docker would reject."""
    if _REPOSITORY_REGEXP.fullmatch(repo):
        if len(repo) > REPOSITORY_NAME_TOTAL_LENGTH_MAX:
            raise InvalidReferenceError(
                NAME_TOO_LONG, repo, f"shorten it to at most {REPOSITORY_NAME_TOTAL_LENGTH_MAX}"
            )
        return
    first, _, rest = repo.partition("/")
    if _REPOSITORY_REGEXP.fullmatch(repo.lower()):
        hint = f"use {repo.lower()!r}: only the registry host and the tag may have capitals"
        raise InvalidReferenceError(NAME_CONTAINS_UPPERCASE, repo, hint)
    if rest and (":" in first or "." in first or first == LOCALHOST):
        hint = f"pass the repository path without the registry host, such as {rest!r}"
        raise InvalidReferenceError(INVALID_REFERENCE_FORMAT, repo, hint)
    hint = (
        "a repository name is path components of lowercase letters and digits, joined by '.', "
        "'_', '__' or '-' and separated by '/', such as 'dojo/hello'"
    )
    raise InvalidReferenceError(INVALID_REFERENCE_FORMAT, repo, hint)


def check_tag(tag: str) -> None:
    """Raise InvalidReferenceError ``invalid tag format`` for a tag outside the grammar."""
    if TAG_REGEXP.fullmatch(tag) is None:
        raise InvalidReferenceError(INVALID_TAG_FORMAT, tag, TAG_HINT)


def check_digest_format(digest: str) -> None:
    """Raise InvalidReferenceError with go-digest's reason for a malformed digest."""
    try:
        parse_digest(digest)
    except InvalidReferenceError as error:
        raise InvalidReferenceError(error.reason, error.value, DIGEST_HINT) from None


def check_manifest_reference(reference: str) -> None:
    """Check `reference` as a digest when it contains ':', else as a tag."""
    if ":" in reference:
        check_digest_format(reference)
    else:
        check_tag(reference)


def check_media_type(media_type: str) -> None:
    """Raise ValueError unless `media_type` is ``type/subtype`` as RFC 6838 allows."""
    if MEDIA_TYPE_REGEXP.fullmatch(media_type) is None:
        raise ValueError(
            f"invalid media type {media_type!r}: expected type/subtype in ASCII letters, digits "
            "and !#$&^_.+-, without parameters, such as "
            "'application/vnd.oci.image.manifest.v1+json'"
        )


def check_headers(headers: dict[str, str]) -> None:
    """Raise ValueError for a header value with a character HTTP cannot carry (CR, LF, é...).

    The value of a secret header such as Authorization is left out of the message.
    """
    for name, value in headers.items():
        if _HEADER_VALUE_REGEXP.fullmatch(value) is not None:
            continue
        shown = "(value hidden)" if name.lower() in SECRET_HEADERS else repr(value)
        raise ValueError(
            f"invalid value for HTTP header {name!r}: {shown}; a header value may contain "
            "only printable ASCII characters, spaces and tabs"
        )


def check_page_size(page_size: object) -> None:
    """Raise TypeError unless `page_size` is an int (not a bool), ValueError if below 1."""
    if isinstance(page_size, bool) or not isinstance(page_size, int):
        raise TypeError(f"page_size must be an int such as 100, got {page_size!r}")
    if page_size < 1:
        raise ValueError(f"page_size must be a positive int, got {page_size!r}")


def check_base_url(base_url: str) -> httpx.URL:
    """Return `base_url` parsed; raise ValueError unless it is ``scheme://host[:port]`` only.

    A path is rejected rather than stripped: the Registry API always lives at ``/v2/`` on
    the host's root, so ``http://host/v2/`` is a copy of a request URL, and any other path
    points at something that is not a registry.
    """
    try:
        url = httpx.URL(base_url)
    except httpx.InvalidURL as error:
        raise ValueError(f"registry URL {base_url!r} is not a valid URL: {error}") from None
    example = "e.g. 'http://127.0.0.1:5000'"
    if url.scheme not in ("http", "https") or not url.host:
        raise ValueError(
            f"registry URL {base_url!r} must start with http:// or https:// and name a host, "
            f"{example}"
        )
    if url.userinfo:
        raise ValueError(
            f"registry URL {safe_url(url)!r} contains credentials; "
            "pass username= and password= instead"
        )
    # httpx drops an empty '?' or '#', so the raw text is searched as well.
    if url.query or url.fragment or "?" in base_url or "#" in base_url:
        raise ValueError(
            f"registry URL {base_url!r} has a query or fragment; pass only the scheme, host "
            f"and port, {example}"
        )
    if url.path not in ("", "/"):
        raise ValueError(
            f"registry URL {base_url!r} has the path {url.path!r}; pass only the scheme, host "
            f"and port, {example}: the client adds /v2/ to every request itself"
        )
    return url
