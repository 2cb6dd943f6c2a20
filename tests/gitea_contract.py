"""A loopback stand-in for the Gitea API (tests only, never shipped), held to Gitea
1.22.0's own Swagger spec (tests/data/gitea/swagger.v1.22.json).

It answers under ``/api/v1/`` of the real git server of tests/gitserver.py (its
``other`` hook), over the same bare repositories: creating a repository makes the
bare repository the git server then serves, and a branch protection becomes the
``protected-branches`` line the server's pre-receive hook enforces. Every request
must be an operation of the spec, with a body that validates against the
operation's body definition (unknown keys refused, as a typo would be silently
dropped by Gitea); every answer is validated against the operation's response
schema before it is sent. A breach is answered 422/501 and kept in ``violations``,
which the fixture asserts empty. ``writes`` records every write (non-GET) call;
``faults`` makes an operation answer an injected status.
"""

from __future__ import annotations

import json
import re
import subprocess
import threading
from dataclasses import dataclass, field
from functools import cache
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

from jsonschema import Draft4Validator

from tests.gitserver import PROTECTED_FILE, create_repo, heads

SPEC_PATH = Path(__file__).parent / "data" / "gitea" / "swagger.v1.22.json"
PREFIX = "/api/v1"
VERSION = "1.22.0"
EPOCH = "2026-01-01T00:00:00Z"
# Answers real Gitea 1.22 gives that its spec does not list: CreateUserRepo, under
# createOrgRepo, answers a taken name with `ctx.Error(http.StatusConflict, ...)`
# (routers/api/v1/repo/repo.go), which the operation's responses omit.
UNDOCUMENTED = {("createOrgRepo", 409)}


@cache
def spec() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(SPEC_PATH.read_text(encoding="utf-8"))
    return data


def _strict(definitions: dict[str, Any]) -> dict[str, Any]:
    """The definitions with unknown keys refused in every object that lists its own."""

    def walk(node: Any) -> Any:
        if isinstance(node, dict):
            out = {k: walk(v) for k, v in node.items()}
            if "properties" in out and "additionalProperties" not in out:
                out["additionalProperties"] = False
            return out
        if isinstance(node, list):
            return [walk(v) for v in node]
        return node

    return {name: walk(schema) for name, schema in definitions.items()}


@cache
def _validator(schema_json: str, strict: bool) -> Draft4Validator:
    definitions = spec()["definitions"]
    root = {
        **json.loads(schema_json),
        "definitions": _strict(definitions) if strict else definitions,
    }
    return Draft4Validator(root, format_checker=Draft4Validator.FORMAT_CHECKER)


def schema_errors(schema: dict[str, Any], value: Any, strict: bool = False) -> list[str]:
    """What is wrong with `value` under a Swagger schema of the spec (`$ref`s resolved)."""
    validator = _validator(json.dumps(schema, sort_keys=True), strict)
    return [
        f"{'/'.join(map(str, e.absolute_path)) or '<body>'}: {e.message}"
        for e in validator.iter_errors(value)
    ]


@dataclass(frozen=True)
class Route:
    method: str
    template: str
    pattern: re.Pattern[str]
    operation: dict[str, Any]


@cache
def routes() -> list[Route]:
    found = []
    for template, methods in spec()["paths"].items():
        regex = "^" + re.sub(r"\\\{[^}]+\\\}", "([^/]+)", re.escape(template)) + "$"
        for method, operation in methods.items():
            if method in ("get", "post", "put", "patch", "delete"):
                found.append(Route(method.upper(), template, re.compile(regex), operation))
    # literal paths before templated ones (/repos/migrate before /repos/{owner}/{repo})
    found.sort(key=lambda r: r.template.count("{"))
    return found


def match(method: str, path: str) -> tuple[Route, dict[str, str]] | None:
    for route in routes():
        if route.method != method:
            continue
        hit = route.pattern.match(path)
        if hit:
            names = re.findall(r"\{([^}]+)\}", route.template)
            return route, {n: unquote(v) for n, v in zip(names, hit.groups(), strict=True)}
    return None


