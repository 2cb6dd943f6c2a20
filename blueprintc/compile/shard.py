"""`compile --shard K/N`: which part of a compile one machine of N does.

Shard 1 compiles the Sovereign-wide part (the bootstrap kit and the catalyst-config
index, which lists every Organization) and checks what needs every Organization at
once (one slug defined twice); every shard compiles the Organizations whose file
name hashes to it. The share is `sha256(name) mod N`, not a position in a sorted
list, so adding or removing an Organization moves no other one between shards, and
a shard's tree is the same on any machine. The union of the N trees (every file but
each tree's own `.blueprintc/` state) is the single-machine compile, byte for byte.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from typing import Any

_SPEC = re.compile(r"^([0-9]+)/([0-9]+)$")
MAX_SHARDS = 256  # a GitHub Actions matrix takes at most 256 jobs


class ShardSyntaxError(ValueError):
    """A `--shard` value that is not K/N with 1 <= K <= N <= MAX_SHARDS."""


@dataclass(frozen=True)
class Shard:
    index: int  # 1-based, as users count shards
    count: int

    @classmethod
    def parse(cls, text: str) -> Shard:
        match = _SPEC.match(text.strip())
        if match is None:
            raise ShardSyntaxError(f"{text!r} is not K/N (for example 1/4)")
        index, count = int(match.group(1)), int(match.group(2))
        if count == 0:
            raise ShardSyntaxError(f"{text!r}: N counts the shards, at least 1 (for example 1/4)")
        if index == 0:
            raise ShardSyntaxError(
                f"{text!r}: shards are numbered from 1: the first of {count} is 1/{count}"
            )
        if count > MAX_SHARDS:
            raise ShardSyntaxError(f"{text!r}: at most {MAX_SHARDS} shards")
        if index > count:
            raise ShardSyntaxError(f"{text!r}: shard {index} of {count} does not exist")
        return cls(index, count)

    @property
    def first(self) -> bool:
        """Whether this shard compiles the Sovereign-wide part."""
        return self.index == 1

    def owns(self, organization: str) -> bool:
        """Whether this shard compiles the Organization whose file is `<organization>.yaml`."""
        return shard_of(organization, self.count) == self.index

    def __str__(self) -> str:
        return f"{self.index}/{self.count}"


def shard_of(organization: str, count: int) -> int:
    """The shard (1..count) that compiles `organization`, from its name alone."""
    digest = hashlib.sha256(organization.encode()).digest()
    return int.from_bytes(digest[:8], "big") % count + 1


def github_matrix(count: int) -> dict[str, Any]:
    """The Actions matrix of `count` shards (the shape `changed` writes)."""
    if not 1 <= count <= MAX_SHARDS:
        raise ShardSyntaxError(f"--shards {count}: between 1 and {MAX_SHARDS}")
    return {
        "include": [
            {"shard": f"{k}/{count}", "name": f"shard-{k}-of-{count}"} for k in range(1, count + 1)
        ]
    }
