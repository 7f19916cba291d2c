"""Grader for the live exercise: the learner's publish(registry) against the lab registry.

The grader builds its own client so that it can watch the requests publish() sends: tags left
by an earlier run must not make a publish() that does nothing look correct. Feedback names
the lab registry in words, never its address, because the port differs between runs and
notebook outputs must not.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import httpx

from registry_dojo.checks.exercise import LearnerError, Raised, call_learner, describe_exception
from registry_dojo.checks.result import Case
from registry_dojo.errors import DojoError, RegistryError
from registry_dojo.registry import Registry

LAB_REPOSITORY = "dojo/hello"
LAB_TAGS = ("1.0", "stable")
TIMEOUT_SECONDS = 30.0


@dataclass(frozen=True)
class LabAccess:
    """Connection details of the lab for the grader: URL, host, login, optional test transport."""

    url: str
    host: str
    username: str | None
    password: str | None = field(repr=False)
    transport: httpx.BaseTransport | None = None

    def redactions(self) -> dict[str, str]:
        """Return the replacements that keep the lab's address out of feedback."""
        return {self.url: "", self.host: "the lab registry"}


def _describe(error: Exception, access: LabAccess) -> str:
    return describe_exception(error, access.redactions())


def _manifest_digest(registry: Registry, tag: str, access: LabAccess) -> tuple[str | None, str]:
    """Return the digest `tag` points at, or None and why it could not be read."""
    try:
        return registry.head_manifest(LAB_REPOSITORY, tag).digest, ""
    except RegistryError as error:
        if error.status == 404:
            return None, f"not found in the lab registry ({error.code or 'HTTP 404'})"
        return None, f"the lab registry answered {_describe(error, access)}"
    except DojoError as error:
        return None, f"could not ask the lab registry: {_describe(error, access)}"


def grade_lab_push(
    publish: Callable[[object], object], connect: Callable[[], LabAccess]
) -> list[Case]:
    """Call publish(registry) with a client for the lab, then check both tags by HEAD."""
    try:
        access = connect()
    except DojoError as error:
        return [Case("lab registry", False, f"cannot start or reach the lab registry: {error}")]
    writes: list[str] = []

    def watch(request: httpx.Request) -> None:
        if request.method == "PUT" and f"/{LAB_REPOSITORY}/manifests/" in request.url.path:
            writes.append(request.url.path)

    http = httpx.Client(
        timeout=TIMEOUT_SECONDS, transport=access.transport, event_hooks={"request": [watch]}
    )
    with http:
        registry = Registry(access.url, access.username, access.password, client=http)
        outcome = call_learner(publish, registry, redact=access.redactions())
        if isinstance(outcome, Raised):
            raise LearnerError(outcome.description)
        digests = {tag: _manifest_digest(registry, tag, access) for tag in LAB_TAGS}
    cases = []
    for tag, (digest, problem) in digests.items():
        cases.append(Case(f"{LAB_REPOSITORY}:{tag}", digest is not None, problem or "present"))
    first, second = (digests[tag][0] for tag in LAB_TAGS)
    if first is None or second is None:
        same = "cannot compare digests until both tags exist"
    elif first != second:
        same = "the two tags point at different manifests; both must name one manifest digest"
    else:
        same = ""
    cases.append(Case("one digest", not same, same or "both tags name the same manifest"))
    wrote = bool(writes)
    message = "publish() sent a manifest to the lab registry"
    if not wrote:
        message = (
            f"publish() sent no manifest to {LAB_REPOSITORY}; "
            "tags left by an earlier run do not count"
        )
    cases.append(Case("written by publish", wrote, message))
    return cases
