"""Promotion between Environments: the gates of the EnvironmentPolicy (issue 14)."""
