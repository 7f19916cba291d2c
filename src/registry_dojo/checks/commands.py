"""Parse shell answers that run ``docker tag``, ``push``, ``pull``, ``login`` and ``logout``.

Graders compare what a command line means, not its spelling, so flag order, ``--flag=value``,
``docker image tag`` and a password fed through a pipe all parse to the same value. The shell
syntax handled here is the part that answers use: quoting (by :mod:`shlex`), ``\\``
continuations, comments, ``;``, ``&&``, ``||``, ``|`` pipelines, ``<`` and ``<<<`` redirection,
``NAME=value`` prefixes, ``export``, ``sudo`` and ``env``. No shell is run: that would execute
learner text, and no Docker engine is needed. Flags follow Docker's CLI library (spf13/pflag),
including its error texts, because no Python package parses Docker's command line.
"""

from __future__ import annotations

import re
import shlex
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

from registry_dojo.checks._flags import FlagSpec, parse_flags

PasswordSource = Literal["stdin", "flag", "prompt"]

_CONTINUATION = re.compile(r"\\\r?\n")
_ASSIGNMENT = re.compile(r"^([A-Za-z_][A-Za-z0-9_]*)=(.*)$", re.DOTALL)
_OPERATOR_CHARS = frozenset("();<>|&")
_SEPARATORS = frozenset({";", "&&", "||", "&", ";;"})
_PIPES = frozenset({"|", "|&"})

_GLOBAL_FLAGS: FlagSpec = {
    "config": ("", True),
    "context": ("c", True),
    "debug": ("D", False),
    "host": ("H", True),
    "log-level": ("l", True),
    "tls": ("", False),
    "tlscacert": ("", True),
    "tlscert": ("", True),
    "tlskey": ("", True),
    "tlsverify": ("", False),
}
_TRANSFER_FLAGS: FlagSpec = {
    "all-tags": ("a", False),
    "disable-content-trust": ("", False),
    "platform": ("", True),
    "quiet": ("q", False),
}
_LOGIN_FLAGS: FlagSpec = {
    "password": ("p", True),
    "password-stdin": ("", False),
    "username": ("u", True),
}
# sudo options that take a value, from sudo(8).
_SUDO_VALUE_OPTIONS = frozenset({"-u", "-g", "-h", "-p", "-C", "-U", "-r", "-t", "-D", "-T"})


@dataclass(frozen=True)
class ParseError:
    """Text that cannot be read as shell commands, or a docker command Docker would reject."""

    message: str

    def __str__(self) -> str:
        return self.message


@dataclass(frozen=True)
class Stdin:
    """What feeds a command's standard input.

    `kind` is ``pipe`` (`source` is the feeding command and `argv` its words), ``file``
    (``< FILE``; `source` is the file name) or ``here-string`` (``<<< WORD``).
    """

    kind: Literal["pipe", "file", "here-string"]
    source: str
    argv: tuple[str, ...] = ()


@dataclass(frozen=True, kw_only=True)
class DockerCommand:
    """Fields every docker command has.

    `text` is the command as written, for feedback. `config` is the Docker configuration
    folder it uses (``--config`` or ``DOCKER_CONFIG``), or None for the default.
    """

    text: str
    config: str | None = None


@dataclass(frozen=True, kw_only=True)
class TagCommand(DockerCommand):
    """``docker tag SOURCE TARGET`` or ``docker image tag SOURCE TARGET``."""

    source: str
    target: str


@dataclass(frozen=True, kw_only=True)
class PushCommand(DockerCommand):
    """``docker push [-a] [-q] NAME`` or ``docker image push ...``."""

    name: str
    all_tags: bool = False
    quiet: bool = False


@dataclass(frozen=True, kw_only=True)
class PullCommand(DockerCommand):
    """``docker pull [-a] [-q] NAME`` or ``docker image pull ...``."""

    name: str
    all_tags: bool = False
    quiet: bool = False


