"""Parse shell answers that run ``docker tag``, ``push``, ``pull``, ``login`` and ``logout``.

Graders compare what a command line means, not its spelling, so flag order, ``--flag=value``,
``docker image tag`` and a password fed through a pipe all parse to the same value. No shell is
run: that would execute learner text, and no Docker engine is needed.

The checks follow a plain sequence of simple commands joined by newlines, ``;`` and ``&&``, a
pipe into a command's standard input, ``<`` and ``<<<``, ``NAME=value`` assignments (expanded
in later words), ``export``, ``sudo`` and ``env``. Anything that makes it unclear whether a
command runs (``||``, ``&``, two docker commands in one pipeline, ``if``/``for``/``while``/
``case``, ``{ }`` and ``( )`` groups, ``!``, ``exit``, ``eval``, ``source``) gives a
:class:`ParseError` with ``control_flow`` set, instead of a guess.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from registry_dojo.checks._docker_cli import (
    Command,
    DockerCommand,
    LoginCommand,
    LogoutCommand,
    OtherDockerCommand,
    ParseError,
    PasswordSource,
    PullCommand,
    PushCommand,
    ShellCommand,
    Stdin,
    TagCommand,
    display,
    docker,
    unwrap,
)
from registry_dojo.checks._shell_syntax import (
    LexError,
    Newline,
    Operator,
    Token,
    Word,
    expand,
    tokenize,
)

__all__ = [
    "MAX_SCRIPT_CHARS",
    "Command",
    "DockerCommand",
    "LoginCommand",
    "LogoutCommand",
    "OtherDockerCommand",
    "ParseError",
    "PasswordSource",
    "PullCommand",
    "PushCommand",
    "ShellCommand",
    "Stdin",
    "TagCommand",
    "docker_commands",
    "parse_script",
]

MAX_SCRIPT_CHARS = 20_000
"""Longest answer the parser reads; a few commands need far fewer characters."""

_REDIRECTIONS = frozenset({"<", ">", ">>", "<<<", ">&", "<&", "&>", "&>>", ">|", "<>"})
_RESERVED_WORDS_TEXT = (
    "if then else elif fi do done for while until case esac select function { } ! [[ ]] coproc"
)
_RESERVED_WORDS = frozenset(_RESERVED_WORDS_TEXT.split())
_ENDING_WORDS = frozenset({"exit", "return", "logout"})
_SOURCING_WORDS = frozenset({"eval", "source", "."})
# Commands after which `&&` surely runs the next one.
_ALWAYS_SUCCEED = frozenset({"export", "true", ":"})
# `eval "$(registry-dojo lab env)"` only sets the lab's variables, which the graders know.
_LAB_ENV = re.compile(r"^eval \$\( *registry-dojo lab env( --reveal)? *\)$")
_FLOW_ADVICE = "write the commands one per line without shell control flow"


@dataclass
class _Pipeline:
    """Simple commands joined by ``|``, each a list of words and redirection operators."""

    simples: list[list[Token]] = field(default_factory=lambda: [[]])
    connector: str = ""
    background: bool = False

    def source(self) -> str:
        return " | ".join(_source(simple) for simple in self.simples)


def _source(tokens: list[Token]) -> str:
    """Show tokens as written, with a docker login password masked."""
    text = " ".join(
        token.source if isinstance(token, Word) else token.text
        for token in tokens
        if not isinstance(token, Newline)
    )
    if "login" in text:
        text = re.sub(r"(--password[= ]|-p ?)\S+", r"\1***", text)
    return text


def _control_flow(reason: str, command: str) -> ParseError:
    return ParseError(
        f"{reason}: {_FLOW_ADVICE}; the check cannot tell whether `{command}` runs",
        control_flow=True,
    )


def _syntax_error(token: str) -> ParseError:
    return ParseError(f"bash would reject the text: syntax error near unexpected token {token!r}")


def _pipelines(tokens: list[Token]) -> list[_Pipeline] | ParseError:
    """Group tokens into pipelines with the operator that joins each to the one before."""
    pipelines: list[_Pipeline] = []
    current = _Pipeline()
    continued = False
    for token in tokens:
        if isinstance(token, Newline):
            if not continued and current.simples[-1]:
                pipelines.append(current)
                current = _Pipeline()
            continue
        if isinstance(token, Word) or token.text in _REDIRECTIONS:
            current.simples[-1].append(token)
            continued = False
            continue
        operator = token.text
        if operator in ("(", ")", ";;", ";&", ";;&"):
            return _control_flow(f"`{operator}` is shell control flow", _line_of(tokens, token))
        if not current.simples[-1]:
            return _syntax_error(operator)
        if operator in ("|", "|&"):
            current.simples.append([])
            continued = True
            continue
        current.background = operator == "&"
        pipelines.append(current)
        current = _Pipeline(connector=operator if operator in ("&&", "||") else "")
        continued = operator in ("&&", "||")
    if continued:
        return ParseError(
            "bash would reject the text: it ends with an operator that needs a command"
        )
    if current.simples[-1]:
        pipelines.append(current)
    return pipelines


def _line_of(tokens: list[Token], token: Token) -> str:
    """Show the line that contains `token`, for feedback."""
    index = next(position for position, each in enumerate(tokens) if each is token)
    start = index
    while start > 0 and not isinstance(tokens[start - 1], Newline):
        start -= 1
    end = index
    while end < len(tokens) and not isinstance(tokens[end], Newline):
        end += 1
    return _source(tokens[start:end])


@dataclass(frozen=True)
class _Simple:
    """One simple command after expansion: its words, assignments and standard input."""

    argv: tuple[str, ...]
    assignments: dict[str, str]
    stdin: Stdin | None
    first: Word | None
    source: str


class _Shell:
    """Runs the parsed script on paper: tracks variables and builds the commands."""

    def __init__(self) -> None:
        self.variables: dict[str, str] = {}
        self.exported: dict[str, str] = {}

    def simple(self, tokens: list[Token], piped: Stdin | None) -> _Simple | ParseError:
        """Expand one simple command's words and resolve its redirections."""
        words: list[Word] = []
        stdin = piped
        index = 0
        while index < len(tokens):
            token = tokens[index]
            if isinstance(token, Word):
                words.append(token)
                index += 1
                continue
            assert isinstance(token, Operator)
            target = tokens[index + 1] if index + 1 < len(tokens) else None
            if not isinstance(target, Word):
                return ParseError(f"missing file name after {token.text!r}")
            value = " ".join(expand(target, self.variables, split=False))
            if token.text == "<":
                stdin = Stdin("file", value)
            elif token.text == "<<<":
                stdin = Stdin("here-string", value)
            index += 2
        assignments: dict[str, str] = {}
        while words and (assignment := words[0].assignment()) is not None:
            name, value_word = assignment
            assignments[name] = "".join(expand(value_word, self.variables, split=False))
            words.pop(0)
        argv: list[str] = []
        for word in words:
            argv.extend(expand(word, self.variables))
        first = words[0] if words else None
        return _Simple(tuple(argv), assignments, stdin, first, _source(tokens))

    def run(self, simple: _Simple) -> Command | ParseError | None:
        """Apply assignments and exports; return the command the simple command runs.

        None means nothing runs: the words expanded to nothing and nothing was assigned.
        """
        if not simple.argv and not simple.assignments:
            return None
        if not simple.argv:
            self.variables.update(simple.assignments)
            for name in simple.assignments.keys() & self.exported.keys():
                self.exported[name] = simple.assignments[name]
            argv = tuple(f"{name}={value}" for name, value in simple.assignments.items())
            return ShellCommand(argv, display(argv))
        if simple.argv[0] == "export" and simple.first is not None:
            return self._export(simple)
        env = {**self.exported, **simple.assignments}
        words, env = unwrap(list(simple.argv), env)
        if not words or words[0].rsplit("/", 1)[-1] != "docker":
            return ShellCommand(simple.argv, display(simple.argv))
        return docker(words[1:], env, simple.stdin)

    def _export(self, simple: _Simple) -> ShellCommand:
        for item in simple.argv[1:]:
            name, has_value, value = item.partition("=")
            if has_value:
                self.variables[name] = value
                self.exported[name] = value
            elif name in self.variables:
                self.exported[name] = self.variables[name]
        return ShellCommand(simple.argv, display(simple.argv))


