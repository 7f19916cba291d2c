"""Tests for the module 1 exercises: solutions pass, stubs are not attempted, mistakes explained."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from registry_dojo import reference
from registry_dojo.checks import Exercise, Status, _references, module0, module1
from registry_dojo.lab import LabInfo, env_vars
from registry_dojo.registry import Registry

LAB_HOST = "127.0.0.1:5999"


@pytest.fixture(autouse=True)
def _private_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("REGISTRY_DOJO_HOME", str(tmp_path / "home"))


class FakeRegistry:
    """A registry in memory behind httpx.MockTransport: blobs, manifests by tag, no auth."""

    def __init__(self) -> None:
        self.manifests: dict[tuple[str, str], tuple[bytes, str]] = {}
        self.blobs: set[str] = set()
        self.deletes_enabled = True

    def handle(self, request: httpx.Request) -> httpx.Response:
        path = request.url.path
        if path == "/v2/":
            return httpx.Response(200, json={})
        if path.endswith("/blobs/uploads/"):
            return httpx.Response(202, headers={"Location": "/upload/1"})
        if path == "/upload/1":
            self.blobs.add(request.url.params["digest"])
            return httpx.Response(201)
        if "/blobs/" in path:
            return httpx.Response(200 if path.rpartition("/")[2] in self.blobs else 404)
        repo, _, ref = path.removeprefix("/v2/").partition("/manifests/")
        if not ref:
            return httpx.Response(404, json={"errors": [{"code": "NAME_UNKNOWN"}]})
        if request.method == "DELETE":
            return self.delete(repo, ref)
        if request.method == "PUT":
            data = request.content
            self.manifests[(repo, ref)] = (data, request.headers["Content-Type"])
            digest = "sha256:" + hashlib.sha256(data).hexdigest()
            return httpx.Response(201, headers={"Docker-Content-Digest": digest})
        stored = self.manifests.get((repo, ref))
        if stored is None:
            body = {"errors": [{"code": "MANIFEST_UNKNOWN", "message": "manifest unknown"}]}
            if request.method == "HEAD":
                return httpx.Response(404)
            return httpx.Response(404, json=body)
        data, media_type = stored
        headers = {
            "Docker-Content-Digest": "sha256:" + hashlib.sha256(data).hexdigest(),
            "Content-Type": media_type,
            "Content-Length": str(len(data)),
        }
        return httpx.Response(
            200, headers=headers, content=b"" if request.method == "HEAD" else data
        )

    def delete(self, repo: str, digest: str) -> httpx.Response:
        """Delete by digest, removing every tag on it, as distribution 2.8 does."""
        if not self.deletes_enabled:
            body = {"errors": [{"code": "UNSUPPORTED", "message": "The operation is unsupported."}]}
            return httpx.Response(405, json=body)
        doomed = [
            key
            for key, (data, _) in self.manifests.items()
            if key[0] == repo and "sha256:" + hashlib.sha256(data).hexdigest() == digest
        ]
        for key in doomed:
            del self.manifests[key]
        return httpx.Response(202 if doomed else 404)


@pytest.fixture
def fake_lab(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> FakeRegistry:
    info = LabInfo(
        host=LAB_HOST,
        url=f"http://{LAB_HOST}",
        username="dojo",
        password="not-a-real-password",
        pid=None,
        backend="binary",
        docker_config=tmp_path / "docker",
        home=tmp_path / "home",
    )
    fake = FakeRegistry()
    monkeypatch.setattr(module1, "lab_info", lambda: info)
    monkeypatch.setattr(module0, "lab_info", lambda: info)
    monkeypatch.setattr(module1, "lab_transport", httpx.MockTransport(fake.handle))
    return fake


def _solution(exercise: Exercise, name: str) -> Callable[..., Any]:
    namespace: dict[str, Any] = {}
    exec(exercise.solution, namespace)
    function: Callable[..., Any] = namespace[name]
    return function


def _messages(exercise: Exercise, answer: object) -> dict[str, str]:
    result = exercise.check(answer)
    return {case.label: case.message for case in result.cases if not case.passed}


SOLUTION_NAMES = {
    "m01.qualify": "qualify",
    "m01.classify": "classify",
    "m01.parse": "split_reference",
    "m01.push_commands": "push_commands",
    "m01.which_host": "which_host",
    "m01.login": "login_command",
    "m01.lab_push": "publish",
}


def test_exercise_list() -> None:
    assert [exercise.id for exercise in module1.EXERCISES] == list(SOLUTION_NAMES)
    for exercise in module1.EXERCISES:
        assert getattr(module1, exercise.id.removeprefix("m01.")) is exercise
        assert len(exercise.hints) == 3


@pytest.mark.parametrize("exercise", module1.EXERCISES, ids=lambda exercise: exercise.id)
def test_solution_passes(exercise: Exercise, fake_lab: FakeRegistry) -> None:
    result = exercise.check(_solution(exercise, SOLUTION_NAMES[exercise.id]))
    assert result.status is Status.CORRECT, result.text()
    assert result.points == exercise.max_points


@pytest.mark.parametrize("exercise", module1.EXERCISES, ids=lambda exercise: exercise.id)
def test_stub_not_attempted(exercise: Exercise, fake_lab: FakeRegistry) -> None:
    def stub(*args: object) -> object:
        raise NotImplementedError()

    result = exercise.check(stub)
    assert result.status is Status.NOT_ATTEMPTED
    assert result.points == 0


def test_expected_answers_follow_reference() -> None:
    answers = _solution(module1.qualify, "qualify")()
    assert answers["redis"] == str(reference.parse_docker_ref("redis"))
    assert answers["redis"] == "docker.io/library/redis:latest"


# qualify


def test_qualify_feedback_golden() -> None:
    digest_input = module1.QUALIFY_INPUTS[-1]
    answers = {
        "redis": "redis:latest",
        "bitnami/redis:7.2": "docker.io/bitnami/redis",
        "localhost:5000/app": "docker.io/localhost:5000/app:latest",
        "myhost/app": "myhost/app:latest",
        "my.host/app": "docker.io/my.host/app:latest",
        "myacr.azurecr.io/team/api:2.3.1": "myacr.azurecr.io/api:2.3.1",
        "index.docker.io/library/nginx:1.27": "index.docker.io/library/nginx:1.27",
        digest_input: "docker.io/library/nginx:1.27@" + digest_input.partition("@")[2],
        "111122223333.dkr.ecr.eu-west-1.amazonaws.com/api:1.0": 42,
    }
    messages = _messages(module1.qualify, answers)
    assert messages["'redis'"] == (
        "your reference has no registry host; Docker adds one when the first component has "
        "no '.' or ':' and is not 'localhost'"
    )
    assert messages["'bitnami/redis:7.2'"] == "the tag differs from the input's"
    assert messages["'localhost:5000/app'"] == (
        "'docker.io/localhost:5000/app:latest' is not a valid reference: invalid reference format"
    )
    assert messages["'myhost/app'"] == (
        "the first component of this input is not a host (it has no '.' or ':' and is not "
        "'localhost'), so Docker uses Docker Hub"
    )
    assert messages["'my.host/app'"] == "the registry host differs from the one this input names"
    assert messages["'myacr.azurecr.io/team/api:2.3.1'"] == (
        "the repository path differs from the input's"
    )
    assert messages["'index.docker.io/library/nginx:1.27'"] == (
        "the full form always writes Docker Hub's host as 'docker.io'"
    )
    assert messages[module1.qualify.check(answers).cases[-1].label] == (
        "with a digest, Docker pulls by digest alone and drops the tag"
    )
    assert messages["'111122223333.dkr.ecr.eu-west-1.amazonaws.com/api:1.0'"] == (
        "expected a string, got an int"
    )
    assert messages["'ghcr.io/octo-org/api@sha256:5891b5b522d...2e846f6be03' (92 characters)"] == (
        "missing from your dict; give one entry per input"
    )


def test_qualify_missing_latest_and_library() -> None:
    messages = _messages(
        module1.qualify, {"redis": "docker.io/library/redis", "bitnami/redis:7.2": "x"}
    )
    assert messages["'redis'"] == (
        "no tag: Docker adds ':latest' when a reference has neither tag nor digest"
    )
    messages = _messages(module1.qualify, {"redis": "docker.io/redis:latest"})
    assert messages["'redis'"] == (
        "one-component names on Docker Hub live in the 'library/' namespace"
    )


def test_qualify_partial_points() -> None:
    answers = _solution(module1.qualify, "qualify")()
    answers["redis"] = "redis"
    result = module1.qualify.check(answers)
    assert result.status is Status.INCORRECT
    assert result.points == module1.qualify.max_points - 1


def test_qualify_learner_exception() -> None:
    def qualify() -> dict[str, str]:
        parts: dict[str, str] = {}
        return {"redis": parts["tag"]}

    result = module1.qualify.check(qualify)
    line = qualify.__code__.co_firstlineno + 2
    assert result.cases[0].message == f"KeyError: 'tag' (line {line}, in qualify)"


def test_qualify_wrong_type() -> None:
    result = module1.qualify.check(lambda: list(module1.QUALIFY_INPUTS))
    assert result.cases[0].message == (
        "expected a dict mapping each input of QUALIFY_INPUTS to its full reference, got a list"
    )


# classify


def test_classify_feedback_golden() -> None:
    messages = _messages(
        module1.classify,
        {
            "nginx:1.27": "invalid",
            "MyApp:1.0": "invalid reference format",
            "myapp:V1.0-RC": "repository name must be lowercase",
            "https://ghcr.io/org/app:1.0": "valid",
            "app:1.0+build.5": "bad tag",
        },
    )
    assert messages["'nginx:1.27'"] == "write the exact reason Docker gives, not just 'invalid'"
    assert messages["'MyApp:1.0'"] == (
        "Docker reports a different reason: it checks uppercase letters in the repository path "
        "first, then the whole string against the reference grammar, then the name's length "
        "and the digest"
    )
    assert messages["'myapp:V1.0-RC'"] == (
        "Docker accepts this string; check which part the rule you applied covers"
    )
    assert messages["'https://ghcr.io/org/app:1.0'"] == (
        "Docker rejects this string; find the rule it breaks"
    )
    assert messages["'app:1.0+build.5'"] == (
        "'bad tag' is not one of Docker's reasons; copy the reason text exactly"
    )


@pytest.mark.parametrize("name", ["library/MyApp", "MyApp"])
def test_classify_accepts_docker_cli_wording(name: str) -> None:
    answers = _solution(module1.classify, "classify")()
    answers["MyApp:1.0"] = f"invalid reference format: repository name ({name}) must be lowercase"
    assert module1.classify.check(answers).status is Status.CORRECT


def test_classify_valid_ignores_case_and_spaces() -> None:
    answers = _solution(module1.classify, "classify")()
    answers["nginx:1.27"] = " Valid\n"
    assert module1.classify.check(answers).status is Status.CORRECT


def test_classify_digest_feedback() -> None:
    digest_input = "app@sha256:" + "a" * 40
    messages = _messages(
        module1.classify,
        {
            digest_input: "invalid reference format",
            "team//app": "invalid checksum digest length",
            "myapp:V1.0-RC": "invalid reference format: repository name (myapp) must be lowercase",
            "app@md5:" + "a" * 32: "Unsupported digest algorithm",
        },
    )
    assert messages[repr(digest_input)] == (
        "this string passes the reference grammar, so Docker goes on to check the digest "
        "itself, and that check fails with another reason"
    )
    assert messages["'team//app'"] == (
        "the string fails the reference grammar already, so Docker never checks the digest"
    )
    assert messages["'myapp:V1.0-RC'"] == (
        "Docker does not report an uppercase repository name for this string"
    )
    assert messages[repr("app@md5:" + "a" * 32)] == (
        "write the reason exactly as Docker prints it, in lowercase"
    )


def test_classify_hint_states_check_order() -> None:
    assert module1.classify.hints[0] == (
        "Docker checks in this order: uppercase letters in the repository path, then the "
        "whole string against the reference grammar, then the name's length and the digest."
    )
    assert _references.expected_classification("MyApp:1.0+x") == reference.NAME_CONTAINS_UPPERCASE


# parse


def test_parse_feedback_names_parts() -> None:
    def split_reference(ref: str) -> dict[str, str | None]:
        if ref == "MyApp":
            return {"domain": "docker.io"}
        if ref == "nginx":
            return {"domain": "docker.io", "path": "nginx", "tag": "latest", "digest": None}
        if ref == "team//app":
            raise KeyError("component")
        if ref == "nginx:1.27":
            raise ValueError("nope")
        if ref == "app:":
            return {"domain": "docker.io", "path": "library/app", "tag": None, "digest": None}
        return {"domain": "", "path": "", "tag": None, "digest": None}

    messages = _messages(module1.parse, split_reference)
    assert messages["'nginx'"] == (
        "these parts differ from Docker's: path (you returned 'nginx'), tag (you returned "
        "'latest'); normalising a name adds no tag, only pulling does"
    )
    assert messages["'nginx:1.27'"].startswith(
        "Docker accepts this string, but split_reference raised ValueError: nope (line "
    )
    assert messages["'team//app'"].startswith(
        "raise ValueError for an invalid reference, not KeyError: 'component' (line "
    )
    assert messages["'app:'"] == (
        "Docker rejects this string, but split_reference returned a dict; raise ValueError instead"
    )
    assert messages["'MyApp'"] == (
        "Docker rejects this string, but split_reference returned a dict; raise ValueError instead"
    )
    assert "'myhost/app'" in messages
    assert "'my_host:5000/app'" in messages


def test_parse_missing_keys() -> None:
    messages = _messages(module1.parse, lambda ref: {"domain": "docker.io"})
    assert messages["'nginx'"] == "the dict is missing the keys 'path', 'tag', 'digest'"


def test_parse_not_a_function() -> None:
    result = module1.parse.check({"domain": "docker.io"})
    assert result.cases[0].message == (
        "expected a function split_reference(ref) that returns a dict, got a dict"
    )


# which_host


def test_which_host_accepts_hub_spellings() -> None:
    for hub in ("docker.io", "index.docker.io", "registry-1.docker.io"):
        messages = _messages(module1.which_host, {"docker pull redis": hub})
        assert "'docker pull redis'" not in messages


def test_which_host_feedback_golden() -> None:
    messages = _messages(
        module1.which_host,
        {
            "docker pull acme/api:2.1": "acme",
            "docker push localhost:5000/app:dev": "localhost",
            "docker pull myhost/app": "https://docker.io",
            "docker pull my.host/app": "docker.io",
            "docker push ghcr.io/octo-org/api:1.4": "ghcr.io/octo-org",
        },
    )
    assert messages["'docker pull acme/api:2.1'"] == (
        "'acme' has no '.' or ':' and is not 'localhost', so Docker does not read it as a host"
    )
    assert messages["'docker push localhost:5000/app:dev'"] == "the port is part of the host"
    assert messages["'docker pull myhost/app'"] == (
        "give the host alone, without a URL scheme such as 'https://'"
    )
    assert messages["'docker pull my.host/app'"] == (
        "the first component names a host ('.', ':' or 'localhost'), so this is not Hub"
    )
    assert messages["'docker push ghcr.io/octo-org/api:1.4'"] == (
        "give the host only, without the repository path"
    )


# push_commands


@pytest.mark.parametrize(
    "script",
    [
        "docker tag hello:1.0 myacr.azurecr.io/team/hello:1.0\n"
        "docker push myacr.azurecr.io/team/hello:1.0",
        "docker image tag docker.io/library/hello:1.0 myacr.azurecr.io/team/hello:1.0 && "
        "docker image push -q myacr.azurecr.io/team/hello:1.0",
        "docker tag hello:1.0 myacr.azurecr.io/team/hello:1.0; "
        "docker push --all-tags myacr.azurecr.io/team/hello",
        "# log in first\ndocker login myacr.azurecr.io\n"
        "sudo docker tag hello:1.0 myacr.azurecr.io/team/hello:1.0\n"
        "sudo docker push myacr.azurecr.io/team/hello:1.0",
    ],
)
def test_push_equivalent_forms(script: str) -> None:
    result = module1.push_commands.check(script)
    assert result.status is Status.CORRECT, result.text()


@pytest.mark.parametrize(
    ("script", "tag_message", "push_message"),
    [
        (
            "docker tag hello:1.0 team/hello:1.0\ndocker push team/hello:1.0",
            "'team/hello:1.0' has no registry host, so Docker reads it as "
            "'docker.io/team/hello:1.0' and the push would go to Docker Hub; start the name "
            "with the registry's host",
            "'team/hello:1.0' has no registry host, so Docker reads it as "
            "'docker.io/team/hello:1.0' and the push would go to Docker Hub; start the name "
            "with the registry's host",
        ),
        (
            "docker push myacr.azurecr.io/team/hello:1.0",
            "there is no docker tag command, so the registry's name never exists",
            "Docker would answer 'An image does not exist locally with the tag: "
            "myacr.azurecr.io/team/hello'; push exactly the name you gave with docker tag",
        ),
        (
            "docker tag hello:1.0 myacr.azurecr.io/team/hello:1.0\n"
            "docker push myacr.azurecr.io/team/hello",
            None,
            "Docker would answer 'An image does not exist locally with the tag: "
            "myacr.azurecr.io/team/hello'; push exactly the name you gave with docker tag",
        ),
        (
            "docker tag hello:1.0 myacr.azurecr.io/team/hello:1.0\ndocker push hello:1.0",
            None,
            "you tagged the task's name but pushed 'hello:1.0'; push the tagged name",
        ),
        (
            "docker tag hello:1.0 myacr.azurecr.io/Team/hello:1.0\n"
            "docker push myacr.azurecr.io/Team/hello:1.0",
            "'myacr.azurecr.io/Team/hello:1.0' has uppercase letters in its repository path, "
            "which must be lowercase",
            "'myacr.azurecr.io/Team/hello:1.0' has uppercase letters in its repository path, "
            "which must be lowercase",
        ),
        (
            "docker tag hello:1.0 https://myacr.azurecr.io/team/hello:1.0\n"
            "docker push https://myacr.azurecr.io/team/hello:1.0",
            "'https://myacr.azurecr.io/team/hello:1.0' starts with a URL scheme; image "
            "references have none (write host/path:tag)",
            "'https://myacr.azurecr.io/team/hello:1.0' starts with a URL scheme; image "
            "references have none (write host/path:tag)",
        ),
        (
            "docker push myacr.azurecr.io/team/hello:1.0\n"
            "docker tag hello:1.0 myacr.azurecr.io/team/hello:1.0",
            None,
            "pushes 'myacr.azurecr.io/team/hello:1.0' before the docker tag that creates it",
        ),
        (
            "docker tag hello myacr.azurecr.io/team/hello:1.0\n"
            "docker push myacr.azurecr.io/team/hello:1.0",
            "Docker would answer 'No such image: hello:latest'; the local image is 'hello:1.0'",
            "Docker would answer 'An image does not exist locally with the tag: "
            "myacr.azurecr.io/team/hello'; push exactly the name you gave with docker tag",
        ),
        (
            "docker tag hello:1.0 otheracr.azurecr.io/team/hello:1.0\n"
            "docker push otheracr.azurecr.io/team/hello:1.0",
            "the registry host of 'otheracr.azurecr.io/team/hello:1.0' is not the task's registry",
            "the registry host of 'otheracr.azurecr.io/team/hello:1.0' is not the task's registry",
        ),
        (
            "docker tag hello:1.0 myacr.azurecr.io/team/hello:1.0\n"
            "docker push -a myacr.azurecr.io/team/hello:1.0",
            None,
            "Docker answers 'tag can't be used with --all-tags/-a': push the name alone",
        ),
    ],
)
def test_push_mistakes(script: str, tag_message: str | None, push_message: str | None) -> None:
    messages = _messages(module1.push_commands, script)
    assert messages.get("docker tag") == tag_message
    assert messages.get("docker push") == push_message


def test_push_unparseable() -> None:
    result = module1.push_commands.check("docker tag hello:1.0")
    assert result.cases[0].message == (
        "cannot read your commands: docker tag hello:1.0: docker: 'docker tag' requires 2 arguments"
    )


# login


@pytest.mark.parametrize(
    "script",
    [
        f'cat "$REGISTRY_DOJO_PASSWORD_FILE" | docker login -u dojo --password-stdin {LAB_HOST}',
        f'echo "$REGISTRY_DOJO_PASSWORD" | docker login --username=dojo --password-stdin '
        f"{LAB_HOST}",
        'docker login -u "$REGISTRY_DOJO_USERNAME" --password-stdin "${REGISTRY_DOJO_REGISTRY}" '
        '< "$REGISTRY_DOJO_PASSWORD_FILE"',
        f"DOCKER_CONFIG=/tmp/lab docker login {LAB_HOST} --password-stdin -u dojo "
        '< "$REGISTRY_DOJO_PASSWORD_FILE"',
        f"docker --config /tmp/lab login -u dojo --password-stdin http://{LAB_HOST} "
        '< "$REGISTRY_DOJO_PASSWORD_FILE"',
    ],
)
def test_login_equivalent_forms(script: str, fake_lab: FakeRegistry) -> None:
    result = module1.login.check(script)
    assert result.status is Status.CORRECT, result.text()


@pytest.mark.parametrize(
    "script",
    [
        f'docker login -u dojo --password-stdin {LAB_HOST} < "${{REGISTRY_DOJO_PASSWORD_FILE}}"',
        "printf '%s' \"$REGISTRY_DOJO_PASSWORD\" | "
        f"docker login -u dojo --password-stdin {LAB_HOST}",
        f'docker login -u dojo --password-stdin {LAB_HOST} <<< "$REGISTRY_DOJO_PASSWORD"',
        'eval "$(registry-dojo lab env)"\n'
        f'docker login -u dojo --password-stdin {LAB_HOST} < "$REGISTRY_DOJO_PASSWORD_FILE"',
    ],
)
def test_login_password_sources(script: str, fake_lab: FakeRegistry) -> None:
    result = module1.login.check(script)
    assert result.status is Status.CORRECT, result.text()


@pytest.mark.parametrize(
    ("script", "label", "message"),
    [
        (
            f"docker login -u dojo -p secret {LAB_HOST}",
            "password",
            "-p/--password puts the password on the command line, where shell history and "
            "`ps` show it; feed it on standard input with --password-stdin",
        ),
        (
            'cat "$REGISTRY_DOJO_PASSWORD_FILE" | docker login -u dojo --password-stdin',
            "server",
            "no server given, so docker login logs in to Docker Hub; name the lab registry's host",
        ),
        (
            'cat "$REGISTRY_DOJO_PASSWORD_FILE" | docker login -u dojo --password-stdin ghcr.io',
            "server",
            "'ghcr.io' is not the lab registry's host; Docker stores credentials per host, so a "
            "push to the lab would find none",
        ),
        (
            'cat "$REGISTRY_DOJO_PASSWORD_FILE" | '
            "docker login -u dojo --password-stdin localhost:5999",
            "server",
            "'localhost:5999' reaches the same registry, but Docker stores credentials per host "
            "string, so a push to the lab's host would find none; use the lab's host exactly",
        ),
        (
            f"docker login -u dojo {LAB_HOST}",
            "password",
            "without --password-stdin, docker login prompts for the password, which fails with "
            "no terminal: 'cannot perform an interactive login from a non-TTY device'",
        ),
        (
            f"docker login -u dojo --password-stdin {LAB_HOST}",
            "password",
            "--password-stdin reads standard input, but nothing is piped or redirected into it",
        ),
        (
            f"echo hunter2 | docker login -u dojo --password-stdin {LAB_HOST}",
            "password",
            "the password is written out in the command, where shell history shows it; read "
            "it from a variable or a file",
        ),
        (
            f'cat "$REGISTRY_DOJO_PASSWORD_FILE" | docker login --password-stdin {LAB_HOST}',
            "username",
            "Docker answers 'the --password-stdin option requires --username to be set'",
        ),
        (
            'cat "$REGISTRY_DOJO_PASSWORD_FILE" | '
            f"docker login -u admin --password-stdin {LAB_HOST}",
            "username",
            "'admin' is not the lab's user name; see `registry-dojo lab env`",
        ),
        (
            'cat "$REGISTRY_DOJO_PASSWORD_FILE" | docker login -u dojo --password-stdin "$LAB"',
            "server",
            "$LAB is not one of the variables that `registry-dojo lab env` sets",
        ),
    ],
)
def test_login_mistakes(script: str, label: str, message: str, fake_lab: FakeRegistry) -> None:
    messages = _messages(module1.login, script)
    assert messages == {label: message}


def test_login_without_login_command(fake_lab: FakeRegistry) -> None:
    messages = _messages(module1.login, "docker push x")
    assert messages == {"docker login": "there is no docker login command"}


def test_login_feedback_hides_password(fake_lab: FakeRegistry) -> None:
    result = module1.login.check(f"docker login -u dojo -p hunter2 {LAB_HOST}")
    assert "hunter2" not in result.text()


# lab_push with a fake registry


def _put(registry: Registry, tag: str, body: bytes) -> None:
    registry.put_manifest("dojo/hello", tag, body, "application/vnd.oci.image.manifest.v1+json")


def test_lab_push_different_digests(fake_lab: FakeRegistry) -> None:
    def publish(registry: Registry) -> None:
        _put(registry, "1.0", b'{"a": 1}')
        _put(registry, "stable", b'{"b": 2}')

    messages = _messages(module1.lab_push, publish)
    assert messages == {
        "one digest": "the two tags point at different manifests; both must name one "
        "manifest digest"
    }


def test_lab_push_missing_tag(fake_lab: FakeRegistry) -> None:
    messages = _messages(module1.lab_push, lambda registry: _put(registry, "1.0", b"{}"))
    assert messages == {
        "dojo/hello:stable": "publish() pushed 'dojo/hello:1.0', but not this tag",
        "one digest": "cannot compare digests until publish() writes both tags",
    }


def test_lab_push_old_tags_do_not_count(fake_lab: FakeRegistry) -> None:
    fake_lab.manifests[("dojo/hello", "1.0")] = (b"{}", "application/json")
    fake_lab.manifests[("dojo/hello", "stable")] = (b"{}", "application/json")
    result = module1.lab_push.check(lambda registry: None)
    messages = {case.label: case.message for case in result.cases if not case.passed}
    assert messages == {
        "dojo/hello:1.0": "publish() pushed no manifest at all",
        "dojo/hello:stable": "publish() pushed no manifest at all",
        "one digest": "cannot compare digests until publish() writes both tags",
    }
    assert result.points == 0
    assert ("dojo/hello", "1.0") not in fake_lab.manifests


def test_lab_push_one_old_tag_scores_nothing(fake_lab: FakeRegistry) -> None:
    fake_lab.manifests[("dojo/hello", "stable")] = (b"{}", "application/json")
    result = module1.lab_push.check(lambda registry: _put(registry, "1.0", b"{}"))
    messages = {case.label: case.message for case in result.cases if not case.passed}
    assert messages["dojo/hello:stable"] == "publish() pushed 'dojo/hello:1.0', but not this tag"
    assert result.points == 1


def test_lab_push_counts_writes_by_other_clients(fake_lab: FakeRegistry) -> None:
    # A publish() that pushes with the docker CLI writes through no client of the grader's.
    def publish(registry: Registry) -> None:
        fake_lab.manifests[("dojo/hello", "1.0")] = (b"{}", "application/json")
        fake_lab.manifests[("dojo/hello", "stable")] = (b"{}", "application/json")

    result = module1.lab_push.check(publish)
    assert result.status is Status.CORRECT


def test_lab_push_old_tags_without_deletes(fake_lab: FakeRegistry) -> None:
    fake_lab.deletes_enabled = False
    fake_lab.manifests[("dojo/hello", "1.0")] = (b"{}", "application/json")
    fake_lab.manifests[("dojo/hello", "stable")] = (b"{}", "application/json")
    result = module1.lab_push.check(lambda registry: None)
    messages = {case.label: case.message for case in result.cases if not case.passed}
    old = (
        "present only from an earlier run (publish() pushed no manifest at all); only tags "
        "publish() writes count"
    )
    assert messages["dojo/hello:1.0"] == old
    assert messages["dojo/hello:stable"] == old
    assert result.points == 0


def test_lab_push_names_other_repository(fake_lab: FakeRegistry) -> None:
    def publish(registry: Registry) -> None:
        registry.put_manifest("hello", "1.0", b"{}", "application/json")

    messages = _messages(module1.lab_push, publish)
    assert messages["dojo/hello:1.0"] == "your code pushed to 'hello:1.0', not to 'dojo/hello'"


def test_lab_push_learner_error_hides_port(fake_lab: FakeRegistry) -> None:
    def publish(registry: Registry) -> None:
        registry.get_manifest("dojo/hello", "nothing")

    result = module1.lab_push.check(publish)
    message = result.cases[0].message
    assert message.startswith(
        "publish() raised RegistryError: 404 MANIFEST_UNKNOWN: manifest unknown "
        "(GET /v2/dojo/hello/manifests/nothing) (line "
    )
    assert "5999" not in result.text()


@pytest.mark.parametrize(
    ("repository", "step"),
    [
        ("dojo/Hello", "repository names must be lowercase: write 'dojo/hello'"),
        (
            f"{LAB_HOST}/dojo/hello",
            "pass the repository path only, such as 'dojo/hello': the client already sends "
            "every request to the lab registry",
        ),
    ],
)
def test_lab_push_name_error_next_step(repository: str, step: str, fake_lab: FakeRegistry) -> None:
    def publish(registry: Registry) -> None:
        registry.put_manifest(repository, "1.0", b"{}", "application/json")

    message = module1.lab_push.check(publish).cases[0].message
    assert message.startswith("publish() raised InvalidReferenceError: ")
    assert message.endswith(f". Next step: {step}")
    assert "5999" not in message


def test_lab_push_without_parameter(fake_lab: FakeRegistry) -> None:
    def publish() -> None:
        pass

    result = module1.lab_push.check(publish)
    assert result.text() == (
        "m01.lab_push (Publish one image under two tags): incorrect, 0/3 points\n"
        "The answer has the wrong type, so nothing was checked.\n"
        "  ✗ answer: expected a function publish(registry), with one parameter; got "
        "publish(), which takes no parameters"
    )


def test_lab_push_type_error_is_shown(fake_lab: FakeRegistry) -> None:
    from registry_dojo.image import build_image

    def publish(registry: Registry) -> None:
        build_image("hello")  # type: ignore[arg-type]

    message = module1.lab_push.check(publish).cases[0].message
    assert message.startswith("publish() raised ")
    assert "Error: " in message


def test_lab_push_unreachable_lab(monkeypatch: pytest.MonkeyPatch) -> None:
    from registry_dojo.errors import LabError

    def no_lab() -> LabInfo:
        raise LabError("no registry binary")

    monkeypatch.setattr(module1, "lab_info", no_lab)
    messages = _messages(module1.lab_push, lambda registry: None)
    assert messages == {
        "lab registry": "cannot start or reach the lab registry: no registry binary"
    }


# lab_push against the real lab registry


@pytest.fixture
def real_lab(lab: LabInfo, monkeypatch: pytest.MonkeyPatch) -> Iterator[LabInfo]:
    monkeypatch.setattr(module1, "lab_info", lambda: lab)
    monkeypatch.setattr(module1, "lab_transport", None)
    yield lab


@pytest.mark.integration
def test_lab_push_solution_live(real_lab: LabInfo) -> None:
    result = module1.lab_push.check(_solution(module1.lab_push, "publish"))
    assert result.status is Status.CORRECT, result.text()
    assert real_lab.host not in result.text()


@pytest.mark.integration
def test_lab_push_wrong_live(real_lab: LabInfo) -> None:
    from registry_dojo.image import build_image

    def publish(registry: Registry) -> None:
        registry.push_image("dojo/hello", "1.0", build_image({"a.txt": "one\n"}))
        registry.push_image("dojo/hello", "stable", build_image({"b.txt": "two\n"}))

    messages = _messages(module1.lab_push, publish)
    assert messages == {
        "one digest": "the two tags point at different manifests; both must name one "
        "manifest digest"
    }


@pytest.mark.integration
def test_login_solution_live(real_lab: LabInfo) -> None:
    assert env_vars(real_lab)["REGISTRY_DOJO_REGISTRY"] == real_lab.host
    result = module1.login.check(_solution(module1.login, "login_command"))
    assert result.status is Status.CORRECT, result.text()


def test_login_literal_password_file(fake_lab: FakeRegistry) -> None:
    password_file = module1.lab_info().password_file
    script = f"docker login -u dojo --password-stdin {LAB_HOST} < {password_file}"
    result = module1.login.check(script)
    assert result.status is Status.CORRECT, result.text()


@pytest.mark.parametrize(
    ("script", "label", "message"),
    [
        (
            f"docker login -u dojo --password-stdin {LAB_HOST} < /dev/null",
            "password",
            "/dev/null is empty, so docker login reads an empty password and fails; feed the "
            'lab\'s password file, "$REGISTRY_DOJO_PASSWORD_FILE"',
        ),
        (
            f'docker login -u dojo --password-stdin {LAB_HOST} < "$DOCKER_CONFIG/config.json"',
            "password",
            "'$DOCKER_CONFIG/config.json' is Docker's configuration file (JSON that stores "
            "credentials), not the password; feed the lab's password file, "
            '"$REGISTRY_DOJO_PASSWORD_FILE"',
        ),
        (
            f'docker login -u dojo --password-stdin {LAB_HOST} < "$REGISTRY_DOJO_PASSWORD"',
            "password",
            "$REGISTRY_DOJO_PASSWORD holds the password itself (only `registry-dojo lab env "
            '--reveal` sets it), not a file name; read the file "$REGISTRY_DOJO_PASSWORD_FILE" '
            "instead, or pipe the variable: printf '%s' \"$REGISTRY_DOJO_PASSWORD\" |",
        ),
        (
            f"docker login -u dojo --password-stdin {LAB_HOST} < pw.txt",
            "password",
            "'pw.txt' is not the lab's password file; feed \"$REGISTRY_DOJO_PASSWORD_FILE\", the "
            "file that `registry-dojo lab env` names",
        ),
        (
            f'echo "$LAB_PASSWORD" | docker login -u dojo --password-stdin {LAB_HOST}',
            "password",
            "$LAB_PASSWORD is not one of the variables that `registry-dojo lab env` sets; "
            "`lab env --reveal` adds $REGISTRY_DOJO_PASSWORD, the password itself",
        ),
        (
            'echo "$REGISTRY_DOJO_PASSWORD_FILE" | '
            f"docker login -u dojo --password-stdin {LAB_HOST}",
            "password",
            "echo prints the file's name, not its contents; use "
            'cat "$REGISTRY_DOJO_PASSWORD_FILE" | or < "$REGISTRY_DOJO_PASSWORD_FILE"',
        ),
        (
            f'printf "$REGISTRY_DOJO_PASSWORD" | docker login -u dojo --password-stdin {LAB_HOST}',
            "password",
            "printf reads its first argument as a format, so a '%' in the password would be "
            "changed; write printf '%s' \"$REGISTRY_DOJO_PASSWORD\"",
        ),
        (
            f'docker login -u dojo --password-stdin {LAB_HOST} < "$REGISTRY_DOJO_PASSWORD_FILE"'
            "; docker logout",
            "other commands",
            "`docker logout` is not part of logging in (without a server it logs out of Docker "
            "Hub); leave it out",
        ),
        (
            f'docker login -u dojo --password-stdin {LAB_HOST} < "$REGISTRY_DOJO_PASSWORD_FILE"'
            f" && docker logout {LAB_HOST}",
            "other commands",
            f"`docker logout {LAB_HOST}` after the login removes the lab's credentials again; "
            "leave it out",
        ),
        (
            'cat "$REGISTRY_DOJO_PASSWORD_FILE"\n'
            f'docker login -u dojo --password-stdin {LAB_HOST} < "$REGISTRY_DOJO_PASSWORD_FILE"',
            "other commands",
            "`cat $REGISTRY_DOJO_PASSWORD_FILE` prints the password where the terminal and its "
            "logs show it; send it only into docker login",
        ),
    ],
)
def test_login_password_source_mistakes(
    script: str, label: str, message: str, fake_lab: FakeRegistry
) -> None:
    messages = _messages(module1.login, script)
    assert messages == {label: message}


def test_login_undone_is_not_full_marks(fake_lab: FakeRegistry) -> None:
    script = (
        f'docker login -u dojo --password-stdin {LAB_HOST} < "$REGISTRY_DOJO_PASSWORD_FILE"; '
        "docker logout"
    )
    result = module1.login.check(script)
    assert result.points == 3
    assert result.max_points == 4


def test_login_empty_answer_is_not_checked(fake_lab: FakeRegistry) -> None:
    result = module1.login.check("")
    assert result.text() == (
        "m01.login (Log in to the lab registry safely): incorrect, 0/4 points\n"
        "Your answer has no docker login command, so nothing was checked.\n"
        "  ✗ docker login: there is no docker login command"
    )


# points and cases agree when an answer cannot be read


def test_push_unclosed_quote_is_not_checked() -> None:
    result = module1.push_commands.check("docker tag hello:1.0 'myacr.azurecr.io/team/hello:1.0")
    assert result.text() == (
        "m01.push_commands (Tag and push to another registry): incorrect, 0/2 points\n"
        "Your answer could not be read as shell commands, so nothing was checked.\n"
        "  ✗ commands: cannot read your commands: a quotation mark is never closed in "
        '"docker tag hello:1.0 \'myacr.azurecr.io/team/hello:1.0"'
    )


def test_which_host_web_site() -> None:
    messages = _messages(module1.which_host, {"docker pull redis": "hub.docker.com"})
    assert messages["'docker pull redis'"] == (
        "hub.docker.com is Docker Hub's web site, not its registry; write Docker Hub as "
        "'docker.io' (or 'registry-1.docker.io')"
    )


# module 0


@pytest.mark.parametrize(
    "answer",
    [
        f"{LAB_HOST}/dojo/demo:1.0",
        f" {LAB_HOST}/dojo/demo:1.0\n",
    ],
)
def test_first_reference_accepts(answer: str, fake_lab: FakeRegistry) -> None:
    result = module0.first_reference.check(lambda: answer)
    assert result.status is Status.CORRECT, result.text()


def test_first_reference_solution(fake_lab: FakeRegistry) -> None:
    namespace: dict[str, Any] = {"info": module0.lab_info()}
    exec(module0.first_reference.solution, namespace)
    result = module0.first_reference.check(namespace["first_reference"])
    assert result.text() == (
        "m00.first_reference (Write the lab image's reference): correct, 1/1 points\n"
        "The case passes. Docker would push and pull the lab's image by this name.\n"
        "  ✓ reference: names dojo/demo:1.0 on the lab registry"
    )


@pytest.mark.parametrize(
    ("answer", "message"),
    [
        (
            "dojo/demo:1.0",
            "this reference has no registry host, so Docker would look for it on Docker Hub; "
            "start it with info.host",
        ),
        (
            "localhost:5999/dojo/demo:1.0",
            "this host reaches the lab too, but Docker keeps logins per host string; write the "
            "host exactly as info.host gives it",
        ),
        (
            "ghcr.io/dojo/demo:1.0",
            "the registry host is not the lab's; start the reference with info.host",
        ),
        (f"{LAB_HOST}/dojo/demo", "the tag is not '1.0'"),
        (f"{LAB_HOST}/demo:1.0", "the repository path is not 'dojo/demo'"),
        (
            f"http://{LAB_HOST}/dojo/demo:1.0",
            "an image reference has no URL scheme such as 'http://'; start with info.host",
        ),
        (
            f"{LAB_HOST}/Dojo/demo:1.0",
            "this is not a valid reference: repository name must be lowercase",
        ),
    ],
)
def test_first_reference_feedback(answer: str, message: str, fake_lab: FakeRegistry) -> None:
    assert _messages(module0.first_reference, answer) == {"reference": message}


def test_first_reference_lab_info_follows_fixture(fake_lab: FakeRegistry) -> None:
    assert module0.lab_info().host == LAB_HOST


# Misbehaving answers: feedback, never a traceback, never the expected answer.


class _Stop(BaseException):
    """A BaseException subclass of the learner's."""


