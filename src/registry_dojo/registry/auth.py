"""What a client has learned about a registry's authentication, and the Bearer tokens it holds.

A registry names its scheme only in the ``WWW-Authenticate`` header of a 401. With Basic, the
same header then goes on every request. With Bearer, each token covers one scope (``pull``,
``pull,push`` or ``delete`` on one repository). A push or a delete therefore needs a new token
after a pull, so tokens are cached per scope and every 401 starts a new challenge round.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass

from registry_dojo.registry.challenge import Challenge

BASIC = "basic"
BEARER = "bearer"
NO_AUTH = "none"


def repository_scope(repo: str, actions: str) -> str:
    """Return the token scope for `actions` (``pull``, ``pull,push``, ``delete``) on `repo`."""
    return f"repository:{repo}:{actions}"


CATALOG_SCOPE = "registry:catalog:*"


def basic_authorization(username: str, password: str) -> str:
    """Return the ``Authorization`` value for HTTP Basic (RFC 7617, UTF-8 credentials)."""
    pair = f"{username}:{password}".encode()
    return "Basic " + base64.b64encode(pair).decode("ascii")


@dataclass(frozen=True)
class TokenService:
    """Token service of a Bearer registry: the realm and service named in its challenge."""

    realm: str
    service: str | None


class AuthState:
    """The scheme a registry asked for, its token service, and tokens cached per scope."""

    def __init__(self, username: str | None, password: str | None) -> None:
        self._basic = None
        if username is not None and password is not None:
            self._basic = basic_authorization(username, password)
        self.scheme: str | None = None
        self.token_service: TokenService | None = None
        self._tokens: dict[str, str] = {}

    @property
    def basic(self) -> str | None:
        """The Basic ``Authorization`` value, or None without credentials."""
        return self._basic

    def authorization(self, scope: str | None) -> str | None:
        """Return the ``Authorization`` value to send for `scope`, or None to send none."""
        if self.scheme == BASIC:
            return self._basic
        if self.scheme == BEARER:
            token = self._tokens.get(scope or "")
            return None if token is None else f"Bearer {token}"
        return None

    def needs_token(self, scope: str | None) -> bool:
        """Tell whether a Bearer token for `scope` must be fetched before the request."""
        return self.scheme == BEARER and (scope or "") not in self._tokens

    def store_token(self, scope: str | None, token: str) -> None:
        self._tokens[scope or ""] = token

    def forget_token(self, scope: str | None) -> None:
        self._tokens.pop(scope or "", None)

    def learn(self, challenges: list[Challenge]) -> Challenge | None:
        """Record the scheme of the first Bearer (else Basic) challenge and return it.

        Returns None when no challenge has a scheme this client speaks, or a Bearer challenge
        has no realm.
        """
        by_scheme = {challenge.scheme: challenge for challenge in reversed(challenges)}
        bearer = by_scheme.get(BEARER)
        if bearer is not None and bearer.get("realm"):
            self.scheme = BEARER
            self.token_service = TokenService(bearer.params["realm"], bearer.get("service"))
            return bearer
        basic = by_scheme.get(BASIC)
        if basic is not None:
            self.scheme = BASIC
            return basic
        return None
