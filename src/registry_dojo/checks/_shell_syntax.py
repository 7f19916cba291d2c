"""Split shell text into words and operators the way bash does, in one pass.

:mod:`shlex` is not used because it differs from bash where grades depend on it: it starts a
comment at a ``#`` inside a word, keeps a ``\\`` before ``$`` in double quotes and does not parse
``$(...)``. This lexer follows
the bash manual's sections on quoting, comments and operators, and reads each character once.

Words keep their quoting as :class:`Part` objects, so expansion can tell ``'$X'`` (literal)
from ``"$X"``. After expansion a word is a string in which a ``$`` or ``\\`` that the shell
passes on literally is written ``\\$`` or ``\\\\``; any other ``$`` starts a reference that the
script did not set (``$REGISTRY_DOJO_REGISTRY``, ``$(cat FILE)``), which graders read
symbolically. :func:`plain` turns such a string back into the text the shell would pass.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Literal

# Longest first, so "<<<" is matched before "<<" and "<".
_OPERATORS = (
    ";;&",
    "&>>",
    "<<<",
    "<<-",
    "&&",
    "||",
    ";;",
    ";&",
    "|&",
    "&>",
    ">>",
    ">|",
    ">&",
    "<&",
    "<>",
    "<<",
    "(",
    ")",
    ";",
    "&",
    "|",
    "<",
    ">",
)
_OPERATOR_START = frozenset("();<>|&")
_BLANKS = frozenset(" \t")
_DOUBLE_QUOTE_ESCAPES = frozenset('$`"\\')
_SPECIAL_PARAMETERS = frozenset("@*#?$!-")
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
# A reference in an expanded word: an escaped character (skipped), $NAME or ${NAME}.
_REFERENCE = re.compile(r"\\.|\$(?:\{([A-Za-z_][A-Za-z0-9_]*)\}|([A-Za-z_][A-Za-z0-9_]*))", re.S)
_SNIPPET_LENGTH = 60
# Characters that neither end an unquoted word nor start quoting or an expansion.
_ORDINARY = re.compile(r"[^ \t\n();<>|&\\'\"$`]+")
# Characters inside double quotes that are not special there.
_DOUBLE_QUOTED = re.compile(r"[^\"\\$`]+")

Quoting = Literal["none", "double", "literal"]


@dataclass(frozen=True)
class Part:
    """A run of a word with one kind of quoting.

    ``literal`` text (single quotes, backslash escapes) is passed as is; ``none`` (unquoted)
    and ``double`` text still contain ``$`` expansions, and unquoted expansions are split at
    blanks.
    """

    text: str
    quoting: Quoting


@dataclass(frozen=True)
class Word:
    """A shell word as written: its parts, and its source text for feedback."""

    parts: tuple[Part, ...]
    source: str

    def assignment(self) -> tuple[str, Word] | None:
        """Return ``(NAME, value)`` if the word is ``NAME=value`` with an unquoted name."""
        if not self.parts or self.parts[0].quoting != "none":
            return None
        first = self.parts[0].text
        match = _NAME.match(first)
        if match is None or first[match.end() : match.end() + 1] != "=":
            return None
        rest = first[match.end() + 1 :]
        value_parts = ((Part(rest, "none"),) if rest else ()) + self.parts[1:]
        return match[0], Word(value_parts, self.source[match.end() + 1 :])

    def unquoted(self) -> str | None:
        """Return the word's text if no part of it is quoted or escaped, else None."""
        if all(part.quoting == "none" for part in self.parts):
            return "".join(part.text for part in self.parts)
        return None


@dataclass(frozen=True)
class Operator:
    """A control or redirection operator (``;``, ``&&``, ``|``, ``<``, ``<<<``...)."""

    text: str


@dataclass(frozen=True)
class Newline:
    """An unquoted newline, which ends a command like ``;``."""


Token = Word | Operator | Newline


class LexError(Exception):
    """Text that bash could not split into words."""


def _snippet(text: str, start: int) -> str:
    line_start = text.rfind("\n", 0, start) + 1
    snippet = text[line_start:].strip()
    if len(snippet) > _SNIPPET_LENGTH:
        snippet = snippet[:_SNIPPET_LENGTH] + "..."
    return snippet


