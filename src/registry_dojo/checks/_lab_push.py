"""Grader for the live exercise: the learner's publish(registry) against the lab registry.

Before publish() runs, the grader deletes the manifests behind the exercise's two tags, so a
tag scores only if this run of publish() wrote it, whatever client it used (the course client,
the docker CLI, skopeo): tags left by an earlier run cannot make a publish() that does nothing
look correct. The grader's own client also watches what publish() does with it, every manifest
PUT and every repository name, to say where a wrong answer pushed to. If the deletes fail,
only manifest PUTs through that client count. Names the learner chose are quoted shortened.
Feedback shows the lab's host as ``127.0.0.1:PORT``, because the port differs between runs and
notebook outputs must not.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import httpx

from registry_dojo.checks.exercise import (
    LearnerError,
    Raised,
    call_learner,
    describe_exception,
    plain_text,
)
from registry_dojo.checks.result import Case, quote
from registry_dojo.errors import DojoError, RegistryError
from registry_dojo.registry import Registry

LAB_REPOSITORY = "dojo/hello"
LAB_TAGS = ("1.0", "stable")
TIMEOUT_SECONDS = 30.0
_REPOSITORY_METHODS = (
    "blob_exists",
    "push_blob",
    "get_blob",
    "put_manifest",
    "get_manifest",
    "head_manifest",
    "tag",
    "tags",
    "delete_manifest",
    "push_image",
)


@dataclass(frozen=True)
class LabAccess:
    """Connection details of the lab for the grader: URL, host, login, optional test transport."""

    url: str
    host: str
    username: str | None
    password: str | None = field(repr=False)
    transport: httpx.BaseTransport | None = None

    def redactions(self) -> dict[str, str]:
        """Return the replacements that keep the lab's port out of feedback."""
        name = self.host.rpartition(":")[0] or self.host
        return {self.url: "", self.host: f"{name}:PORT"}

    def redact(self, text: str) -> str:
        """Return `text` with the lab's URL and port replaced."""
        for secret, replacement in self.redactions().items():
            text = text.replace(secret, replacement)
        return text


class _WatchedRegistry(Registry):
    """A Registry that remembers each repository name publish() passes to it, in order."""

    repositories: list[str]


def _remembering(name: str) -> Callable[..., Any]:
    method = getattr(Registry, name)

    @functools.wraps(method)
    def remember(self: _WatchedRegistry, *args: Any, **kwargs: Any) -> Any:
        repository = plain_text(args[0] if args else kwargs.get("repo"))
        if type(repository) is str and repository not in self.repositories:
            self.repositories.append(repository)
        return method(self, *args, **kwargs)

    return remember


for _name in _REPOSITORY_METHODS:
    setattr(_WatchedRegistry, _name, _remembering(_name))


def _is_host(component: str) -> bool:
    """Return whether Docker reads `component`, a name's first part, as a registry host."""
    return "." in component or ":" in component or component == "localhost"


def next_step(repositories: list[str]) -> str:
    """Return what to change, judged from the repository names publish() used; "" if unknown."""
    for repository in repositories:
        first, slash, rest = repository.partition("/")
        if slash and _is_host(first):
            return (
                f"pass the repository path only, such as {quote(rest)}: the client already "
                "sends every request to the lab registry"
            )
        if repository != repository.lower():
            return f"repository names must be lowercase: write {quote(repository.lower())}"
    return ""


def _raised_message(outcome: Raised, repositories: list[str]) -> str:
    message = f"publish() raised {outcome.description}"
    error = outcome.error
    if issubclass(type(error), ValueError | DojoError):
        step = next_step(repositories)
        if step:
            message = f"{message}. Next step: {step}"
    return message


