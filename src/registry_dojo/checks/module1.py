"""Module 1 exercises: reading and writing image references, tag and push, login, a live push.

Each exercise is an :class:`~registry_dojo.checks.exercise.Exercise` named after its id
(``m01.qualify`` is :data:`qualify`). The inputs a learner sees are the module's upper-case
tuples, so a notebook can show them; the cases of :data:`parse` stay private. Expected answers
come from :mod:`registry_dojo.reference`, so they follow Docker's rules exactly.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable
from typing import TYPE_CHECKING, cast

import httpx

from registry_dojo.checks import _lab_push, _login, _references, _shell
from registry_dojo.checks._lab_push import LabAccess
from registry_dojo.checks._module1_solutions import (
    _CLASSIFY_SOLUTION,
    _LAB_PUSH_SOLUTION,
    _LOGIN_SOLUTION,
    _PARSE_SOLUTION,
    _PUSH_SOLUTION,
    _QUALIFY_SOLUTION,
    _WHICH_HOST_SOLUTION,
)
from registry_dojo.checks.exercise import AnswerKind, Exercise, LearnerError
from registry_dojo.checks.result import Case
from registry_dojo.errors import DojoError

if TYPE_CHECKING:
    from registry_dojo.lab import LabInfo

logger = logging.getLogger(__name__)

TITLE = "Module 1: Image references"
"""The module's title, as the progress table shows it."""

_HELLO_DIGEST = "sha256:" + hashlib.sha256(b"hello\n").hexdigest()

QUALIFY_INPUTS: tuple[str, ...] = (
    "redis",
    "bitnami/redis:7.2",
    "localhost:5000/app",
    "myhost/app",
    "my.host/app",
    f"ghcr.io/octo-org/api@{_HELLO_DIGEST}",
    "myacr.azurecr.io/team/api:2.3.1",
    "111122223333.dkr.ecr.eu-west-1.amazonaws.com/api:1.0",
    "index.docker.io/library/nginx:1.27",
    f"nginx:1.27@{_HELLO_DIGEST}",
)
"""References to write in full, as ``docker pull`` reads them."""

CLASSIFY_INPUTS: tuple[str, ...] = (
    "nginx:1.27",
    "MyApp:1.0",
    "myapp:V1.0-RC",
    "MyRegistry.azurecr.io/api:1",
    "https://ghcr.io/org/app:1.0",
    "app:1.0+build.5",
    "team//app",
    "my_host:5000/app",
    f"app:{'v' * 129}",
    "app@sha256:" + "a" * 40,
    "app@md5:" + "a" * 32,
    "[::1]:5000/app:1.0",
)
"""Strings to classify as ``valid`` or by the exact reason Docker rejects them."""

_PARSE_CASES: tuple[str, ...] = (
    "nginx",
    "nginx:1.27",
    "bitnami/redis:7.2",
    "docker.io/nginx",
    "index.docker.io/library/nginx:1",
    "localhost/app",
    "localhost:5000/app:dev",
    "127.0.0.1:5000/team/app",
    f"registry:5000/a/b:1.0@{_HELLO_DIGEST}",
    "myhost/app",
    "my.host/app",
    "[::1]:5000/x",
    "[2001:db8::1]/team/app:2",
    f"ghcr.io/octo-org/api@{_HELLO_DIGEST}",
    f"nginx:1.27@{_HELLO_DIGEST}",
    "app:V1.0-RC",
    "Team/app",
    "a/b/c/d:e",
    "my-registry.example.com:443/x_y/z__w:v.1",
    "MyApp",
    "https://ghcr.io/org/app",
    "app:1.0+build",
    "team//app",
    "app@sha256:abc",
    "my_host:5000/app",
    "app:",
    hashlib.sha256(b"image id").hexdigest(),
)
"""Hidden cases for :data:`parse`, valid and invalid."""

WHICH_HOST_COMMANDS: tuple[str, ...] = (
    "docker pull redis",
    "docker pull acme/api:2.1",
    "docker push localhost:5000/app:dev",
    "docker pull myhost/app",
    "docker pull my.host/app",
    "docker push ghcr.io/octo-org/api:1.4",
    "docker pull index.docker.io/library/nginx:1.27",
)
"""Commands whose registry host the learner names."""

