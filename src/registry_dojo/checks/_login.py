"""Grader for the login answer: a ``docker login`` to the lab with the password on stdin.

Commands are parsed with :mod:`registry_dojo.checks.commands`, so words arrive expanded: the
script's own variables are replaced by their values, and the lab's variables
(``$REGISTRY_DOJO_REGISTRY``...) stay as written, so the grader can tell
``"$REGISTRY_DOJO_PASSWORD"`` from a password typed out.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from registry_dojo.checks._shell import literal_dollar_problem, read_script
from registry_dojo.checks._shell_syntax import (
    has_substitution,
    plain,
    references,
)
from registry_dojo.checks.commands import (
    Command,
    LoginCommand,
    LogoutCommand,
    ParseError,
    ShellCommand,
    Stdin,
    parse_script,
)
from registry_dojo.checks.exercise import LearnerError
from registry_dojo.checks.result import Case

_VARIABLE = re.compile(r"^\$(?:\{([A-Za-z_][A-Za-z0-9_]*)\}|([A-Za-z_][A-Za-z0-9_]*))$")
_VARIABLE_IN_WORD = re.compile(
    r"\\.|\$(?:\{([A-Za-z_][A-Za-z0-9_]*)\}|([A-Za-z_][A-Za-z0-9_]*))", re.DOTALL
)
_SUBSTITUTION = re.compile(r"^(?:\$\((.*)\)|`(.*)`)$", re.DOTALL)
_LOOPBACK_NAMES = ("127.0.0.1", "localhost", "[::1]")
PASSWORD_VARIABLE = "REGISTRY_DOJO_PASSWORD"
PASSWORD_FILE_VARIABLE = "REGISTRY_DOJO_PASSWORD_FILE"
_PRINTF_FORMATS = frozenset({"%s", "%s\\n"})
# Commands that may stand next to the login: they neither undo it nor print a secret. The
# parser lets eval through only as `eval "$(registry-dojo lab env)"`.
_HARMLESS_COMMANDS = frozenset({"cd", "eval"})
# Variables whose literal value in the script is no secret: where docker keeps its settings.
_SETTINGS_VARIABLES = frozenset({"DOCKER_CONFIG"})


def docker_hostname(server: str) -> str:
    """Return the host that docker keeps a login's credentials under.

    Docker CLI 28 finds stored credentials for a push by this host (``ConvertToHostname`` in
    docker/cli ``cli/config/credentials/file_store.go``): a URL gives its host and port,
    anything else the text before the first ``/``.
    """
    if "://" in server:
        authority = re.split(r"[/?#]", server.split("://", 1)[1], maxsplit=1)[0]
        authority = authority.rpartition("@")[2]
        if authority:
            return authority
    return server.partition("/")[0]


def _expand(word: str, variables: Mapping[str, str]) -> tuple[str | None, str]:
    """Expand the lab's variables in `word`; return the plain text, or None and why."""
    problem = literal_dollar_problem(word)
    if problem:
        return None, problem
    if has_substitution(word):
        return None, f"the check cannot tell what {plain(word)!r} prints; write the value itself"
    unknown = [name for name in references(word) if name not in variables]
    if unknown:
        return None, f"${unknown[0]} is not one of the variables that `registry-dojo lab env` sets"

    def replace(match: re.Match[str]) -> str:
        name = match[1] or match[2]
        return variables[name] if name else match[0][1:]

    return _VARIABLE_IN_WORD.sub(replace, word), ""


def _server_problem(login: LoginCommand, host: str, variables: Mapping[str, str]) -> str:
    if login.server is None:
        return (
            "no server given, so docker login logs in to Docker Hub; name the lab registry's host"
        )
    server, problem = _expand(login.server, variables)
    if server is None:
        return problem
    server = docker_hostname(server)
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
        f"{plain(login.server)!r} is not the lab registry's host; Docker stores credentials "
        "per host, so a push to the lab would find none"
    )


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
            f"{plain(word)!r} is Docker's configuration file (JSON that stores credentials), not "
            f'the password; feed the lab\'s password file, "${PASSWORD_FILE_VARIABLE}"'
        )
    return (
        f'{plain(word)!r} is not the lab\'s password file; feed "${PASSWORD_FILE_VARIABLE}", the '
        "file that `registry-dojo lab env` names"
    )


def _substitution_problem(word: str, variables: Mapping[str, str]) -> str | None:
    """Judge ``$(cat FILE)`` or ``$(< FILE)`` as the printed password; None if not one."""
    match = _SUBSTITUTION.match(word)
    if match is None:
        return None
    inner = (match[1] if match[1] is not None else match[2]).strip()
    if inner.startswith("<"):
        inner = f"cat {inner[1:]}"
    parsed = parse_script(inner)
    if isinstance(parsed, ParseError) or len(parsed) != 1:
        return None
    command = parsed[0]
    if not isinstance(command, ShellCommand) or command.argv[:1] != ("cat",):
        return None
    return _pipe_problem(command.argv, variables)


