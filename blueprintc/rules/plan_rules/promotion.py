"""Plan rules about blueprintc.lock and promotion between Environments."""

from __future__ import annotations

from blueprintc.diagnostics import Severity
from blueprintc.rules.base import input_rule

LOCK_ENTRY = input_rule(
    "BPP029",
    "lock-entry-unreadable",
    "blueprintc.lock pins a Blueprint version compile can read neither from the catalog "
    "nor from its published source",
    "publish the version (`blueprintc build --publish` attaches its source), point "
    "`artifacts:` at where it is published, or promote the Environment",
    """A promotion-gated Environment runs what its `blueprintc.lock` entry pins. When the
    catalog directory holds another version, compile reads the pinned one from the
    Blueprint source `blueprintc build --publish` attaches to the published artifact
    (from `artifacts:` in blueprintc.yaml: a registry or an OCI layout, default the out
    folder's `oci/`), and refuses a source whose content digest is not the lock's.
    Nothing is planned for that Application in that Environment. Reported at the
    entry's `version`.

    Failing: the lock pins bp-webapp 1.3.0 for acme/shop stg, the catalog has moved to
    1.4.2 and 1.3.0 was never published.
    """,
)

LOCK_BEHIND = input_rule(
    "BPP030",
    "lock-entry-missing",
    "a promotion-gated Environment has no entry in blueprintc.lock",
    "run `blueprintc lock` and commit blueprintc.lock",
    """With a `blueprintc.lock`, each Application in each promotion-gated Environment
    runs its entry; one without an entry (a new Application or Environment) is built
    from the spec, which is what `blueprintc lock` would pin, but nothing holds it
    there. Reported at the Application. Without a lock file promotion is not in use
    and nothing is reported, unless the commit checked out has one: then the lock was
    deleted (by accident, or with the removal not committed yet) and every gated
    Environment follows the spec; reported once, at `blueprintc.lock`.
    """,
    severity=Severity.WARNING,
)

PROMOTION_WAITING = input_rule(
    "BPP031",
    "promotion-waiting",
    "a promotion-gated Environment runs something else than the Environment it is promoted from",
    "`blueprintc promote ORG/APP --to ENV` proposes the promotion",
    """Information, not a problem: the source Environment (the policy's `promotesFrom`)
    runs another Blueprint version, content or Application config than the lock
    entry, so a promotion is waiting. Reported at the entry.
    """,
    severity=Severity.INFO,
)


RULES = [
    LOCK_ENTRY,
    LOCK_BEHIND,
    PROMOTION_WAITING,
]
