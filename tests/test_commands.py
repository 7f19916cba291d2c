"""Tests for the docker command-line parser used by the shell-answer graders."""

from __future__ import annotations

import pytest

from registry_dojo.checks.commands import (
    LoginCommand,
    LogoutCommand,
    OtherDockerCommand,
    ParseError,
    PullCommand,
    PushCommand,
    ShellCommand,
    Stdin,
    TagCommand,
    docker_commands,
    parse_script,
)


def _only(text: str) -> object:
    parsed = parse_script(text)
    assert not isinstance(parsed, ParseError), parsed
    commands = docker_commands(parsed)
    assert len(commands) == 1, commands
    return commands[0]


@pytest.mark.parametrize(
    "text",
    [
        "docker tag hello:1.0 reg.io/team/hello:1.0",
        "docker image tag hello:1.0 reg.io/team/hello:1.0",
        "sudo docker tag hello:1.0 reg.io/team/hello:1.0",
        "docker --context default tag hello:1.0 reg.io/team/hello:1.0",
        "docker -H unix:///var/run/docker.sock tag 'hello:1.0' \"reg.io/team/hello:1.0\"",
        "docker tag \\\n  hello:1.0 \\\n  reg.io/team/hello:1.0  # the comment",
        "/usr/bin/docker tag hello:1.0 reg.io/team/hello:1.0",
    ],
)
def test_tag_forms(text: str) -> None:
    command = _only(text)
    assert isinstance(command, TagCommand)
    assert command.source == "hello:1.0"
    assert command.target == "reg.io/team/hello:1.0"


@pytest.mark.parametrize(
    ("text", "all_tags", "quiet"),
    [
        ("docker push reg.io/a:1", False, False),
        ("docker image push reg.io/a:1", False, False),
        ("docker push -q reg.io/a:1", False, True),
        ("docker push reg.io/a:1 --quiet", False, True),
        ("docker push -a reg.io/a:1", True, False),
        ("docker push --all-tags reg.io/a:1", True, False),
        ("docker push -aq reg.io/a:1", True, True),
        ("docker push --all-tags=false -q=true reg.io/a:1", False, True),
        ("docker push --platform linux/amd64 reg.io/a:1", False, False),
        ("docker push -- reg.io/a:1", False, False),
    ],
)
def test_push_forms(text: str, all_tags: bool, quiet: bool) -> None:
    command = _only(text)
    assert isinstance(command, PushCommand)
    assert command.name == "reg.io/a:1"
    assert command.all_tags is all_tags
    assert command.quiet is quiet


def test_pull_command() -> None:
    command = _only("docker image pull -q redis")
    assert command == PullCommand(
        text="docker image pull -q redis", name="redis", all_tags=False, quiet=True
    )


@pytest.mark.parametrize(
    "text",
    [
        "docker login -u me --password-stdin reg.io < pw.txt",
        "docker login --username me --password-stdin reg.io < pw.txt",
        "docker login --username=me --password-stdin reg.io < pw.txt",
        "docker login -ume --password-stdin reg.io < pw.txt",
        "docker login -u=me --password-stdin reg.io < pw.txt",
        "docker login reg.io --password-stdin -u me < pw.txt",
        "docker login --password-stdin=true -u me reg.io < pw.txt",
    ],
)
def test_login_flag_forms(text: str) -> None:
    command = _only(text)
    assert command == LoginCommand(
        text=command.text if isinstance(command, LoginCommand) else "",
        server="reg.io",
        username="me",
        password_source="stdin",
        stdin=Stdin("file", "pw.txt"),
    )


def test_login_from_pipe() -> None:
    command = _only('echo "$PASS" | docker login -u me --password-stdin reg.io')
    assert isinstance(command, LoginCommand)
    assert command.stdin == Stdin("pipe", "echo $PASS", ("echo", "$PASS"))


def test_login_from_cat_pipe() -> None:
    command = _only("cat ~/pw.txt | docker login -u me --password-stdin reg.io")
    assert isinstance(command, LoginCommand)
    assert command.stdin == Stdin("pipe", "cat ~/pw.txt", ("cat", "~/pw.txt"))


def test_login_from_here_string() -> None:
    command = _only('docker login -u me --password-stdin reg.io <<< "$PASS"')
    assert isinstance(command, LoginCommand)
    assert command.stdin == Stdin("here-string", "$PASS")


def test_login_prompt_and_no_server() -> None:
    command = _only("docker login -u me")
    assert isinstance(command, LoginCommand)
    assert command.password_source == "prompt"
    assert command.server is None
    assert command.stdin is None


