"""Docker's normalisation of familiar names (Go's ``normalize.go``) and the registry host."""

from __future__ import annotations

from typing import Final

from registry_dojo.errors import InvalidReferenceError

from . import _grammar, _reasons
from ._digest import parse_digest
from ._model import (
    DEFAULT_DOMAIN,
    DEFAULT_TAG,
    LEGACY_DEFAULT_DOMAIN,
    OFFICIAL_REPO_PREFIX,
    Reference,
)
from ._parse import go_lower, parse_as

DOCKER_HUB_REGISTRY_HOST: Final = "registry-1.docker.io"
"""Host that ``docker pull`` and ``docker push`` contact for Docker Hub (domain docker.io)."""


def split_docker_domain(name: str) -> tuple[str, str]:
    """Split ``name`` into domain and remainder the way Docker guesses a domain.

    The part before the first ``/`` is a domain when it is ``localhost``, contains ``.`` or
    ``:``, or contains an uppercase letter. Otherwise the domain is ``docker.io``, and there a
    remainder with no ``/`` gets ``library/``. The remainder keeps any tag and digest, and
    nothing is validated here.
    """
    maybe_domain, slash, maybe_remainder = name.partition("/")
    if not slash:
        return DEFAULT_DOMAIN, OFFICIAL_REPO_PREFIX + name

    if maybe_domain == LEGACY_DEFAULT_DOMAIN:
        domain, remainder = DEFAULT_DOMAIN, maybe_remainder
    elif (
        maybe_domain == _grammar.LOCALHOST
        or "." in maybe_domain
        or ":" in maybe_domain
        or go_lower(maybe_domain) != maybe_domain
    ):
        domain, remainder = maybe_domain, maybe_remainder
    else:
        domain, remainder = DEFAULT_DOMAIN, name

    if domain == DEFAULT_DOMAIN and "/" not in remainder:
        remainder = OFFICIAL_REPO_PREFIX + remainder
    return domain, remainder


def parse_normalized_named(value: str) -> Reference:
    """Parse a familiar or full name like Go's ``ParseNormalizedNamed``.

    ``nginx`` becomes ``docker.io/library/nginx``, so the result always has a domain. The tag
    and digest are kept as given, and no ``latest`` is added. Raises InvalidReferenceError, with
    ``cannot specify 64-byte hexadecimal strings`` for a bare image ID.
    """
    if _grammar.IDENTIFIER_REGEXP.fullmatch(value) is not None:
        raise InvalidReferenceError(_reasons.NAME_IS_IDENTIFIER, value)

    domain, remainder = split_docker_domain(value)
    # Go cuts at the first ":" even when it belongs to a digest ("name@sha256:..."), so an
    # uppercase digest algorithm is reported as an uppercase repository name.
    remote = remainder.partition(":")[0]
    if go_lower(remote) != remote:
        raise InvalidReferenceError(_reasons.NAME_CONTAINS_UPPERCASE, value)

    return parse_as(f"{domain}/{remainder}", source=value)


def parse_named(value: str) -> Reference:
    """Parse a name that must already be canonical, like Go's ``ParseNamed``.

    ``docker.io/library/nginx:1.27`` passes, but ``nginx:1.27`` raises InvalidReferenceError
    ``repository name must be canonical``. Errors of :func:`parse_normalized_named` come first.
    """
    reference = parse_normalized_named(value)
    if str(reference) != value:
        raise InvalidReferenceError(_reasons.NAME_NOT_CANONICAL, value)
    return reference


def parse_docker_ref(value: str) -> Reference:
    """Parse ``value`` into what Docker pulls, like Go's ``ParseDockerRef``.

    The name is normalised. A reference with neither tag nor digest gets the tag ``latest``.
    A reference with both loses its tag, because the digest alone decides what is pulled.
    """
    reference = parse_normalized_named(value)
    if reference.tag is not None and reference.digest is not None:
        return Reference(reference.domain, reference.path, None, reference.digest)
    if reference.tag is None and reference.digest is None:
        return Reference(reference.domain, reference.path, DEFAULT_TAG, None)
    return reference


def parse_any_reference(value: str) -> Reference:
    """Parse an image ID, a digest or a familiar name, like Go's ``ParseAnyReference``.

    A bare 64-character lowercase hex string becomes the digest ``sha256:<hex>``, and a valid
    ``sha256``, ``sha384`` or ``sha512`` digest is kept as it is. Both give a reference with an
    empty domain and path. Anything else goes to :func:`parse_normalized_named`, so a short ID
    prefix such as ``4e07f3`` is read as the repository ``docker.io/library/4e07f3``.
    """
    if _grammar.IDENTIFIER_REGEXP.fullmatch(value) is not None:
        return Reference(domain="", path="", digest=f"sha256:{value}")
    try:
        digest = parse_digest(value)
    except InvalidReferenceError:
        return parse_normalized_named(value)
    return Reference(domain="", path="", digest=digest)


def registry_host(reference: Reference | str) -> str:
    """Return the host that ``docker pull`` or ``docker push`` contacts for ``reference``.

    The name is normalised first, so ``nginx``, ``docker.io/nginx`` and ``index.docker.io/x/y``
    all give ``registry-1.docker.io``. Any other domain is returned as it is, port included.
    A string is parsed with :func:`parse_normalized_named`. Raises InvalidReferenceError for
    an invalid string or for a digest-only reference, which names no registry.
    """
    if isinstance(reference, str):
        normalized = parse_normalized_named(reference)
    elif not reference.path:
        raise InvalidReferenceError(_reasons.INVALID_REFERENCE_FORMAT, str(reference))
    else:
        normalized = parse_normalized_named(reference.name)

    if normalized.domain == DEFAULT_DOMAIN:
        return DOCKER_HUB_REGISTRY_HOST
    return normalized.domain
