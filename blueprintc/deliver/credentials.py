"""Who ``deliver --remote`` is at the Git server: from the environment, else from
git's own credential helpers (``git credential fill``, asked once per run, never a
terminal prompt). Never from a flag or the URL, and never printed."""

from __future__ import annotations

import os
import subprocess
from dataclasses import dataclass
from urllib.parse import urlsplit

USERNAME_ENV = "BLUEPRINTC_GIT_USERNAME"
PASSWORD_ENV = "BLUEPRINTC_GIT_PASSWORD"
TOKEN_ENV = "BLUEPRINTC_GIT_TOKEN"
TOKEN_USERNAME = "blueprintc"  # Gitea reads a token given as the password under any name
HELPER_TIMEOUT = 30.0


@dataclass(frozen=True, repr=False)
class Credentials:
    username: str
    password: str
    source: str  # where they came from, for a message (never the values)


def credentials_for(base_url: str) -> Credentials | None:
    """$BLUEPRINTC_GIT_TOKEN, or $BLUEPRINTC_GIT_USERNAME with $BLUEPRINTC_GIT_PASSWORD,
    else what git's credential helpers answer for ``base_url``; None when nothing does."""
    token = os.environ.get(TOKEN_ENV)
    if token:
        return Credentials(os.environ.get(USERNAME_ENV) or TOKEN_USERNAME, token, f"${TOKEN_ENV}")
    username, password = os.environ.get(USERNAME_ENV), os.environ.get(PASSWORD_ENV)
    if username and password is not None:
        return Credentials(username, password, f"${USERNAME_ENV} and ${PASSWORD_ENV}")
    return _from_helper(base_url)


def _from_helper(base_url: str) -> Credentials | None:
    parts = urlsplit(base_url)
    query = f"protocol={parts.scheme}\nhost={parts.netloc}\n"
    if parts.path.strip("/"):
        query += f"path={parts.path.strip('/')}\n"
    env = {**os.environ, "GIT_TERMINAL_PROMPT": "0", "GIT_ASKPASS": "", "SSH_ASKPASS": ""}
    try:
        done = subprocess.run(
            ["git", "credential", "fill"],
            input=query + "\n",
            capture_output=True,
            text=True,
            env=env,
            timeout=HELPER_TIMEOUT,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    if done.returncode != 0:
        return None
    answer = dict(line.split("=", 1) for line in done.stdout.splitlines() if "=" in line)
    if not answer.get("username") or "password" not in answer:
        return None
    return Credentials(answer["username"], answer["password"], "git's credential helper")
