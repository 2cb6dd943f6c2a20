"""The environment of every child process blueprintc starts (``git``, ``kubectl``).

Registry credentials and the signing key's password live in blueprintc's own
environment (``BLUEPRINTC_REGISTRY_USERNAME``/``PASSWORD``, ``COSIGN_PASSWORD``);
a child never needs them, and a child that is not what it claims (a ``kubectl``
earlier on ``PATH``, a git hook or a kustomize plugin) must not read them. So
each child gets blueprintc's environment without any variable that names a
credential: blueprintc's own, cosign's, and any whose name says it holds a
password, token, secret or credential.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping

# blueprintc's own (oci/auth.py, build/keys.py) and cosign's, whatever the name says.
_PREFIXES = ("BLUEPRINTC_REGISTRY_", "COSIGN_")
_NAMES = frozenset({"DOCKER_AUTH_CONFIG"})
_SECRET_NAME = re.compile(r"PASSWORD|PASSWD|PASSPHRASE|SECRET|TOKEN|CREDENTIAL", re.I)


def is_secret_name(name: str) -> bool:
    """Whether the variable ``name`` may hold a credential a child must not see."""
    upper = name.upper()
    return upper.startswith(_PREFIXES) or upper in _NAMES or bool(_SECRET_NAME.search(name))


def child_env(env: Mapping[str, str] | None = None) -> dict[str, str]:
    """``env`` (default: this process's environment) without credential variables."""
    source = os.environ if env is None else env
    return {k: v for k, v in source.items() if not is_secret_name(k)}
