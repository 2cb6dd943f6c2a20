"""Typed errors of the signing package.

Every error a user can cause is one of these, with a message that says what is
wrong and what to do about it. None of them ever carries a password: messages
are built only from file names, labels and sizes, and wrapped low-level errors
are raised `from None` so no secret-bearing context is chained.
"""

from __future__ import annotations


class SigningError(Exception):
    """Base class: anything the signing package refuses."""


class KeyFormatError(SigningError, ValueError):
    """A key file is not in a format cosign (and blueprintc) accepts."""


class KeyDecryptionError(SigningError):
    """An encrypted private key did not open: wrong password, or a damaged file."""


class PayloadError(SigningError, ValueError):
    """A simple-signing payload is malformed, or cannot be built from the inputs."""


class InvalidDigestError(SigningError, ValueError):
    """A manifest digest is not of the form `sha256:<64 lowercase hex>`."""


class ImageReferenceError(SigningError, ValueError):
    """An image reference cannot be parsed into a repository name."""
