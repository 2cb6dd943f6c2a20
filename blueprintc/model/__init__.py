"""Typed, normalised views of the workspace's input documents."""