class _Sticky:
    """A value whose comparisons and repr all raise."""

    def __eq__(self, other: object) -> bool:
        raise RuntimeError("eq")

    def __ne__(self, other: object) -> bool:
        raise RuntimeError("ne")

    def __repr__(self) -> str:
        raise RuntimeError("repr")

    __hash__ = object.__hash__


class _Unprintable(ValueError):
    def __str__(self) -> str:
        raise RuntimeError("no message")


def _line(function: Callable[..., Any]) -> int:
    return function.__code__.co_firstlineno + 1


def test_qualify_system_exit_is_feedback() -> None:
    def qualify() -> dict[str, str]:
        raise SystemExit(3)

    result = module1.qualify.check(qualify)
    assert result.status is Status.INCORRECT
    assert result.cases[0].message == f"SystemExit: 3 (line {_line(qualify)}, in qualify)"


def test_qualify_subclasses_read_as_plain() -> None:
    class Answers(dict[str, str]):
        def __contains__(self, key: object) -> bool:
            raise RuntimeError("contains")

        def __getitem__(self, key: str) -> str:
            raise RuntimeError("getitem")

    class Text(str):
        def strip(self, chars: str | None = None) -> str:
            raise RuntimeError("strip")

    solution = _solution(module1.qualify, "qualify")()
    answer = Answers({Text(key): Text(value) for key, value in solution.items()})
    assert module1.qualify.check(answer).status is Status.CORRECT


