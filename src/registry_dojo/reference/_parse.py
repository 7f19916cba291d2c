"""Parsing without normalisation: Go's ``Parse``, ``WithName``, ``WithTag`` and ``WithDigest``."""

from __future__ import annotations

from registry_dojo.errors import InvalidReferenceError

from . import _grammar, _reasons
from ._digest import parse_digest
from ._model import Reference

# The one character whose Python lowercase differs from Go's simple per-character mapping
# (Python gives "i" plus a combining dot, Go gives a plain "i").
_GO_ONLY_LOWER = {"\u0130": "i"}


def go_lower(text: str) -> str:
    """Lowercase ``text`` the way Go's ``strings.ToLower`` does, one character at a time."""
    if text.isascii():
        return text.lower()
    return "".join(_GO_ONLY_LOWER.get(char) or char.lower() for char in text)


def parse(value: str) -> Reference:
    """Parse ``value`` like Go's ``reference.Parse``: check the grammar, never normalise.

    The first component is the domain whenever the grammar allows one, so ``foo/bar`` has
    domain ``foo`` and a name with no ``/`` has domain ``""``. Raises InvalidReferenceError.
    """
    return parse_as(value, source=value)


def parse_as(text: str, *, source: str) -> Reference:
    """Parse ``text`` like :func:`parse`, but name ``source`` as the value in any error."""
    if text == "":
        raise InvalidReferenceError(_reasons.NAME_EMPTY, source)

    match = _grammar.REFERENCE_REGEXP.fullmatch(text)
    if match is None:
        lowered = go_lower(text)
        if lowered != text and _grammar.REFERENCE_REGEXP.fullmatch(lowered) is not None:
            raise InvalidReferenceError(_reasons.NAME_CONTAINS_UPPERCASE, source)
        raise InvalidReferenceError(_reasons.INVALID_REFERENCE_FORMAT, source)

    name, tag, digest = match.group(1, 2, 3)
    domain, path = _split_name(name)
    # Since v0.6.0 the limit applies to the path alone, so the domain does not count.
    if len(path) > _grammar.REPOSITORY_NAME_TOTAL_LENGTH_MAX:
        raise InvalidReferenceError(_reasons.NAME_TOO_LONG, source)

    if digest is not None:
        try:
            parse_digest(digest)
        except InvalidReferenceError as error:
            raise InvalidReferenceError(error.reason, source) from None
    return Reference(domain=domain, path=path, tag=tag, digest=digest)


def _split_name(name: str) -> tuple[str, str]:
    match = _grammar.NAME_WITH_DOMAIN_REGEXP.fullmatch(name)
    if match is None:
        return "", name
    domain, path = match.group(1, 2)
    return domain or "", path


def with_name(name: str) -> Reference:
    """Make a name-only reference from ``name`` like Go's ``WithName``, without normalising.

    Raises InvalidReferenceError ``invalid reference format`` when ``name`` is not a name (an
    empty string included) and ``repository name must not be more than 255 characters``.
    """
    match = _grammar.NAME_WITH_DOMAIN_REGEXP.fullmatch(name)
    if match is None:
        raise InvalidReferenceError(_reasons.INVALID_REFERENCE_FORMAT, name)
    domain, path = match.group(1, 2)
    if len(path) > _grammar.REPOSITORY_NAME_TOTAL_LENGTH_MAX:
        raise InvalidReferenceError(_reasons.NAME_TOO_LONG, name)
    return Reference(domain=domain or "", path=path)


def with_tag(reference: Reference, tag: str) -> Reference:
    """Return ``reference`` with its tag set to ``tag``, keeping any digest (Go's ``WithTag``).

    Raises InvalidReferenceError ``invalid tag format`` for a tag outside the grammar, and
    ``invalid reference format`` for a reference without a name.
    """
    _require_name(reference)
    if _grammar.TAG_REGEXP.fullmatch(tag) is None:
        raise InvalidReferenceError(_reasons.INVALID_TAG_FORMAT, tag)
    return Reference(reference.domain, reference.path, tag, reference.digest)


def with_digest(reference: Reference, digest: str) -> Reference:
    """Return ``reference`` with its digest set to ``digest``, keeping any tag (``WithDigest``).

    Like Go, this checks the reference grammar's digest pattern only, not the algorithm, so
    ``md5:`` plus 32 hex characters is accepted here though :func:`parse` rejects it.
    Raises InvalidReferenceError ``invalid digest format`` or ``invalid reference format``.
    """
    _require_name(reference)
    if _grammar.DIGEST_REGEXP.fullmatch(digest) is None:
        raise InvalidReferenceError(_reasons.INVALID_DIGEST_FORMAT, digest)
    return Reference(reference.domain, reference.path, reference.tag, digest)


def _require_name(reference: Reference) -> None:
    # Go's types only let these functions take a named reference, and a digest-only one has none.
    if not reference.path:
        raise InvalidReferenceError(_reasons.INVALID_REFERENCE_FORMAT, str(reference))
