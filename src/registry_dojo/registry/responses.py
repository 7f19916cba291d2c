"""Turn registry responses into results or :class:`~registry_dojo.errors.RegistryError`.

The distribution spec puts errors in a JSON body ``{"errors": [{"code", "message", "detail"}]}``.
Some responses have no such body: HEAD responses have none, and distribution's router
responds to an unroutable path (an upper-case repository name, say) with the plain text
``404 page not found``. Those give an error whose `code` is None.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

import httpx

from registry_dojo.errors import DigestMismatchError, RegistryError

# Algorithms a digest may name that hashlib computes with the same name.
DIGEST_ALGORITHMS = ("sha256", "sha384", "sha512")
_MAX_TEXT_MESSAGE = 300


def safe_url(url: httpx.URL) -> str:
    """Return `url` as text without any user name or password in it."""
    if url.userinfo:
        url = url.copy_with(username=None, password=None)
    return str(url)


def error_from(response: httpx.Response, message: str | None = None) -> RegistryError:
    """Return the RegistryError for `response`, with the code and message of its error body.

    `message` replaces the body's message, for successful responses with wrong or missing data.
    """
    code, body_message, detail = _error_body(response)
    return RegistryError(
        response.status_code,
        None if message else code,
        message or body_message,
        method=response.request.method,
        url=safe_url(response.request.url),
        detail=detail,
        challenge=response.headers.get("WWW-Authenticate"),
    )


def expect(response: httpx.Response, *statuses: int) -> httpx.Response:
    """Return `response` when its status is one of `statuses`; raise its RegistryError otherwise."""
    if response.status_code not in statuses:
        raise error_from(response)
    return response


def json_body(response: httpx.Response) -> Any:
    """Return the decoded JSON body; raise RegistryError when it is not JSON."""
    try:
        return json.loads(response.content)
    except ValueError as exc:
        raise error_from(response, f"response body is not valid JSON ({exc})") from None


def check_digest(data: bytes, digest: str, url: str = "") -> None:
    """Raise DigestMismatchError unless `data` hashes to `digest` (``algorithm:hex``)."""
    actual = compute_digest(data, digest_algorithm(digest))
    if actual != digest:
        raise DigestMismatchError(digest, actual, url=url)


def compute_digest(data: bytes, algorithm: str = "sha256") -> str:
    return f"{algorithm}:{hashlib.new(algorithm, data).hexdigest()}"


def digest_algorithm(digest: str) -> str:
    """Return the algorithm of `digest`; raise ValueError when this client cannot verify it."""
    algorithm, sep, encoded = digest.partition(":")
    if not sep or not encoded:
        raise ValueError(f"digest {digest!r} is not of the form 'algorithm:hex', e.g. 'sha256:…'")
    if algorithm not in DIGEST_ALGORITHMS:
        raise ValueError(
            f"digest algorithm {algorithm!r} in {digest!r} is not supported; "
            f"use one of {', '.join(DIGEST_ALGORITHMS)}"
        )
    return algorithm


def is_digest(reference: str) -> bool:
    """Tell whether a manifest reference is a digest (``algorithm:hex``) rather than a tag."""
    return ":" in reference


def next_page(response: httpx.Response) -> httpx.URL | None:
    """Return the absolute URL of the ``Link: <…>; rel="next"`` page, or None on the last page."""
    link = response.links.get("next", {}).get("url")
    return None if not link else response.request.url.join(link)


def _error_body(response: httpx.Response) -> tuple[str | None, str, object]:
    """Return (code, message, detail) from the first error in the body, if there is one."""
    fallback = response.reason_phrase or f"HTTP {response.status_code}"
    if response.request.method == "HEAD" or not response.content:
        return None, fallback, None
    try:
        body = json.loads(response.content)
    except ValueError:
        text = response.text.strip()[:_MAX_TEXT_MESSAGE]
        return None, text or fallback, None
    errors = body.get("errors") if isinstance(body, dict) else None
    if isinstance(errors, list) and errors and isinstance(errors[0], dict):
        first = errors[0]
        code = first.get("code")
        message = first.get("message")
        return (
            code if isinstance(code, str) else None,
            message if isinstance(message, str) and message else fallback,
            first.get("detail"),
        )
    text = response.text.strip()[:_MAX_TEXT_MESSAGE]
    return None, text or fallback, None