@dataclass(frozen=True, kw_only=True)
class LoginCommand(DockerCommand):
    """``docker login [-u USER] [-p PASSWORD | --password-stdin] [SERVER]``.

    `server` is None when no server is given, which means Docker Hub. `password_source`
    names where the password comes from: ``flag`` (``-p``), ``stdin`` (``--password-stdin``) or
    ``prompt`` (neither). The password itself is never kept.
    """

    server: str | None
    username: str | None
    password_source: PasswordSource
    stdin: Stdin | None = None


@dataclass(frozen=True, kw_only=True)
class LogoutCommand(DockerCommand):
    """``docker logout [SERVER]``."""

    server: str | None


@dataclass(frozen=True, kw_only=True)
class OtherDockerCommand(DockerCommand):
    """A docker subcommand this module does not model (``docker build``, ``docker run``...)."""

    args: tuple[str, ...]


@dataclass(frozen=True)
class ShellCommand:
    """A command that is not docker (``echo``, ``export``, ``cat``...)."""

    argv: tuple[str, ...]
    text: str


Command = (
    TagCommand
    | PushCommand
    | PullCommand
    | LoginCommand
    | LogoutCommand
    | OtherDockerCommand
    | ShellCommand
)


@dataclass(frozen=True)
class _Simple:
    """One simple command of a pipeline, with its redirections resolved."""

    words: tuple[str, ...]
    stdin: Stdin | None


def _tokens(line: str) -> list[str]:
    lexer = shlex.shlex(line, posix=True, punctuation_chars=True)
    lexer.whitespace_split = True
    return list(lexer)


def _display(words: tuple[str, ...] | list[str]) -> str:
    """Join words for feedback, quoting only those that contain spaces or are empty."""
    return " ".join(f'"{word}"' if not word or " " in word else word for word in words)


def _logical_lines(text: str) -> list[str] | ParseError:
    """Join ``\\`` continuations and quoted newlines, then split the text into lines."""
    lines: list[str] = []
    pending = ""
    for line in _CONTINUATION.sub(" ", text).splitlines():
        candidate = f"{pending}\n{line}" if pending else line
        try:
            _tokens(candidate)
        except ValueError as error:
            if str(error) != "No closing quotation":
                return ParseError(f"cannot read {candidate.strip()!r} as a shell command: {error}")
            pending = candidate
            continue
        lines.append(candidate)
        pending = ""
    if pending:
        return ParseError(f"a quotation mark is never closed in {pending.strip()!r}")
    return lines


def _is_operator(token: str) -> bool:
    return bool(token) and set(token) <= _OPERATOR_CHARS


def _split_statements(tokens: list[str]) -> list[list[str]] | ParseError:
    statements: list[list[str]] = [[]]
    for token in tokens:
        if token in _SEPARATORS:
            statements.append([])
        elif token in ("(", ")"):
            return ParseError("subshells with ( ) are not supported; write one command per line")
        else:
            statements[-1].append(token)
    return [statement for statement in statements if statement]


def _simple_command(tokens: list[str]) -> _Simple | ParseError:
    words: list[str] = []
    stdin: Stdin | None = None
    index = 0
    while index < len(tokens):
        token = tokens[index]
        following = tokens[index + 1] if index + 1 < len(tokens) else None
        if not _is_operator(token):
            if token.isdigit() and following is not None and following[:1] in "<>":
                index += 1  # a file descriptor number, as in 2>/dev/null
                continue
            words.append(token)
            index += 1
            continue
        if token in ("<<", "<<-"):
            return ParseError("here-documents (<<) are not supported; use a pipe or < FILE")
        if following is None or _is_operator(following):
            return ParseError(f"missing file name after {token!r}")
        if token == "<":
            stdin = Stdin("file", following)
        elif token == "<<<":
            stdin = Stdin("here-string", following)
        index += 2
    return _Simple(tuple(words), stdin)


