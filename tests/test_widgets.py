"""The reference explorer: the pure explanation, and the widget driven without a browser.

The expected ``docker pull`` messages were printed by the Docker 28.2.2 CLI, which rejects an
invalid reference before it contacts the engine or any registry.
"""

from __future__ import annotations

import pytest

from registry_dojo import widgets
from registry_dojo.widgets import ReferenceExplorer, explain, explain_reference

HEX64 = "0" * 64

DOCKER_PULL_MESSAGES = [
    ("Foo", "invalid reference format: repository name (library/Foo) must be lowercase"),
    ("MyOrg/App:V1", "invalid reference format: repository name (App) must be lowercase"),
    ("localhost:5000/App", "invalid reference format: repository name (App) must be lowercase"),
    (
        f"app@SHA256:{HEX64}",
        "invalid reference format: repository name (library/app@SHA256) must be lowercase",
    ),
    ("Foo_x/bar", "repository name must be lowercase"),
    ("nginx:bad tag", "invalid reference format"),
    ("https://x.io/a", "invalid reference format"),
    ("a//b", "invalid reference format"),
    ("", "invalid reference format"),
    (HEX64, f"invalid repository name ({HEX64}), cannot specify 64-byte hexadecimal strings"),
    (f"app@md5:{'0' * 32}", "unsupported digest algorithm"),
    (f"app@sha256:{'0' * 63}", "invalid checksum digest length"),
    ("a" * 256, "repository name must not be more than 255 characters"),
]


@pytest.mark.parametrize(("text", "message"), DOCKER_PULL_MESSAGES)
def test_docker_message_matches_docker_cli(text: str, message: str) -> None:
    assert explain_reference(text).docker_message == message


def test_invalid_explanation_keeps_go_reason() -> None:
    assert explain_reference("Foo").error == "repository name must be lowercase"


def test_invalid_explanation_has_no_parts() -> None:
    explanation = explain_reference("Foo")
    assert explanation.valid is False
    assert explanation.normalized is None
    assert explanation.rows() == []


RULES = [
    ("Foo", "The repository path must be lowercase."),
    ("Foo_x/bar", "'Foo_x' counts as a registry host because it contains a capital letter"),
    ("", "The reference is empty"),
    ("https://x.io/a", "A reference has no URL scheme: remove 'https://' or 'http://'."),
    ("nginx:bad tag", "A reference must not contain spaces or other whitespace."),
    ("nginx:-x", "A tag is 1 to 128 characters from A-Z, a-z, 0-9, '_', '.' and '-'"),
    ("nginx:" + "x" * 129, "A tag is 1 to 128 characters"),
    ("app@sha256:abc", "A digest is 'algorithm:hex'"),
    ("a//b", "Each path component is lowercase letters and digits"),
    ("my_.app", "Each path component is lowercase letters and digits"),
    ("localhost:5000/a//b:1", "Each path component is lowercase letters and digits"),
    (HEX64, "A string of 64 hex digits is an image ID"),
    (f"app@md5:{'0' * 32}", "The digest algorithm must be one of sha256, sha384, sha512."),
    ("a" * 256, "The repository path may have at most 255 characters"),
]


@pytest.mark.parametrize(("text", "rule"), RULES)
def test_rule_names_the_broken_part(text: str, rule: str) -> None:
    explained_rule = explain_reference(text).rule
    assert explained_rule is not None
    assert explained_rule.startswith(rule)


def test_digest_length_rule_lists_lengths() -> None:
    assert explain_reference(f"app@sha256:{'0' * 63}").rule == (
        "The hex part of the digest has the wrong length for its algorithm: "
        "64 for sha256, 96 for sha384, 128 for sha512."
    )


def test_official_image_rows() -> None:
    assert explain_reference("nginx").rows() == [
        ("domain", "docker.io"),
        ("path", "library/nginx"),
        ("tag", "(none)"),
        ("digest", "(none)"),
        ("normalised", "docker.io/library/nginx"),
        ("docker pull fetches", "docker.io/library/nginx:latest"),
        ("familiar form", "nginx"),
        ("docker push contacts", "registry-1.docker.io"),
    ]


def test_acr_reference_rows() -> None:
    rows = dict(explain_reference("myacr.azurecr.io/team/app:1.2.3").rows())
    assert rows["domain"] == "myacr.azurecr.io"
    assert rows["path"] == "team/app"
    assert rows["tag"] == "1.2.3"
    assert rows["docker push contacts"] == "myacr.azurecr.io"
    assert rows["familiar form"] == "myacr.azurecr.io/team/app:1.2.3"


def test_tag_and_digest_pull_by_digest() -> None:
    explanation = explain_reference(f"app:1.0@sha256:{HEX64}")
    assert explanation.pulled is not None
    assert str(explanation.pulled) == f"docker.io/library/app@sha256:{HEX64}"
    assert explanation.notes[-1] == (
        "Both a tag and a digest: the digest alone decides what is pulled, and the tag is dropped."
    )


