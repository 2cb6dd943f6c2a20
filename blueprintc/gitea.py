"""A thin client of the Gitea API (1.22), for the operations delivery and promotion use.

Why not a library: py-gitea targets Gitea 1.13 and covers organisations, teams and
repositories only (no branch protections, hooks or migrations), and the generated
clients on PyPI follow older specs. Each operation here is one row of `OPERATIONS`
(method, path, request and response definition of Gitea 1.22.0's own Swagger
spec); tests/deliver/test_gitea_api.py checks every row against that spec, and the
loopback stand-in the tests run validates every body this client sends against it.
The transport is the standard library's (no new dependency): JSON over HTTP(S)
with basic auth (Gitea reads an access token given as the password), a timeout on
every call, and no redirect followed with the credentials.
"""

from __future__ import annotations

import base64
import json
import urllib.error
import urllib.request
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote, urlencode

from blueprintc.deliver.credentials import Credentials

API_PREFIX = "/api/v1"


@dataclass(frozen=True)
class Operation:
    """One Gitea API operation: its Swagger operationId, method, path template, the
    definition of its request body and the response its success answers with."""

    operation_id: str
    method: str
    path: str
    body: str | None
    answer: str | None


OPERATIONS: dict[str, Operation] = {
    op.operation_id: op
    for op in (
        Operation("getVersion", "GET", "/version", None, "ServerVersion"),
        Operation("orgGet", "GET", "/orgs/{org}", None, "Organization"),
        Operation("orgCreate", "POST", "/orgs", "CreateOrgOption", "Organization"),
        Operation("repoGet", "GET", "/repos/{owner}/{repo}", None, "Repository"),
        Operation("orgListRepos", "GET", "/orgs/{org}/repos", None, "RepositoryList"),
        Operation("createOrgRepo", "POST", "/orgs/{org}/repos", "CreateRepoOption", "Repository"),
        Operation(
            "repoListBranchProtection",
            "GET",
            "/repos/{owner}/{repo}/branch_protections",
            None,
            "BranchProtectionList",
        ),
        Operation(
            "repoCreateBranchProtection",
            "POST",
            "/repos/{owner}/{repo}/branch_protections",
            "CreateBranchProtectionOption",
            "BranchProtection",
        ),
        Operation("repoListHooks", "GET", "/repos/{owner}/{repo}/hooks", None, "HookList"),
        Operation(
            "repoCreateHook", "POST", "/repos/{owner}/{repo}/hooks", "CreateHookOption", "Hook"
        ),
        Operation("repoMigrate", "POST", "/repos/migrate", "MigrateRepoOptions", "Repository"),
        Operation(
            "repoListPullRequests", "GET", "/repos/{owner}/{repo}/pulls", None, "PullRequestList"
        ),
        Operation(
            "repoCreatePullRequest",
            "POST",
            "/repos/{owner}/{repo}/pulls",
            "CreatePullRequestOption",
            "PullRequest",
        ),
        Operation(
            "repoGetPullRequest", "GET", "/repos/{owner}/{repo}/pulls/{index}", None, "PullRequest"
        ),
        Operation(
            "repoEditPullRequest",
            "PATCH",
            "/repos/{owner}/{repo}/pulls/{index}",
            "EditPullRequestOption",
            "PullRequest",
        ),
        Operation(
            "repoListPullReviews",
            "GET",
            "/repos/{owner}/{repo}/pulls/{index}/reviews",
            None,
            "PullReviewList",
        ),
        Operation(
            "repoCreatePullReview",
            "POST",
            "/repos/{owner}/{repo}/pulls/{index}/reviews",
            "CreatePullReviewOptions",
            "PullReview",
        ),
        Operation(
            "repoListStatuses",
            "GET",
            "/repos/{owner}/{repo}/statuses/{sha}",
            None,
            "CommitStatusList",
        ),
        Operation(
            "repoCreateStatus",
            "POST",
            "/repos/{owner}/{repo}/statuses/{sha}",
            "CreateStatusOption",
            "CommitStatus",
        ),
        Operation(
            "repoMergePullRequest",
            "POST",
            "/repos/{owner}/{repo}/pulls/{index}/merge",
            "MergePullRequestOption",
            "empty",
        ),
    )
}


