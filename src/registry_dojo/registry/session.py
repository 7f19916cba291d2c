"""Send one registry request with the authentication the registry requests.

The flow, the same one `docker` follows:

1. Send the request with whatever credential is known for its scope (none at first).
2. On 401, read the ``WWW-Authenticate`` challenge. Basic: resend with the user's credentials.
   Bearer: get a token for the challenge's scope from the realm (with the credentials as
   Basic, or anonymously), cache it for the request's scope, and resend. One retry at most,
   so wrong credentials fail after two requests.
3. Before a request with a body, make sure the scheme is known (one ``GET /v2/``) and a token
   for the scope is cached, so a large upload is never sent twice because of a 401.
"""

from __future__ import annotations

import logging

import httpx

from registry_dojo.errors import RegistryUnreachable
from registry_dojo.registry.auth import BASIC, BEARER, NO_AUTH, AuthState
from registry_dojo.registry.challenge import parse_challenges
from registry_dojo.registry.responses import error_from, expect, json_body, safe_url
from registry_dojo.registry.validation import check_headers

logger = logging.getLogger(__name__)


class Session:
    """Authenticated request sending for one registry; the public API lives in `Registry`."""

    def __init__(self, base_url: str, auth: AuthState, client: httpx.Client) -> None:
        self.base_url = base_url
        self.auth = auth
        self.client = client

    def send(
        self,
        method: str,
        url: httpx.URL,
        scope: str | None,
        *,
        headers: dict[str, str] | None = None,
        content: bytes | None = None,
        follow_redirects: bool = False,
    ) -> httpx.Response:
        """Send a request needing `scope` and return the response, whatever its status."""
        if content is not None and self.auth.scheme is None:
            self._discover_scheme()
        response = self._send_authorized(method, url, scope, headers, content, follow_redirects)
        if response.status_code != 401 or not self._answer_challenge(response, scope):
            return response
        return self._send_authorized(method, url, scope, headers, content, follow_redirects)

    def _send_authorized(
        self,
        method: str,
        url: httpx.URL,
        scope: str | None,
        headers: dict[str, str] | None,
        content: bytes | None,
        follow_redirects: bool,
    ) -> httpx.Response:
        if self.auth.needs_token(scope):
            self._fetch_token(scope, scope)
        request_headers = dict(headers or {})
        authorization = self.auth.authorization(scope)
        if authorization is not None:
            request_headers["Authorization"] = authorization
        return self.transmit(method, url, request_headers, content, follow_redirects)

    def transmit(
        self,
        method: str,
        url: httpx.URL,
        headers: dict[str, str],
        content: bytes | None = None,
        follow_redirects: bool = False,
    ) -> httpx.Response:
        """Send exactly one request (plus redirects); raise RegistryUnreachable if none arrives.

        Raises ValueError, before sending, for a header value that HTTP cannot carry.
        """
        check_headers(headers)
        try:
            response = self.client.request(
                method, url, headers=headers, content=content, follow_redirects=follow_redirects
            )
        except httpx.TransportError as exc:
            reason = f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
            raise RegistryUnreachable(safe_url(url), reason) from exc
        logger.debug("%s %s -> %d", method, safe_url(url), response.status_code)
        return response

    def _discover_scheme(self) -> None:
        """Learn the registry's scheme from ``GET /v2/`` without credentials."""
        response = self.transmit("GET", httpx.URL(self.base_url + "/v2/"), {})
        if response.status_code == 401:
            self.auth.learn(parse_challenges(response.headers.get("WWW-Authenticate", "")))
        if self.auth.scheme is None:
            self.auth.scheme = NO_AUTH

    def _answer_challenge(self, response: httpx.Response, scope: str | None) -> bool:
        """Act on a 401's challenge; return True when resending the request can succeed."""
        challenge = self.auth.learn(parse_challenges(response.headers.get("WWW-Authenticate", "")))
        if challenge is None:
            return False
        if challenge.scheme == BASIC:
            sent_credentials = "Authorization" in response.request.headers
            return self.auth.basic is not None and not sent_credentials
        self.auth.forget_token(scope)
        self._fetch_token(scope, challenge.get("scope") or scope)
        return True

    def _fetch_token(self, scope: str | None, token_scope: str | None) -> None:
        """Get a token for `token_scope` from the token service; cache it under `scope`."""
        service = self.auth.token_service
        if service is None or self.auth.scheme != BEARER:
            return
        params: list[tuple[str, str | int | float | bool | None]] = []
        if service.service:
            params.append(("service", service.service))
        # A challenge may list several scopes separated by spaces, because a cross-repository
        # mount also needs pull on the source. Token services take each as its own `scope`.
        params.extend(("scope", scope_item) for scope_item in (token_scope or "").split())
        url = httpx.URL(self.base_url).join(service.realm).copy_merge_params(params)
        headers = {} if self.auth.basic is None else {"Authorization": self.auth.basic}
        response = expect(self.transmit("GET", url, headers), 200)
        body = json_body(response)
        token = body.get("token") or body.get("access_token") if isinstance(body, dict) else None
        if not isinstance(token, str) or not token:
            raise error_from(response, "token response has no 'token' or 'access_token' field")
        self.auth.store_token(scope, token)
