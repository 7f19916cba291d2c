"""Media types of manifests and blobs, as the OCI image spec and Docker's schema 2 name them."""

from __future__ import annotations

OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json"
OCI_INDEX = "application/vnd.oci.image.index.v1+json"
OCI_CONFIG = "application/vnd.oci.image.config.v1+json"
OCI_LAYER_TAR = "application/vnd.oci.image.layer.v1.tar"
OCI_LAYER_TAR_GZIP = "application/vnd.oci.image.layer.v1.tar+gzip"

DOCKER_MANIFEST = "application/vnd.docker.distribution.manifest.v2+json"
DOCKER_MANIFEST_LIST = "application/vnd.docker.distribution.manifest.list.v2+json"

# A registry returns a manifest only in a type the Accept header lists: for an OCI manifest
# fetched without the OCI type, distribution 2.8.2 returns 404 MANIFEST_UNKNOWN "OCI manifest
# found, but accept header does not support OCI manifests". `docker push` stores Docker types.
MANIFEST_TYPES = (OCI_MANIFEST, OCI_INDEX, DOCKER_MANIFEST, DOCKER_MANIFEST_LIST)