def body_schema(operation: dict[str, Any]) -> dict[str, Any] | None:
    for parameter in operation.get("parameters", []):
        if parameter.get("in") == "body":
            schema: dict[str, Any] = parameter["schema"]
            return schema
    return None


def response_schema(operation: dict[str, Any], status: int) -> tuple[bool, dict[str, Any] | None]:
    """(documented, schema) of the operation's answer with `status`."""
    answer = operation.get("responses", {}).get(str(status))
    if answer is None:
        return False, None
    ref = answer.get("$ref", "")
    if ref.startswith("#/responses/"):
        answer = spec()["responses"][ref.rsplit("/", 1)[1]]
    return True, answer.get("schema")


class Refusal(Exception):
    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


@dataclass
class GiteaStandIn:
    """The state behind the API (see module doc); `handle` is the git server's hook."""

    root: Path
    orgs: dict[str, int] = field(default_factory=dict)
    protections: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    hooks: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    pulls: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    reviews: dict[tuple[str, int], list[dict[str, Any]]] = field(default_factory=dict)
    statuses: dict[tuple[str, str], list[dict[str, Any]]] = field(default_factory=dict)
    mirrors: dict[str, dict[str, Any]] = field(default_factory=dict)
    writes: list[tuple[str, str]] = field(default_factory=list)
    git_paths: list[str] = field(default_factory=list)  # git requests, left to the server
    violations: list[str] = field(default_factory=list)
    faults: dict[str, int] = field(default_factory=dict)
    hook_secrets: dict[int, str] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)
    _ids: int = 0

    def handle(self, handler: BaseHTTPRequestHandler) -> bool:
        parts = urlsplit(handler.path)
        if not parts.path.startswith(PREFIX + "/"):
            with self.lock:
                self.git_paths.append(parts.path)
            return False
        body = handler.read_body() if handler.command != "GET" else b""  # type: ignore[attr-defined]
        user = handler._user() or ""  # type: ignore[attr-defined]
        status, answer = self._answer(
            handler.command, parts.path[len(PREFIX) :], parts.query, body, user
        )
        payload = b"" if answer is None else json.dumps(answer).encode()
        handler.send_response(status)
        handler.send_header("Content-Type", "application/json")
        handler.send_header("Content-Length", str(len(payload)))
        handler.end_headers()
        handler.wfile.write(payload)
        return True

    def _answer(self, method: str, path: str, query: str, raw: bytes, user: str) -> tuple[int, Any]:
        found = match(method, path)
        if found is None:
            self.violations.append(f"{method} {path}: no such operation in Gitea 1.22")
            return 501, {"message": "not in the contract", "url": path}
        route, params = found
        op_id = route.operation["operationId"]
        body: Any = None
        schema = body_schema(route.operation)
        if schema is not None:
            try:
                body = json.loads(raw or b"null")
            except ValueError:
                self.violations.append(f"{op_id}: body is not JSON")
                return 422, {"message": "invalid JSON", "url": path}
            errors = schema_errors(schema, body, strict=True)
            if errors:
                self.violations.append(f"{op_id}: {'; '.join(errors)}")
                return 422, {"message": "; ".join(errors), "url": path}
        if method != "GET":
            with self.lock:
                self.writes.append((method, route.template))
        if op_id in self.faults:
            return self.faults[op_id], {"message": "injected fault", "url": path}
        handler = getattr(self, f"_op_{op_id}", None)
        if handler is None:
            self.violations.append(f"{op_id}: used but not served by the stand-in")
            return 501, {"message": "not served", "url": path}
        try:
            with self.lock:
                status, answer = handler(params, body, parse_qs(query), user)
        except Refusal as refusal:
            status, answer = refusal.status, {"message": refusal.message, "url": path}
        documented, response = response_schema(route.operation, status)
        if not documented and (op_id, status) not in UNDOCUMENTED:
            self.violations.append(f"{op_id}: answered {status}, which the spec does not list")
        elif response is not None:
            errors = schema_errors(response, answer)
            if errors:
                self.violations.append(f"{op_id} answer: {'; '.join(errors)}")
                return 500, {"message": "stand-in broke the contract", "url": path}
        return status, answer

    # State helpers

    def _next_id(self) -> int:
        self._ids += 1
        return self._ids

    def repo_path(self, owner: str, name: str) -> Path:
        return self.root / owner / f"{name}.git"

    def _branches(self, owner: str, name: str) -> dict[str, str]:
        return heads(self.repo_path(owner, name), "refs/heads/")

    def _user_json(self, login: str) -> dict[str, Any]:
        return {
            "id": 1,
            "login": login,
            "full_name": login,
            "email": f"{login}@example.test",
            "created": EPOCH,
            "is_admin": False,
        }

    def _org_json(self, name: str) -> dict[str, Any]:
        return {
            "id": self.orgs[name],
            "name": name,
            "username": name,
            "full_name": name,
            "visibility": "private",
            "description": "",
            "website": "",
            "location": "",
            "avatar_url": "",
            "email": "",
            "repo_admin_change_team_access": False,
        }

    def _repo_json(self, owner: str, name: str) -> dict[str, Any]:
        branches = self._branches(owner, name)
        mirror = self.mirrors.get(f"{owner}/{name}")
        return {
            "id": abs(hash((owner, name))) % 100000,
            "name": name,
            "full_name": f"{owner}/{name}",
            "owner": self._user_json(owner),
            "private": True,
            "empty": not branches,
            "default_branch": "main",
            "mirror": mirror is not None,
            "mirror_interval": mirror["mirror_interval"] if mirror else "",
            "original_url": mirror["clone_addr"] if mirror else "",
            "clone_url": f"http://127.0.0.1/{owner}/{name}.git",
            "created_at": EPOCH,
            "updated_at": EPOCH,
            "permissions": {"admin": True, "push": True, "pull": True},
        }

    def _write_protections(self, key: str) -> None:
        owner, name = key.split("/", 1)
        lines = []
        for rule in self.protections.get(key, []):
            allowed = rule["push_whitelist_usernames"] if rule["enable_push_whitelist"] else []
            if rule["enable_push"] and not rule["enable_push_whitelist"]:
                continue  # pushes open to all writers
            lines.append(" ".join([rule["rule_name"], *allowed]))
        (self.repo_path(owner, name) / PROTECTED_FILE).write_text(
            "".join(line + "\n" for line in lines), encoding="utf-8"
        )

    def _need_repo(self, params: dict[str, str]) -> str:
        owner, name = params["owner"], params["repo"]
        if not self.repo_path(owner, name).is_dir():
            raise Refusal(404, "repository does not exist")
        return f"{owner}/{name}"

    # Operations (called with the lock held): (status, answer)

    def _op_getVersion(
        self, params: dict[str, str], body: Any, query: Any, user: str
    ) -> tuple[int, Any]:
        return 200, {"version": VERSION}

    def _op_orgGet(
        self, params: dict[str, str], body: Any, query: Any, user: str
    ) -> tuple[int, Any]:
        if params["org"] not in self.orgs:
            return 404, None
        return 200, self._org_json(params["org"])

    def _op_orgCreate(
        self, params: dict[str, str], body: Any, query: Any, user: str
    ) -> tuple[int, Any]:
        name = body["username"]
        if name in self.orgs:
            raise Refusal(422, f"user already exists [name: {name}]")
        self.orgs[name] = self._next_id()
        return 201, self._org_json(name)

    def _op_repoGet(
        self, params: dict[str, str], body: Any, query: Any, user: str
    ) -> tuple[int, Any]:
        if not self.repo_path(params["owner"], params["repo"]).is_dir():
            return 404, None
        return 200, self._repo_json(params["owner"], params["repo"])

    def _op_orgListRepos(
        self, params: dict[str, str], body: Any, query: Any, user: str
    ) -> tuple[int, Any]:
        org = params["org"]
        if org not in self.orgs:
            return 404, None
        page = int((query.get("page") or ["1"])[0])
        limit = int((query.get("limit") or ["30"])[0])
        names = sorted(p.name[: -len(".git")] for p in (self.root / org).glob("*.git"))
        chosen = names[(page - 1) * limit : page * limit]
        return 200, [self._repo_json(org, name) for name in chosen]

    def _op_createOrgRepo(
        self, params: dict[str, str], body: Any, query: Any, user: str
    ) -> tuple[int, Any]:
        org = params["org"]
        if org not in self.orgs:
            return 404, None
        if self.repo_path(org, body["name"]).exists():
            raise Refusal(409, "The repository with the same name already exists.")
        create_repo(self.root, f"{org}/{body['name']}", body.get("default_branch") or "main")
        return 201, self._repo_json(org, body["name"])

    def _op_repoListBranchProtection(
        self, params: dict[str, str], body: Any, query: Any, user: str
    ) -> tuple[int, Any]:
        key = self._need_repo(params)
        return 200, self.protections.get(key, [])

    def _op_repoCreateBranchProtection(
        self, params: dict[str, str], body: Any, query: Any, user: str
    ) -> tuple[int, Any]:
        key = self._need_repo(params)
        name = body.get("rule_name") or body.get("branch_name")
        if not name:
            raise Refusal(422, "rule_name is required")
        if any(p["rule_name"] == name for p in self.protections.get(key, [])):
            raise Refusal(403, "Branch protection already exist")
        rule = {
            "rule_name": name,
            "branch_name": name,
            "enable_push": bool(body.get("enable_push")),
            "enable_push_whitelist": bool(body.get("enable_push_whitelist")),
            "push_whitelist_usernames": list(body.get("push_whitelist_usernames") or []),
            "required_approvals": int(body.get("required_approvals") or 0),
            "block_on_rejected_reviews": bool(body.get("block_on_rejected_reviews")),
            "dismiss_stale_approvals": bool(body.get("dismiss_stale_approvals")),
            "created_at": EPOCH,
            "updated_at": EPOCH,
        }
        self.protections.setdefault(key, []).append(rule)
        self._write_protections(key)
        return 201, rule

    def _op_repoListHooks(
        self, params: dict[str, str], body: Any, query: Any, user: str
    ) -> tuple[int, Any]:
        return 200, self.hooks.get(self._need_repo(params), [])

    def _op_repoCreateHook(
        self, params: dict[str, str], body: Any, query: Any, user: str
    ) -> tuple[int, Any]:
        key = self._need_repo(params)
        hook = {
            "id": self._next_id(),
            "type": body["type"],
            "config": {k: v for k, v in body["config"].items() if k != "secret"},
            "events": list(body.get("events") or ["push"]),
            "active": bool(body.get("active")),
            "branch_filter": body.get("branch_filter") or "*",
            "created_at": EPOCH,
            "updated_at": EPOCH,
        }
        self.hooks.setdefault(key, []).append(hook)
        self.hook_secrets[hook["id"]] = body["config"].get("secret", "")
        return 201, hook

    def _op_repoMigrate(
        self, params: dict[str, str], body: Any, query: Any, user: str
    ) -> tuple[int, Any]:
        owner = body.get("repo_owner") or user
        name = body["repo_name"]
        if owner not in self.orgs:
            raise Refusal(422, f"organization {owner} does not exist")
        target = self.repo_path(owner, name)
        if target.exists():
            raise Refusal(409, "The repository with the same name already exists.")
        target.parent.mkdir(parents=True, exist_ok=True)
        done = subprocess.run(
            ["git", "clone", "--quiet", "--mirror", body["clone_addr"], str(target)],
            capture_output=True,
            text=True,
            check=False,
        )
        if done.returncode != 0:
            raise Refusal(422, f"could not migrate: {done.stderr.strip()[:200]}")
        if body.get("mirror"):
            self.mirrors[f"{owner}/{name}"] = {
                "clone_addr": body["clone_addr"],
                "mirror_interval": body.get("mirror_interval") or "8h0m0s",
            }
        return 201, self._repo_json(owner, name)

    def _op_repoListPullRequests(
        self, params: dict[str, str], body: Any, query: Any, user: str
    ) -> tuple[int, Any]:
        key = self._need_repo(params)
        state = (query.get("state") or ["open"])[0]
        return 200, [p for p in self.pulls.get(key, []) if state == "all" or p["state"] == state]

    def _op_repoCreatePullRequest(
        self, params: dict[str, str], body: Any, query: Any, user: str
    ) -> tuple[int, Any]:
        key = self._need_repo(params)
        branches = self._branches(params["owner"], params["repo"])
        head, base = body.get("head", ""), body.get("base", "")
        if head not in branches or base not in branches:
            raise Refusal(404, f"branch {head if head not in branches else base} does not exist")
        for pull in self.pulls.get(key, []):
            if (
                pull["state"] == "open"
                and pull["head"]["ref"] == head
                and pull["base"]["ref"] == base
            ):
                raise Refusal(409, "pull request already exists for these targets")
        number = len(self.pulls.get(key, [])) + 1
        pull = {
            "id": self._next_id(),
            "number": number,
            "state": "open",
            "title": body.get("title", ""),
            "body": body.get("body", ""),
            "user": self._user_json(user),
            "head": {"ref": head, "label": head, "sha": branches[head]},
            "base": {"ref": base, "label": base, "sha": branches[base]},
            "html_url": f"http://127.0.0.1/{key}/pulls/{number}",
            "merged": False,
            "mergeable": True,
            "created_at": EPOCH,
            "updated_at": EPOCH,
        }
        self.pulls.setdefault(key, []).append(pull)
        return 201, pull

    def _pull(self, params: dict[str, str]) -> tuple[str, dict[str, Any]]:
        """The pull request `index` of the repository, its head as the branch is now (a
        push to the head branch moves it, as in Gitea)."""
        key = self._need_repo(params)
        number = int(params["index"])
        for pull in self.pulls.get(key, []):
            if pull["number"] == number:
                if pull["state"] == "open":
                    branches = self._branches(params["owner"], params["repo"])
                    pull["head"]["sha"] = branches.get(pull["head"]["ref"], pull["head"]["sha"])
                    pull["base"]["sha"] = branches.get(pull["base"]["ref"], pull["base"]["sha"])
                return key, pull
        raise Refusal(404, f"pull request {number} does not exist")

    def _op_repoGetPullRequest(
        self, params: dict[str, str], body: Any, query: Any, user: str
    ) -> tuple[int, Any]:
        return 200, self._pull(params)[1]

    def _op_repoEditPullRequest(
        self, params: dict[str, str], body: Any, query: Any, user: str
    ) -> tuple[int, Any]:
        _, pull = self._pull(params)
        if pull["merged"] and body.get("state") == "open":
            raise Refusal(409, "cannot reopen a merged pull request")
        for key in ("title", "body", "state"):
            if key in body:
                pull[key] = body[key]
        pull["updated_at"] = self._now()
        return 201, pull

    def _op_repoCreatePullReview(
        self, params: dict[str, str], body: Any, query: Any, user: str
    ) -> tuple[int, Any]:
        key, pull = self._pull(params)
        event = body.get("event", "")
        if event in ("APPROVED", "REQUEST_CHANGES") and pull["user"]["login"] == user:
            raise Refusal(422, "approve or reject your own pull is not allowed")
        review = {
            "id": self._next_id(),
            "user": self._user_json(user),
            "state": event or "COMMENT",
            "body": body.get("body", ""),
            "commit_id": body.get("commit_id") or pull["head"]["sha"],
            "submitted_at": self._now(),
            "dismissed": False,
            "stale": False,
            "official": True,
            "comments_count": 0,
        }
        self.reviews.setdefault((key, pull["number"]), []).append(review)
        return 200, review

    def _op_repoListPullReviews(
        self, params: dict[str, str], body: Any, query: Any, user: str
    ) -> tuple[int, Any]:
        key, pull = self._pull(params)
        found = self.reviews.get((key, pull["number"]), [])
        for review in found:  # Gitea marks a review stale once the head moved past it
            review["stale"] = review["commit_id"] != pull["head"]["sha"]
        return 200, found

    def _op_repoCreateStatus(
        self, params: dict[str, str], body: Any, query: Any, user: str
    ) -> tuple[int, Any]:
        key = self._need_repo(params)
        status = {
            "id": self._next_id(),
            "context": body.get("context", ""),
            "state": body.get("state", "pending"),
            "description": body.get("description", ""),
            "target_url": body.get("target_url", ""),
            "creator": self._user_json(user),
            "created_at": self._now(),
            "updated_at": self._now(),
        }
        self.statuses.setdefault((key, params["sha"]), []).append(status)
        return 201, status

    def _op_repoListStatuses(
        self, params: dict[str, str], body: Any, query: Any, user: str
    ) -> tuple[int, Any]:
        key = self._need_repo(params)
        return 200, list(reversed(self.statuses.get((key, params["sha"]), [])))

    def _op_repoMergePullRequest(
        self, params: dict[str, str], body: Any, query: Any, user: str
    ) -> tuple[int, Any]:
        """A real merge commit of head into base in the bare repository (Gitea merges
        inside the server: the push protection of the base branch does not apply)."""
        key, pull = self._pull(params)
        if pull["state"] != "open":
            raise Refusal(405, "the pull request is closed or merged")
        if body.get("Do") != "merge":
            raise Refusal(405, f"merge style {body.get('Do')} is not served by the stand-in")
        head, base = pull["head"]["sha"], pull["base"]["sha"]
        if body.get("head_commit_id") and body["head_commit_id"] != head:
            raise Refusal(409, "the head of the pull request moved since it was reviewed")
        repo = self.repo_path(params["owner"], params["repo"])
        git = ["git", "-C", str(repo)]
        tree = subprocess.run(
            [*git, "merge-tree", "--write-tree", base, head], capture_output=True, text=True
        )
        if tree.returncode != 0:
            raise Refusal(409, "the pull request does not merge cleanly")
        message = body.get("MergeTitleField") or f"Merge pull request #{pull['number']}"
        if body.get("MergeMessageField"):
            message += "\n\n" + body["MergeMessageField"]
        env = {
            "GIT_AUTHOR_NAME": user or "gitea",
            "GIT_AUTHOR_EMAIL": f"{user or 'gitea'}@noreply.example.test",
            "GIT_AUTHOR_DATE": EPOCH,
            "GIT_COMMITTER_NAME": user or "gitea",
            "GIT_COMMITTER_EMAIL": f"{user or 'gitea'}@noreply.example.test",
            "GIT_COMMITTER_DATE": EPOCH,
            "PATH": "/usr/bin:/bin",
        }
        commit = subprocess.run(
            [*git, "commit-tree", tree.stdout.split()[0], "-p", base, "-p", head, "-m", message],
            capture_output=True,
            text=True,
            check=True,
            env=env,
        ).stdout.strip()
        subprocess.run(
            [*git, "update-ref", f"refs/heads/{pull['base']['ref']}", commit, base], check=True
        )
        pull.update(state="closed", merged=True, merge_commit_sha=commit, merged_at=self._now())
        head_ref = pull["head"]["ref"]
        if body.get("delete_branch_after_merge") and self._deletable(key, head_ref):
            subprocess.run([*git, "update-ref", "-d", f"refs/heads/{head_ref}", head], check=True)
        return 200, None

    def _deletable(self, key: str, branch: str) -> bool:
        """Gitea's rule for `delete_branch_after_merge` (answered 200 either way): the head
        branch goes unless it is protected or another open pull request has it as head."""
        if branch in {p["rule_name"] for p in self.protections.get(key, [])}:
            return False
        return not any(
            p["state"] == "open" and p["head"]["ref"] == branch for p in self.pulls.get(key, [])
        )

    def _now(self) -> str:
        return EPOCH