def test_login_password_flag_is_masked() -> None:
    for text in (
        "docker login -u me -p s3cret reg.io",
        "docker login -u me --password s3cret reg.io",
        "docker login -u me --password=s3cret reg.io",
        "docker login -u me -ps3cret reg.io",
    ):
        command = _only(text)
        assert isinstance(command, LoginCommand)
        assert command.password_source == "flag"
        assert "s3cret" not in command.text
        assert "s3cret" not in repr(command)


@pytest.mark.parametrize(
    ("text", "config"),
    [
        ("docker --config /lab/docker login -u me reg.io", "/lab/docker"),
        ("docker --config=/lab/docker login -u me reg.io", "/lab/docker"),
        ("DOCKER_CONFIG=/lab/docker docker login -u me reg.io", "/lab/docker"),
        ("export DOCKER_CONFIG=/lab/docker\ndocker login -u me reg.io", "/lab/docker"),
        (
            "DOCKER_CONFIG=/lab/docker; export DOCKER_CONFIG; docker login -u me reg.io",
            "/lab/docker",
        ),
        ("DOCKER_CONFIG=/lab/docker\ndocker login -u me reg.io", None),
        ("DOCKER_CONFIG=/x docker --config /y login -u me reg.io", "/y"),
        ("export DOCKER_CONFIG=/x\nsudo docker login -u me reg.io", None),
        ("export DOCKER_CONFIG=/x\nsudo -E docker login -u me reg.io", "/x"),
        ("sudo DOCKER_CONFIG=/x docker login -u me reg.io", "/x"),
        ("env DOCKER_CONFIG=/x docker login -u me reg.io", "/x"),
    ],
)
def test_config_folder(text: str, config: str | None) -> None:
    command = _only(text)
    assert isinstance(command, LoginCommand)
    assert command.config == config


def test_script_order_and_separators() -> None:
    parsed = parse_script(
        "docker tag a b:1 && docker push b:1; docker logout\n# a comment line\ndocker build .; true"
    )
    assert not isinstance(parsed, ParseError)
    kinds = [type(command) for command in parsed]
    assert kinds == [
        TagCommand,
        PushCommand,
        LogoutCommand,
        OtherDockerCommand,
        ShellCommand,
    ]


def test_quoted_newline_stays_in_word() -> None:
    parsed = parse_script('echo "a\nb" | docker login -u me --password-stdin reg.io')
    assert not isinstance(parsed, ParseError)
    login = parsed[-1]
    assert isinstance(login, LoginCommand)
    assert login.stdin is not None
    assert login.stdin.argv == ("echo", "a\nb")


def test_redirect_of_stderr_is_ignored() -> None:
    command = _only("docker push reg.io/a:1 2>/dev/null")
    assert command == PushCommand(text="docker push reg.io/a:1", name="reg.io/a:1")


def test_empty_text_has_no_commands() -> None:
    assert parse_script("  \n# nothing\n") == ()


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("docker tag a", "docker tag a: docker: 'docker tag' requires 2 arguments"),
        (
            "docker image tag a b c",
            "docker image tag a b c: docker: 'docker image tag' requires 2 arguments",
        ),
        ("docker push", "docker push: docker: 'docker push' requires 1 argument"),
        (
            "docker login a b",
            "docker login a b: docker: 'docker login' requires at most 1 argument",
        ),
        ("docker push -x a", "docker push -x a: unknown shorthand flag: 'x' in -x"),
        ("docker push --force a", "docker push --force a: unknown flag: --force"),
        ("docker login -u", "docker login -u: flag needs an argument: 'u' in -u"),
        ("docker login --username", "docker login --username: flag needs an argument: --username"),
        (
            "docker push --all-tags=maybe a",
            'docker push --all-tags=maybe a: invalid argument "maybe" for "-a, --all-tags" flag: '
            'strconv.ParseBool: parsing "maybe": invalid syntax',
        ),
        (
            "docker login -p x --password-stdin r",
            "docker login -p *** --password-stdin r: "
            "conflicting options: cannot specify both --password and --password-stdin",
        ),
        ("docker", "docker: docker prints its usage and runs no command"),
        ('docker push "reg.io/a', "a quotation mark is never closed in 'docker push \"reg.io/a'"),
        ("docker login <<EOF", "here-documents (<<) are not supported; use a pipe or < FILE"),
        ("docker login <", "missing file name after '<'"),
        (
            "| docker push a",
            "bash would reject the text: syntax error near unexpected token '|'",
        ),
    ],
)
def test_parse_errors(text: str, message: str) -> None:
    assert parse_script(text) == ParseError(message)


def test_parse_error_str() -> None:
    assert str(ParseError("broken")) == "broken"