def test_qualify_value_with_raising_comparisons() -> None:
    messages = _messages(module1.qualify, {"redis": _Sticky()})
    assert messages["'redis'"] == "expected a string, got a _Sticky"


def test_qualify_long_answer_is_shortened() -> None:
    messages = _messages(module1.qualify, {"redis": "redis:" + "x" * 1000})
    assert messages["'redis'"] == (
        f"'redis:{'x' * 33}...{'x' * 11}' (1006 characters) is not a valid reference: "
        "invalid reference format"
    )


def test_classify_long_answers_are_shortened() -> None:
    long_reason = f"invalid reference format: repository name ({'A' * 1000}) must be lowercase"
    result = module1.classify.check({"MyApp:1.0": long_reason, "team//app": "n" * 1000})
    cases = {case.label: case for case in result.cases}
    assert cases["'MyApp:1.0'"].passed
    assert cases["'MyApp:1.0'"].message == (
        f"invalid reference format: repository name ({'A' * 90}...{'A' * 21}) must be lowercase "
        "(1062 characters)"
    )
    assert cases["'team//app'"].message == (
        f"'{'n' * 39}...{'n' * 11}' (1000 characters) is not one of Docker's reasons; copy the "
        "reason text exactly"
    )


def test_parse_system_exit_and_base_exceptions() -> None:
    def split_reference(ref: str) -> object:
        if ref == "nginx":
            raise _Stop("halt")
        raise SystemExit(0)

    messages = _messages(module1.parse, split_reference)
    line = _line(split_reference)
    assert messages["'nginx'"] == f"_Stop: halt (line {line + 1}, in split_reference)"
    assert messages["'nginx:1.27'"] == f"SystemExit: 0 (line {line + 2}, in split_reference)"
    assert messages["'MyApp'"] == (
        "raise ValueError for an invalid reference, not SystemExit: 0 "
        f"(line {line + 2}, in split_reference)"
    )


