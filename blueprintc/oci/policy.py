"""How hard registry I/O tries: timeouts, the overall deadline, retries, size caps.

Real registries answer 429 under load and 502/503/504 while they restart, and
connections get reset; a publish must ride that out, within bounds. A request
is retried only when that is safe (see ``Transport.request``), at most
``retries`` times, waiting ``Retry-After`` when the registry sends one (capped
at ``retry_after_cap``) and otherwise an exponential backoff with jitter
(``backoff`` doubling per attempt, at most ``backoff_cap``). Every request has
a socket ``timeout``, and the time one store spends in registry I/O
(requests and the waits between retries) is capped at ``deadline`` seconds.

The environment sets the defaults (what CI can set without touching a
command line); ``--timeout``/``--deadline``/``--retry-times`` override them.
"""

from __future__ import annotations

import email.utils
import os
import random
import threading
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, replace

from blueprintc.durations import go_duration_seconds

from .errors import OCIError

ENV_TIMEOUT = "BLUEPRINTC_REGISTRY_TIMEOUT"
ENV_DEADLINE = "BLUEPRINTC_REGISTRY_DEADLINE"
ENV_RETRIES = "BLUEPRINTC_REGISTRY_RETRIES"
ENV_BACKOFF = "BLUEPRINTC_REGISTRY_BACKOFF"
RETRY_STATUSES = frozenset({429, 502, 503, 504})
MANIFEST_LIMIT = 4 * 1024 * 1024  # distribution's own limit on a manifest body
BLOB_LIMIT = 512 * 1024 * 1024


class PolicyError(OCIError, ValueError):
    """A timeout, deadline or retry setting that does not parse."""

    code = "POLICY_INVALID"


@dataclass(frozen=True)
class HttpPolicy:
    timeout: float = 30.0  # seconds per request (socket operations)
    deadline: float = 600.0  # seconds one store may spend in registry I/O, retries included
    retries: int = 5  # retries after the first attempt
    backoff: float = 0.5  # first backoff wait, doubled per retry
    backoff_cap: float = 30.0
    retry_after_cap: float = 60.0
    manifest_limit: int = MANIFEST_LIMIT
    blob_limit: int = BLOB_LIMIT
    # How to speak to the registry (helm's and oras's flags): None = plain HTTP only
    # to a loopback host; otherwise HTTPS, verified against ca_file when given.
    plain_http: bool | None = None
    insecure_skip_tls_verify: bool = False
    ca_file: str | None = None

    @classmethod
    def from_env(
        cls,
        env: Mapping[str, str] | None = None,
        *,
        timeout: str | None = None,
        deadline: str | None = None,
        retries: str | int | None = None,
    ) -> HttpPolicy:
        """Defaults, then the environment, then the given values (flags) win."""
        env = os.environ if env is None else env
        policy = cls()
        given = {
            "timeout": (timeout, "--timeout") if timeout else (env.get(ENV_TIMEOUT), ENV_TIMEOUT),
            "deadline": (deadline, "--deadline")
            if deadline
            else (env.get(ENV_DEADLINE), ENV_DEADLINE),
            "backoff": (env.get(ENV_BACKOFF), ENV_BACKOFF),
        }
        for name, (text, source) in given.items():
            if text:
                policy = replace(policy, **{name: parse_duration(text, source)})
        count = retries if retries is not None else env.get(ENV_RETRIES)
        if count is not None and str(count).strip():
            policy = replace(policy, retries=_parse_count(str(count), _retries_source(retries)))
        return policy

    def backoff_wait(self, retry: int, rng: random.Random | None = None) -> float:
        """Equal jitter: half the exponential step for sure, the other half at random."""
        step = min(self.backoff_cap, self.backoff * (2**retry))
        return step / 2 + (rng or random).uniform(0, step / 2)


def _retries_source(given: str | int | None) -> str:
    return "--retry-times" if given is not None else ENV_RETRIES


def _parse_count(text: str, source: str) -> int:
    if not text.strip().isdigit() or int(text) > 100:
        raise PolicyError(f"{source} must be a whole number from 0 to 100, got {text[:40]!r}")
    return int(text)


def parse_duration(text: str, source: str = "duration") -> float:
    """Seconds of ``30``, ``2.5``, ``500ms``, ``90s``, ``5m``, ``1m30s`` or ``1h``."""
    raw = text.strip()
    try:
        seconds = float(raw)
    except ValueError:
        try:
            seconds = go_duration_seconds(raw)
        except ValueError:
            raise PolicyError(
                f"{source}: {raw[:40]!r} is not a duration; give seconds (30) or a Go-style "
                "duration (500ms, 90s, 5m, 1m30s)"
            ) from None
    if not 0 < seconds <= 86400:
        raise PolicyError(f"{source}: {raw[:40]!r} must be above 0 and at most 24h")
    return seconds


def retry_after_seconds(header: str | None, now: float | None = None) -> float | None:
    """The wait a ``Retry-After`` header asks for (delta-seconds or an HTTP-date)."""
    value = (header or "").strip()
    if not value:
        return None
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        return None
    return max(0.0, when.timestamp() - (time.time() if now is None else now))


class Deadline:
    """A budget of seconds for one store's registry I/O.

    Only the time spent in requests and in the waits between retries counts
    (``running``), so the lint, packaging and signing a command does between
    requests do not use it up; a hung or throttling registry does.
    """

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self._spent = 0.0
        self._since: float | None = None
        self._depth = 0
        self._lock = threading.Lock()

    @contextmanager
    def running(self) -> Iterator[None]:
        with self._lock:
            if self._depth == 0:
                self._since = time.monotonic()
            self._depth += 1
        try:
            yield
        finally:
            with self._lock:
                self._depth -= 1
                if self._depth == 0 and self._since is not None:
                    self._spent += time.monotonic() - self._since
                    self._since = None

    def remaining(self) -> float:
        with self._lock:
            running = time.monotonic() - self._since if self._since is not None else 0.0
            return self.seconds - self._spent - running
