"""Explain an image reference the way Docker reads it: parts, normal forms, host, or the error.

:func:`explain_reference` is a pure function, so the reference explorer widget and the tests
share one code path and the tests need no kernel.
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from typing import Any

from registry_dojo import reference
from registry_dojo.errors import InvalidReferenceError
from registry_dojo.reference import Reference

NO_VALUE = "(none)"
DOCKER_HUB_NAMES = (reference.DEFAULT_DOMAIN, reference.LEGACY_DEFAULT_DOMAIN)

_RULES = {
    reference.NAME_CONTAINS_UPPERCASE: (
        "The repository path must be lowercase. Only the registry host and the tag may "
        "contain capital letters."
    ),
    reference.NAME_IS_IDENTIFIER: (
        "A string of 64 hex digits is an image ID, not a repository name, so Docker rejects "
        "it as a name."
    ),
    reference.NAME_TOO_LONG: (
        f"The repository path may have at most {reference.REPOSITORY_NAME_TOTAL_LENGTH_MAX} "
        "characters; the registry host does not count."
    ),
    reference.NAME_EMPTY: "A reference needs a repository name of at least one component.",
    reference.DIGEST_UNSUPPORTED: (
        "The digest algorithm must be one of "
        + ", ".join(sorted(reference.ENCODED_HEX_LENGTHS))
        + "."
    ),
    reference.DIGEST_INVALID_LENGTH: (
        "The hex part of the digest has the wrong length for its algorithm: "
        + ", ".join(
            f"{length} for {name}" for name, length in sorted(reference.ENCODED_HEX_LENGTHS.items())
        )
        + "."
    ),
    reference.DIGEST_INVALID_FORMAT: "The hex part of a digest uses only 0-9 and lowercase a-f.",
}

_PATH_RULE = (
    "Each path component is lowercase letters and digits, joined by one '.', one or two '_', "
    "or any number of '-'; components are separated by a single '/', with none empty."
)
_TAG_RULE = (
    f"A tag is 1 to {reference.TAG_LENGTH_MAX} characters from A-Z, a-z, 0-9, '_', '.' and '-', "
    "and must not start with '.' or '-'."
)
_DIGEST_RULE = "A digest is 'algorithm:hex', for example 'sha256:' followed by 64 hex digits."


@dataclass(frozen=True)
class Explanation:
    """Docker's reading of one reference string.

    For a valid reference `normalized` (``parse_normalized_named``), `pulled`
    (``parse_docker_ref``) and `host` are set and `error` is ``None``. For an invalid one
    `error` is the Go error text and `docker_message` what ``docker pull`` prints for it.
    """

    text: str
    normalized: Reference | None = None
    pulled: Reference | None = None
    host: str | None = None
    error: str | None = None
    docker_message: str | None = None
    rule: str | None = None
    notes: tuple[str, ...] = ()

    @property
    def valid(self) -> bool:
        """Whether Docker accepts the reference."""
        return self.error is None

    def rows(self) -> list[tuple[str, str]]:
        """Return the (label, value) rows shown for a valid reference; empty if invalid."""
        if self.normalized is None or self.pulled is None or self.host is None:
            return []
        parts = self.normalized
        return [
            ("domain", parts.domain),
            ("path", parts.path),
            ("tag", parts.tag or NO_VALUE),
            ("digest", parts.digest or NO_VALUE),
            ("normalised", str(parts)),
            ("docker pull fetches", str(self.pulled)),
            ("familiar form", parts.familiar_string),
            ("docker push contacts", self.host),
        ]

    def text_report(self) -> str:
        """Render the explanation as plain text."""
        lines = [f"Reference: {self.text!r}"]
        if self.valid:
            lines.extend(f"  {label + ':':<22}{value}" for label, value in self.rows())
        else:
            lines.append("  invalid: Docker rejects it before contacting any registry")
            lines.append(f"  docker pull prints: {self.docker_message}")
            lines.append(f"  rule: {self.rule}")
        lines.extend(f"  - {note}" for note in self.notes)
        return "\n".join(lines)

    __str__ = text_report

    def _repr_pretty_(self, printer: Any, cycle: bool) -> None:
        """Show the plain-text rendering in IPython, instead of the dataclass fields."""
        printer.text(self.text_report())

    def html_report(self) -> str:
        """Render the explanation as an HTML fragment (every value escaped)."""
        title = f"<strong>Reference</strong> <code>{html.escape(self.text)}</code>"
        if self.valid:
            cells = "".join(
                f"<tr><th style='text-align:left;padding-right:1em'>{html.escape(label)}</th>"
                f"<td><code>{html.escape(value)}</code></td></tr>"
                for label, value in self.rows()
            )
            body = f"<table>{cells}</table>"
        else:
            body = (
                "<p style='color:#b71c1c'>Invalid: Docker rejects it before contacting any "
                "registry.</p>"
                f"<p><code>docker pull</code> prints: "
                f"<code>{html.escape(self.docker_message or '')}</code></p>"
                f"<p>Rule: {html.escape(self.rule or '')}</p>"
            )
        notes = "".join(f"<li>{html.escape(note)}</li>" for note in self.notes)
        note_list = f"<ul>{notes}</ul>" if notes else ""
        return f"<div>{title}{body}{note_list}</div>"

    def _repr_html_(self) -> str:
        return self.html_report()


def explain_reference(text: str) -> Explanation:
    """Explain how Docker reads the image reference `text`; an invalid one is not an error."""
    try:
        normalized = reference.parse_normalized_named(text)
        pulled = reference.parse_docker_ref(text)
        host = reference.registry_host(normalized)
    except InvalidReferenceError as error:
        return Explanation(
            text=text,
            error=error.reason,
            docker_message=docker_error_message(error),
            rule=broken_rule(error),
        )
    return Explanation(
        text=text,
        normalized=normalized,
        pulled=pulled,
        host=host,
        notes=normalization_notes(text, normalized),
    )


def docker_error_message(error: InvalidReferenceError) -> str:
    """Return the text ``docker pull`` prints for `error` (checked with the Docker 28.2 CLI).

    Go's ``ParseNormalizedNamed`` words two errors with the input inside them; every other
    error is printed as its reason alone.
    """
    if error.reason == reference.NAME_IS_IDENTIFIER:
        return f"invalid repository name ({error.value}), {error.reason}"
    if error.reason == reference.NAME_CONTAINS_UPPERCASE and _remote_has_uppercase(error.value):
        remote = _remote_name(error.value)
        return f"invalid reference format: repository name ({remote}) must be lowercase"
    return error.reason


def _remote_name(text: str) -> str:
    """Return the path the way ``ParseNormalizedNamed`` cuts it: up to the first ':'."""
    return reference.split_docker_domain(text)[1].partition(":")[0]


def _remote_has_uppercase(text: str) -> bool:
    """Return whether ``ParseNormalizedNamed`` rejects `text` in its own uppercase check.

    Otherwise the uppercase error comes from the grammar check of ``Parse``, worded without
    the path. NOTE: Go lowercases with strings.ToLower; str.lower differs from it only for a
    few non-ASCII letters, which could pick the other wording.
    """
    remote = _remote_name(text)
    return remote.lower() != remote


def broken_rule(error: InvalidReferenceError) -> str:
    """Return, in plain words, the rule of the reference grammar that `error` reports."""
    if error.reason == reference.NAME_CONTAINS_UPPERCASE and not _remote_has_uppercase(error.value):
        first = error.value.partition("/")[0]
        return (
            f"'{first}' counts as a registry host because it contains a capital letter, but it "
            "is not a valid host name. Its lowercase form would be a valid path, so Docker "
            "reports an uppercase repository name."
        )
    rule = _RULES.get(error.reason)
    if rule is not None:
        return rule
    return _format_rule(error.value)


def _format_rule(text: str) -> str:
    """Say which part breaks the grammar ``[host[:port]/]path[:tag][@digest]``."""
    if text == "":
        return "The reference is empty; it needs at least a repository name."
    if "://" in text:
        return "A reference has no URL scheme: remove 'https://' or 'http://'."
    if text != "".join(text.split()):
        return "A reference must not contain spaces or other whitespace."
    name, at_sign, _ = text.partition("@")
    if at_sign and not _parses(name):
        return _format_rule(name)
    if at_sign:
        return _DIGEST_RULE
    repository, tag = _split_tag(name)
    if tag is not None and _parses(repository):
        return _TAG_RULE
    return _PATH_RULE


def _split_tag(name: str) -> tuple[str, str | None]:
    """Split ``name:tag``; a ':' before the last '/' is a port, not a tag."""
    colon = name.rfind(":")
    if colon == -1 or "/" in name[colon:]:
        return name, None
    return name[:colon], name[colon + 1 :]


def _parses(text: str) -> bool:
    try:
        reference.parse_normalized_named(text)
    except InvalidReferenceError:
        return False
    return True


def normalization_notes(text: str, normalized: Reference) -> tuple[str, ...]:
    """Explain each step Docker took from `text` to `normalized`, one sentence per step."""
    notes = [_host_note(text, normalized)]
    if normalized.domain == reference.DEFAULT_DOMAIN:
        if _is_one_component_hub_name(text):
            notes.append(
                "A one-component name on Docker Hub is an official image, so 'library/' is "
                "added to the path."
            )
        notes.append(
            f"Docker Hub's registry API is served by {reference.DOCKER_HUB_REGISTRY_HOST}, "
            "so that is the host docker contacts."
        )
    if normalized.tag is None and normalized.digest is None:
        notes.append(
            f"No tag and no digest, so docker pull asks for the tag '{reference.DEFAULT_TAG}'."
        )
    elif normalized.tag is not None and normalized.digest is not None:
        notes.append(
            "Both a tag and a digest: the digest alone decides what is pulled, and the tag is "
            "dropped."
        )
    return tuple(notes)


def _is_one_component_hub_name(text: str) -> bool:
    first, slash, rest = text.partition("/")
    typed_path = rest if slash and first in DOCKER_HUB_NAMES else text
    return "/" not in typed_path


def _host_note(text: str, normalized: Reference) -> str:
    first, slash, _ = text.partition("/")
    if not slash:
        return "The name has no '/', so it has no registry host: Docker uses Docker Hub."
    if first == reference.LEGACY_DEFAULT_DOMAIN:
        return f"'{first}' is Docker Hub's old name; Docker rewrites it to 'docker.io'."
    if first == reference.DEFAULT_DOMAIN:
        return "'docker.io' is Docker Hub."
    if normalized.domain == reference.DEFAULT_DOMAIN:
        return (
            f"'{first}' has no '.', no ':' and is not 'localhost', so it is not a host: it is "
            "the first path component on Docker Hub."
        )
    return f"'{first}' is the registry host because {_host_reason(first)}."


def _host_reason(first: str) -> str:
    if first == "localhost":
        return "it is 'localhost'"
    if ":" in first:
        return "it contains ':' (a port)"
    if "." in first:
        return "it contains '.'"
    return "it contains a capital letter"
