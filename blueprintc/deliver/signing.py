"""OpenPGP signatures on delivered commits, the way Flux's GitRepository ``verify``
(mode ``HEAD``) checks them: a detached, armored signature of the commit object in
its ``gpgsig`` header, exactly where ``git commit -S`` puts it.

The implementation is pysequoia (Sequoia-PGP, in-process, maintained). Measured on
this machine (2 shared cores, ~8 other jobs; an Ed25519 key made by gpg, a commit
buffer of ~300 bytes): pysequoia 0.06 ms per signature (1,000 signatures); PGPy
(pgpy13, pure Python) 0.46 ms (200); ``gpg --detach-sign`` as a process per commit
with a running agent 320 ms (20), which for the 1,500 commits of a first delivery at
N = 100 is eight minutes. Unlocking a passphrase-protected key (its S2K) costs
~180 ms, once per run. Signatures carry their creation time and Sequoia's salt notation, so a
signed commit's id is not reproducible the way an unsigned one is under
``SOURCE_DATE_EPOCH``; its tree and message still are. What Flux's verifier
(go-git with ProtonMail's go-crypto) reads: a v4 signature, EdDSA over SHA-512,
the creation time the one critical subpacket, Sequoia's salt notation not
critical (``gpg --list-packets`` on one of ours shows it).

Key generation (``blueprintc keygen --openpgp``) is the one place that runs gpg, once,
in a throwaway GNUPGHOME: pysequoia generates keys but cannot protect a secret key
with a passphrase, and an Ed25519 key made by gpg is what git users and Flux's
go-crypto both read.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

import pygit2
import pysequoia
import yaml

from blueprintc.deliver.errors import DeliverError

PASSPHRASE_ENV = "BLUEPRINTC_SIGNING_PASSPHRASE"
SIGNING_KEYS_FILE = "signing-keys.yaml"  # compile's Secret of spec.git.signingKeys
PRIVATE_KEY_FILE = "openpgp.key"
PUBLIC_KEY_FILE = "openpgp.pub"
MAX_KEY_BYTES = 256 * 1024  # an Ed25519 key is ~1 KiB, an RSA-4096 one ~7 KiB
GPG_TIMEOUT = 120.0


@dataclass(frozen=True, repr=False)
class CommitSigner:
    """An unlocked OpenPGP signing key (never printed)."""

    fingerprint: str  # the certificate's (primary key's)
    _signer: pysequoia.PySigner

    def sign(self, commit: bytes) -> str:
        """The armored detached signature of a commit object's bytes."""
        return pysequoia.sign(self._signer, commit, mode=pysequoia.SignatureMode.DETACHED).decode()

    @cached_property
    def issuer(self) -> str:
        """The fingerprint its signatures name as their issuer (the signing subkey's, or
        the primary key's): read off a signature of its own."""
        return _issuer(self.sign(b"blueprintc")) or self.fingerprint

    def signed(self, commit: pygit2.Commit) -> bool:
        """Whether `commit` carries a signature by this key (Flux's `verify` reads the
        tip's: an unsigned one, or one by a key since replaced, fails it)."""
        signature, _ = commit.gpg_signature
        return signature is not None and _issuer(signature) == self.issuer


def _issuer(armored: str | bytes) -> str | None:
    data = armored.encode() if isinstance(armored, str) else armored
    try:
        fingerprint = pysequoia.Sig.from_bytes(data).issuer_fingerprint
    except (RuntimeError, ValueError):
        return None
    return str(fingerprint).upper() if fingerprint else None


def check_trusted(out: Path, signer: CommitSigner) -> None:
    """Refuse a key the compiled tree does not verify with: Flux's GitRepositories check
    each tip against the Sovereign's `spec.git.signingKeys` (compiled into
    `vclusters/*/flux-system/signing-keys.yaml`), and refuse every commit another key
    signed. A Sovereign with no such keys verifies nothing: any key will do."""
    compiled = sorted(out.glob(f"vclusters/*/flux-system/{SIGNING_KEYS_FILE}"))
    if not compiled:
        return
    trusted = _fingerprints(compiled[0])
    if trusted and signer.fingerprint not in trusted:
        raise DeliverError(
            f"the signing key {signer.fingerprint} is not one of the Sovereign's "
            f"spec.git.signingKeys ({', '.join(sorted(trusted))}): Flux would refuse every "
            "commit it signs; add its public key (blueprintc keygen --openpgp wrote it beside "
            "the secret key, .pub) to spec.git.signingKeys and compile, or sign with one of "
            "those keys"
        )