def _printed_problem(word: str, variables: Mapping[str, str]) -> str:
    """Say what is wrong with `word` as the text echoed into docker login; "" if right."""
    name = _variable_name(word)
    if name == PASSWORD_VARIABLE:
        return ""
    problem = literal_dollar_problem(word)
    if problem:
        return problem
    substituted = _substitution_problem(word, variables)
    if substituted is not None:
        return substituted
    if not references(word) and not has_substitution(word):
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
        f'{plain(word)!r} is not the lab\'s password; feed "${PASSWORD_FILE_VARIABLE}" or '
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
        if not args or plain(args[0]) not in _PRINTF_FORMATS:
            return f"write printf '%s' \"${PASSWORD_VARIABLE}\", so the password is printed as is"
        words = args[1:]
    else:
        shown = " ".join(plain(arg) for arg in argv)
        return (
            f"the check cannot tell whether `{shown}` prints the lab's password; "
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
    if argv[0] not in ("echo", "printf", "cat"):
        return False
    password_file = variables.get(PASSWORD_FILE_VARIABLE)
    for arg in argv[1:]:
        if {PASSWORD_VARIABLE, PASSWORD_FILE_VARIABLE} & set(references(arg)):
            return True
        if password_file and password_file in plain(arg):
            return True
    return False


def _assignment_problem(command: ShellCommand) -> str:
    """Say why an assignment or export in the login answer is unsafe; "" if it is not."""
    items = command.argv[1:] if command.argv[0] == "export" else command.argv
    for item in items:
        name, has_value, value = item.partition("=")
        if not has_value or not value or name in _SETTINGS_VARIABLES:
            continue
        if references(value) or has_substitution(value):
            continue
        return (
            f"`{name}=...` writes a value out in the script, where shell history and the "
            "notebook keep it, so a password must never be written there; use the variables "
            "that `registry-dojo lab env` sets, or leave the line out"
        )
    return ""


def _logout_problem(
    command: LogoutCommand, after_login: bool, host: str, variables: Mapping[str, str]
) -> str:
    server = _expand(command.server, variables)[0] if command.server else None
    if server is not None and after_login and docker_hostname(server) == host:
        return f"`{command.text}` after the login removes the lab's credentials again; leave it out"
    return (
        f"`{command.text}` is not part of logging in (without a server it logs out of "
        "Docker Hub); leave it out"
    )


def _shell_command_problem(
    command: ShellCommand, feeds_login: bool, variables: Mapping[str, str]
) -> str:
    if command.argv[0] == "export" or "=" in command.argv[0]:
        return _assignment_problem(command)
    if feeds_login or command.argv[0] in _HARMLESS_COMMANDS:
        return ""
    if _shows_secret(command.argv, variables):
        return (
            f"`{command.text}` prints the password where the terminal and its logs "
            "show it; send it only into docker login"
        )
    return f"`{command.text}` is not part of logging in; leave it out"


def _other_command_problem(
    commands: tuple[Command, ...], login: LoginCommand, host: str, variables: Mapping[str, str]
) -> str:
    """Say what is wrong with the commands around the login; "" if there are none that matter."""
    position = commands.index(login)
    feeder = login.stdin.argv if login.stdin is not None else ()
    for index, command in enumerate(commands):
        if command is login:
            continue
        if isinstance(command, ShellCommand):
            feeds_login = index == position - 1 and feeder == command.argv
            problem = _shell_command_problem(command, feeds_login, variables)
        elif isinstance(command, LogoutCommand):
            problem = _logout_problem(command, index > position, host, variables)
        elif isinstance(command, LoginCommand):
            problem = "the answer runs docker login more than once; keep only the lab's login"
        else:
            problem = f"`{command.text}` is not part of logging in; leave it out"
        if problem:
            return problem
    return ""


def _username_problem(login: LoginCommand, username: str, variables: Mapping[str, str]) -> str:
    if login.username is None:
        if login.password_source == "stdin":
            return "Docker answers 'the --password-stdin option requires --username to be set'"
        return "give the lab's user name with -u/--username"
    given, problem = _expand(login.username, variables)
    if given is None:
        return problem
    if given != username:
        return f"{plain(login.username)!r} is not the lab's user name; see `registry-dojo lab env`"
    return ""


def grade_login(script: str, host: str, username: str, variables: Mapping[str, str]) -> list[Case]:
    """Grade shell text that should log in to the lab (`host`) with the password on stdin.

    `variables` are the lab's shell variables (``registry-dojo lab env``), so an answer may
    write ``"$REGISTRY_DOJO_REGISTRY"`` instead of the host. The password must come from the
    lab's password file or from ``$REGISTRY_DOJO_PASSWORD`` (set by ``lab env --reveal``).
    """
    parsed = read_script(script)
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