def test_parse_unprintable_exception() -> None:
    def split_reference(ref: str) -> object:
        raise _Unprintable()

    messages = _messages(module1.parse, split_reference)
    assert messages["'nginx'"] == (
        "Docker accepts this string, but split_reference raised _Unprintable: (its message "
        "cannot be shown: str() raised RuntimeError: no message) "
        f"(line {_line(split_reference)}, in split_reference)"
    )


def test_parse_values_with_raising_comparisons() -> None:
    messages = _messages(
        module1.parse, lambda ref: {"domain": _Sticky(), "path": 1, "tag": None, "digest": None}
    )
    assert messages["'nginx'"] == (
        "these parts differ from Docker's: domain (you returned a _Sticky), path (you returned 1)"
    )


def test_parse_dict_subclass_is_read_as_plain() -> None:
    class Parts(dict[str, object]):
        def __getitem__(self, key: str) -> object:
            raise RuntimeError("getitem")

    messages = _messages(
        module1.parse, lambda ref: Parts(domain="docker.io", path="nginx", tag=1, digest=None)
    )
    assert messages["'nginx'"] == (
        "these parts differ from Docker's: path (you returned 'nginx'), tag (you returned 1)"
    )


def test_parse_long_values_are_shortened() -> None:
    messages = _messages(
        module1.parse, lambda ref: {"domain": "x" * 10**6, "path": "p", "tag": None, "digest": None}
    )
    assert messages["'nginx'"] == (
        f"these parts differ from Docker's: domain (you returned '{'x' * 39}...{'x' * 11}' "
        "(1000000 characters)), path (you returned 'p')"
    )


