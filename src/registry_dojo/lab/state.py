"""The lab's state file, ``state.json``: which registry `up()` started, and how to stop it.

The file is JSON that anyone with access to the lab folder can edit, so every field is checked
for type and range before use. A bad value would otherwise reach ``os.kill`` or an URL.
"""

from __future__ import annotations

import json
import re
from dataclasses import asdict, dataclass, replace
from typing import Any

BACKENDS = ("binary", "docker")
MAX_PORT = 65535
# Linux caps pids at 2**22 (pid_max), and os.kill rejects values beyond a C int.
MAX_PID = 2**31 - 1
# Docker reports container ids as 64 lowercase hex digits, or 12 in the short form.
CONTAINER_ID = re.compile(r"[0-9a-f]{12,64}")


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

    def to_json(self) -> str:
        """Return the state as the text of a state file."""
        return json.dumps(asdict(self), indent=2) + "\n"


class InvalidState(ValueError):
    """A state file that cannot be used. The message names the field that is wrong and why."""


def parse_state(text: str, config: str) -> LabState:
    """Parse the text of a state file written for the lab whose config file is `config`.

    Raises InvalidState naming the first field that is missing or has a wrong type or value.
    Unknown fields are ignored, so a state file from a newer version still works.
    """
    try:
        data = json.loads(text)
    except ValueError as error:
        raise InvalidState(f"not valid JSON ({error})") from error
    if not isinstance(data, dict):
        raise InvalidState(f"expected a JSON object, found {_show(data)[:40]}")

    backend = data.get("backend")
    if backend not in BACKENDS:
        choices = ", ".join(json.dumps(choice) for choice in BACKENDS)
        raise InvalidState(f"backend must be one of {choices}, found {_found(data, 'backend')}")
    recorded_config = data.get("config")
    if recorded_config != config:
        raise InvalidState(f"config must be {json.dumps(config)}, found {_found(data, 'config')}")
    return LabState(
        backend=backend,
        port=_integer(data, "port", MAX_PORT),
        config=config,
        pid=None if data.get("pid") is None else _integer(data, "pid", MAX_PID),
        binary=_optional_text(data, "binary"),
        container_id=_container_id(data),
    )


def _integer(data: dict[str, Any], key: str, maximum: int) -> int:
    value = data.get(key)
    # bool is a subclass of int, but `true` is no port or pid.
    if type(value) is not int or not 1 <= value <= maximum:
        raise InvalidState(
            f"{key} must be an integer from 1 to {maximum}, found {_found(data, key)}"
        )
    return value


def _optional_text(data: dict[str, Any], key: str) -> str | None:
    value = data.get(key)
    if value is not None and not isinstance(value, str):
        raise InvalidState(f"{key} must be a string or null, found {_found(data, key)}")
    return value


def _container_id(data: dict[str, Any]) -> str | None:
    value = _optional_text(data, "container_id")
    if value is not None and not CONTAINER_ID.fullmatch(value):
        raise InvalidState(
            f"container_id must be 12 to 64 hex digits, found {_found(data, 'container_id')}"
        )
    return value


def _show(value: object) -> str:
    """Return `value` as it is written in the JSON file (``true``, ``null``, ``"abc"``)."""
    return json.dumps(value)


def _found(data: dict[str, Any], key: str) -> str:
    return _show(data[key]) if key in data else "no value"