def _manifest_digest(registry: Registry, tag: str, access: LabAccess) -> tuple[str | None, str]:
    """Return the digest `tag` points at, or None and why it could not be read."""
    try:
        return registry.head_manifest(LAB_REPOSITORY, tag).digest, ""
    except RegistryError as error:
        if error.status == 404:
            return None, f"not found in the lab registry ({error.code or 'HTTP 404'})"
        return None, f"the lab registry answered {describe_exception(error, access.redactions())}"
    except DojoError as error:
        return None, (
            f"could not ask the lab registry: {describe_exception(error, access.redactions())}"
        )


def _written(path: str) -> tuple[str, str] | None:
    """Return (repository, reference) of a manifest URL path ``/v2/REPO/manifests/REF``."""
    repository, found, ref = path.removeprefix("/v2/").rpartition("/manifests/")
    return (repository, ref) if found else None


def _pushed_names(writes: list[tuple[str, str]], access: LabAccess) -> str:
    names = [
        f"{repository}@{ref}" if ":" in ref else f"{repository}:{ref}" for repository, ref in writes
    ]
    return ", ".join(quote(access.redact(name)) for name in dict.fromkeys(names))


def _clear_tags(registry: Registry) -> bool:
    """Delete the manifests the exercise's tags point at; return False if that failed.

    Deleting by digest also removes any other tag on that digest in the exercise's repository.
    """
    for tag in LAB_TAGS:
        try:
            digest = registry.head_manifest(LAB_REPOSITORY, tag).digest
            registry.delete_manifest(LAB_REPOSITORY, digest)
        except RegistryError as error:
            if error.status != 404:
                return False
        except DojoError:
            return False
    return True


def _tag_case(
    tag: str,
    digest: str | None,
    problem: str,
    writes: list[tuple[str, str]],
    access: LabAccess,
    cleared: bool,
) -> Case:
    label = f"{LAB_REPOSITORY}:{tag}"
    wrote = (LAB_REPOSITORY, tag) in writes or (cleared and digest is not None)
    if wrote and digest is not None:
        return Case(label, True, "written by publish() and present")
    if not writes:
        message = "publish() pushed no manifest at all"
    elif not any(repository == LAB_REPOSITORY for repository, _ in writes):
        message = f"your code pushed to {_pushed_names(writes, access)}, not to {LAB_REPOSITORY!r}"
    elif not wrote:
        message = f"publish() pushed {_pushed_names(writes, access)}, but not this tag"
    else:
        message = problem
    if digest is not None and not wrote:
        message = f"present only from an earlier run ({message}); only tags publish() writes count"
    return Case(label, False, message)


def grade_lab_push(
    publish: Callable[[object], object], connect: Callable[[], LabAccess]
) -> list[Case]:
    """Call publish(registry) with a client for the lab, then check both tags by HEAD."""
    try:
        access = connect()
    except DojoError as error:
        return [Case("lab registry", False, f"cannot start or reach the lab registry: {error}")]
    writes: list[tuple[str, str]] = []

    def watch(request: httpx.Request) -> None:
        written = _written(request.url.path)
        if request.method == "PUT" and written is not None:
            writes.append(written)

    http = httpx.Client(
        timeout=TIMEOUT_SECONDS, transport=access.transport, event_hooks={"request": [watch]}
    )
    with http:
        cleared = _clear_tags(Registry(access.url, access.username, access.password, client=http))
        registry = _WatchedRegistry(access.url, access.username, access.password, client=http)
        registry.repositories = []
        outcome = call_learner(publish, registry, redact=access.redactions())
        if isinstance(outcome, Raised):
            raise LearnerError(_raised_message(outcome, registry.repositories))
        digests = {tag: _manifest_digest(registry, tag, access) for tag in LAB_TAGS}
    cases = [
        _tag_case(tag, digest, problem, writes, access, cleared)
        for tag, (digest, problem) in digests.items()
    ]
    first, second = (digests[tag][0] for tag in LAB_TAGS)
    if not all(case.passed for case in cases):
        same = "cannot compare digests until publish() writes both tags"
    elif first != second:
        same = "the two tags point at different manifests; both must name one manifest digest"
    else:
        same = ""
    cases.append(Case("one digest", not same, same or "both tags name the same manifest"))
    return cases
