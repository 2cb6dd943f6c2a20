"""A ``Store`` over the OCI distribution HTTP API (see ``transport`` for HTTP and auth)."""

from __future__ import annotations

import json
import re
import urllib.parse
from dataclasses import replace
from pathlib import Path

from .auth import Credentials, load_credentials
from .content import (
    MANIFEST_MEDIA_TYPES,
    OCI_INDEX,
    OCTET_STREAM,
    Descriptor,
    FetchedManifest,
    check_digest,
    guess_manifest_media_type,
    is_digest,
    sha256_digest,
    verify_digest,
)
from .errors import DigestMismatchError, RegistryError
from .origin import shown_url
from .policy import HttpPolicy
from .reference import is_loopback, validate_host, validate_repository, validate_tag
from .transport import Response, Transport

_ACCEPT_MANIFESTS = ", ".join(MANIFEST_MEDIA_TYPES)


class RegistryStore:
    """A registry at ``host`` (``host[:port]``); plain HTTP defaults on for loopback hosts.

    Credentials default to ``BLUEPRINTC_REGISTRY_USERNAME``/``..._PASSWORD`` or the
    Docker config (looked up when the registry first asks for them). ``policy``
    (default: from the environment) sets timeouts, the deadline and retries;
    ``timeout`` alone overrides its per-request timeout.
    """

    def __init__(
        self,
        host: str,
        *,
        plain_http: bool | None = None,
        credentials: Credentials | None = None,
        docker_config: Path | None = None,
        timeout: float | None = None,
        policy: HttpPolicy | None = None,
    ) -> None:
        self.host = validate_host(host)
        policy = policy or HttpPolicy.from_env()
        if plain_http is None:
            plain_http = is_loopback(host) if policy.plain_http is None else policy.plain_http
        self.plain_http = plain_http
        if timeout is not None:
            policy = replace(policy, timeout=timeout)
        self.policy = policy
        creds = credentials or (lambda: load_credentials(host, docker_config=docker_config))
        self._http = Transport(host, plain_http=self.plain_http, credentials=creds, policy=policy)
        self.base_url = self._http.base_url

    def __repr__(self) -> str:
        auth = "credentials" if self._http.has_credentials else "anonymous or on demand"
        return f"RegistryStore({self.host!r}, plain_http={self.plain_http}, auth={auth})"

    # -- Store API -----------------------------------------------------------

    def ping(self) -> None:
        """Check that ``/v2/`` answers (and that our credentials are accepted)."""
        self._http.request("GET", "/v2/", scope="")

    def has_blob(self, repo: str, digest: str) -> bool:
        path = f"/v2/{validate_repository(repo)}/blobs/{check_digest(digest)}"
        resp = self._http.request("HEAD", path, scope=_scope(repo), allow=(404,))
        return resp.status == 200

    def get_blob(self, repo: str, digest: str) -> bytes:
        path = f"/v2/{validate_repository(repo)}/blobs/{check_digest(digest)}"
        resp = self._http.request(
            "GET",
            path,
            scope=_scope(repo),
            not_found="BLOB_UNKNOWN",
            limit=self.policy.blob_limit,
        )
        return self._verified(resp.body, digest, f"blob {repo}@{digest}", path)

    def push_blob(self, repo: str, data: bytes, media_type: str = OCTET_STREAM) -> Descriptor:
        """Monolithic upload (POST a session, PUT the bytes). The PUT consumes the
        session, so it is never resent as is: a retryable failure restarts the
        exchange with a new session, after checking the blob did not land."""
        desc = Descriptor.of(data, media_type)
        restarts = 0
        while True:
            if self.has_blob(repo, desc.digest):
                return desc
            try:
                self._upload(repo, data, desc.digest)
                return desc
            except RegistryError as exc:
                if not exc.retryable or restarts >= self.policy.retries:
                    raise
                self._http.wait_before_retry(restarts, exc, "PUT", exc.url)
                restarts += 1

    def _upload(self, repo: str, data: bytes, digest: str) -> None:
        scope = _scope(repo, push=True)
        start = self._http.request(
            "POST", f"/v2/{validate_repository(repo)}/blobs/uploads/", scope=scope
        )
        location = start.headers.get("Location")
        if start.status != 202 or not location:
            raise RegistryError(
                f"POST blob upload to {self.host}/{repo}: expected 202 with a Location, "
                f"got {start.status}",
                status=start.status,
                code="BLOB_UPLOAD_INVALID",
            )
        url = urllib.parse.urljoin(self.base_url + "/", location)
        url += ("&" if "?" in url else "?") + urllib.parse.urlencode({"digest": digest})
        headers = {"Content-Type": "application/octet-stream"}
        self._http.request(
            "PUT", url, scope=scope, headers=headers, body=data, ok=(201, 204), retry=False
        )

    def _verified(self, body: bytes, digest: str, what: str, path: str) -> bytes:
        try:
            return verify_digest(body, digest)
        except DigestMismatchError as exc:
            raise DigestMismatchError(
                f"{what} from {shown_url(self.base_url + path)}: {exc} (an integrity failure: "
                "the registry served other bytes than the digest names, corrupted in storage "
                "or in transit, or tampered with)"
            ) from None

    def push_manifest(self, repo: str, data: bytes, media_type: str, tag: str | None = None) -> str:
        """PUT ``data`` as ``repo:tag`` (by its digest without a tag); return the digest.

        One ``400 DIGEST_INVALID`` is retried: the digest here is computed from
        the bytes sent, so that answer is not about them. distribution (the
        Debian ``docker-registry``) gave it to one of two identical manifest
        PUTs that met at the same moment (two publishes of one artifact
        attaching the same SBOM); the same PUT again is stored.
        """
        digest = sha256_digest(data)
        ref = validate_tag(tag) if tag is not None else digest
        try:
            resp = self._put_manifest(repo, ref, data, media_type)
        except RegistryError as exc:
            if exc.code != "DIGEST_INVALID":
                raise
            resp = self._put_manifest(repo, ref, data, media_type)
        returned = resp.headers.get("Docker-Content-Digest")
        if returned and returned != digest:
            raise DigestMismatchError(
                f"registry {self.host} stored manifest {repo}:{ref} as {returned}, "
                f"expected {digest}"
            )
        return digest

    def _put_manifest(self, repo: str, ref: str, data: bytes, media_type: str) -> Response:
        return self._http.request(
            "PUT",
            f"/v2/{validate_repository(repo)}/manifests/{ref}",
            scope=_scope(repo, push=True),
            headers={"Content-Type": media_type},
            body=data,
            ok=(201, 200),
        )

    def get_manifest(self, repo: str, ref: str) -> FetchedManifest:
        ref = ref if is_digest(ref) else validate_tag(ref)
        resp = self._http.request(
            "GET",
            f"/v2/{validate_repository(repo)}/manifests/{ref}",
            scope=_scope(repo),
            headers={"Accept": _ACCEPT_MANIFESTS},
            not_found="MANIFEST_UNKNOWN",
            limit=self.policy.manifest_limit,
        )
        digest = sha256_digest(resp.body)
        expected = ref if is_digest(ref) else resp.headers.get("Docker-Content-Digest")
        if expected:
            path = f"/v2/{repo}/manifests/{ref}"
            self._verified(resp.body, expected, f"manifest {repo}:{ref}", path)
        media_type = (resp.headers.get("Content-Type") or "").split(";")[0].strip()
        return FetchedManifest(
            resp.body, media_type or guess_manifest_media_type(resp.body), digest
        )

    def resolve(self, repo: str, tag: str) -> str | None:
        path = f"/v2/{validate_repository(repo)}/manifests/{validate_tag(tag)}"
        headers = {"Accept": _ACCEPT_MANIFESTS}
        resp = self._http.request("HEAD", path, scope=_scope(repo), headers=headers, allow=(404,))
        if resp.status == 404:
            return None
        digest = resp.headers.get("Docker-Content-Digest")
        return check_digest(digest) if digest else self.get_manifest(repo, tag).digest

    def tags(self, repo: str) -> list[str]:
        url: str | None = f"/v2/{validate_repository(repo)}/tags/list?n=1000"
        found: set[str] = set()
        while url:
            resp = self._http.request(
                "GET", url, scope=_scope(repo), allow=(404,), limit=self.policy.manifest_limit
            )
            if resp.status == 404:
                return []
            found.update(json.loads(resp.body).get("tags") or [])
            url = _next_link(resp.headers.get("Link"))
        return sorted(found)

    def referrers(self, repo: str, digest: str) -> list[Descriptor]:
        """The referrers API, falling back to the ``sha256-<hex>`` tag schema on 404."""
        path = f"/v2/{validate_repository(repo)}/referrers/{check_digest(digest)}"
        headers = {"Accept": OCI_INDEX}
        resp = self._http.request(
            "GET",
            path,
            scope=_scope(repo),
            headers=headers,
            allow=(404,),
            limit=self.policy.manifest_limit,
        )
        if resp.status == 404:
            fallback = digest.replace(":", "-")
            if self.resolve(repo, fallback) is None:
                return []
            body = self.get_manifest(repo, fallback).data
        else:
            body = resp.body
        return [Descriptor.from_dict(m) for m in json.loads(body).get("manifests") or []]


def _scope(repo: str, push: bool = False) -> str:
    return f"repository:{validate_repository(repo)}:{'pull,push' if push else 'pull'}"


_LINK_RE = re.compile(r'<([^>]+)>\s*;\s*rel="?next"?')


def _next_link(header: str | None) -> str | None:
    match = _LINK_RE.search(header or "")
    return match.group(1) if match else None
