"""Typed errors of the OCI layer; none of them ever carries a credential."""

from __future__ import annotations


class OCIError(Exception):
    """Base class. ``code`` is a distribution-spec error code when one applies."""

    code: str = "UNKNOWN"

    def __init__(self, message: str, *, code: str | None = None) -> None:
        super().__init__(message)
        if code is not None:
            self.code = code


class InvalidReferenceError(OCIError, ValueError):
    """A reference, repository name, tag or digest does not parse."""

    code = "NAME_INVALID"


class NotFoundError(OCIError):
    """A manifest, blob or repository does not exist (in any kind of store)."""

    code = "NOT_FOUND"


class DigestMismatchError(OCIError):
    """Content read back does not hash to the digest it was asked for."""

    code = "DIGEST_INVALID"


class UnsafeArchiveError(OCIError):
    """A tar archive tries to escape its destination or holds special files."""

    code = "UNSAFE_ARCHIVE"


class RegistryError(OCIError):
    """An OCI distribution registry refused a request.

    ``status`` is the HTTP status (0 for transport failures) and ``code`` the
    registry's error code (``MANIFEST_UNKNOWN``, ``UNAUTHORIZED``, ...).
    """

    def __init__(
        self,
        message: str,
        *,
        status: int,
        code: str = "UNKNOWN",
        url: str = "",
        retry_after: float | None = None,
    ) -> None:
        super().__init__(message, code=code)
        self.status = status
        self.url = url
        self.retry_after = retry_after  # seconds the registry asked us to wait, if it did

    @property
    def retryable(self) -> bool:
        """A failure that may pass on a later attempt (throttled, restarting, reset)."""
        return self.status in (429, 502, 503, 504)

    def __repr__(self) -> str:
        return f"{type(self).__name__}(status={self.status}, code={self.code!r}, url={self.url!r})"


class TransportError(RegistryError):
    """No usable answer came back: unreachable, reset, timed out, truncated body,
    or the overall deadline passed (``status`` 0). Not a statement about content."""

    def __init__(
        self, message: str, *, code: str = "UNAVAILABLE", url: str = "", retryable: bool = False
    ) -> None:
        super().__init__(message, status=0, code=code, url=url)
        self._retryable = retryable

    @property
    def retryable(self) -> bool:
        return self._retryable


class RegistryNotFoundError(RegistryError, NotFoundError):
    """A 404 from a registry: both a RegistryError and a NotFoundError."""