def _fingerprints(secret: Path) -> set[str]:
    """The certificates' fingerprints of a compiled public-key Secret (empty when it
    cannot be read: compile checked its keys, BPC finds a broken file)."""
    try:
        body = yaml.safe_load(secret.read_text(encoding="utf-8"))
        entries = body["stringData"].values()
        return {
            pysequoia.Cert.from_bytes(str(armored).encode()).fingerprint.upper()
            for armored in entries
        }
    except (OSError, yaml.YAMLError, KeyError, TypeError, AttributeError, RuntimeError, ValueError):
        return set()


def load_signer(path: Path) -> CommitSigner:
    """Read and unlock the OpenPGP secret key at ``path`` (passphrase from
    ``$BLUEPRINTC_SIGNING_PASSPHRASE``); every failure is one line naming the fix."""
    try:
        with path.open("rb") as handle:
            data = handle.read(MAX_KEY_BYTES + 1)
    except FileNotFoundError:
        raise DeliverError(
            f"signing key {path}: no such file; make one with `blueprintc keygen --openpgp`"
        ) from None
    except OSError as exc:
        raise DeliverError(f"signing key {path}: {exc.strerror or exc}") from None
    if len(data) > MAX_KEY_BYTES:
        raise DeliverError(
            f"signing key {path} is over {MAX_KEY_BYTES // 1024} KiB: not an OpenPGP secret key"
        )
    try:
        tsk = pysequoia.Tsk.from_bytes(data)
        if bytes(tsk) == bytes(tsk.extract_certificate()):
            raise ValueError("a public key: no secret key material")
    except (RuntimeError, ValueError):
        raise DeliverError(
            f"signing key {path} is not an OpenPGP secret key (gpg --armor "
            "--export-secret-keys writes one; a public key cannot sign)"
        ) from None
    try:
        signer = tsk.signer()  # a key without a passphrase
    except RuntimeError as exc:
        reason = str(exc).splitlines()[0] if str(exc) else "no reason given"
        if "encrypted" not in reason:
            raise DeliverError(
                f"signing key {path} has no usable signing key ({reason}): make one with "
                "`blueprintc keygen --openpgp`"
            ) from None
        signer = _unlock(tsk, path)
    return CommitSigner(tsk.extract_certificate().fingerprint.upper(), signer)


def _unlock(tsk: pysequoia.Tsk, path: Path) -> pysequoia.PySigner:
    passphrase = os.environ.get(PASSPHRASE_ENV)
    if not passphrase:
        raise DeliverError(f"signing key {path} is protected by a passphrase: set {PASSPHRASE_ENV}")
    try:
        return tsk.signer(passphrase)
    except RuntimeError:
        raise DeliverError(
            f"signing key {path} did not unlock with the passphrase in {PASSPHRASE_ENV}: "
            "wrong passphrase"
        ) from None


def generate_key(user_id: str, passphrase: str) -> tuple[bytes, bytes]:
    """A new Ed25519 OpenPGP key that signs, protected by ``passphrase`` (none when
    empty): its armored secret key and armored public key. Runs gpg in a throwaway
    home, stopping the agent it starts."""
    gpg = shutil.which("gpg")
    if gpg is None:
        raise DeliverError("keygen --openpgp needs gpg (GnuPG): install the gnupg package")
    home = tempfile.mkdtemp(prefix="blueprintc-gpg-")
    try:
        base = [gpg, "--homedir", home, "--batch", "--pinentry-mode", "loopback"]
        base += ["--passphrase-fd", "0"]
        _gpg([*base, "--quick-gen-key", user_id, "ed25519", "sign", "never"], passphrase)
        secret = _gpg([*base, "--armor", "--export-secret-keys"], passphrase)
        public = _gpg([*base, "--armor", "--export"], passphrase)
    finally:
        subprocess.run(
            ["gpgconf", "--homedir", home, "--kill", "all"], capture_output=True, check=False
        )
        shutil.rmtree(home, ignore_errors=True)
    return secret, public


def _gpg(argv: list[str], passphrase: str) -> bytes:
    try:
        done = subprocess.run(
            argv,
            input=(passphrase + "\n").encode(),
            capture_output=True,
            timeout=GPG_TIMEOUT,
            check=False,
        )
    except subprocess.TimeoutExpired:
        raise DeliverError(
            f"gpg did not finish in {GPG_TIMEOUT:.0f} s; no key was written"
        ) from None
    if done.returncode != 0:
        lines = done.stderr.decode(errors="replace").strip().splitlines() or ["no message"]
        raise DeliverError(f"gpg failed: {lines[-1]}; no key was written")
    return done.stdout