PUSH_SOURCE = "hello:1.0"
"""The local image the push exercise starts from."""

PUSH_TARGET = "myacr.azurecr.io/team/hello:1.0"
"""Destination of the push exercise: Azure registry myacr, repository team/hello, tag 1.0."""


def _connect_lab() -> LabInfo:
    from registry_dojo import lab

    return lab.connect()


lab_info: Callable[[], LabInfo] = _connect_lab
"""Returns the running lab registry (starting it if needed); tests replace it with a fake."""

lab_transport: httpx.BaseTransport | None = None
"""HTTP transport for the lab_push grader's client; None means the network (tests set one)."""


def _lab_access() -> LabAccess:
    info = lab_info()
    return LabAccess(info.url, info.host, info.username, info.password, transport=lab_transport)


def _grade_qualify(answer: object) -> list[Case]:
    return _references.grade_qualify(cast(dict[object, object], answer), QUALIFY_INPUTS)


def _grade_classify(answer: object) -> list[Case]:
    return _references.grade_classify(cast(dict[object, object], answer), CLASSIFY_INPUTS)


def _grade_parse(answer: object) -> list[Case]:
    function = cast(Callable[[str], object], answer)
    return _references.grade_parse(function, _PARSE_CASES, "split_reference")


def _grade_which_host(answer: object) -> list[Case]:
    return _references.grade_which_host(cast(dict[object, object], answer), WHICH_HOST_COMMANDS)


def _grade_push_commands(answer: object) -> list[Case]:
    return _shell.grade_push(cast(str, answer), PUSH_SOURCE, PUSH_TARGET)


def _grade_login(answer: object) -> list[Case]:
    from registry_dojo import lab

    try:
        info = lab_info()
    except (DojoError, OSError) as error:
        logger.warning("cannot check %s: the lab registry cannot start: %s", login.id, error)
        raise LearnerError(
            f"cannot start or reach the lab registry: {error}",
            label="lab registry",
            summary="The lab registry is not running, so nothing was checked.",
        ) from None
    return _login.grade_login(cast(str, answer), info.host, info.username, lab.env_vars(info))


def _grade_lab_push(answer: object) -> list[Case]:
    publish = cast(Callable[[object], object], answer)
    return _lab_push.grade_lab_push(publish, _lab_access)


# The exercises, in the order of the notebook. The type checks in Exercise run before each
# grader, so the casts above only tell the type checker what Exercise has already checked.

qualify = Exercise(
    id="m01.qualify",
    title="Write references in full",
    max_points=len(QUALIFY_INPUTS),
    hints=(
        "Split each input into host, path, tag and digest before you write anything. "
        "Which inputs name a host at all?",
        "The first component is a host only if it contains '.', ':' or a capital letter, "
        "or is 'localhost'. "
        "Otherwise the host is Docker Hub, written 'docker.io'.",
        "On Docker Hub a one-component path gets 'library/'. A reference with neither tag nor "
        "digest gets ':latest'; one with a digest is pulled by digest alone.",
    ),
    solution=_QUALIFY_SOLUTION,
    grader=_grade_qualify,
    expects=dict,
    expects_text="a dict mapping each input of QUALIFY_INPUTS to its full reference",
    success="These are the references docker pull uses.",
)

classify = Exercise(
    id="m01.classify",
    title="Valid or not, and why",
    max_points=len(CLASSIFY_INPUTS),
    hints=(
        "Docker checks in this order: uppercase letters in the repository path, then the "
        "whole string against the reference grammar, then the name's length and the digest.",
        "Repository paths must be lowercase, but hosts and tags may contain uppercase letters. "
        "A tag allows letters, digits, '_', '.' and '-' and at most 128 characters.",
        "The reasons you need: 'invalid reference format', 'repository name must be "
        "lowercase', 'invalid checksum digest length', 'unsupported digest algorithm'. "
        "Write 'valid' for a string Docker accepts.",
    ),
    solution=_CLASSIFY_SOLUTION,
    grader=_grade_classify,
    expects=dict,
    expects_text="a dict mapping each string of CLASSIFY_INPUTS to 'valid' or a reason",
    success="You can predict Docker's verdict before any network call.",
)