def test_official_image_notes() -> None:
    assert explain_reference("nginx").notes == (
        "The name has no '/', so it has no registry host: Docker uses Docker Hub.",
        "A one-component name on Docker Hub is an official image, so 'library/' is added "
        "to the path.",
        "Docker Hub's registry API is served by registry-1.docker.io, so that is the host "
        "docker contacts.",
        "No tag and no digest, so docker pull asks for the tag 'latest'.",
    )


def test_dotless_first_component_is_a_path() -> None:
    assert explain_reference("myhost/app:1").notes[0] == (
        "'myhost' has no '.', no ':' and is not 'localhost', so it is not a host: it is the "
        "first path component on Docker Hub."
    )


HOST_NOTES = [
    ("localhost/app", "'localhost' is the registry host because it is 'localhost'."),
    (
        "localhost:5000/app",
        "'localhost:5000' is the registry host because it contains ':' (a port).",
    ),
    ("ghcr.io/octo/app", "'ghcr.io' is the registry host because it contains '.'."),
    ("Registry/app", "'Registry' is the registry host because it contains a capital letter."),
    (
        "index.docker.io/x/y",
        "'index.docker.io' is Docker Hub's old name; Docker rewrites it to 'docker.io'.",
    ),
    ("docker.io/x/y", "'docker.io' is Docker Hub."),
]


@pytest.mark.parametrize(("text", "note"), HOST_NOTES)
def test_host_note_says_why(text: str, note: str) -> None:
    assert explain_reference(text).notes[0] == note


def test_library_note_only_for_one_component() -> None:
    notes = explain_reference("docker.io/user/app:1").notes
    assert not any("library/" in note for note in notes)


def test_library_note_for_hub_domain_one_component() -> None:
    notes = explain_reference("docker.io/nginx").notes
    assert any("'library/' is added" in note for note in notes)


def test_text_report_for_invalid_reference() -> None:
    assert explain_reference("Foo").text_report() == (
        "Reference: 'Foo'\n"
        "  invalid: Docker rejects it before contacting any registry\n"
        "  docker pull prints: invalid reference format: repository name (library/Foo) "
        "must be lowercase\n"
        "  rule: The repository path must be lowercase. Only the registry host and the tag "
        "may contain capital letters."
    )


def test_text_report_lists_parts() -> None:
    lines = explain_reference("localhost:5000/app:1").text_report().splitlines()
    assert lines[1] == "  domain:               localhost:5000"
    assert lines[8] == "  docker push contacts: localhost:5000"


def test_html_escapes_input() -> None:
    report = explain_reference("<b>x</b>").html_report()
    assert "<b>x</b>" not in report
    assert "<code>&lt;b&gt;x&lt;/b&gt;</code>" in report


def test_html_shows_docker_message() -> None:
    report = explain_reference("Foo").html_report()
    assert (
        "<code>invalid reference format: repository name (library/Foo) must be lowercase</code>"
        in report
    )


def test_repr_html_is_html_report() -> None:
    explanation = explain_reference("nginx")
    assert explanation._repr_html_() == explanation.html_report()


def test_explorer_starts_with_value() -> None:
    explorer = ReferenceExplorer("redis")
    assert explorer.input.value == "redis"
    assert explorer.explanation == explain_reference("redis")
    assert explorer.output.value == explain_reference("redis").html_report()


def test_explorer_follows_typed_value() -> None:
    explorer = ReferenceExplorer()
    explorer.input.value = "ghcr.io/octo/app:2"
    assert explorer.output.value == explain_reference("ghcr.io/octo/app:2").html_report()


def test_explorer_shows_invalid_reference() -> None:
    explorer = ReferenceExplorer()
    explorer.input.value = "Foo"
    assert explorer.explanation is not None
    assert explorer.explanation.valid is False
    assert "must be lowercase" in explorer.output.value


def test_explorer_explain_sets_input() -> None:
    explorer = ReferenceExplorer()
    explorer.explain("localhost:5000/app")
    assert explorer.input.value == "localhost:5000/app"
    assert explorer.output.value == explain_reference("localhost:5000/app").html_report()


def test_explorer_state_is_synced() -> None:
    explorer = ReferenceExplorer("nginx")
    explorer.input.value = "alpine:3"
    assert explorer.input.get_state()["value"] == "alpine:3"
    assert explorer.output.get_state()["value"] == explain_reference("alpine:3").html_report()


def test_explorer_box_holds_input_and_output() -> None:
    explorer = ReferenceExplorer()
    assert explorer.box.children == (explorer.input, explorer.output)


def test_explorer_callback_never_raises(monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(text: str) -> None:
        raise RuntimeError("boom <here>")

    explorer = ReferenceExplorer()
    monkeypatch.setattr(explain, "explain_reference", broken)
    explorer.input.value = "anything"
    assert explorer.explanation is None
    assert explorer.output.value == (
        "<p style='color:#b71c1c'>The explorer failed on this input: "
        "RuntimeError: boom &lt;here&gt;</p>"
    )


def test_explorer_displays_as_widget() -> None:
    bundle = ReferenceExplorer()._repr_mimebundle_()
    assert "application/vnd.jupyter.widget-view+json" in bundle


def test_reference_explorer_factory() -> None:
    assert widgets.reference_explorer("busybox").input.value == "busybox"
