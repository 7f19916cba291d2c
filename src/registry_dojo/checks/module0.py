"""Module 0: the start page's first exercise, which shows how checks, hints and progress work.

The learner writes the reference of the lab image ``dojo/demo:1.0``. The answer is compared by
meaning with :mod:`registry_dojo.reference`, so any spelling Docker reads as the same image
passes. Feedback never shows the lab's port, because it differs between machines and notebook
outputs must not.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, cast

from registry_dojo import reference
from registry_dojo.checks.exercise import Exercise
from registry_dojo.checks.result import Case
from registry_dojo.errors import InvalidReferenceError

if TYPE_CHECKING:
    from registry_dojo.lab import LabInfo

TITLE = "Module 0: Start here"
"""The module's title, as the progress table shows it."""

LAB_IMAGE = "dojo/demo:1.0"
"""The lab image that the first exercise is about, without the lab's host."""

_LOOPBACK_NAMES = ("127.0.0.1", "localhost", "[::1]")


def _connect_lab() -> LabInfo:
    from registry_dojo import lab

    return lab.connect()


lab_info: Callable[[], LabInfo] = _connect_lab
"""Returns the running lab registry (starting it if needed); tests replace it with a fake."""


def _host_problem(given: reference.Reference, host: str) -> str:
    if given.domain == reference.DEFAULT_DOMAIN:
        return (
            "this reference has no registry host, so Docker would look for it on Docker Hub; "
            "start it with info.host"
        )
    name, _, port = given.domain.rpartition(":")
    lab_name, _, lab_port = host.rpartition(":")
    if port == lab_port and name in _LOOPBACK_NAMES and lab_name in _LOOPBACK_NAMES:
        return (
            "this host reaches the lab too, but Docker keeps logins per host string; "
            "write the host exactly as info.host gives it"
        )
    return "the registry host is not the lab's; start the reference with info.host"


def diagnose_first_reference(given: str, host: str) -> str | None:
    """Say what is wrong with `given` as the lab image's reference; None if it is right."""
    expected = reference.parse_docker_ref(f"{host}/{LAB_IMAGE}")
    if "://" in given:
        return "an image reference has no URL scheme such as 'http://'; start with info.host"
    try:
        parsed = reference.parse_docker_ref(given)
    except InvalidReferenceError as error:
        return f"this is not a valid reference: {error.reason}"
    if parsed.domain != expected.domain:
        return _host_problem(parsed, host)
    if parsed.path != expected.path:
        return f"the repository path is not {expected.path!r}"
    if parsed.digest is not None:
        return "write the tag 1.0, not a digest"
    if parsed.tag != expected.tag:
        return f"the tag is not {expected.tag!r}"
    return None


def _grade_first_reference(answer: object) -> list[Case]:
    info = lab_info()
    given = cast(str, answer).strip()
    problem = diagnose_first_reference(given, info.host)
    message = problem or f"names {LAB_IMAGE} on the lab registry"
    return [Case("reference", problem is None, message)]


first_reference = Exercise(
    id="m00.first_reference",
    title="Write the lab image's reference",
    max_points=1,
    hints=(
        "A reference starts with the registry's host, then the repository path and the tag: "
        "host/path:tag.",
        "info.host is the lab's host; an f-string puts it in front of dojo/demo:1.0.",
    ),
    solution='def first_reference():\n    return f"{info.host}/dojo/demo:1.0"',
    grader=_grade_first_reference,
    expects=str,
    expects_text="a string: the reference of the lab image dojo/demo:1.0",
    success="Docker would push and pull the lab's image by this name.",
)

EXERCISES: tuple[Exercise, ...] = (first_reference,)
"""Every module 0 exercise, in notebook order."""
