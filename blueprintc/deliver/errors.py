"""The one error type of delivery."""

from __future__ import annotations


class DeliverError(Exception):
    """Bad input or an OS error: one line for the user, exit 2."""
