"""Parse ``WWW-Authenticate`` header values (RFC 7235 challenges).

A registry's Bearer challenge carries quoted values that contain commas and colons, for example
``Bearer realm="https://auth.example/token",service="reg",scope="repository:a/b:pull,push"``,
so splitting on commas breaks it. httpx has no public parser for this header, hence this one.
"""

from __future__ import annotations

from dataclasses import dataclass, field

_TOKEN_CHARS = frozenset(
    "!#$%&'*+-.^_`|~0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
)
_WHITESPACE = " \t"


@dataclass(frozen=True)
class Challenge:
    """One authentication challenge: a scheme (lower case) and its parameters (keys lower case)."""

    scheme: str
    params: dict[str, str] = field(default_factory=dict)

    def get(self, key: str) -> str | None:
        """Return the parameter `key` (case-insensitive), or None when the challenge lacks it."""
        return self.params.get(key.lower())


def parse_challenges(header: str) -> list[Challenge]:
    """Return every challenge in a ``WWW-Authenticate`` value, in order.

    Parameter values may be tokens or quoted strings with backslash escapes. Unquoted values
    are read up to the next comma or space, which also accepts the unquoted URLs some servers
    send. Text that is not a challenge is skipped, so a malformed header gives fewer
    challenges instead of an exception.
    """
    parser = _Parser(header)
    challenges: list[Challenge] = []
    while not parser.at_end():
        parser.skip(_WHITESPACE + ",")
        scheme = parser.token()
        if not scheme:
            parser.advance()
            continue
        challenges.append(Challenge(scheme.lower(), parser.params()))
    return challenges


class _Parser:
    def __init__(self, text: str) -> None:
        self.text = text
        self.pos = 0

    def at_end(self) -> bool:
        return self.pos >= len(self.text)

    def advance(self) -> None:
        self.pos += 1

    def peek(self) -> str:
        return self.text[self.pos] if self.pos < len(self.text) else ""

    def skip(self, chars: str) -> None:
        while not self.at_end() and self.text[self.pos] in chars:
            self.pos += 1

    def token(self) -> str:
        start = self.pos
        while not self.at_end() and self.text[self.pos] in _TOKEN_CHARS:
            self.pos += 1
        return self.text[start : self.pos]

    def params(self) -> dict[str, str]:
        """Read ``key=value`` pairs until the next challenge's scheme or the end."""
        params: dict[str, str] = {}
        while True:
            self.skip(_WHITESPACE + ",")
            start = self.pos
            key = self.token()
            self.skip(_WHITESPACE)
            if not key or self.peek() != "=":
                # A token without "=" starts the next challenge (or is a token68, ignored).
                self.pos = start if key else self.pos
                return params
            self.advance()
            self.skip(_WHITESPACE)
            params[key.lower()] = self.quoted() if self.peek() == '"' else self.bare_value()

    def quoted(self) -> str:
        self.advance()
        chars: list[str] = []
        while not self.at_end():
            char = self.text[self.pos]
            self.pos += 1
            if char == '"':
                break
            if char == "\\" and not self.at_end():
                char = self.text[self.pos]
                self.pos += 1
            chars.append(char)
        return "".join(chars)

    def bare_value(self) -> str:
        start = self.pos
        while not self.at_end() and self.text[self.pos] not in _WHITESPACE + ",":
            self.pos += 1
        return self.text[start : self.pos]
