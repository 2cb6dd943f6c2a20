#!/usr/bin/env bash
# Installs the Debian packages the integration tests need, when missing.
# docker-registry: the CNCF distribution registry, run on 127.0.0.1 by tests.
set -euo pipefail
missing=()
command -v docker-registry >/dev/null 2>&1 || missing+=(docker-registry)
command -v git >/dev/null 2>&1 || missing+=(git)
# gnupg: `blueprintc keygen --openpgp` and the tests' `git verify-commit`.
command -v gpg >/dev/null 2>&1 || missing+=(gnupg)
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ]; then
    apt-get update -qq >/dev/null
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
  else
    echo "missing system packages: ${missing[*]} (install them with apt-get)" >&2
    exit 1
  fi
fi
