"""Exceptions raised by registry-dojo.

Every error the package raises on purpose derives from :class:`DojoError`, so a caller (and the
CLI) can catch one type. A learner's wrong answer is never an exception: checkers return a
result instead.

    DojoError
    ├── InvalidReferenceError (also a ValueError)  bad image reference, Go error text in `reason`
    ├── DataHomeError (also an OSError)            the data folder cannot be created
    ├── LabError                                   the lab registry could not be started or found
    │   └── RegistryBinaryNotFound                 no registry binary and no Docker engine
    ├── RegistryError                              the registry answered with an error
    ├── RegistryUnreachable (also a ConnectionError) no connection to the registry
    ├── DigestMismatchError                        content does not match its digest
    └── ExerciseBuildError                         a solution notebook has broken markers
"""

from __future__ import annotations


class DojoError(Exception):
    """Base class of every error that registry-dojo raises on purpose."""


class InvalidReferenceError(DojoError, ValueError):
    """An image reference that Docker would reject.

    `reason` is exactly the text of the matching error in Go's distribution/reference package
    (for example ``invalid reference format``), so it can be compared with what Docker prints.
    `hint`, when given, describes how to fix the value and is appended to the message.
    """

    def __init__(self, reason: str, value: str, hint: str | None = None) -> None:
        self.reason = reason
        self.value = value
        self.hint = hint
        message = f"{reason}: {value!r}"
        super().__init__(f"{message}; {hint}" if hint else message)


class DataHomeError(DojoError, OSError):
    """The data folder (``$REGISTRY_DOJO_HOME`` or the user data dir) cannot be created.

    It is also an OSError, as the failed mkdir was, so callers that tolerate file errors
    (progress records) keep doing so.
    """


class LabError(DojoError):
    """The lab registry could not be started, stopped or found."""


class RegistryBinaryNotFound(LabError):
    """Neither a registry binary nor a Docker engine is available to run the lab."""


class RegistryError(DojoError):
    """An error response from a registry, with its HTTP status and error code.

    `code` is the first code of the registry's JSON error body (``MANIFEST_UNKNOWN``,
    ``UNAUTHORIZED``, ...) or ``None`` when the body had none (a plain-text 404, say).
    """

    def __init__(
        self,
        status: int,
        code: str | None,
        message: str,
        *,
        method: str = "",
        url: str = "",
        detail: object = None,
        challenge: str | None = None,
    ) -> None:
        self.status = status
        self.code = code
        self.message = message
        self.method = method
        self.url = url
        self.detail = detail
        self.challenge = challenge
        where = f" ({method} {url})" if method else ""
        label = code if code else "HTTP error"
        super().__init__(f"{status} {label}: {message}{where}")


class RegistryUnreachable(DojoError, ConnectionError):
    """No HTTP response came back from the registry: connection refused, DNS failure, time-out.

    `url` is the request URL and `reason` the transport error, e.g. ``ConnectError: [Errno 111]
    Connection refused``.
    """

    def __init__(self, url: str, reason: str) -> None:
        self.url = url
        self.reason = reason
        super().__init__(
            f"cannot reach the registry at {url!r}: {reason}. "
            "Is the lab running? Start it with: registry-dojo lab up"
        )


class DigestMismatchError(DojoError):
    """Content from a registry whose digest differs from the digest it was requested by.

    `expected` is the requested or announced digest, `actual` the digest of the bytes received.
    """

    def __init__(self, expected: str, actual: str, *, url: str = "") -> None:
        self.expected = expected
        self.actual = actual
        self.url = url
        where = f" from {url}" if url else ""
        super().__init__(
            f"content{where} has digest {actual!r}, expected {expected!r}; "
            "the registry or a proxy altered it, so do not use it"
        )


class ExerciseBuildError(DojoError):
    """A solution notebook cannot be turned into an exercise notebook."""
