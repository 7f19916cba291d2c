"""Graders for the image-reference exercises: qualify, classify, parse and which_host.

Expected answers are computed with :mod:`registry_dojo.reference`, never typed by hand, so they
follow Docker's rules exactly. Feedback says which rule an answer broke without printing the
expected answer, and quotes the learner's values shortened.

:class:`~registry_dojo.checks.exercise.Exercise` hands these graders answers already copied into
plain built-in types, and :func:`grade_parse` copies what split_reference returns the same way,
so no comparison here runs code of the learner's.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from typing import cast

from registry_dojo import reference
from registry_dojo.checks.commands import ParseError, PullCommand, PushCommand, parse_script
from registry_dojo.checks.exercise import Raised, call_learner, plain_text, type_name
from registry_dojo.checks.result import Case, quote, shorten
from registry_dojo.errors import InvalidReferenceError

PARSE_KEYS = ("domain", "path", "tag", "digest")
HUB_HOSTS = frozenset(
    {reference.DEFAULT_DOMAIN, reference.LEGACY_DEFAULT_DOMAIN, "registry-1.docker.io"}
)
KNOWN_REASONS = frozenset(
    {
        reference.INVALID_REFERENCE_FORMAT,
        reference.INVALID_TAG_FORMAT,
        reference.INVALID_DIGEST_FORMAT,
        reference.NAME_CONTAINS_UPPERCASE,
        reference.NAME_EMPTY,
        reference.NAME_TOO_LONG,
        reference.NAME_IS_IDENTIFIER,
        reference.DIGEST_UNSUPPORTED,
        reference.DIGEST_INVALID_LENGTH,
        reference.DIGEST_INVALID_FORMAT,
    }
)
NO_HOST = (
    "your reference has no registry host; Docker adds one when the first component has "
    "no '.' or ':' and is not 'localhost'"
)


def label(value: str) -> str:
    """Return the case label for an input string: its repr, shortened if very long."""
    return quote(value)


def _passed(given: str) -> str:
    """Return the message of a passing case: the learner's answer, shortened."""
    return shorten(given)


def _string_entries(answers: Mapping[object, object]) -> dict[str, object]:
    """Copy the entries of a dict whose keys are strings, keys and string values made exact.

    The copy reads the dict's stored items, so no method of a learner's subclass runs. Other
    keys can never match an input, and looking one up could run the learner's __eq__.
    """
    return {
        str.__str__(cast(str, key)): plain_text(value)
        for key, value in dict.items(cast(dict[object, object], answers))
        if issubclass(type(key), str)
    }


def _answer_for(answers: Mapping[str, object], key: str) -> tuple[str | None, str]:
    """Return the learner's string for `key`, or None and why it is unusable."""
    if key not in answers:
        return None, "missing from your dict; give one entry per input"
    given = answers[key]
    if type(given) is not str:
        return None, f"expected a string, got {type_name(given)}"
    return given.strip(), ""


def _host_problem(given: reference.Reference, expected: reference.Reference) -> str:
    if given.domain in HUB_HOSTS and expected.domain == reference.DEFAULT_DOMAIN:
        return "the full form always writes Docker Hub's host as 'docker.io'"
    if expected.domain == reference.DEFAULT_DOMAIN:
        return (
            "the first component of this input is not a host (it has no '.' or ':' and is "
            "not 'localhost'), so Docker uses Docker Hub"
        )
    return "the registry host differs from the one this input names"


def diagnose_full_reference(given: str, expected: reference.Reference) -> str | None:
    """Say what is wrong with `given` as the full form of `expected`; None if it is right."""
    if given == str(expected):
        return None
    try:
        parsed = reference.parse(given)
    except InvalidReferenceError as error:
        return f"{quote(given)} is not a valid reference: {error.reason}"
    if not parsed.domain:
        return NO_HOST
    if parsed.domain != expected.domain:
        return _host_problem(parsed, expected)
    if parsed.path != expected.path:
        if expected.path == reference.OFFICIAL_REPO_PREFIX + parsed.path:
            return "one-component names on Docker Hub live in the 'library/' namespace"
        return "the repository path differs from the input's"
    if expected.digest is not None:
        if parsed.digest != expected.digest:
            return "the digest must stay exactly as it is in the input"
        return "with a digest, Docker pulls by digest alone and drops the tag"
    if parsed.digest is not None:
        return "this input has no digest; do not add one"
    if parsed.tag is None and expected.tag == reference.DEFAULT_TAG:
        return "no tag: Docker adds ':latest' when a reference has neither tag nor digest"
    return "the tag differs from the input's"


def _grade_entries(
    answers: Mapping[object, object],
    keys: Sequence[str],
    diagnose: Callable[[str, str], str | None],
) -> list[Case]:
    """Grade a dict answer key by key: `diagnose(key, given)` returns the problem or None."""
    cases = []
    entries = _string_entries(answers)
    for key in keys:
        given, problem = _answer_for(entries, key)
        if given is not None:
            problem = diagnose(key, given) or ""
        passed = given is not None and not problem
        cases.append(Case(label(key), passed, _passed(given) if passed and given else problem))
    return cases