class GiteaError(Exception):
    """A call Gitea refused or could not answer; `status` 0 when it was never reached."""

    def __init__(self, operation: str, status: int, message: str) -> None:
        super().__init__(message)
        self.operation = operation
        self.status = status
        self.message = message

    @property
    def failing(self) -> bool:
        """The server answered but is failing (5xx) or busy (429): worth trying later."""
        return self.status == 429 or self.status >= 500


def failing_api(base: str, error: GiteaError) -> str:
    """What to say when the Gitea at `base` answers but fails (`GiteaError.failing`)."""
    return (
        f"the Gitea API at {base} is failing (HTTP {error.status}: {error.message}), so "
        "which branches it gates is not known: run again once it answers"
    )


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any) -> None:  # type: ignore[override]
        return None  # a redirect is answered as the error it is: credentials stay here


_OPENER = urllib.request.build_opener(_NoRedirect)


class Gitea:
    """The API of the Gitea at `base` (its root URL, no `/api/v1`)."""

    def __init__(self, base: str, creds: Credentials | None, timeout: float = 60.0) -> None:
        self.base = base.rstrip("/")
        self.timeout = timeout
        self._auth = None
        if creds is not None:
            pair = f"{creds.username}:{creds.password}".encode()
            self._auth = "Basic " + base64.b64encode(pair).decode()

    def call(
        self,
        operation_id: str,
        body: dict[str, Any] | None = None,
        query: dict[str, str | int] | None = None,
        missing_ok: bool = False,
        **params: str,
    ) -> Any:
        """The operation's answer as JSON data; None for a 404 when `missing_ok`."""
        op = OPERATIONS[operation_id]
        path = op.path.format(**{k: quote(v, safe="") for k, v in params.items()})
        url = f"{self.base}{API_PREFIX}{path}"
        if query:
            url += "?" + urlencode(query)
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(url, data=data, method=op.method)
        request.add_header("Accept", "application/json")
        if data is not None:
            request.add_header("Content-Type", "application/json")
        if self._auth is not None:
            request.add_header("Authorization", self._auth)
        try:
            with _OPENER.open(request, timeout=self.timeout) as answer:
                raw = answer.read()
        except urllib.error.HTTPError as exc:
            if exc.code == 404 and missing_ok:
                return None
            raise GiteaError(operation_id, exc.code, _message(exc)) from None
        except (TimeoutError, urllib.error.URLError, OSError) as exc:
            reason = getattr(exc, "reason", exc)
            raise GiteaError(operation_id, 0, f"{self.base} is unreachable ({reason})") from None
        try:
            return json.loads(raw) if raw else None
        except ValueError:
            raise GiteaError(operation_id, 200, f"{url} did not answer JSON") from None

    # The operations, by what they are for.

    def version(self) -> str | None:
        """The server's Gitea version; None when `base` serves no Gitea API (it answers
        404, a redirect or a page that is not JSON, as a plain git server does).
        Raises GiteaError when it cannot tell: unreachable (status 0), credentials
        refused (401, 403), or a server failing (5xx, 429): a Gitea whose API is down
        is no plain git server, to be pushed to as if its branches had no gates."""
        try:
            answer = self.call("getVersion")
        except GiteaError as exc:
            if exc.status in (0, 401, 403) or exc.failing:
                raise
            return None
        return str(answer.get("version")) if isinstance(answer, dict) else None

    def org(self, name: str) -> dict[str, Any] | None:
        answer: dict[str, Any] | None = self.call("orgGet", missing_ok=True, org=name)
        return answer

    def create_org(self, name: str) -> None:
        self.call("orgCreate", {"username": name, "visibility": "private"})

    def repo(self, owner: str, name: str) -> dict[str, Any] | None:
        answer: dict[str, Any] | None = self.call(
            "repoGet", missing_ok=True, owner=owner, repo=name
        )
        return answer

    def org_repos(self, org: str) -> list[str]:
        """The names of the organisation's repositories (every page); none when the
        organisation does not exist."""
        names: list[str] = []
        page = 1
        while True:
            answer = self.call(
                "orgListRepos", query={"page": page, "limit": 50}, missing_ok=True, org=org
            )
            if not answer:
                return names
            names += [str(r.get("name")) for r in answer if isinstance(r, dict)]
            if len(answer) < 50:
                return names
            page += 1

    def create_org_repo(self, org: str, name: str, default_branch: str, description: str) -> None:
        body = {
            "name": name,
            "default_branch": default_branch,
            "private": True,
            "auto_init": False,
            "description": description,
        }
        self.call("createOrgRepo", body, org=org)

    def branch_protections(self, owner: str, repo: str) -> list[dict[str, Any]]:
        return list(self.call("repoListBranchProtection", owner=owner, repo=repo) or [])

    def protect_branch(self, owner: str, repo: str, option: dict[str, Any]) -> None:
        self.call("repoCreateBranchProtection", option, owner=owner, repo=repo)

    def hooks(self, owner: str, repo: str) -> list[dict[str, Any]]:
        return list(self.call("repoListHooks", owner=owner, repo=repo) or [])

    def create_hook(self, owner: str, repo: str, option: dict[str, Any]) -> None:
        self.call("repoCreateHook", option, owner=owner, repo=repo)

    def migrate(self, option: dict[str, Any]) -> None:
        self.call("repoMigrate", option)

    def open_pulls(self, owner: str, repo: str) -> list[dict[str, Any]]:
        answer = self.call(
            "repoListPullRequests", query={"state": "open", "limit": 50}, owner=owner, repo=repo
        )
        return list(answer or [])

    def create_pull(self, owner: str, repo: str, option: dict[str, Any]) -> dict[str, Any]:
        answer: dict[str, Any] = self.call("repoCreatePullRequest", option, owner=owner, repo=repo)
        return answer

    def pull(self, owner: str, repo: str, index: int) -> dict[str, Any]:
        answer: dict[str, Any] = self.call(
            "repoGetPullRequest", owner=owner, repo=repo, index=str(index)
        )
        return answer

    def edit_pull(
        self, owner: str, repo: str, index: int, option: dict[str, Any]
    ) -> dict[str, Any]:
        """Change a pull request's title, body or state (Gitea answers 201)."""
        answer: dict[str, Any] = self.call(
            "repoEditPullRequest", option, owner=owner, repo=repo, index=str(index)
        )
        return answer

    def reviews(self, owner: str, repo: str, index: int) -> list[dict[str, Any]]:
        answer = self.call("repoListPullReviews", owner=owner, repo=repo, index=str(index))
        return list(answer or [])

    def review(self, owner: str, repo: str, index: int, option: dict[str, Any]) -> None:
        self.call("repoCreatePullReview", option, owner=owner, repo=repo, index=str(index))

    def statuses(self, owner: str, repo: str, sha: str) -> list[dict[str, Any]]:
        """The commit's statuses, newest first (Gitea's order)."""
        return list(self.call("repoListStatuses", owner=owner, repo=repo, sha=sha) or [])

    def set_status(self, owner: str, repo: str, sha: str, option: dict[str, Any]) -> None:
        self.call("repoCreateStatus", option, owner=owner, repo=repo, sha=sha)

    def merge_pull(self, owner: str, repo: str, index: int, option: dict[str, Any]) -> None:
        """Merge through Gitea (never a push to the protected branch); with
        `head_commit_id` in `option`, only if the head is still that commit."""
        self.call("repoMergePullRequest", option, owner=owner, repo=repo, index=str(index))


def _message(exc: urllib.error.HTTPError) -> str:
    """Gitea's own words (`{"message": ...}`), else the HTTP reason."""
    try:
        data = json.loads(exc.read() or b"{}")
    except ValueError:
        data = {}
    said = data.get("message") if isinstance(data, dict) else None
    return f"HTTP {exc.code}: {said or exc.reason}"
