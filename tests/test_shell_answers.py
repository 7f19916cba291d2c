"""Tests for reading shell answers as bash would, and grading login and push answers on it."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from registry_dojo.checks import module1
from registry_dojo.checks._login import docker_hostname, grade_login
from registry_dojo.checks.commands import (
    MAX_SCRIPT_CHARS,
    LoginCommand,
    ParseError,
    PushCommand,
    ShellCommand,
    Stdin,
    TagCommand,
    docker_commands,
    parse_script,
)
from registry_dojo.checks.exercise import LearnerError
from registry_dojo.checks.result import Status
from registry_dojo.errors import RegistryBinaryNotFound

HOST = "127.0.0.1:5999"
VARIABLES = {
    "REGISTRY_DOJO_REGISTRY": HOST,
    "REGISTRY_DOJO_USERNAME": "dojo",
    "REGISTRY_DOJO_PASSWORD_FILE": "/lab/password",
    "DOCKER_CONFIG": "/lab/docker",
}
SOLUTION = (
    'cat "$REGISTRY_DOJO_PASSWORD_FILE" | docker login --username "$REGISTRY_DOJO_USERNAME" '
    '--password-stdin "$REGISTRY_DOJO_REGISTRY"'
)
TARGET = "myacr.azurecr.io/team/hello:1.0"
FLOW = "write the commands one per line without shell control flow"


@pytest.fixture(autouse=True)
def _private_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("REGISTRY_DOJO_HOME", str(tmp_path / "home"))


def _commands(text: str) -> tuple[object, ...]:
    parsed = parse_script(text)
    assert not isinstance(parsed, ParseError), parsed
    return docker_commands(parsed)


def _login_failures(script: str) -> dict[str, str]:
    cases = grade_login(script, HOST, "dojo", VARIABLES)
    return {case.label: case.message for case in cases if not case.passed}


def _login_error(script: str) -> str:
    with pytest.raises(LearnerError) as raised:
        grade_login(script, HOST, "dojo", VARIABLES)
    return raised.value.description


# eval and literal secrets


def test_login_solution_passes() -> None:
    assert _login_failures(SOLUTION) == {}


@pytest.mark.parametrize(
    ("script", "message"),
    [
        (
            SOLUTION + '\neval docker logout "$REGISTRY_DOJO_REGISTRY"',
            'the check cannot tell what `eval docker logout "$REGISTRY_DOJO_REGISTRY"` runs; '
            "write the commands themselves, without eval",
        ),
        (
            'eval cat "$REGISTRY_DOJO_PASSWORD_FILE"\n' + SOLUTION,
            'the check cannot tell what `eval cat "$REGISTRY_DOJO_PASSWORD_FILE"` runs; '
            "write the commands themselves, without eval",
        ),
        (
            'eval "docker login -u learner -p hunter2 $REGISTRY_DOJO_REGISTRY"\n' + SOLUTION,
            'the check cannot tell what `eval "docker login -u learner -p *** '
            '$REGISTRY_DOJO_REGISTRY"` runs; write the commands themselves, without eval',
        ),
        (
            "source ./login.sh\n" + SOLUTION,
            "the check cannot tell what `source ./login.sh` runs; write the commands "
            "themselves, without source",
        ),
    ],
)
def test_login_eval_is_not_checked(script: str, message: str) -> None:
    assert _login_error(script) == message


def test_login_eval_feedback_hides_password() -> None:
    script = 'eval "docker login -u learner -p hunter2 $REGISTRY_DOJO_REGISTRY"'
    assert "hunter2" not in _login_error(script)


def test_login_eval_lab_env_is_allowed() -> None:
    assert _login_failures('eval "$(registry-dojo lab env)"\n' + SOLUTION) == {}


LITERAL_VALUE = (
    "`PW=...` writes a value out in the script, where shell history and the notebook keep it, "
    "so a password must never be written there; use the variables that `registry-dojo lab env` "
    "sets, or leave the line out"
)


@pytest.mark.parametrize("line", ["export PW=hunter2", "PW=hunter2", "export PW='hunter2'"])
def test_login_literal_secret_in_script(line: str) -> None:
    assert _login_failures(f"{line}\n{SOLUTION}") == {"other commands": LITERAL_VALUE}


@pytest.mark.parametrize(
    "line",
    [
        "export DOCKER_CONFIG=/tmp/lab",
        'R="$REGISTRY_DOJO_REGISTRY"',
        'export PW="$(cat "$REGISTRY_DOJO_PASSWORD_FILE")"',
    ],
)
def test_login_assignment_without_literal_secret(line: str) -> None:
    assert _login_failures(f"{line}\n{SOLUTION}") == {}


def test_login_password_from_literal_variable() -> None:
    failures = _login_failures(
        f'PW=hunter2\necho "$PW" | docker login -u dojo --password-stdin {HOST}'
    )
    assert failures["password"] == (
        "the password is written out in the command, where shell history shows it; "
        "read it from a variable or a file"
    )


# the lab cannot start


def _no_registry() -> object:
    raise RegistryBinaryNotFound("no registry program on PATH")


def _home_is_a_file() -> object:
    raise FileExistsError(17, "File exists", "/tmp/home")


@pytest.mark.parametrize(
    ("lab_info", "error"),
    [
        (_no_registry, "no registry program on PATH"),
        (_home_is_a_file, "[Errno 17] File exists: '/tmp/home'"),
    ],
)
def test_login_lab_cannot_start(
    lab_info: object, error: str, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setattr(module1, "lab_info", lab_info)
    with caplog.at_level(logging.DEBUG):
        result = module1.login.check(SOLUTION)
    assert result.text() == (
        "m01.login (Log in to the lab registry safely): incorrect, 0/4 points\n"
        "The lab registry is not running, so nothing was checked.\n"
        f"  ✗ lab registry: cannot start or reach the lab registry: {error}"
    )
    assert result.points == 0
    assert [record.exc_info for record in caplog.records if record.exc_info] == []


# size and speed


def test_answer_over_limit_is_rejected() -> None:
    text = "#" * (MAX_SCRIPT_CHARS + 1)
    assert parse_script(text) == ParseError(
        "the answer has 20001 characters, more than the 20000 the check reads; "
        "a few lines of commands are enough"
    )


def test_answer_at_limit_is_read() -> None:
    text = f"docker push {TARGET}\n" * (MAX_SCRIPT_CHARS // len(f"docker push {TARGET}\n"))
    parsed = parse_script(text)
    assert len(text) == 19_976
    assert not isinstance(parsed, ParseError)
    assert len(parsed) == 454


def test_unclosed_quote_before_many_lines() -> None:
    text = "'\n" + "docker push x\n" * 1400
    assert parse_script(text) == ParseError(
        "a quotation mark is never closed in \"'\\ndocker push x\\ndocker push x\\ndocker "
        'push x\\ndocker push x\\ndo..."'
    )


def test_long_word_is_one_argument() -> None:
    word = "a" * (MAX_SCRIPT_CHARS - 20)
    parsed = parse_script(f"docker push {word}")
    assert parsed == (PushCommand(text=f"docker push {word}", name=word),)


# the shell reading matches bash


def test_pipe_at_end_of_line() -> None:
    (login,) = _commands('cat "$F" |\n  docker login -u me --password-stdin reg.io')
    assert isinstance(login, LoginCommand)
    assert login.stdin == Stdin("pipe", "cat $F", ("cat", "$F"))


def test_and_at_end_of_line() -> None:
    commands = _commands(f"docker tag hello:1.0 {TARGET} &&\n  docker push {TARGET}")
    assert [type(command) for command in commands] == [TagCommand, PushCommand]


def test_assigned_variable_is_expanded() -> None:
    commands = _commands(f"T={TARGET}; docker tag hello:1.0 $T; docker push ${{T}}")
    assert commands == (
        TagCommand(text=f"docker tag hello:1.0 {TARGET}", source="hello:1.0", target=TARGET),
        PushCommand(text=f"docker push {TARGET}", name=TARGET),
    )


def test_exported_variable_is_expanded() -> None:
    (push,) = _commands(f'export T="{TARGET}"\ndocker push "$T"')
    assert push == PushCommand(text=f"docker push {TARGET}", name=TARGET)


def test_unquoted_variable_is_split() -> None:
    parsed = parse_script("T='a b'\ndocker push $T")
    assert parsed == ParseError("docker push a b: docker: 'docker push' requires 1 argument")


def test_lab_variable_stays_symbolic() -> None:
    (push,) = _commands('docker push "$REGISTRY_DOJO_REGISTRY/app:1"')
    assert push == PushCommand(
        text="docker push $REGISTRY_DOJO_REGISTRY/app:1", name="$REGISTRY_DOJO_REGISTRY/app:1"
    )


def test_hash_inside_word_is_not_a_comment() -> None:
    (push,) = _commands(f"docker push {TARGET}#x # a comment")
    assert isinstance(push, PushCommand)
    assert push.name == f"{TARGET}#x"


def test_comment_ending_in_backslash_ends_at_newline() -> None:
    commands = _commands(f"# tag first \\\ndocker push {TARGET}")
    assert commands == (PushCommand(text=f"docker push {TARGET}", name=TARGET),)


def test_single_quotes_keep_dollar() -> None:
    (push,) = _commands("R=reg.io\ndocker push '$R/app:1'")
    assert isinstance(push, PushCommand)
    assert push.name == "\\$R/app:1"
    assert push.text == "docker push $R/app:1"


def test_escaped_dollar_in_double_quotes() -> None:
    (push,) = _commands('docker push "reg.io/app\\$x"')
    assert isinstance(push, PushCommand)
    assert push.text == "docker push reg.io/app$x"


def test_continuation_inside_single_quotes_is_kept() -> None:
    (push,) = _commands("docker push 'reg.io/app:1\\\nx'")
    assert isinstance(push, PushCommand)
    assert push.text == "docker push reg.io/app:1\\\nx"


def test_continuation_inside_double_quotes_is_removed() -> None:
    (push,) = _commands('docker push "reg.io/app:1\\\n"')
    assert push == PushCommand(text="docker push reg.io/app:1", name="reg.io/app:1")


def test_ansi_c_quoting_is_rejected() -> None:
    assert parse_script("docker push $'reg.io/app:1'") == ParseError(
        "$'...' quoting is not supported in \"docker push $'reg.io/app:1'\"; "
        "use plain single quotes"
    )


def test_file_descriptor_redirection() -> None:
    (push,) = _commands(f"docker push {TARGET} >/dev/null 2>&1")
    assert push == PushCommand(text=f"docker push {TARGET}", name=TARGET)


def test_bare_assignment_is_a_shell_command() -> None:
    parsed = parse_script("PW=x")
    assert parsed == (ShellCommand(("PW=x",), "PW=x"),)


# control flow


@pytest.mark.parametrize(
    ("script", "message"),
    [
        (
            f"docker tag hello:1.0 {TARGET} || docker push {TARGET}",
            f"`||` runs a command only when the one before fails: {FLOW}; the check cannot "
            f"tell whether `docker push {TARGET}` runs",
        ),
        (
            f"docker tag hello:1.0 {TARGET} & docker push {TARGET}",
            f"`&` runs a command in the background: {FLOW}; the check cannot tell whether "
            f"`docker tag hello:1.0 {TARGET}` runs",
        ),
        (
            f"docker tag hello:1.0 {TARGET} | docker push {TARGET}",
            f"`|` runs the docker commands at the same time: {FLOW}; the check cannot tell "
            f"whether `docker tag hello:1.0 {TARGET} | docker push {TARGET}` runs",
        ),
        (
            f"false && docker tag hello:1.0 {TARGET}",
            f"`&&` runs a command only when `false` succeeds: {FLOW}; the check cannot tell "
            f"whether `docker tag hello:1.0 {TARGET}` runs",
        ),
        (
            f"if true; then docker push {TARGET}; fi",
            f"`if` is shell control flow: {FLOW}; the check cannot tell whether `true` runs",
        ),
        (
            f"{{ docker push {TARGET}; }}",
            f"`{{` is shell control flow: {FLOW}; the check cannot tell whether "
            f"`docker push {TARGET}` runs",
        ),
        (
            f"! docker push {TARGET}",
            f"`!` is shell control flow: {FLOW}; the check cannot tell whether "
            f"`docker push {TARGET}` runs",
        ),
        (
            f"(docker push {TARGET})",
            f"`(` is shell control flow: {FLOW}; the check cannot tell whether "
            f"`( docker push {TARGET} )` runs",
        ),
    ],
)
def test_control_flow_is_not_followed(script: str, message: str) -> None:
    assert parse_script(script) == ParseError(message, control_flow=True)


def test_exit_before_commands() -> None:
    assert parse_script(f"exit 0\ndocker push {TARGET}") == ParseError(
        "`exit 0` ends the script, so the commands after it never run; leave exit out",
        control_flow=True,
    )


def test_exit_at_end_is_harmless() -> None:
    assert _commands(f"docker push {TARGET}\nexit 0") == (
        PushCommand(text=f"docker push {TARGET}", name=TARGET),
    )


def test_and_after_docker_and_export_is_followed() -> None:
    commands = _commands(
        f"export T={TARGET} && docker tag hello:1.0 $T && docker push $T; true && docker push $T"
    )
    assert [type(command) for command in commands] == [TagCommand, PushCommand, PushCommand]


def test_push_control_flow_feedback() -> None:
    result = module1.push_commands.check(f"docker tag hello:1.0 {TARGET} || docker push {TARGET}")
    assert result.text() == (
        "m01.push_commands (Tag and push to another registry): incorrect, 0/2 points\n"
        "Your answer uses shell control flow that the check does not follow, so nothing was "
        "checked.\n"
        f"  ✗ commands: `||` runs a command only when the one before fails: {FLOW}; the check "
        f"cannot tell whether `docker push {TARGET}` runs"
    )


# push grading with variables


def test_push_with_variable_is_correct() -> None:
    result = module1.push_commands.check(f"T={TARGET}; docker tag hello:1.0 $T; docker push $T")
    assert result.status is Status.CORRECT, result.text()


@pytest.mark.parametrize(
    ("script", "message"),
    [
        (
            f"docker tag hello:1.0 {TARGET}#x\ndocker push {TARGET}#x",
            f"'{TARGET}#x' is not a valid reference: invalid reference format",
        ),
        (
            "docker tag hello:1.0 $T\ndocker push $T",
            "$T is not set in your answer, so the check cannot tell what '$T' is; set it "
            "first (T=...) or write the value itself",
        ),
        (
            f"T={TARGET}\ndocker tag hello:1.0 '$T'\ndocker push '$T'",
            "'$T' keeps its '$' as written, because the shell expands no variables inside "
            "single quotes or after a backslash; use double quotes",
        ),
        (
            f"docker tag hello:1.0 $(echo {TARGET})\ndocker push $(echo {TARGET})",
            f"the check cannot tell what '$(echo {TARGET})' prints; write the value itself",
        ),
    ],
)
def test_push_words_bash_would_pass(script: str, message: str) -> None:
    result = module1.push_commands.check(script)
    messages = {case.label: case.message for case in result.cases if not case.passed}
    assert messages == {"docker tag": message, "docker push": message}


# login server forms and password sources


@pytest.mark.parametrize(
    "server",
    [
        '"http://$REGISTRY_DOJO_REGISTRY"',
        f"http://{HOST}/",
        f"https://{HOST}/v2/",
        f"{HOST}/v1/",
        '"${REGISTRY_DOJO_REGISTRY}"',
    ],
)
def test_login_server_forms(server: str) -> None:
    script = f'docker login -u dojo --password-stdin {server} < "$REGISTRY_DOJO_PASSWORD_FILE"'
    assert _login_failures(script) == {}


@pytest.mark.parametrize(
    ("server", "host"),
    [
        ("127.0.0.1:5999", "127.0.0.1:5999"),
        ("https://127.0.0.1:5999/v2/", "127.0.0.1:5999"),
        ("http://user@[::1]:5999", "[::1]:5999"),
        ("reg.io/v1/", "reg.io"),
        ("https://reg.io", "reg.io"),
    ],
)
def test_docker_hostname(server: str, host: str) -> None:
    assert docker_hostname(server) == host


@pytest.mark.parametrize(
    "stdin",
    [
        '<<< "$(cat "$REGISTRY_DOJO_PASSWORD_FILE")"',
        '<<< "$(< "$REGISTRY_DOJO_PASSWORD_FILE")"',
        '<<< "`cat $REGISTRY_DOJO_PASSWORD_FILE`"',
    ],
)
def test_login_here_string_from_file(stdin: str) -> None:
    script = f"docker login -u dojo --password-stdin {HOST} {stdin}"
    assert _login_failures(script) == {}


def test_login_single_quoted_username() -> None:
    script = (
        f"docker login -u '$REGISTRY_DOJO_USERNAME' --password-stdin {HOST} "
        '< "$REGISTRY_DOJO_PASSWORD_FILE"'
    )
    assert _login_failures(script) == {
        "username": "'$REGISTRY_DOJO_USERNAME' keeps its '$' as written, because the shell "
        "expands no variables inside single quotes or after a backslash; use double quotes"
    }


def test_login_echo_of_file_contents_shows_secret() -> None:
    script = 'echo "$(cat "$REGISTRY_DOJO_PASSWORD_FILE")"\n' + SOLUTION
    assert _login_failures(script) == {
        "other commands": '`echo "$(cat "$REGISTRY_DOJO_PASSWORD_FILE")"` prints the password '
        "where the terminal and its logs show it; send it only into docker login"
    }


# docker 28's command line


@pytest.mark.parametrize(
    "text",
    [f"docker -v push {TARGET}", f"docker --version push {TARGET}", f"docker -vD push {TARGET}"],
)
def test_version_flag_with_command_runs_it(text: str) -> None:
    commands = _commands(text)
    assert [type(command) for command in commands] == [PushCommand]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("docker -l bogus push x", "docker -l bogus push x: Unable to parse logging level: bogus"),
        ("docker Push x", "docker Push x: docker: unknown command: docker Push"),
        ("docker pu x", "docker pu x: docker: unknown command: docker pu"),
        (
            "docker image bogus x",
            "docker image bogus x: docker: unknown command: docker image bogus",
        ),
        (
            "docker tag --help",
            "docker tag --help: --help makes docker print the usage of 'docker tag' and run "
            "nothing; remove it",
        ),
        (
            "docker tag -h a b",
            "docker tag -h a b: --help makes docker print the usage of 'docker tag' and run "
            "nothing; remove it",
        ),
        (
            "docker --help push x",
            "docker --help push x: docker prints its usage and runs no command",
        ),
        ("docker -v", "docker -v: docker prints its version and runs no command"),
        (
            "docker -H unix:///x -c default push x",
            "docker -H unix:///x -c default push x: conflicting options: cannot specify both "
            "--host and --context",
        ),
        (
            "docker -D=maybe push x",
            'docker -D=maybe push x: invalid argument "maybe" for "-D, --debug" flag: '
            'strconv.ParseBool: parsing "maybe": invalid syntax',
        ),
    ],
)
def test_docker_rejects_like_docker_28(text: str, message: str) -> None:
    assert parse_script(text) == ParseError(message)


def test_log_level_any_case_is_accepted() -> None:
    assert [type(c) for c in _commands("docker --log-level=Debug push x")] == [PushCommand]
