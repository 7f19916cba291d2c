"""Digest validation as go-digest v1.0.0 does it (``digest.Parse``).

Docker's CLI links Go's sha256 and sha512 packages, so go-digest reports sha256, sha384 and
sha512 as available. Any other algorithm is "unsupported" when the string is otherwise well
formed and "invalid checksum digest format" when it is not.
"""

from __future__ import annotations

import re
from typing import Final

from registry_dojo.errors import InvalidReferenceError

from . import _reasons

ENCODED_HEX_LENGTHS: Final = {"sha256": 64, "sha384": 96, "sha512": 128}
"""Available algorithms and the number of lowercase hex characters each digest must have."""

GO_DIGEST_PATTERN: Final = r"[a-z0-9]+(?:[.+_-][a-z0-9]+)*:[a-zA-Z0-9=_-]+"
"""go-digest's own, looser digest format, used only to word the error for other algorithms."""

_GO_DIGEST_REGEXP: Final = re.compile(GO_DIGEST_PATTERN)
_LOWER_HEX_REGEXP: Final = re.compile(r"[a-f0-9]+")


def _go_length(text: str) -> int:
    # Go's len() counts UTF-8 bytes; this only changes which error a non-ASCII digest gets.
    return len(text.encode("utf-8", "surrogatepass"))


def parse_digest(value: str) -> str:
    """Validate ``algorithm:encoded`` like go-digest's ``Parse`` and return it unchanged.

    Raises InvalidReferenceError with reason ``invalid checksum digest format``,
    ``invalid checksum digest length`` or ``unsupported digest algorithm``.
    """
    separator = value.find(":")
    if separator <= 0 or separator + 1 == len(value):
        raise InvalidReferenceError(_reasons.DIGEST_INVALID_FORMAT, value)

    algorithm, encoded = value[:separator], value[separator + 1 :]
    expected_length = ENCODED_HEX_LENGTHS.get(algorithm)
    if expected_length is None:
        if _GO_DIGEST_REGEXP.fullmatch(value) is None:
            raise InvalidReferenceError(_reasons.DIGEST_INVALID_FORMAT, value)
        raise InvalidReferenceError(_reasons.DIGEST_UNSUPPORTED, value)

    if _go_length(encoded) != expected_length:
        raise InvalidReferenceError(_reasons.DIGEST_INVALID_LENGTH, value)
    if _LOWER_HEX_REGEXP.fullmatch(encoded) is None:
        raise InvalidReferenceError(_reasons.DIGEST_INVALID_FORMAT, value)
    return value
