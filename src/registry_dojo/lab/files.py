"""The lab folder: where the lab registry keeps its config, credentials, state and storage.

Everything secret or stateful lives in ``<data home>/lab``. Folders are created with mode 0700
and files are written atomically with mode 0600, so another local user cannot read the lab
password and a reader never sees a half-written state file.
"""

from __future__ import annotations

import base64
import contextlib
import errno
import fcntl
import json
import logging
import os
import secrets
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import bcrypt

from registry_dojo.errors import LabError
from registry_dojo.lab.state import InvalidState, LabState, parse_state
from registry_dojo.paths import WRITABLE_FOLDER_FIX, describe_os_error

logger = logging.getLogger(__name__)

DEFAULT_USERNAME = "learner"

# The registry checks the bcrypt hash on every request, so a high cost slows every call. The
# password is a random 32-byte token, which no cost factor needs to protect against guessing.
# 5 is the default cost of `htpasswd -B`.
BCRYPT_ROUNDS = 5


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
        """Create the lab folders with mode 0700, tightening folders that already exist.

        A folder that already has mode 0700 is left alone, so a running lab on a file system
        that turned read-only can still be found.
        """
        for folder in (self.home, self.root, self.storage, self.docker_config):
            folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        for folder in (self.root, self.storage, self.docker_config):
            if folder.stat().st_mode & 0o777 != 0o700:
                folder.chmod(0o700)

    @contextlib.contextmanager
    def lock(self) -> Iterator[None]:
        """Hold an exclusive lock on the lab folder, so that concurrent `up()` calls start one
        registry. The lock is released when the process exits, even by a crash.

        An existing lock file on a read-only file system is opened read-only: flock() needs
        no write access, so `down()` can still stop the registry there.
        """
        try:
            descriptor = os.open(self.lock_file, os.O_RDWR | os.O_CREAT, 0o600)
        except OSError as error:
            if error.errno not in (errno.EROFS, errno.EACCES) or not self.lock_file.is_file():
                raise
            descriptor = os.open(self.lock_file, os.O_RDONLY)
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX)
            yield
        finally:
            os.close(descriptor)

    def read_state(self) -> LabState | None:
        """Return the recorded state, or None if there is none or it is not valid.

        An invalid state file (bad JSON, a field of the wrong type or range) is logged as a
        warning and treated as missing, so the caller looks for the registry instead.
        """
        try:
            text = self.state.read_text(encoding="utf-8")
        except FileNotFoundError:
            return None
        except (OSError, UnicodeDecodeError) as error:
            logger.warning("ignoring the lab state file %s: %s", self.state, error)
            return None
        try:
            return parse_state(text, str(self.config))
        except InvalidState as error:
            logger.warning("ignoring the lab state file %s: %s", self.state, error)
            return None

    def write_state(self, state: LabState) -> None:
        write_private(self.state, state.to_json())

    def read_credentials(self) -> Credentials | None:
        """Return the stored credentials, or None if the password file is missing or empty.

        Surrounding whitespace is stripped from both files, because an editor may add a
        newline that ``docker login --password-stdin`` would strip too. A missing or empty
        username file means the default user name.
        """
        password = _read_stripped(self.password)
        if not password:
            return None
        return Credentials(_read_stripped(self.username) or DEFAULT_USERNAME, password)

    def ensure_credentials(self) -> Credentials:
        """Return the stored credentials, creating a random password if there is none.

        The username and password files are rewritten in their exact form (the password
        without a newline) when they differ from it, and the htpasswd file when it does not
        match them.
        """
        credentials = self.read_credentials()
        if credentials is None:
            username = _read_stripped(self.username) or DEFAULT_USERNAME
            credentials = Credentials(username, secrets.token_urlsafe(32))
        if _read_exact(self.username) != credentials.username + "\n":
            write_private(self.username, credentials.username + "\n")
        # No trailing newline: `$(cat file)` and --password-stdin both get the exact password.
        if _read_exact(self.password) != credentials.password:
            write_private(self.password, credentials.password)
        if not self.htpasswd_matches(credentials):
            hashed = bcrypt.hashpw(credentials.password.encode(), bcrypt.gensalt(BCRYPT_ROUNDS))
            write_private(self.htpasswd, f"{credentials.username}:{hashed.decode()}\n")
        return credentials

    def htpasswd_matches(self, credentials: Credentials) -> bool:
        """Return True if the htpasswd file has exactly one entry, for these credentials."""
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
    """Write `text` to `path` atomically with mode 0600 (the mode `mkstemp` creates).

    An OSError names `path`, not the temporary file that failed.
    """
    try:
        descriptor, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    except OSError as error:
        raise OSError(error.errno, error.strerror, str(path)) from error
    try:
        with os.fdopen(descriptor, "w", encoding="utf-8") as file:
            file.write(text)
        os.replace(temporary, path)
    except OSError as error:
        Path(temporary).unlink(missing_ok=True)
        raise OSError(error.errno, error.strerror, str(path)) from error
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def lab_error(error: OSError, action: str = "write") -> LabError:
    """Return a LabError for a failed file operation in the lab folder, with the fix."""
    path = os.fsdecode(error.filename) if error.filename else "the lab folder"
    if error.errno in (errno.ENOSPC, errno.EDQUOT):
        fix = "free some disk space, then run the command again"
    elif isinstance(error, (FileExistsError, NotADirectoryError)):
        fix = f"move that file away, or {WRITABLE_FOLDER_FIX}"
    else:
        fix = WRITABLE_FOLDER_FIX
    return LabError(f"cannot {action} {path!r}: {describe_os_error(error)}; {fix}")


def _read_stripped(path: Path) -> str:
    """Return the text of `path` without surrounding whitespace, or "" if it is unreadable."""
    return _read_exact(path).strip()


def _read_exact(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return ""