def _flow_problem(simple: _Simple, later: bool) -> ParseError | None:
    """Return why the check cannot follow this simple command, or None if it can."""
    head = simple.first.unquoted() if simple.first is not None else None
    rest = " ".join(simple.source.split(" ")[1:]) or simple.source
    if head in _RESERVED_WORDS:
        return _control_flow(f"`{head}` is shell control flow", rest)
    if head in _SOURCING_WORDS and not _LAB_ENV.match(" ".join(simple.argv)):
        return ParseError(
            f"the check cannot tell what `{simple.source}` runs; write the commands themselves, "
            f"without {head}",
            control_flow=True,
        )
    if head in _ENDING_WORDS and later:
        return ParseError(
            f"`{simple.source}` ends the script, so the commands after it never run; "
            f"leave {head} out",
            control_flow=True,
        )
    if head == "exec" and later:
        return ParseError(
            f"`{simple.source}` replaces the shell, so the commands after it never run; "
            "leave exec out",
            control_flow=True,
        )
    return None


def _succeeds(command: Command | None) -> bool:
    """Return whether `&&` after this command surely runs the next one, as the check models it."""
    if command is None:
        return False
    if isinstance(command, DockerCommand):
        return True
    return not command.argv or command.argv[0] in _ALWAYS_SUCCEED or "=" in command.argv[0]


