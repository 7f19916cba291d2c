"""Image references, parsed and normalised exactly as the Docker CLI does.

The rules, error reasons and order of checks follow the Go package
``github.com/distribution/reference`` v0.6.0 with ``github.com/opencontainers/go-digest``
v1.0.0, which the Docker CLI uses to parse references. The code is written by hand because the
only reference helper among the dependencies, the ``docker`` SDK's ``parse_repository_tag``,
splits the string at the last ``@`` or ``:`` and validates nothing.

Functions, named after their Go counterparts:

- :func:`parse` (``Parse``): grammar only, no normalisation;
- :func:`parse_normalized_named` (``ParseNormalizedNamed``): ``nginx`` to
  ``docker.io/library/nginx``;
- :func:`parse_named` (``ParseNamed``): input must already be canonical;
- :func:`parse_docker_ref` (``ParseDockerRef``): what ``docker pull`` pulls, ``:latest`` added;
- :func:`parse_any_reference` (``ParseAnyReference``): also accepts image IDs and digests;
- :func:`with_name`, :func:`with_tag`, :func:`with_digest`: build references piece by piece.

Every error is :class:`~registry_dojo.errors.InvalidReferenceError`, whose ``reason`` is the
Go error text (the constants in :mod:`registry_dojo.reference` named after the Go errors).
"""

from __future__ import annotations

from ._digest import ENCODED_HEX_LENGTHS, parse_digest
from ._grammar import REPOSITORY_NAME_TOTAL_LENGTH_MAX, TAG_LENGTH_MAX
from ._model import (
    DEFAULT_DOMAIN,
    DEFAULT_TAG,
    LEGACY_DEFAULT_DOMAIN,
    OFFICIAL_REPO_PREFIX,
    Reference,
)
from ._normalize import (
    DOCKER_HUB_REGISTRY_HOST,
    parse_any_reference,
    parse_docker_ref,
    parse_named,
    parse_normalized_named,
    registry_host,
    split_docker_domain,
)
from ._parse import parse, with_digest, with_name, with_tag
from ._reasons import (
    DIGEST_INVALID_FORMAT,
    DIGEST_INVALID_LENGTH,
    DIGEST_UNSUPPORTED,
    INVALID_DIGEST_FORMAT,
    INVALID_REFERENCE_FORMAT,
    INVALID_TAG_FORMAT,
    NAME_CONTAINS_UPPERCASE,
    NAME_EMPTY,
    NAME_IS_IDENTIFIER,
    NAME_NOT_CANONICAL,
    NAME_TOO_LONG,
)

__all__ = [
    "DEFAULT_DOMAIN",
    "DEFAULT_TAG",
    "DIGEST_INVALID_FORMAT",
    "DIGEST_INVALID_LENGTH",
    "DIGEST_UNSUPPORTED",
    "DOCKER_HUB_REGISTRY_HOST",
    "ENCODED_HEX_LENGTHS",
    "INVALID_DIGEST_FORMAT",
    "INVALID_REFERENCE_FORMAT",
    "INVALID_TAG_FORMAT",
    "LEGACY_DEFAULT_DOMAIN",
    "NAME_CONTAINS_UPPERCASE",
    "NAME_EMPTY",
    "NAME_IS_IDENTIFIER",
    "NAME_NOT_CANONICAL",
    "NAME_TOO_LONG",
    "OFFICIAL_REPO_PREFIX",
    "REPOSITORY_NAME_TOTAL_LENGTH_MAX",
    "TAG_LENGTH_MAX",
    "Reference",
    "parse",
    "parse_any_reference",
    "parse_digest",
    "parse_docker_ref",
    "parse_named",
    "parse_normalized_named",
    "registry_host",
    "split_docker_domain",
    "with_digest",
    "with_name",
    "with_tag",
]