def _pipeline(tokens: list[str]) -> list[_Simple] | ParseError:
    parts: list[list[str]] = [[]]
    for token in tokens:
        if token in _PIPES:
            parts.append([])
        else:
            parts[-1].append(token)
    commands: list[_Simple] = []
    for position, part in enumerate(parts):
        if not part:
            return ParseError(f"a pipe has no command on one side in {_display(tokens)!r}")
        simple = _simple_command(part)
        if isinstance(simple, ParseError):
            return simple
        if position > 0 and simple.stdin is None:
            feeder = commands[-1].words
            simple = _Simple(simple.words, Stdin("pipe", _display(feeder), feeder))
        commands.append(simple)
    return commands


class _Shell:
    """Variables the script sets, so ``export DOCKER_CONFIG=...`` reaches later commands."""

    def __init__(self) -> None:
        self.variables: dict[str, str] = {}
        self.exported: dict[str, str] = {}

    def run(self, simple: _Simple) -> Command | ParseError | None:
        words = list(simple.words)
        env = dict(self.exported)
        assignments = _take_assignments(words)
        if not words:
            self.variables.update(assignments)
            return None
        env.update(assignments)
        if words[0] == "export":
            self._export(words[1:])
            return ShellCommand(tuple(simple.words), _display(simple.words))
        words, env = _unwrap(words, env)
        if not words or words[0].rsplit("/", 1)[-1] != "docker":
            return ShellCommand(tuple(simple.words), _display(simple.words))
        return _docker(words[1:], env, simple.stdin)

    def _export(self, names: list[str]) -> None:
        for item in names:
            match = _ASSIGNMENT.match(item)
            if match:
                self.variables[match[1]] = match[2]
                self.exported[match[1]] = match[2]
            elif item in self.variables:
                self.exported[item] = self.variables[item]


def _take_assignments(words: list[str]) -> dict[str, str]:
    """Remove leading ``NAME=value`` words from `words` and return them."""
    assignments: dict[str, str] = {}
    while words and (match := _ASSIGNMENT.match(words[0])):
        assignments[match[1]] = match[2]
        words.pop(0)
    return assignments


def _unwrap(words: list[str], env: dict[str, str]) -> tuple[list[str], dict[str, str]]:
    """Strip ``sudo``, ``env``, ``command``, ``exec`` and ``time`` in front of a command.

    sudo resets the environment unless given ``-E`` or ``--preserve-env``, as sudo(8) does by
    default, so only assignments written after sudo reach the command.
    """
    while words and words[0] in ("sudo", "env", "command", "exec", "time"):
        wrapper = words.pop(0)
        keep_env = wrapper != "sudo"
        while words and words[0].startswith("-") and words[0] != "-":
            option = words.pop(0)
            if option == "--":
                break
            if option in ("-E",) or option.startswith("--preserve-env"):
                keep_env = True
            elif option == "-i" and wrapper == "env":
                keep_env = False
            elif wrapper == "sudo" and option in _SUDO_VALUE_OPTIONS and words:
                words.pop(0)
            elif wrapper == "env" and option == "-u" and words:
                env.pop(words.pop(0), None)
        if not keep_env:
            env = {}
        env.update(_take_assignments(words))
    return words, env


def _masked(args: list[str]) -> list[str]:
    """Return docker arguments with any ``docker login`` password replaced by ``***``."""
    if "login" not in args:
        return list(args)
    masked: list[str] = []
    hide_next = False
    for arg in args:
        if hide_next:
            masked.append("***")
            hide_next = False
        elif arg in ("-p", "--password"):
            masked.append(arg)
            hide_next = True
        elif arg.startswith("--password="):
            masked.append("--password=***")
        elif arg.startswith("-p") and not arg.startswith("--"):
            masked.append("-p***")
        else:
            masked.append(arg)
    return masked


def _docker(args: list[str], env: Mapping[str, str], stdin: Stdin | None) -> Command | ParseError:
    text = _display(["docker", *_masked(args)])
    parsed = parse_flags(args, _GLOBAL_FLAGS, interspersed=False)
    if isinstance(parsed, str):
        return ParseError(f"{text}: {parsed}")
    flags, rest = parsed
    config = flags.get("config")
    config_dir = config if isinstance(config, str) else env.get("DOCKER_CONFIG")
    if not rest:
        return ParseError(f"{text}: no docker subcommand given")
    if rest[0] == "image" and len(rest) > 1 and rest[1] in ("tag", "push", "pull"):
        path = ["docker", "image", rest[1]]
    else:
        path = ["docker", rest[0]]
    return _subcommand(path, rest[len(path) - 1 :], text, config_dir, stdin)