def _run_pipeline(shell: _Shell, pipeline: _Pipeline, later: bool) -> list[Command] | ParseError:
    commands: list[Command] = []
    piped: Stdin | None = None
    for simple_tokens in pipeline.simples:
        simple = shell.simple(simple_tokens, piped)
        if isinstance(simple, ParseError):
            return simple
        problem = _flow_problem(simple, later or len(pipeline.simples) > 1)
        if problem is not None:
            return problem
        command = shell.run(simple)
        if isinstance(command, ParseError):
            return command
        if command is None:
            piped = None
            continue
        commands.append(command)
        if isinstance(command, ShellCommand):
            piped = Stdin("pipe", command.text, command.argv)
        else:
            piped = Stdin("pipe", command.text, ())
    if sum(isinstance(command, DockerCommand) for command in commands) > 1:
        return _control_flow("`|` runs the docker commands at the same time", pipeline.source())
    return commands


def parse_script(text: str) -> tuple[Command, ...] | ParseError:
    """Parse shell text into the commands it runs, in order, or return why it cannot."""
    if len(text) > MAX_SCRIPT_CHARS:
        return ParseError(
            f"the answer has {len(text)} characters, more than the {MAX_SCRIPT_CHARS} the check "
            "reads; a few lines of commands are enough"
        )
    try:
        # NOTE: Windows line ends are read as newlines, where bash would keep the "\r".
        tokens = tokenize(text.replace("\r\n", "\n"))
    except LexError as error:
        return ParseError(str(error))
    pipelines = _pipelines(tokens)
    if isinstance(pipelines, ParseError):
        return pipelines
    shell = _Shell()
    commands: list[Command] = []
    for position, pipeline in enumerate(pipelines):
        if pipeline.connector == "||":
            return _control_flow(
                "`||` runs a command only when the one before fails", pipeline.source()
            )
        if pipeline.background:
            return _control_flow("`&` runs a command in the background", pipeline.source())
        if pipeline.connector == "&&" and not _succeeds(commands[-1] if commands else None):
            return _control_flow(
                f"`&&` runs a command only when `{pipelines[position - 1].source()}` succeeds",
                pipeline.source(),
            )
        ran = _run_pipeline(shell, pipeline, later=position < len(pipelines) - 1)
        if isinstance(ran, ParseError):
            return ran
        commands.extend(ran)
    return tuple(commands)


def docker_commands(commands: tuple[Command, ...]) -> tuple[DockerCommand, ...]:
    """Return only the docker commands of a parsed script."""
    return tuple(command for command in commands if isinstance(command, DockerCommand))
