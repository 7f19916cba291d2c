"""Worked solutions of module 1, shown by ``show_solution()``.

Each text is the answer cell of ``solutions/01-image-references.ipynb`` without its solution
markers; a test compares the two, so they cannot drift apart.
"""

_QUALIFY_SOLUTION = r"""def qualify():
    hello = "sha256:5891b5b522d5df086d0ff0b110fbd9d21bb4fc7163af34d08286a2e846f6be03"
    return {
        # No host: Docker Hub, 'library/' for one component, ':latest' for no tag.
        "redis": "docker.io/library/redis:latest",
        "bitnami/redis:7.2": "docker.io/bitnami/redis:7.2",
        "localhost:5000/app": "localhost:5000/app:latest",
        # 'myhost' has no '.' or ':', so it is a Docker Hub account, not a host.
        "myhost/app": "docker.io/myhost/app:latest",
        "my.host/app": "my.host/app:latest",
        f"ghcr.io/octo-org/api@{hello}": f"ghcr.io/octo-org/api@{hello}",
        "myacr.azurecr.io/team/api:2.3.1": "myacr.azurecr.io/team/api:2.3.1",
        "111122223333.dkr.ecr.eu-west-1.amazonaws.com/api:1.0": (
            "111122223333.dkr.ecr.eu-west-1.amazonaws.com/api:1.0"
        ),
        "index.docker.io/library/nginx:1.27": "docker.io/library/nginx:1.27",
        # With a digest, the digest alone decides what is pulled.
        f"nginx:1.27@{hello}": f"docker.io/library/nginx@{hello}",
    }"""

_CLASSIFY_SOLUTION = r"""def classify():
    return {
        "nginx:1.27": "valid",
        "MyApp:1.0": "repository name must be lowercase",
        # Tags may contain uppercase letters.
        "myapp:V1.0-RC": "valid",
        # So may hosts; only the repository path must be lowercase.
        "MyRegistry.azurecr.io/api:1": "valid",
        "https://ghcr.io/org/app:1.0": "invalid reference format",
        # '+' is not allowed in a tag.
        "app:1.0+build.5": "invalid reference format",
        "team//app": "invalid reference format",
        # '_' is not allowed in a host name.
        "my_host:5000/app": "invalid reference format",
        # A tag has at most 128 characters.
        "app:" + "v" * 129: "invalid reference format",
        # A sha256 digest has exactly 64 hex digits.
        "app@sha256:" + "a" * 40: "invalid checksum digest length",
        "app@md5:" + "a" * 32: "unsupported digest algorithm",
        "[::1]:5000/app:1.0": "valid",
    }"""

_PARSE_SOLUTION = r"""import re


def split_reference(ref):
    label = r"[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?"
    host = rf"(?:{label}(?:\.{label})*|\[[0-9A-Fa-f:]+\])(?::[0-9]+)?"
    component = r"[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*"
    tag_pattern = r"[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}"
    digest_pattern = r"[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}"
    grammar = (
        rf"({host})/({component}(?:/{component})*)"
        rf"(?::({tag_pattern}))?(?:@({digest_pattern}))?"
    )

    if re.fullmatch(r"[a-f0-9]{64}", ref):
        raise ValueError(f"{ref!r} is an image ID, not a repository name")
    # Docker's host rule: '.', ':', 'localhost' or an uppercase letter.
    first, slash, rest = ref.partition("/")
    is_host = first == "localhost" or "." in first or ":" in first or first.lower() != first
    if slash and is_host:
        domain, remainder = first, rest
    else:
        domain, remainder = "docker.io", ref
    if domain == "index.docker.io":
        domain = "docker.io"
    if domain == "docker.io" and "/" not in remainder:
        remainder = "library/" + remainder

    match = re.fullmatch(grammar, f"{domain}/{remainder}")
    if match is None:
        raise ValueError(f"invalid reference format: {ref!r}")
    domain, path, tag, digest = match.groups()
    if len(path) > 255:
        raise ValueError("repository name must not be more than 255 characters")
    if digest is not None:
        algorithm, _, hex_digits = digest.partition(":")
        lengths = {"sha256": 64, "sha384": 96, "sha512": 128}
        if lengths.get(algorithm) != len(hex_digits) or hex_digits != hex_digits.lower():
            raise ValueError(f"invalid digest {digest!r}")
    return {"domain": domain, "path": path, "tag": tag, "digest": digest}"""

_PUSH_SOLUTION = r'''def push_commands():
    return """
docker tag hello:1.0 myacr.azurecr.io/team/hello:1.0
docker push myacr.azurecr.io/team/hello:1.0
"""'''

_WHICH_HOST_SOLUTION = r"""def which_host():
    return {
        "docker pull redis": "docker.io",
        "docker pull acme/api:2.1": "docker.io",
        "docker push localhost:5000/app:dev": "localhost:5000",
        "docker pull myhost/app": "docker.io",
        "docker pull my.host/app": "my.host",
        "docker push ghcr.io/octo-org/api:1.4": "ghcr.io",
        "docker pull index.docker.io/library/nginx:1.27": "docker.io",
    }"""

_LOGIN_SOLUTION = r"""def login_command():
    # --password-stdin reads the password from the pipe: it never appears in the
    # command line, so neither shell history nor `ps` shows it.
    return (
        'cat "$REGISTRY_DOJO_PASSWORD_FILE" | '
        'docker login --username "$REGISTRY_DOJO_USERNAME" '
        '--password-stdin "$REGISTRY_DOJO_REGISTRY"'
    )"""

_LAB_PUSH_SOLUTION = r"""from registry_dojo.image import build_image


def publish(registry):
    image = build_image({"hello.txt": "hello, lab registry\n"})
    registry.push_image("dojo/hello", "1.0", image)
    # The second tag reuses the manifest bytes, so both tags name one digest.
    registry.tag("dojo/hello", "1.0", "stable")"""