def grade_qualify(answers: Mapping[object, object], inputs: Sequence[str]) -> list[Case]:
    """Grade a dict {input: full reference} against ``parse_docker_ref``."""
    return _grade_entries(
        answers,
        inputs,
        lambda value, given: diagnose_full_reference(given, reference.parse_docker_ref(value)),
    )


def expected_classification(value: str) -> str:
    """Return ``valid`` or the reason ``parse_normalized_named`` rejects `value` with."""
    try:
        reference.parse_normalized_named(value)
    except InvalidReferenceError as error:
        return error.reason
    return "valid"


_DOCKER_UPPERCASE = re.compile(
    r"invalid reference format: repository name \((?P<name>.*)\) must be lowercase"
)
DIGEST_REASONS = frozenset(
    {
        reference.DIGEST_UNSUPPORTED,
        reference.DIGEST_INVALID_LENGTH,
        reference.DIGEST_INVALID_FORMAT,
    }
)
CHECK_ORDER = (
    "it checks uppercase letters in the repository path first, then the whole string "
    "against the reference grammar, then the name's length and the digest"
)


def _uppercase_problem(given: str, expected: str) -> str | None:
    """Judge the Docker CLI's longer uppercase message; None if `given` is not of that form."""
    match = _DOCKER_UPPERCASE.fullmatch(given)
    if match is None:
        return None
    if expected != reference.NAME_CONTAINS_UPPERCASE:
        return "Docker does not report an uppercase repository name for this string"
    # The reason after the prefix is what is graded, whatever name is in the brackets.
    return ""


def _wrong_reason(given: str, expected: str) -> str:
    if expected in DIGEST_REASONS and given == reference.INVALID_REFERENCE_FORMAT:
        return (
            "this string passes the reference grammar, so Docker goes on to check the "
            "digest itself, and that check fails with another reason"
        )
    if expected == reference.INVALID_REFERENCE_FORMAT and given in DIGEST_REASONS:
        return "the string fails the reference grammar already, so Docker never checks the digest"
    return f"Docker reports a different reason: {CHECK_ORDER}"


def diagnose_classification(value: str, given: str, expected: str) -> str | None:
    """Say what is wrong with `given` as the classification of `value`; None if it is right."""
    if given == expected or (expected == "valid" and given.lower() == "valid"):
        return None
    uppercase = _uppercase_problem(given, expected)
    if uppercase is not None:
        return uppercase or None
    if given.lower() == "invalid":
        return "write the exact reason Docker gives, not just 'invalid'"
    if expected == "valid":
        return "Docker accepts this string; check which part the rule you applied covers"
    if given.lower() == "valid":
        return "Docker rejects this string; find the rule it breaks"
    if given not in KNOWN_REASONS:
        if given.lower() in KNOWN_REASONS:
            return "write the reason exactly as Docker prints it, in lowercase"
        return f"{quote(given)} is not one of Docker's reasons; copy the reason text exactly"
    return _wrong_reason(given, expected)


def grade_classify(answers: Mapping[object, object], inputs: Sequence[str]) -> list[Case]:
    """Grade a dict {string: "valid" or reason} against ``parse_normalized_named``."""
    return _grade_entries(
        answers,
        inputs,
        lambda value, given: diagnose_classification(value, given, expected_classification(value)),
    )


def _expected_parts(value: str) -> dict[str, str | None] | None:
    try:
        parsed = reference.parse_normalized_named(value)
    except InvalidReferenceError:
        return None
    return {
        "domain": parsed.domain,
        "path": parsed.path,
        "tag": parsed.tag,
        "digest": parsed.digest,
    }


_NOT_HANDLED = "raised NotImplementedError: this case is not handled yet"
_NEEDS_VALID = (
    "rejected with ValueError, but rejecting scores only once {name} splits at least one "
    "valid reference correctly"
)


def _show(value: object) -> str:
    """Quote a value split_reference returned: strings and numbers shortened, others by type."""
    if value is None or type(value) in (bool, float):
        return repr(value)
    if type(value) is str:
        return quote(value)
    if type(value) is int:
        return shorten(str(value), 40) if abs(value).bit_length() < 10_000 else "a huge int"
    return type_name(value)


def _same(value: object, expected: str | None) -> bool:
    """Compare without running learner code: only exact strings and None can match."""
    return (value is None or type(value) is str) and value == expected


