"""The error reasons, worded exactly as Go's distribution/reference v0.6.0 and go-digest v1.0.0.

Two Go errors carry the input inside their text. Their reason here is the fixed part, and the
input is in :attr:`~registry_dojo.errors.InvalidReferenceError.value`:

- ``invalid repository name (<input>), cannot specify 64-byte hexadecimal strings`` is
  :data:`NAME_IS_IDENTIFIER`;
- ``invalid reference format: repository name (<path>) must be lowercase``, raised by
  ``ParseNormalizedNamed``, is :data:`NAME_CONTAINS_UPPERCASE`, the same reason that ``Parse``
  gives for an uppercase name.
"""

from __future__ import annotations

from typing import Final

INVALID_REFERENCE_FORMAT: Final = "invalid reference format"
INVALID_TAG_FORMAT: Final = "invalid tag format"
INVALID_DIGEST_FORMAT: Final = "invalid digest format"
NAME_CONTAINS_UPPERCASE: Final = "repository name must be lowercase"
NAME_EMPTY: Final = "repository name must have at least one component"
NAME_TOO_LONG: Final = "repository name must not be more than 255 characters"
NAME_NOT_CANONICAL: Final = "repository name must be canonical"
NAME_IS_IDENTIFIER: Final = "cannot specify 64-byte hexadecimal strings"

DIGEST_UNSUPPORTED: Final = "unsupported digest algorithm"
DIGEST_INVALID_LENGTH: Final = "invalid checksum digest length"
DIGEST_INVALID_FORMAT: Final = "invalid checksum digest format"
