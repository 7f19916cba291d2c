"""A thin client for the Registry HTTP API v2 (CNCF distribution, OCI distribution spec).

``Registry`` has one method per API call; see :mod:`registry_dojo.registry.client`.
"""

from __future__ import annotations

from registry_dojo.registry.client import MANIFEST_ACCEPT, Registry
from registry_dojo.registry.mediatypes import (
    DOCKER_MANIFEST,
    DOCKER_MANIFEST_LIST,
    MANIFEST_TYPES,
    OCI_CONFIG,
    OCI_INDEX,
    OCI_LAYER_TAR,
    OCI_LAYER_TAR_GZIP,
    OCI_MANIFEST,
)
from registry_dojo.registry.models import Descriptor, Manifest

__all__ = [
    "DOCKER_MANIFEST",
    "DOCKER_MANIFEST_LIST",
    "MANIFEST_ACCEPT",
    "MANIFEST_TYPES",
    "OCI_CONFIG",
    "OCI_INDEX",
    "OCI_LAYER_TAR",
    "OCI_LAYER_TAR_GZIP",
    "OCI_MANIFEST",
    "Descriptor",
    "Manifest",
    "Registry",
]
