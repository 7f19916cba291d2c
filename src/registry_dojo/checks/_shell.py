"""Graders for answers written as docker command lines: tag-and-push, and login.

Commands are parsed with :mod:`registry_dojo.checks.commands` and references normalised with
:mod:`registry_dojo.reference`, so ``hello:1.0`` and ``docker.io/library/hello:1.0`` are the
same image. The push grader replays the script against a model of the local image store, so
it catches a push of a name that was never tagged, as ``docker push`` would.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from registry_dojo import reference
from registry_dojo.checks.commands import (
    Command,
    LoginCommand,
    LogoutCommand,
    ParseError,
    PushCommand,
    ShellCommand,
    Stdin,
    TagCommand,
    docker_commands,
    parse_script,
)
from registry_dojo.checks.exercise import LearnerError
from registry_dojo.checks.result import Case
from registry_dojo.errors import InvalidReferenceError

_VARIABLE = re.compile(r"^\$(?:\{([A-Za-z_][A-Za-z0-9_]*)\}|([A-Za-z_][A-Za-z0-9_]*))$")
_VARIABLE_IN_WORD = re.compile(r"\$(?:\{([A-Za-z_][A-Za-z0-9_]*)\}|([A-Za-z_][A-Za-z0-9_]*))")
_LOOPBACK_NAMES = ("127.0.0.1", "localhost", "[::1]")
PASSWORD_VARIABLE = "REGISTRY_DOJO_PASSWORD"
PASSWORD_FILE_VARIABLE = "REGISTRY_DOJO_PASSWORD_FILE"
_PRINTF_FORMATS = frozenset({"%s", "%s\\n"})
# Commands that may stand next to the login: they neither undo it nor print a secret.
_HARMLESS_COMMANDS = frozenset({"export", "eval", "cd"})


def pull_form(value: str) -> reference.Reference | str:
    """Return `value` as Docker reads it for tag and push (``:latest`` added), or feedback."""
    if "://" in value:
        return (
            f"{value!r} starts with a URL scheme; image references have none (write host/path:tag)"
        )
    try:
        return reference.parse_docker_ref(value)
    except InvalidReferenceError as error:
        if error.reason == reference.NAME_CONTAINS_UPPERCASE:
            return (
                f"{value!r} has uppercase letters in its repository path, which must be lowercase"
            )
        return f"{value!r} is not a valid reference: {error.reason}"


def _has_host(value: str) -> bool:
    first, slash, _ = value.partition("/")
    return bool(slash) and (
        first == "localhost" or "." in first or ":" in first or first.lower() != first
    )


def _target_problem(written: str, parsed: reference.Reference, target: reference.Reference) -> str:
    if parsed.domain != target.domain and not _has_host(written):
        return (
            f"{written!r} has no registry host, so Docker reads it as {str(parsed)!r} and the "
            "push would go to Docker Hub; start the name with the registry's host"
        )
    if parsed.domain != target.domain:
        return f"the registry host of {written!r} is not the task's registry"
    if parsed.path != target.path:
        return f"the repository path of {written!r} is not the task's repository"
    return f"the tag of {written!r} is not the task's tag"


@dataclass
class _PushReplay:
    """Replays tag and push commands against a model of the local image store."""

    source: reference.Reference
    target: reference.Reference
    tag_problem: str | None = "there is no docker tag command, so the registry's name never exists"
    push_problem: str | None = "there is no docker push command"

    def __post_init__(self) -> None:
        self.local = {str(self.source)}
        self.tags_ahead: list[str] = []

    def tag(self, command: TagCommand) -> None:
        target = pull_form(command.target)
        if not isinstance(target, str) and str(target) in self.tags_ahead:
            self.tags_ahead.remove(str(target))
        problem = self._tag_problem(command)
        if self.tag_problem is not None:
            self.tag_problem = problem if problem else None

    def push(self, command: PushCommand) -> None:
        problem = self._push_problem(command)
        if self.push_problem is not None:
            self.push_problem = problem if problem else None

    def _tag_problem(self, command: TagCommand) -> str:
        source = pull_form(command.source)
        if isinstance(source, str):
            return source
        target = pull_form(command.target)
        if isinstance(target, str):
            return target
        if str(source) not in self.local:
            return (
                f"Docker would answer 'No such image: {source.familiar_string}'; "
                f"the local image is {self.source.familiar_string!r}"
            )
        self.local.add(str(target))
        if target != self.target:
            return _target_problem(command.target, target, self.target)
        return ""

    def _push_problem(self, command: PushCommand) -> str:
        name = pull_form(command.name)
        if isinstance(name, str):
            return name
        if command.all_tags:
            return self._push_all_problem(command.name, name)
        if str(name) not in self.local:
            if str(name) in self.tags_ahead:
                return f"pushes {command.name!r} before the docker tag that creates it"
            return (
                f"Docker would answer 'An image does not exist locally with the tag: "
                f"{name.familiar_name}'; push exactly the name you gave with docker tag"
            )
        if name == self.target:
            return ""
        if str(self.target) in self.local:
            return f"you tagged the task's name but pushed {command.name!r}; push the tagged name"
        return _target_problem(command.name, name, self.target)

    def _push_all_problem(self, written: str, name: reference.Reference) -> str:
        plain = reference.parse_normalized_named(written)
        if plain.tag is not None or plain.digest is not None:
            return "Docker answers 'tag can't be used with --all-tags/-a': push the name alone"
        if name.name != self.target.name:
            return _target_problem(written, name, self.target)
        if str(self.target) not in self.local:
            return (
                f"Docker would answer 'An image does not exist locally with the tag: "
                f"{name.familiar_name}'; tag the image first"
            )
        return ""


def unreadable(error: ParseError) -> LearnerError:
    """Return the error that ends a check whose answer cannot be read as shell commands."""
    return LearnerError(
        f"cannot read your commands: {error}",
        label="commands",
        summary="Your answer could not be read as shell commands, so nothing was checked.",
    )


def grade_push(script: str, source: str, target: str) -> list[Case]:
    """Grade shell text that should tag `source` as `target` and push `target`."""
    parsed = parse_script(script)
    if isinstance(parsed, ParseError):
        raise unreadable(parsed)
    replay = _PushReplay(reference.parse_docker_ref(source), reference.parse_docker_ref(target))
    commands = docker_commands(parsed)
    for command in commands:
        if isinstance(command, TagCommand):
            tagged = pull_form(command.target)
            if not isinstance(tagged, str):
                replay.tags_ahead.append(str(tagged))
    for command in commands:
        if isinstance(command, TagCommand):
            replay.tag(command)
        elif isinstance(command, PushCommand):
            replay.push(command)
    return [
        Case(
            "docker tag",
            replay.tag_problem is None,
            replay.tag_problem or "tags the local image with the registry's name",
        ),
        Case("docker push", replay.push_problem is None, replay.push_problem or "pushes that name"),
    ]


def _resolve(word: str, variables: Mapping[str, str]) -> tuple[str | None, str]:
    """Expand a word that is one ``$NAME`` or ``${NAME}``; return the value or a problem."""
    match = _VARIABLE.match(word)
    if match is None:
        return word, ""
    name = match[1] or match[2]
    if name in variables:
        return variables[name], ""
    return None, f"${name} is not one of the variables that `registry-dojo lab env` sets"


def _server_problem(login: LoginCommand, host: str, variables: Mapping[str, str]) -> str:
    if login.server is None:
        return (
            "no server given, so docker login logs in to Docker Hub; name the lab registry's host"
        )
    server, problem = _resolve(login.server, variables)
    if server is None:
        return problem
    server = re.sub(r"^https?://", "", server).rstrip("/")
    if server == host:
        return ""
    name, _, port = server.rpartition(":")
    lab_name, _, lab_port = host.rpartition(":")
    if port == lab_port and name in _LOOPBACK_NAMES and lab_name in _LOOPBACK_NAMES:
        return (
            f"{server!r} reaches the same registry, but Docker stores credentials per host "
            "string, so a push to the lab's host would find none; use the lab's host exactly"
        )
    return (
        f"{login.server!r} is not the lab registry's host; Docker stores credentials per host, "
        "so a push to the lab would find none"
    )


def _expand(word: str, variables: Mapping[str, str]) -> tuple[str | None, str]:
    """Expand every ``$NAME`` and ``${NAME}`` in `word`; return the text, or None and why."""
    unknown = [
        match[1] or match[2]
        for match in _VARIABLE_IN_WORD.finditer(word)
        if (match[1] or match[2]) not in variables
    ]
    if unknown:
        return None, f"${unknown[0]} is not one of the variables that `registry-dojo lab env` sets"
    expanded = _VARIABLE_IN_WORD.sub(lambda match: variables[match[1] or match[2]], word)
    return expanded, ""


def _variable_name(word: str) -> str | None:
    match = _VARIABLE.match(word)
    return (match[1] or match[2]) if match else None


def _file_problem(word: str, variables: Mapping[str, str]) -> str:
    """Say what is wrong with feeding the file `word` to docker login; "" for the password file."""
    name = _variable_name(word)
    if name == PASSWORD_FILE_VARIABLE:
        return ""
    if name == PASSWORD_VARIABLE:
        return (
            f"${PASSWORD_VARIABLE} holds the password itself (only `registry-dojo lab env "
            f'--reveal` sets it), not a file name; read the file "${PASSWORD_FILE_VARIABLE}" '
            f"instead, or pipe the variable: printf '%s' \"${PASSWORD_VARIABLE}\" |"
        )
    path, problem = _expand(word, variables)
    if path is None:
        return problem
    if path == variables.get(PASSWORD_FILE_VARIABLE):
        return ""
    if path == "/dev/null":
        return (
            "/dev/null is empty, so docker login reads an empty password and fails; "
            f'feed the lab\'s password file, "${PASSWORD_FILE_VARIABLE}"'
        )
    if path.endswith("config.json"):
        return (
            f"{word!r} is Docker's configuration file (JSON that stores credentials), not the "
            f'password; feed the lab\'s password file, "${PASSWORD_FILE_VARIABLE}"'
        )
    return (
        f'{word!r} is not the lab\'s password file; feed "${PASSWORD_FILE_VARIABLE}", the file '
        "that `registry-dojo lab env` names"
    )


def _printed_problem(word: str, variables: Mapping[str, str]) -> str:
    """Say what is wrong with `word` as the text echoed into docker login; "" if right."""
    name = _variable_name(word)
    if name == PASSWORD_VARIABLE:
        return ""
    if "$" not in word:
        return (
            "the password is written out in the command, where shell history shows it; "
            "read it from a variable or a file"
        )
    if name == PASSWORD_FILE_VARIABLE:
        return (
            "echo prints the file's name, not its contents; use "
            f'cat "${PASSWORD_FILE_VARIABLE}" | or < "${PASSWORD_FILE_VARIABLE}"'
        )
    if name is not None and name not in variables:
        return (
            f"${name} is not one of the variables that `registry-dojo lab env` sets; "
            f"`lab env --reveal` adds ${PASSWORD_VARIABLE}, the password itself"
        )
    return (
        f'{word!r} is not the lab\'s password; feed "${PASSWORD_FILE_VARIABLE}" or '
        f'"${PASSWORD_VARIABLE}" (from `registry-dojo lab env --reveal`)'
    )


def _pipe_problem(argv: tuple[str, ...], variables: Mapping[str, str]) -> str:
    """Say what is wrong with the command that pipes the password in; "" if it is right."""
    command, args = argv[0], [arg for arg in argv[1:] if arg != "--"]
    if command == "cat":
        files = [arg for arg in args if not arg.startswith("-")]
        if len(files) != 1:
            return f'cat should print exactly one file, "${PASSWORD_FILE_VARIABLE}"'
        return _file_problem(files[0], variables)
    if command == "echo":
        words = [arg for arg in args if arg not in ("-n", "-e", "-E")]
    elif command == "printf":
        if len(args) == 1 and _variable_name(args[0]) == PASSWORD_VARIABLE:
            return (
                "printf reads its first argument as a format, so a '%' in the password would "
                f"be changed; write printf '%s' \"${PASSWORD_VARIABLE}\""
            )
        if not args or args[0] not in _PRINTF_FORMATS:
            return f"write printf '%s' \"${PASSWORD_VARIABLE}\", so the password is printed as is"
        words = args[1:]
    else:
        return (
            f"the check cannot tell whether `{' '.join(argv)}` prints the lab's password; "
            f'feed "${PASSWORD_FILE_VARIABLE}" with < or cat'
        )
    if len(words) != 1:
        return f'{command} should print only the password, "${PASSWORD_VARIABLE}"'
    return _printed_problem(words[0], variables)


def _stdin_problem(stdin: Stdin, variables: Mapping[str, str]) -> str:
    if stdin.kind == "file":
        return _file_problem(stdin.source, variables)
    if stdin.kind == "here-string":
        return _printed_problem(stdin.source, variables)
    return _pipe_problem(stdin.argv, variables) if stdin.argv else ""


def _password_problem(login: LoginCommand, variables: Mapping[str, str]) -> str:
    if login.password_source == "flag":
        return (
            "-p/--password puts the password on the command line, where shell history and "
            "`ps` show it; feed it on standard input with --password-stdin"
        )
    if login.password_source == "prompt":
        return (
            "without --password-stdin, docker login prompts for the password, which fails "
            "with no terminal: 'cannot perform an interactive login from a non-TTY device'"
        )
    if login.stdin is None:
        return "--password-stdin reads standard input, but nothing is piped or redirected into it"
    return _stdin_problem(login.stdin, variables)


def _shows_secret(argv: tuple[str, ...], variables: Mapping[str, str]) -> bool:
    secrets = {f"${PASSWORD_VARIABLE}", f"${{{PASSWORD_VARIABLE}}}"}
    secrets |= {f"${PASSWORD_FILE_VARIABLE}", f"${{{PASSWORD_FILE_VARIABLE}}}"}
    password_file = variables.get(PASSWORD_FILE_VARIABLE)
    if password_file:
        secrets.add(password_file)
    return argv[0] in ("echo", "printf", "cat") and any(arg in secrets for arg in argv[1:])


def _other_command_problem(
    commands: tuple[Command, ...], login: LoginCommand, host: str, variables: Mapping[str, str]
) -> str:
    """Say what is wrong with the commands around the login; "" if there are none that matter."""
    position = commands.index(login)
    for index, command in enumerate(commands):
        if command is login:
            continue
        if isinstance(command, ShellCommand):
            feeder = login.stdin.argv if login.stdin is not None else ()
            if index == position - 1 and feeder == command.argv:
                continue
            if command.argv[0] in _HARMLESS_COMMANDS:
                continue
            if _shows_secret(command.argv, variables):
                return (
                    f"`{command.text}` prints the password where the terminal and its logs "
                    "show it; send it only into docker login"
                )
            return f"`{command.text}` is not part of logging in; leave it out"
        if isinstance(command, LogoutCommand):
            server = _resolve(command.server, variables)[0] if command.server else None
            if server is not None:
                server = re.sub(r"^https?://", "", server).rstrip("/")
            if index > position and server == host:
                return (
                    f"`{command.text}` after the login removes the lab's credentials again; "
                    "leave it out"
                )
            return (
                f"`{command.text}` is not part of logging in (without a server it logs out of "
                "Docker Hub); leave it out"
            )
        if isinstance(command, LoginCommand):
            return "the answer runs docker login more than once; keep only the lab's login"
        return f"`{command.text}` is not part of logging in; leave it out"
    return ""


def _username_problem(login: LoginCommand, username: str, variables: Mapping[str, str]) -> str:
    if login.username is None:
        if login.password_source == "stdin":
            return "Docker answers 'the --password-stdin option requires --username to be set'"
        return "give the lab's user name with -u/--username"
    given, problem = _resolve(login.username, variables)
    if given is None:
        return problem
    if given != username:
        return f"{login.username!r} is not the lab's user name; see `registry-dojo lab env`"
    return ""


def grade_login(script: str, host: str, username: str, variables: Mapping[str, str]) -> list[Case]:
    """Grade shell text that should log in to the lab (`host`) with the password on stdin.

    `variables` are the lab's shell variables (``registry-dojo lab env``), so an answer may
    write ``"$REGISTRY_DOJO_REGISTRY"`` instead of the host. The password must come from the
    lab's password file or from ``$REGISTRY_DOJO_PASSWORD`` (set by ``lab env --reveal``).
    """
    parsed = parse_script(script)
    if isinstance(parsed, ParseError):
        raise unreadable(parsed)
    logins = [command for command in parsed if isinstance(command, LoginCommand)]
    if not logins:
        raise LearnerError(
            "there is no docker login command",
            label="docker login",
            summary="Your answer has no docker login command, so nothing was checked.",
        )
    login = logins[-1]
    checks = (
        ("server", _server_problem(login, host, variables), "the lab registry's host"),
        (
            "password",
            _password_problem(login, variables),
            "the lab's password, read from standard input and kept out of history",
        ),
        ("username", _username_problem(login, username, variables), "the lab's user"),
        (
            "other commands",
            _other_command_problem(parsed, login, host, variables),
            "nothing else runs that undoes the login or shows the password",
        ),
    )
    return [Case(name, not problem, problem or success) for name, problem, success in checks]
