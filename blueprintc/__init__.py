"""blueprintc: a declarative GitOps compiler for Catalyst Blueprints."""

__version__ = "0.1.0"