def _compare_parts(returned: object, expected: dict[str, str | None]) -> str | None:
    if not issubclass(type(returned), dict):
        return f"expected a dict with keys {', '.join(PARSE_KEYS)}, got {type_name(returned)}"
    parts = _string_entries(cast(dict[object, object], returned))
    missing = [key for key in PARSE_KEYS if key not in parts]
    if missing:
        noun = "key" if len(missing) == 1 else "keys"
        return f"the dict is missing the {noun} {', '.join(repr(key) for key in missing)}"
    wrong = [key for key in PARSE_KEYS if not _same(parts[key], expected[key])]
    if not wrong:
        return None
    shown = ", ".join(f"{key} (you returned {_show(parts[key])})" for key in wrong)
    message = f"these parts differ from Docker's: {shown}"
    if "tag" in wrong and _same(parts["tag"], reference.DEFAULT_TAG) and expected["tag"] is None:
        message += "; normalising a name adds no tag, only pulling does"
    return message


def _call_split(split_reference: Callable[[str], object], value: str) -> object:
    """Call split_reference(value); return _NOT_HANDLED if it raised NotImplementedError."""
    try:
        return call_learner(split_reference, value)
    except NotImplementedError:
        return _NOT_HANDLED


def _raised_problem(outcome: Raised, valid: bool, function_name: str) -> str | None:
    error = outcome.error
    if not valid and issubclass(type(error), ValueError):
        return None
    if not valid:
        return f"raise ValueError for an invalid reference, not {outcome.description}"
    if issubclass(type(error), ValueError):
        return f"Docker accepts this string, but {function_name} raised {outcome.description}"
    return outcome.description


def _problem(
    outcome: object, expected: dict[str, str | None] | None, function_name: str
) -> str | None:
    """Say what is wrong with split_reference's outcome for one input; None if it is right."""
    if outcome is _NOT_HANDLED:
        return f"{function_name} {_NOT_HANDLED}"
    if isinstance(outcome, Raised):
        return _raised_problem(outcome, expected is not None, function_name)
    if expected is None:
        return (
            f"Docker rejects this string, but {function_name} returned "
            f"{type_name(outcome)}; raise ValueError instead"
        )
    return _compare_parts(outcome, expected)


def grade_parse(
    split_reference: Callable[[str], object], inputs: Sequence[str], function_name: str
) -> list[Case]:
    """Grade a learner's split_reference(ref) -> dict on `inputs`, valid and invalid.

    The answer is not attempted only if every input raises ``NotImplementedError``; otherwise
    each input that does fails on its own. Rejecting an invalid input scores only once at least
    one valid input is split correctly, so a function that always raises ``ValueError`` scores
    nothing.
    """
    outcomes = [(value, _call_split(split_reference, value)) for value in inputs]
    if all(outcome is _NOT_HANDLED for _, outcome in outcomes):
        raise NotImplementedError(function_name)
    judged = [
        (value, expected, _problem(outcome, expected, function_name))
        for value, outcome in outcomes
        for expected in (_expected_parts(value),)
    ]
    splits_valid = any(problem is None and expected for _, expected, problem in judged)
    cases = []
    for value, expected, problem in judged:
        if expected is None and problem is None and not splits_valid:
            problem = _NEEDS_VALID.format(name=function_name)
        success = "rejected with ValueError" if expected is None else "all four parts match"
        cases.append(Case(label(value), problem is None, problem or success))
    return cases


def image_name(command: str) -> str:
    """Return the image name of one ``docker pull`` or ``docker push`` command."""
    parsed = parse_script(command)
    if isinstance(parsed, ParseError) or len(parsed) != 1:
        raise ValueError(f"expected one docker pull or push command, got {command!r}")
    transfer = parsed[0]
    if not isinstance(transfer, PullCommand | PushCommand):
        raise ValueError(f"expected a docker pull or push command, got {command!r}")
    return transfer.name


def expected_host(command: str) -> str:
    """Return the domain that `command` (a docker pull or push) contacts."""
    return reference.parse_normalized_named(image_name(command)).domain


def diagnose_host(command: str, given: str, expected: str) -> str | None:
    """Say what is wrong with `given` as the host `command` contacts; None if it is right."""
    accepted = HUB_HOSTS if expected == reference.DEFAULT_DOMAIN else {expected}
    if given in accepted:
        return None
    if given == "hub.docker.com":
        return (
            "hub.docker.com is Docker Hub's web site, not its registry; write Docker Hub as "
            "'docker.io' (or 'registry-1.docker.io')"
        )
    if "://" in given:
        return "give the host alone, without a URL scheme such as 'https://'"
    if "/" in given:
        return "give the host only, without the repository path"
    first = image_name(command).partition("/")[0]
    if given == first and expected == reference.DEFAULT_DOMAIN:
        return (
            f"{first!r} has no '.' or ':' and is not 'localhost', so Docker does not read it "
            "as a host"
        )
    if given in HUB_HOSTS:
        return "the first component names a host ('.', ':' or 'localhost'), so this is not Hub"
    if expected.startswith(given + ":"):
        return "the port is part of the host"
    return "Docker contacts a different host for this command"


def grade_which_host(answers: Mapping[object, object], commands: Sequence[str]) -> list[Case]:
    """Grade a dict {command: host} against the normalised domain of each command's image."""
    return _grade_entries(
        answers,
        commands,
        lambda command, given: diagnose_host(command, given, expected_host(command)),
    )
