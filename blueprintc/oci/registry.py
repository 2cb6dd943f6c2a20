"""A ``Store`` over the OCI distribution HTTP API (see ``transport`` for HTTP and auth)."""

from __future__ import annotations

import json
import re
import urllib.parse
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
from .reference import is_loopback, validate_host, validate_repository, validate_tag
from .transport import Transport

_ACCEPT_MANIFESTS = ", ".join(MANIFEST_MEDIA_TYPES)


class RegistryStore:
    """A registry at ``host`` (``host[:port]``); plain HTTP defaults on for loopback hosts.

    Credentials default to ``BLUEPRINTC_REGISTRY_USERNAME``/``..._PASSWORD`` or the
    host's ``auths`` entry in the Docker config.
    """

    def __init__(
        self,
        host: str,
        *,
        plain_http: bool | None = None,
        credentials: Credentials | None = None,
        docker_config: Path | None = None,
        timeout: float = 30.0,
    ) -> None:
        self.host = validate_host(host)
        self.plain_http = is_loopback(host) if plain_http is None else plain_http
        creds = credentials or load_credentials(host, docker_config=docker_config)
        self._http = Transport(host, plain_http=self.plain_http, credentials=creds, timeout=timeout)
        self.base_url = self._http.base_url

    def __repr__(self) -> str:
        auth = "credentials" if self._http.has_credentials else "anonymous"
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
        resp = self._http.request("GET", path, scope=_scope(repo), not_found="BLOB_UNKNOWN")
        return verify_digest(resp.body, digest)

    def push_blob(self, repo: str, data: bytes, media_type: str = OCTET_STREAM) -> Descriptor:
        desc = Descriptor.of(data, media_type)
        if self.has_blob(repo, desc.digest):
            return desc
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
        url += ("&" if "?" in url else "?") + urllib.parse.urlencode({"digest": desc.digest})
        headers = {"Content-Type": "application/octet-stream"}
        self._http.request("PUT", url, scope=scope, headers=headers, body=data, ok=(201, 204))
        return desc

    def push_manifest(self, repo: str, data: bytes, media_type: str, tag: str | None = None) -> str:
        digest = sha256_digest(data)
        ref = validate_tag(tag) if tag is not None else digest
        resp = self._http.request(
            "PUT",
            f"/v2/{validate_repository(repo)}/manifests/{ref}",
            scope=_scope(repo, push=True),
            headers={"Content-Type": media_type},
            body=data,
            ok=(201, 200),
        )
        returned = resp.headers.get("Docker-Content-Digest")
        if returned and returned != digest:
            raise DigestMismatchError(
                f"registry {self.host} stored manifest {repo}:{ref} as {returned}, "
                f"expected {digest}"
            )
        return digest

    def get_manifest(self, repo: str, ref: str) -> FetchedManifest:
        ref = ref if is_digest(ref) else validate_tag(ref)
        resp = self._http.request(
            "GET",
            f"/v2/{validate_repository(repo)}/manifests/{ref}",
            scope=_scope(repo),
            headers={"Accept": _ACCEPT_MANIFESTS},
            not_found="MANIFEST_UNKNOWN",
        )
        digest = sha256_digest(resp.body)
        expected = ref if is_digest(ref) else resp.headers.get("Docker-Content-Digest")
        if expected:
            verify_digest(resp.body, expected)
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
            resp = self._http.request("GET", url, scope=_scope(repo), allow=(404,))
            if resp.status == 404:
                return []
            found.update(json.loads(resp.body).get("tags") or [])
            url = _next_link(resp.headers.get("Link"))
        return sorted(found)

    def referrers(self, repo: str, digest: str) -> list[Descriptor]:
        """The referrers API, falling back to the ``sha256-<hex>`` tag schema on 404."""
        path = f"/v2/{validate_repository(repo)}/referrers/{check_digest(digest)}"
        headers = {"Accept": OCI_INDEX}
        resp = self._http.request("GET", path, scope=_scope(repo), headers=headers, allow=(404,))
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
