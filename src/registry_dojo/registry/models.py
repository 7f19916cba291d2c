"""Values the registry client returns: fetched manifests and manifest descriptors."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Manifest:
    """A manifest as the registry sent it: exact bytes, media type and digest of those bytes."""

    data: bytes = field(repr=False)
    media_type: str
    digest: str

    @property
    def size(self) -> int:
        """Length of `data` in bytes."""
        return len(self.data)

    def json(self) -> Any:
        """Return the manifest decoded from JSON."""
        return json.loads(self.data)


@dataclass(frozen=True)
class Descriptor:
    """Manifest metadata from a HEAD request: media type, digest and size in bytes."""

    media_type: str
    digest: str
    size: int