parse = Exercise(
    id="m01.parse",
    title="Split a reference into its parts",
    max_points=len(_PARSE_CASES),
    hints=(
        "First decide the domain the way Docker does, then match the rest against the "
        "grammar: path components, then ':tag', then '@digest'.",
        "A host may be an IPv6 address in brackets and may have a port, so split on the first "
        "'/' before you look for ':'. 'index.docker.io' becomes 'docker.io'.",
        "A regular expression per part keeps it short. Reject a bare 64-character hex "
        "string, uppercase paths, and digests whose length does not fit the algorithm.",
    ),
    solution=_PARSE_SOLUTION,
    grader=_grade_parse,
    kind=AnswerKind.FUNCTION,
    expects_text="a function split_reference(ref) that returns a dict",
    success="Your parser agrees with Docker's.",
)

push_commands = Exercise(
    id="m01.push_commands",
    title="Tag and push to another registry",
    max_points=2,
    hints=(
        "docker push takes no registry argument: the registry is the host part of the "
        "image's name.",
        "So the image needs a second name that starts with the registry's host, made with "
        "docker tag SOURCE TARGET.",
        "Push exactly the name you created with docker tag, tag included.",
    ),
    solution=_PUSH_SOLUTION,
    grader=_grade_push_commands,
    expects=str,
    expects_text="a string of shell commands",
    success="The image would reach the task's registry under the task's name.",
)

which_host = Exercise(
    id="m01.which_host",
    title="Which registry does this command contact?",
    max_points=len(WHICH_HOST_COMMANDS),
    hints=(
        "Look only at the first component of the image name, up to the first '/'.",
        "It is a host when it contains '.', ':' or a capital letter, or is 'localhost'; "
        "otherwise the image is on Docker Hub.",
        "Docker Hub may be written 'docker.io'. Keep the port: it is part of the host.",
    ),
    solution=_WHICH_HOST_SOLUTION,
    grader=_grade_which_host,
    expects=dict,
    expects_text="a dict mapping each command of WHICH_HOST_COMMANDS to a host",
    success="A missing host always means Docker Hub.",
)

login = Exercise(
    id="m01.login",
    title="Log in to the lab registry safely",
    max_points=4,
    hints=(
        "docker login SERVER logs in to that one host; without SERVER it logs in to Docker Hub.",
        "A password on the command line ends up in shell history and in `ps`. docker login "
        "can read it from standard input instead.",
        "--password-stdin needs --username. Feed the lab's password file with '< FILE' or "
        "cat FILE |; `registry-dojo lab env` prints the variables that name the host, user "
        "and file.",
    ),
    solution=_LOGIN_SOLUTION,
    grader=_grade_login,
    expects=str,
    expects_text="a string with a docker login command",
    success="The password never appears in the command.",
)

lab_push = Exercise(
    id="m01.lab_push",
    title="Publish one image under two tags",
    max_points=3,
    hints=(
        "registry is a registry_dojo.registry.Registry for the lab; build_image() from "
        "registry_dojo.image makes a small image.",
        "Registry.push_image(repo, tag, image) uploads the blobs and the manifest under one tag.",
        "A second tag must name the same manifest: Registry.tag(repo, source, new_tag) sends "
        "the same manifest bytes again, so the digest does not change.",
    ),
    solution=_LAB_PUSH_SOLUTION,
    grader=_grade_lab_push,
    kind=AnswerKind.FUNCTION,
    expects_text="a function publish(registry)",
    success="The lab registry serves both tags from one manifest.",
)

EXERCISES: tuple[Exercise, ...] = (
    qualify,
    classify,
    parse,
    push_commands,
    which_host,
    login,
    lab_push,
)
"""Every module 1 exercise, in notebook order."""