def _count_error(path: list[str], expected: int, at_most: bool) -> str:
    noun = "argument" if expected == 1 else "arguments"
    quantity = "at most" if at_most else "exactly"
    return f'"{" ".join(path)}" requires {quantity} {expected} {noun}.'


_SUBCOMMAND_FLAGS: Mapping[str, FlagSpec] = {
    "tag": {},
    "push": _TRANSFER_FLAGS,
    "pull": _TRANSFER_FLAGS,
    "login": _LOGIN_FLAGS,
    "logout": {},
}


def _subcommand(
    path: list[str], args: list[str], text: str, config: str | None, stdin: Stdin | None
) -> Command | ParseError:
    name = path[-1]
    spec = _SUBCOMMAND_FLAGS.get(name)
    if spec is None:
        return OtherDockerCommand(text=text, config=config, args=tuple(path[1:] + args))
    parsed = parse_flags(args, spec, interspersed=True)
    if isinstance(parsed, str):
        return ParseError(f"{text}: {parsed}")
    flags, positional = parsed
    if name == "tag":
        if len(positional) != 2:
            return ParseError(f"{text}: {_count_error(path, 2, at_most=False)}")
        return TagCommand(text=text, config=config, source=positional[0], target=positional[1])
    if name in ("push", "pull"):
        if len(positional) != 1:
            return ParseError(f"{text}: {_count_error(path, 1, at_most=False)}")
        kind = PushCommand if name == "push" else PullCommand
        return kind(
            text=text,
            config=config,
            name=positional[0],
            all_tags=flags.get("all-tags") is True,
            quiet=flags.get("quiet") is True,
        )
    if len(positional) > 1:
        return ParseError(f"{text}: {_count_error(path, 1, at_most=True)}")
    server = positional[0] if positional else None
    if name == "logout":
        return LogoutCommand(text=text, config=config, server=server)
    return _login(flags, server, text, config, stdin)


def _login(
    flags: Mapping[str, str | bool],
    server: str | None,
    text: str,
    config: str | None,
    stdin: Stdin | None,
) -> LoginCommand | ParseError:
    from_flag = "password" in flags
    from_stdin = flags.get("password-stdin") is True
    if from_flag and from_stdin:
        # Current Docker CLI wording. Older releases printed "--password and --password-stdin
        # are mutually exclusive".
        return ParseError(
            f"{text}: conflicting options: cannot specify both --password and --password-stdin"
        )
    source: PasswordSource = "prompt"
    if from_flag:
        source = "flag"
    elif from_stdin:
        source = "stdin"
    username = flags.get("username")
    return LoginCommand(
        text=text,
        config=config,
        server=server,
        username=username if isinstance(username, str) else None,
        password_source=source,
        stdin=stdin,
    )


def parse_script(text: str) -> tuple[Command, ...] | ParseError:
    """Parse shell text into the commands it runs, in order, or return why it cannot."""
    lines = _logical_lines(text)
    if isinstance(lines, ParseError):
        return lines
    shell = _Shell()
    commands: list[Command] = []
    for line in lines:
        statements = _split_statements(_tokens(line))
        if isinstance(statements, ParseError):
            return statements
        for statement in statements:
            pipeline = _pipeline(statement)
            if isinstance(pipeline, ParseError):
                return pipeline
            for simple in pipeline:
                command = shell.run(simple)
                if isinstance(command, ParseError):
                    return command
                if command is not None:
                    commands.append(command)
    return tuple(commands)


def docker_commands(commands: tuple[Command, ...]) -> tuple[DockerCommand, ...]:
    """Return only the docker commands of a parsed script."""
    return tuple(command for command in commands if isinstance(command, DockerCommand))
