"""Docker commands as values, parsed from argv the way Docker's CLI 28 parses them.

Flags follow Docker's CLI library (spf13/pflag) and cobra, including their error texts,
because no Python package parses Docker's command line. The texts were checked against
``docker`` 28.2.2 run with ``DOCKER_HOST=unix:///nonexistent``, which parses the whole
command line before it contacts a daemon.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

from registry_dojo.checks._flags import FlagSpec, parse_flags
from registry_dojo.checks._shell_syntax import plain

PasswordSource = Literal["stdin", "flag", "prompt"]

_ASSIGNMENT = re.compile(r"^([A-Za-z_][A-Za-z0-9_]*)=(.*)$", re.DOTALL)

_GLOBAL_FLAGS: FlagSpec = {
    "config": ("", True),
    "context": ("c", True),
    "debug": ("D", False),
    "help": ("h", False),
    "host": ("H", True),
    "log-level": ("l", True),
    "tls": ("", False),
    "tlscacert": ("", True),
    "tlscert": ("", True),
    "tlskey": ("", True),
    "tlsverify": ("", False),
    "version": ("v", False),
}
# Levels that logrus.ParseLevel accepts, in any letter case.
_LOG_LEVELS = frozenset({"panic", "fatal", "error", "warn", "warning", "info", "debug", "trace"})
# docker 28's own commands (`docker --help`) and the plugins Docker Desktop ships. A command
# outside these is "unknown" unless a plugin of that name is installed.
_TOP_LEVEL_COMMANDS_TEXT = (
    "run exec ps build pull push images login logout search version info builder "
    "checkpoint container context image manifest network plugin system trust volume "
    "config node secret service stack swarm attach commit cp create diff events export "
    "history import inspect kill load logs pause port rename restart rm rmi save start "
    "stats stop tag top unpause update wait buildx compose scout"
)
_TOP_LEVEL_COMMANDS = frozenset(_TOP_LEVEL_COMMANDS_TEXT.split())
_IMAGE_COMMANDS_TEXT = "build history import inspect load ls prune pull push rm save tag"
_IMAGE_COMMANDS = frozenset(_IMAGE_COMMANDS_TEXT.split())
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
# Every docker subcommand takes --help; -h is its deprecated shorthand, which still works.
_HELP: FlagSpec = {"help": ("h", False)}
# sudo options that take a value, from sudo(8).
_SUDO_VALUE_OPTIONS = frozenset({"-u", "-g", "-h", "-p", "-C", "-U", "-r", "-t", "-D", "-T"})


@dataclass(frozen=True)
class ParseError:
    """Text that cannot be read as shell commands, or a docker command Docker would reject.

    `control_flow` is true when the text is valid shell but uses control flow (``||``, ``&``,
    ``if``, ``eval``...) that the checks do not follow.
    """

    message: str
    control_flow: bool = False

    def __str__(self) -> str:
        return self.message


@dataclass(frozen=True)
class Stdin:
    """Source of a command's standard input.

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


def take_assignments(words: list[str]) -> dict[str, str]:
    """Remove leading ``NAME=value`` words from `words` and return them."""
    assignments: dict[str, str] = {}
    while words and (match := _ASSIGNMENT.match(words[0])):
        assignments[match[1]] = match[2]
        words.pop(0)
    return assignments


def unwrap(words: list[str], env: dict[str, str]) -> tuple[list[str], dict[str, str]]:
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
        env.update(take_assignments(words))
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


def display(words: tuple[str, ...] | list[str]) -> str:
    """Join expanded words for feedback, quoting only those that contain spaces or are empty."""
    shown = [plain(word) for word in words]
    return " ".join(f'"{word}"' if not word or " " in word else word for word in shown)


def _global_problem(flags: Mapping[str, str | bool]) -> str:
    """Return docker's error for global flags it rejects before running a command, or ""."""
    level = flags.get("log-level")
    if isinstance(level, str) and level.lower() not in _LOG_LEVELS:
        return f"Unable to parse logging level: {level}"
    if "host" in flags and "context" in flags:
        return "conflicting options: cannot specify both --host and --context"
    return ""


def docker(args: list[str], env: Mapping[str, str], stdin: Stdin | None) -> Command | ParseError:
    """Parse the arguments after ``docker``; `env` is the environment docker would see."""
    text = display(["docker", *_masked(args)])
    parsed = parse_flags(args, _GLOBAL_FLAGS, interspersed=False)
    if isinstance(parsed, str):
        return ParseError(f"{text}: {parsed}")
    flags, rest = parsed
    problem = _global_problem(flags)
    if problem:
        return ParseError(f"{text}: {problem}")
    config = flags.get("config")
    config_dir = config if isinstance(config, str) else env.get("DOCKER_CONFIG")
    if not rest and flags.get("version") is True:
        return ParseError(f"{text}: docker prints its version and runs no command")
    if not rest or flags.get("help") is True:
        return ParseError(f"{text}: docker prints its usage and runs no command")
    if rest[0] == "image" and len(rest) > 1:
        path = ["docker", "image", rest[1]]
        known = rest[1] in _IMAGE_COMMANDS
    else:
        path = ["docker", rest[0]]
        known = rest[0] in _TOP_LEVEL_COMMANDS
    if not known:
        return ParseError(f"{text}: docker: unknown command: {' '.join(path)}")
    return _subcommand(path, rest[len(path) - 1 :], text, config_dir, stdin)


def _count_error(path: list[str], expected: int, at_most: bool) -> str:
    noun = "argument" if expected == 1 else "arguments"
    quantity = "at most " if at_most else ""
    return f"docker: '{' '.join(path)}' requires {quantity}{expected} {noun}"


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
    parsed = parse_flags(args, {**spec, **_HELP}, interspersed=True)
    if isinstance(parsed, str):
        return ParseError(f"{text}: {parsed}")
    flags, positional = parsed
    if flags.get("help") is True:
        return ParseError(
            f"{text}: --help makes docker print the usage of '{' '.join(path)}' and run "
            "nothing; remove it"
        )
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