class _Lexer:
    """One pass over the text; `position` only moves forward."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.position = 0

    def peek(self, offset: int = 0) -> str:
        index = self.position + offset
        return self.text[index] if index < len(self.text) else ""

    def tokens(self) -> Iterator[Token]:
        while self.position < len(self.text):
            char = self.peek()
            if char in _BLANKS:
                self.position += 1
            elif char == "\\" and self.peek(1) == "\n":
                self.position += 2
            elif char == "\n":
                self.position += 1
                yield Newline()
            elif char == "#":
                end = self.text.find("\n", self.position)
                self.position = len(self.text) if end < 0 else end
            elif char in _OPERATOR_START:
                yield self.operator()
            else:
                word = self.word()
                if word is not None:
                    yield word

    def operator(self) -> Operator:
        for candidate in _OPERATORS:
            if self.text.startswith(candidate, self.position):
                self.position += len(candidate)
                if candidate in ("<<", "<<-"):
                    raise LexError("here-documents (<<) are not supported; use a pipe or < FILE")
                return Operator(candidate)
        raise AssertionError("unreachable: every operator start character is an operator")

    def word(self) -> Word | None:
        start = self.position
        parts: list[Part] = []
        while self.position < len(self.text):
            char = self.peek()
            if char in _BLANKS or char == "\n" or char in _OPERATOR_START:
                break
            if char == "\\":
                self.backslash(parts)
            elif char == "'":
                parts.append(Part(self.single_quoted(), "literal"))
            elif char == '"':
                parts.extend(self.double_quoted())
            elif char == "$" and self.peek(1) == "'":
                raise LexError(
                    f"$'...' quoting is not supported in {_snippet(self.text, start)!r}; "
                    "use plain single quotes"
                )
            elif char in "$`":
                parts.append(Part(self.expansion(), "none"))
            else:
                parts.append(Part(self.run_of(_ORDINARY), "none"))
        source = self.text[start : self.position]
        if self.is_descriptor(parts):
            return None
        return Word(_merge(parts), source)

    def run_of(self, pattern: re.Pattern[str]) -> str:
        """Consume the longest run of `pattern` characters, or at least one character."""
        match = pattern.match(self.text, self.position)
        end = match.end() if match and match.end() > self.position else self.position + 1
        run = self.text[self.position : end]
        self.position = end
        return run

    def is_descriptor(self, parts: list[Part]) -> bool:
        """Return whether the word is a file descriptor number glued to a redirection, as in 2>."""
        text = "".join(part.text for part in parts)
        quoted = any(part.quoting != "none" for part in parts)
        return text.isdigit() and not quoted and self.peek() in ("<", ">")

    def backslash(self, parts: list[Part]) -> None:
        following = self.peek(1)
        self.position += 2
        if following == "\n":
            return
        if following == "":
            self.position -= 1
            following = "\\"
        parts.append(Part(following, "literal"))

    def single_quoted(self) -> str:
        start = self.position
        end = self.text.find("'", start + 1)
        if end < 0:
            raise LexError(f"a quotation mark is never closed in {_snippet(self.text, start)!r}")
        self.position = end + 1
        return self.text[start + 1 : end]

    def double_quoted(self) -> list[Part]:
        start = self.position
        self.position += 1
        parts: list[Part] = [Part("", "double")]
        while True:
            char = self.peek()
            if char == "":
                raise LexError(
                    f"a quotation mark is never closed in {_snippet(self.text, start)!r}"
                )
            if char == '"':
                self.position += 1
                return parts
            if char == "\\" and self.peek(1) in _DOUBLE_QUOTE_ESCAPES:
                parts.append(Part(self.peek(1), "literal"))
                self.position += 2
            elif char == "\\" and self.peek(1) == "\n":
                self.position += 2
            elif char == "\\":
                parts.append(Part("\\", "literal"))
                self.position += 1
            elif char in "$`":
                parts.append(Part(self.expansion(), "double"))
            else:
                parts.append(Part(self.run_of(_DOUBLE_QUOTED), "double"))

    def expansion(self) -> str:
        """Read ``$NAME``, ``${...}``, ``$(...)`` or a backquoted command; return it as written."""
        start = self.position
        if self.peek() == "`":
            end = self.text.find("`", start + 1)
            if end < 0:
                raise LexError(f"a backquote is never closed in {_snippet(self.text, start)!r}")
            self.position = end + 1
            return self.text[start : self.position]
        following = self.peek(1)
        if following in ("(", "{"):
            self.position += 1
            self.balanced(following, ")" if following == "(" else "}")
            return self.text[start : self.position]
        match = _NAME.match(self.text, start + 1)
        if match is not None:
            self.position = match.end()
        elif following and (following.isdigit() or following in _SPECIAL_PARAMETERS):
            self.position = start + 2
        else:
            self.position = start + 1
        return self.text[start : self.position]

    def balanced(self, opening: str, closing: str) -> None:
        """Skip from an opening bracket to its partner, stepping over quoted text."""
        start = self.position
        depth = 0
        while self.position < len(self.text):
            char = self.peek()
            if char == "\\":
                self.position += 2
                continue
            if char == "'":
                self.single_quoted()
                continue
            if char == '"':
                self.double_quoted()
                continue
            self.position += 1
            if char == opening:
                depth += 1
            elif char == closing:
                depth -= 1
                if depth == 0:
                    return
        raise LexError(f"{opening!r} is never closed in {_snippet(self.text, start)!r}")


def _merge(parts: list[Part]) -> tuple[Part, ...]:
    """Join neighbouring parts with the same quoting, so parts stay few."""
    merged: list[Part] = []
    for quoting, group in itertools.groupby(parts, key=lambda part: part.quoting):
        merged.append(Part("".join(part.text for part in group), quoting))
    return tuple(merged)


def tokenize(text: str) -> list[Token]:
    """Split `text` into words, operators and newlines; raise LexError if bash could not."""
    return list(_Lexer(text).tokens())


def escape(text: str) -> str:
    """Write literal text in the expanded-word form: ``$`` and ``\\`` get a backslash."""
    return text.replace("\\", "\\\\").replace("$", "\\$")


def plain(expanded: str) -> str:
    """Return the text the shell passes for an expanded word (undo :func:`escape`)."""
    return re.sub(r"\\(.)", r"\1", expanded, flags=re.S)


def has_literal_dollar(expanded: str) -> bool:
    """Return whether the word has a quoted or escaped ``$``, which the shell does not expand."""
    return any(match[0] == "\\$" for match in re.finditer(r"\\.", expanded, flags=re.S))


def references(expanded: str) -> list[str]:
    """Return the names of the ``$NAME`` and ``${NAME}`` references left in an expanded word."""
    return [match[1] or match[2] for match in _REFERENCE.finditer(expanded) if match[0][0] == "$"]


def has_substitution(expanded: str) -> bool:
    """Return whether an expanded word still has ``$(...)``, a backquote or a complex ``${...}``."""
    unescaped = re.sub(r"\\.", "", expanded, flags=re.S)
    if "`" in unescaped or "$(" in unescaped:
        return True
    return re.search(r"\$\{(?![A-Za-z_][A-Za-z0-9_]*\})", unescaped) is not None


def _expand_text(text: str, variables: Mapping[str, str]) -> str:
    """Expand the ``$NAME`` and ``${NAME}`` that `variables` sets; keep other ``$`` as written."""

    def replace(match: re.Match[str]) -> str:
        name = match[1] or match[2]
        if name in variables:
            return variables[name]
        return match[0]

    pattern = r"\$(?:\{([A-Za-z_][A-Za-z0-9_]*)\}|([A-Za-z_][A-Za-z0-9_]*))"
    return re.sub(pattern, replace, text)


def expand(word: Word, variables: Mapping[str, str], *, split: bool = True) -> list[str]:
    """Expand `word` with the script's `variables` into fields in the expanded-word form.

    `variables` hold expanded-form values. Unquoted expansions are split at blanks when
    `split` is true, as bash splits them with the default IFS; an unquoted expansion that
    is empty and the whole word gives no field at all.
    """
    # NOTE: brace expansion, globbing and "~" are not performed, so "app:{1,2}" stays one
    # word where bash passes two, and "~/pw" is not replaced by the home folder.
    fields = [""]
    quoted = False
    for part in word.parts:
        if part.quoting == "literal":
            fields[-1] += escape(part.text)
            quoted = True
        elif part.quoting == "double":
            fields[-1] += _expand_text(part.text, variables)
            quoted = True
        elif not split:
            fields[-1] += _expand_text(part.text, variables)
        else:
            _append_split(fields, part.text, variables)
    nonempty = [field for field in fields if field]
    if not nonempty and quoted:
        return [""]
    return nonempty


def _append_split(fields: list[str], text: str, variables: Mapping[str, str]) -> None:
    position = 0
    pattern = re.compile(r"\$(?:\{([A-Za-z_][A-Za-z0-9_]*)\}|([A-Za-z_][A-Za-z0-9_]*))")
    for match in pattern.finditer(text):
        fields[-1] += text[position : match.start()]
        position = match.end()
        name = match[1] or match[2]
        if name not in variables:
            fields[-1] += match[0]
            continue
        pieces = re.split(r"[ \t\n]+", variables[name])
        fields[-1] += pieces[0]
        fields.extend(pieces[1:])
    fields[-1] += text[position:]
