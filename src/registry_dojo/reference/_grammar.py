"""The image reference grammar of Go's distribution/reference v0.6.0, as Python regexes.

Each pattern is built from named parts in the same way as the Go package's ``regexp.go``, so a
rule can be compared with its Go counterpart by name. Go's RE2 and Python's ``re`` agree on
these patterns with two cautions, both handled here. Go's ``\\w`` is ASCII only, so the
character classes are spelled out. Python's ``$`` also matches before a trailing newline, so the
compiled patterns have no anchors and callers use ``fullmatch``.

Grammar, in the notation of the Go package's documentation::

    reference        := name [ ":" tag ] [ "@" digest ]
    name             := [domain "/"] remote-name
    domain           := host [":" port-number]
    host             := domain-name | "[" IPv6address "]"
    domain-name      := domain-component ["." domain-component]*
    domain-component := /([a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])/
    port-number      := /[0-9]+/
    remote-name      := path-component ["/" path-component]*
    path-component   := alpha-numeric [separator alpha-numeric]*
    alpha-numeric    := /[a-z0-9]+/
    separator        := /[_.]|__|[-]+/
    tag              := /[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}/
    digest           := algorithm ":" /[0-9a-fA-F]{32,}/
    algorithm        := /[A-Za-z][A-Za-z0-9]*/ [/[-_+.]/ /[A-Za-z][A-Za-z0-9]*/]*
    identifier       := /[a-f0-9]{64}/
"""

from __future__ import annotations

import re
from typing import Final

REPOSITORY_NAME_TOTAL_LENGTH_MAX: Final = 255
"""Maximum length of the path (the repository name without the domain), in characters."""

TAG_LENGTH_MAX: Final = 128
"""Maximum length of a tag, in characters (one first character and up to 127 more)."""


def optional(*parts: str) -> str:
    """Wrap the concatenated parts in a non-capturing group that may be absent."""
    return "(?:" + "".join(parts) + ")?"


def any_times(*parts: str) -> str:
    """Wrap the concatenated parts in a non-capturing group repeated zero or more times."""
    return "(?:" + "".join(parts) + ")*"


def capture(*parts: str) -> str:
    """Wrap the concatenated parts in a capturing group."""
    return "(" + "".join(parts) + ")"


ALPHANUMERIC: Final = r"[a-z0-9]+"
"""One run of lowercase letters and digits, the atom of a path component."""

SEPARATOR: Final = r"(?:[._]|__|[-]+)"
"""Separator inside a path component: one period, one or two underscores, or any dashes."""

LOCALHOST: Final = "localhost"
"""The one dot-less, port-less first component that normalisation treats as a domain."""

DOMAIN_NAME_COMPONENT: Final = r"(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])"
"""One hostname label: letters and digits, with dashes only inside."""

OPTIONAL_PORT: Final = r"(?::[0-9]+)?"
"""An optional ``:port`` of any run of digits, with no range check."""

TAG: Final = r"[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}"
"""A tag: a word character, then up to 127 word characters, periods or dashes."""

DIGEST: Final = r"[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*[:][0-9A-Fa-f]{32,}"
"""A digest as the reference grammar accepts it, before go-digest checks the algorithm."""

IDENTIFIER: Final = r"([a-f0-9]{64})"
"""A bare sha256 hex string, which is an image ID rather than a repository name."""

IPV6_ADDRESS: Final = r"\[(?:[a-fA-F0-9:]+)\]"
"""A bracketed IPv6 address without a zone identifier such as ``%eth0``."""

DOMAIN_NAME: Final = DOMAIN_NAME_COMPONENT + any_times(r"\.", DOMAIN_NAME_COMPONENT)
HOST: Final = "(?:" + DOMAIN_NAME + "|" + IPV6_ADDRESS + ")"
DOMAIN_AND_PORT: Final = HOST + OPTIONAL_PORT

PATH_COMPONENT: Final = ALPHANUMERIC + any_times(SEPARATOR, ALPHANUMERIC)
REMOTE_NAME: Final = PATH_COMPONENT + any_times("/", PATH_COMPONENT)
NAME: Final = optional(DOMAIN_AND_PORT, "/") + REMOTE_NAME

REFERENCE: Final = capture(NAME) + optional(":", capture(TAG)) + optional("@", capture(DIGEST))
"""Full reference with the groups name, tag and digest (``None`` when absent)."""

NAME_WITH_DOMAIN: Final = optional(capture(DOMAIN_AND_PORT), "/") + capture(REMOTE_NAME)
"""A name split into groups domain (``None`` when absent) and path."""

# Every compiled pattern is meant for ``fullmatch``, which anchors at both ends of the string.
REFERENCE_REGEXP: Final = re.compile(REFERENCE)
NAME_WITH_DOMAIN_REGEXP: Final = re.compile(NAME_WITH_DOMAIN)
TAG_REGEXP: Final = re.compile(TAG)
DIGEST_REGEXP: Final = re.compile(DIGEST)
IDENTIFIER_REGEXP: Final = re.compile(IDENTIFIER)
DOMAIN_REGEXP: Final = re.compile(DOMAIN_AND_PORT)
