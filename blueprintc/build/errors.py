"""Errors of the build package: bad input a user can fix (exit 2), never a secret."""

from __future__ import annotations


class BuildError(Exception):
    """The build cannot start or go on: a bad path, key, password or registry URL.

    Findings about the Blueprint itself (lint, guards, immutability) are not
    errors: they are results, reported in the build record.
    """
