"""Grader for the tag-and-push answer, and reading shell answers for every shell grader.

Commands are parsed with :mod:`registry_dojo.checks.commands` and references normalised with
:mod:`registry_dojo.reference`, so ``hello:1.0`` and ``docker.io/library/hello:1.0`` are the
same image. The push grader replays the script against a model of the local image store, so
it catches a push of a name that was never tagged, as ``docker push`` would.
"""

from __future__ import annotations

from dataclasses import dataclass

from registry_dojo import reference
from registry_dojo.checks._shell_syntax import (
    has_literal_dollar,
    has_substitution,
    plain,
    references,
)
from registry_dojo.checks.commands import (
    Command,
    ParseError,
    PushCommand,
    TagCommand,
    docker_commands,
    parse_script,
)
from registry_dojo.checks.exercise import LearnerError
from registry_dojo.checks.result import Case
from registry_dojo.errors import InvalidReferenceError


def literal_dollar_problem(word: str) -> str:
    """Say why a word with a quoted or escaped ``$`` is wrong; "" if it has none."""
    if not has_literal_dollar(word):
        return ""
    return (
        f"{plain(word)!r} keeps its '$' as written, because the shell expands no variables "
        "inside single quotes or after a backslash; use double quotes"
    )


def unresolved_problem(word: str) -> str:
    """Say why the check cannot know the value of a word; "" if it can."""
    if has_substitution(word):
        return f"the check cannot tell what {plain(word)!r} prints; write the value itself"
    names = references(word)
    if names:
        return (
            f"${names[0]} is not set in your answer, so the check cannot tell what "
            f"{plain(word)!r} is; set it first ({names[0]}=...) or write the value itself"
        )
    return ""


def pull_form(value: str) -> reference.Reference | str:
    """Return `value` as Docker reads it for tag and push (``:latest`` added), or feedback.

    `value` is an expanded word from :mod:`registry_dojo.checks.commands`.
    """
    problem = literal_dollar_problem(value) or unresolved_problem(value)
    if problem:
        return problem
    value = plain(value)
    if "://" in value:
        return (
            f"{value!r} starts with a URL scheme; image references have none (write host/path:tag)"
        )
    try:
        return reference.parse_docker_ref(value)
    except InvalidReferenceError as error:
        if error.reason == reference.NAME_CONTAINS_UPPERCASE:
            return (
                f"{value!r} has uppercase letters in its repository path, which must be lowercase"
            )
        return f"{value!r} is not a valid reference: {error.reason}"


def _has_host(value: str) -> bool:
    first, slash, _ = value.partition("/")
    return bool(slash) and (
        first == "localhost" or "." in first or ":" in first or first.lower() != first
    )


def _target_problem(written: str, parsed: reference.Reference, target: reference.Reference) -> str:
    if parsed.domain != target.domain and not _has_host(written):
        return (
            f"{written!r} has no registry host, so Docker reads it as {str(parsed)!r} and the "
            "push would go to Docker Hub; start the name with the registry's host"
        )
    if parsed.domain != target.domain:
        return f"the registry host of {written!r} is not the task's registry"
    if parsed.path != target.path:
        return f"the repository path of {written!r} is not the task's repository"
    return f"the tag of {written!r} is not the task's tag"


@dataclass
class _PushReplay:
    """Replays tag and push commands against a model of the local image store."""

    source: reference.Reference
    target: reference.Reference
    tag_problem: str | None = "there is no docker tag command, so the registry's name never exists"
    push_problem: str | None = "there is no docker push command"

    def __post_init__(self) -> None:
        self.local = {str(self.source)}
        self.tags_ahead: list[str] = []

    def tag(self, command: TagCommand) -> None:
        target = pull_form(command.target)
        if not isinstance(target, str) and str(target) in self.tags_ahead:
            self.tags_ahead.remove(str(target))
        problem = self._tag_problem(command)
        if self.tag_problem is not None:
            self.tag_problem = problem if problem else None

    def push(self, command: PushCommand) -> None:
        problem = self._push_problem(command)
        if self.push_problem is not None:
            self.push_problem = problem if problem else None

    def _tag_problem(self, command: TagCommand) -> str:
        source = pull_form(command.source)
        if isinstance(source, str):
            return source
        target = pull_form(command.target)
        if isinstance(target, str):
            return target
        if str(source) not in self.local:
            return (
                f"Docker would answer 'No such image: {source.familiar_string}'; "
                f"the local image is {self.source.familiar_string!r}"
            )
        self.local.add(str(target))
        if target != self.target:
            return _target_problem(command.target, target, self.target)
        return ""

    def _push_problem(self, command: PushCommand) -> str:
        name = pull_form(command.name)
        if isinstance(name, str):
            return name
        if command.all_tags:
            return self._push_all_problem(command.name, name)
        if str(name) not in self.local:
            if str(name) in self.tags_ahead:
                return f"pushes {command.name!r} before the docker tag that creates it"
            return (
                f"Docker would answer 'An image does not exist locally with the tag: "
                f"{name.familiar_name}'; push exactly the name you gave with docker tag"
            )
        if name == self.target:
            return ""
        if str(self.target) in self.local:
            return f"you tagged the task's name but pushed {command.name!r}; push the tagged name"
        return _target_problem(command.name, name, self.target)

    def _push_all_problem(self, written: str, name: reference.Reference) -> str:
        bare = reference.parse_normalized_named(written)
        if bare.tag is not None or bare.digest is not None:
            return "Docker answers 'tag can't be used with --all-tags/-a': push the name alone"
        if name.name != self.target.name:
            return _target_problem(written, name, self.target)
        if str(self.target) not in self.local:
            return (
                f"Docker would answer 'An image does not exist locally with the tag: "
                f"{name.familiar_name}'; tag the image first"
            )
        return ""


def unreadable(error: ParseError) -> LearnerError:
    """Return the error that ends a check whose answer cannot be read as shell commands."""
    if error.control_flow:
        return LearnerError(
            str(error),
            label="commands",
            summary="Your answer uses shell control flow that the check does not follow, "
            "so nothing was checked.",
        )
    return LearnerError(
        f"cannot read your commands: {error}",
        label="commands",
        summary="Your answer could not be read as shell commands, so nothing was checked.",
    )


def read_script(script: str) -> tuple[Command, ...]:
    """Parse a shell answer, or raise the LearnerError that says why it cannot be checked."""
    parsed = parse_script(script)
    if isinstance(parsed, ParseError):
        raise unreadable(parsed)
    return parsed


def grade_push(script: str, source: str, target: str) -> list[Case]:
    """Grade shell text that should tag `source` as `target` and push `target`."""
    parsed = read_script(script)
    replay = _PushReplay(reference.parse_docker_ref(source), reference.parse_docker_ref(target))
    commands = docker_commands(parsed)
    for command in commands:
        if isinstance(command, TagCommand):
            tagged = pull_form(command.target)
            if not isinstance(tagged, str):
                replay.tags_ahead.append(str(tagged))
    for command in commands:
        if isinstance(command, TagCommand):
            replay.tag(command)
        elif isinstance(command, PushCommand):
            replay.push(command)
    return [
        Case(
            "docker tag",
            replay.tag_problem is None,
            replay.tag_problem or "tags the local image with the registry's name",
        ),
        Case("docker push", replay.push_problem is None, replay.push_problem or "pushes that name"),
    ]