def test_parse_partial_work_is_graded() -> None:
    solution = _solution(module1.parse, "split_reference")

    def split_reference(ref: str) -> object:
        if "@" in ref:
            raise NotImplementedError("digests come later")
        return solution(ref)

    result = module1.parse.check(split_reference)
    assert result.status is Status.INCORRECT
    assert result.summary == "23 of 27 cases pass; fix the lines marked ✗."
    assert set(_messages(module1.parse, split_reference).values()) == {
        "split_reference raised NotImplementedError: this case is not handled yet"
    }


def test_parse_stub_on_first_case_only_is_graded() -> None:
    solution = _solution(module1.parse, "split_reference")

    def split_reference(ref: str) -> object:
        if ref == "nginx":
            raise NotImplementedError
        return solution(ref)

    result = module1.parse.check(split_reference)
    assert result.status is Status.INCORRECT
    assert result.points == 26


def test_parse_rejecting_everything_scores_nothing() -> None:
    result = module1.parse.check(dict)
    assert result.points == 0
    messages = {case.label: case.message for case in result.cases}
    assert messages["'MyApp'"] == (
        "rejected with ValueError, but rejecting scores only once split_reference splits at "
        "least one valid reference correctly"
    )


def test_parse_rejecting_counts_after_one_valid_split() -> None:
    def split_reference(ref: str) -> object:
        if ref == "nginx":
            return {"domain": "docker.io", "path": "library/nginx", "tag": None, "digest": None}
        raise ValueError("not yet")

    result = module1.parse.check(split_reference)
    assert result.points == 9
    assert {case.label: case.message for case in result.cases}["'MyApp'"] == (
        "rejected with ValueError"
    )


