"""OCI content stores (image layout directory, distribution registry) and artifacts.

A library, no CLI: ``LayoutStore`` and ``RegistryStore`` implement ``Store``;
``artifacts`` builds Helm chart and Flux artifacts deterministically;
``transfer.copy`` moves an artifact between stores; ``tarball`` reads archives
safely.
"""

from .artifacts import Artifact, flux_artifact, flux_layer, helm_chart_artifact, helm_chart_tag
from .auth import Credentials, CredentialsError, load_credentials
from .content import Descriptor, FetchedManifest
from .errors import (
    DigestMismatchError,
    InvalidReferenceError,
    NotFoundError,
    OCIError,
    RegistryError,
    RegistryNotFoundError,
    TransportError,
    UnsafeArchiveError,
)
from .layout import LayoutStore
from .policy import HttpPolicy
from .reference import Reference
from .registry import RegistryStore
from .store import Store, open_store
from .tarball import read_archive, safe_extract
from .transfer import copy

__all__ = [
    "Artifact",
    "Credentials",
    "CredentialsError",
    "Descriptor",
    "DigestMismatchError",
    "FetchedManifest",
    "HttpPolicy",
    "InvalidReferenceError",
    "LayoutStore",
    "NotFoundError",
    "OCIError",
    "Reference",
    "RegistryError",
    "RegistryNotFoundError",
    "RegistryStore",
    "Store",
    "TransportError",
    "UnsafeArchiveError",
    "copy",
    "flux_artifact",
    "flux_layer",
    "helm_chart_artifact",
    "helm_chart_tag",
    "load_credentials",
    "open_store",
    "read_archive",
    "safe_extract",
]
