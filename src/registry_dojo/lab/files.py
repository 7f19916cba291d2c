"""The lab folder: where the lab registry keeps its config, credentials, state and storage.

Everything secret or stateful lives in ``<data home>/lab``. Folders are created with mode 0700
and files are written atomically with mode 0600, so another local user cannot read the lab
password and a reader never sees a half-written state file.
"""

from __future__ import annotations

import base64
import contextlib
import fcntl
import json
import os
import secrets
import tempfile
from collections.abc import Iterator
from dataclasses import asdict, dataclass, replace
from pathlib import Path

import bcrypt

DEFAULT_USERNAME = "learner"

# The registry checks the bcrypt hash on every request, so a high cost slows every call. The
# password is a random 32-byte token, which no cost factor needs to protect against guessing.
# 5 is the default cost of `htpasswd -B`.
BCRYPT_ROUNDS = 5


@dataclass(frozen=True)
class LabState:
    """Record of the registry that `up()` started: enough to find, probe and stop it.

    A stopped lab keeps its state with neither `pid` nor `container_id`.
    """

    backend: str
    port: int
    config: str
    pid: int | None = None
    binary: str | None = None
    container_id: str | None = None

    def stopped(self) -> LabState:
        """Return this state without a process or container, which keeps the port on record
        so the next start can reuse it."""
        return replace(self, pid=None, container_id=None)


@dataclass(frozen=True)
class Credentials:
    """The learner's user name and password for the lab registry."""

    username: str
    password: str


@dataclass(frozen=True)
class LabFiles:
    """Paths inside one lab folder, ``<home>/lab``."""

    home: Path

    @property
    def root(self) -> Path:
        return self.home / "lab"

    @property
    def storage(self) -> Path:
        return self.root / "storage"

    @property
    def config(self) -> Path:
        return self.root / "config.yml"

    @property
    def htpasswd(self) -> Path:
        return self.root / "htpasswd"

    @property
    def username(self) -> Path:
        return self.root / "username"

    @property
    def password(self) -> Path:
        return self.root / "password"

    @property
    def state(self) -> Path:
        return self.root / "state.json"

    @property
    def log(self) -> Path:
        return self.root / "registry.log"

    @property
    def lock_file(self) -> Path:
        return self.root / "lock"

    @property
    def docker_config(self) -> Path:
        return self.root / "docker-config"

    def ensure_folders(self) -> None:
        """Create the lab folders with mode 0700, tightening folders that already exist."""
        for folder in (self.home, self.root, self.storage, self.docker_config):
            folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        for folder in (self.root, self.storage, self.docker_config):
            folder.chmod(0o700)

    @contextlib.contextmanager
    def lock(self) -> Iterator[None]:
        """Hold an exclusive lock on the lab folder, so that concurrent `up()` calls start one
        registry. The lock is released when the process exits, even by a crash."""
        descriptor = os.open(self.lock_file, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX)
            yield
        finally:
            os.close(descriptor)

    def read_state(self) -> LabState | None:
        """Return the recorded state, or None if there is none or it cannot be parsed."""
        try:
            data = json.loads(self.state.read_text(encoding="utf-8"))
            return LabState(**data)
        except (OSError, ValueError, TypeError):
            return None

    def write_state(self, state: LabState) -> None:
        write_private(self.state, json.dumps(asdict(state), indent=2) + "\n")

    def read_credentials(self) -> Credentials | None:
        """Return the stored credentials, or None if either file is missing or empty."""
        try:
            username = self.username.read_text(encoding="utf-8").strip()
            password = self.password.read_text(encoding="utf-8")
        except OSError:
            return None
        if not username or not password:
            return None
        return Credentials(username, password)

    def ensure_credentials(self) -> Credentials:
        """Return the stored credentials, creating a new random password if any file is missing.

        The htpasswd file is rewritten when it does not match the password.
        """
        credentials = self.read_credentials()
        if credentials is None:
            credentials = Credentials(DEFAULT_USERNAME, secrets.token_urlsafe(32))
            write_private(self.username, credentials.username + "\n")
            # No trailing newline: `$(cat file)` and --password-stdin both get the exact password.
            write_private(self.password, credentials.password)
        if not self._htpasswd_matches(credentials):
            hashed = bcrypt.hashpw(credentials.password.encode(), bcrypt.gensalt(BCRYPT_ROUNDS))
            write_private(self.htpasswd, f"{credentials.username}:{hashed.decode()}\n")
        return credentials

    def _htpasswd_matches(self, credentials: Credentials) -> bool:
        try:
            line = self.htpasswd.read_text(encoding="utf-8").strip()
        except OSError:
            return False
        username, _, hashed = line.partition(":")
        if username != credentials.username or not hashed:
            return False
        try:
            return bcrypt.checkpw(credentials.password.encode(), hashed.encode())
        except ValueError:
            return False

    def write_docker_config(self, host: str, credentials: Credentials, stale: str | None) -> None:
        """Store an ``auths`` entry for `host` in the lab-private Docker config.

        Other entries (a learner's own ``docker --config`` logins) are kept, except `stale`,
        the lab's previous host when its port changed.
        """
        path = self.docker_config / "config.json"
        config: dict[str, object] = {}
        with contextlib.suppress(OSError, ValueError):
            loaded = json.loads(path.read_text(encoding="utf-8"))
            if isinstance(loaded, dict):
                config = loaded
        auths = config.get("auths")
        if not isinstance(auths, dict):
            auths = {}
        if stale and stale != host:
            auths.pop(stale, None)
        token = base64.b64encode(f"{credentials.username}:{credentials.password}".encode())
        auths[host] = {"auth": token.decode()}
        config["auths"] = auths
        write_private(path, json.dumps(config, indent=2) + "\n")

    def log_tail(self, lines: int = 20) -> str:
        """Return the last `lines` lines of the registry log, or a note that it is empty."""
        try:
            text = self.log.read_text(encoding="utf-8", errors="replace")
        except OSError:
            return "(no registry log)"
        tail = text.strip().splitlines()[-lines:]
        return "\n".join(tail) if tail else "(the registry log is empty)"


def write_private(path: Path, text: str) -> None:
    """Write `text` to `path` atomically with mode 0600 (the mode `mkstemp` creates)."""
    descriptor, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(descriptor, "w", encoding="utf-8") as file:
            file.write(text)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