@pytest.mark.parametrize(
    ("error", "text"), [(SystemExit(1), "SystemExit: 1"), (_Stop("halt"), "_Stop: halt")]
)
def test_lab_push_base_exceptions(error: BaseException, text: str, fake_lab: FakeRegistry) -> None:
    def publish(registry: Registry) -> None:
        raise error

    result = module1.lab_push.check(publish)
    assert result.status is Status.INCORRECT
    assert result.cases[0].message == (
        f"publish() raised {text} (line {_line(publish)}, in publish)"
    )


def test_lab_push_long_repository_is_shortened(fake_lab: FakeRegistry) -> None:
    def publish(registry: Registry) -> None:
        registry.put_manifest("Dojo/" + "A" * 200, "1.0", b"{}", "application/json")

    message = module1.lab_push.check(publish).cases[0].message
    assert message.endswith(
        f". Next step: repository names must be lowercase: write '{'dojo/' + 'a' * 34}..."
        f"{'a' * 11}' (205 characters)"
    )


def test_first_reference_string_subclass(fake_lab: FakeRegistry) -> None:
    class Text(str):
        def strip(self, chars: str | None = None) -> str:
            raise RuntimeError("strip")

    result = module0.first_reference.check(Text(f"{LAB_HOST}/dojo/demo:1.0"))
    assert result.status is Status.CORRECT
