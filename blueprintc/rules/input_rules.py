"""Input rules: raised while reading untrusted files, before any other rule runs.

Each is reported at the file (and, where known, the line and column) that was
refused; the rest of the run goes on without that file.
"""

from __future__ import annotations

from blueprintc.diagnostics import Severity
from blueprintc.rules.base import input_rule

YAML_SYNTAX = input_rule(
    "BPI001",
    "yaml-syntax",
    "the file is not valid YAML (or holds more documents than expected)",
    "fix the YAML at the position shown",
    """YAML syntax errors.

    blueprintc parses with libyaml; the position is where the parser gave up,
    which is usually just after the real mistake (an unclosed quote, a tab
    used for indentation, a missing `:`).

    Failing example::

        spec:
          version: "1.0.0
    """,
)
DUPLICATE_KEY = input_rule(
    "BPI002",
    "duplicate-key",
    "a mapping defines the same key twice",
    "remove one of the two keys",
    """Duplicate keys.

    YAML parsers silently keep the last of two equal keys, so the first value
    is lost without a word: a classic source of "my override does nothing".
    blueprintc refuses the file and names both lines. Two keys with the same
    value are BPI013 (a warning). Lowered in `blueprintc.yaml` (`BPI002:
    warning`), the file is read as Helm reads it, the last key winning, in
    lint and compile alike.

    Failing example::

        spec:
          version: 1.0.0
          version: 1.1.0
    """,
)
DUPLICATE_KEY_SAME_VALUE = input_rule(
    "BPI013",
    "duplicate-key-same-value",
    "a mapping defines the same key twice, with the same value",
    "remove one of the two keys",
    """Duplicate keys holding the same value.

    Both definitions hold the same value, so nothing is lost whichever one a
    reader keeps, and Helm reads such a values file without a word: a warning,
    and the file is read. A duplicate with different values is BPI002 (an
    error: the file is refused).

    Both are configured like every rule, in `blueprintc.yaml` `lint.rules`
    (or inline, `# blueprintc: disable=BPI002` on the second key), and
    `blueprintc compile` honours the same settings as `lint`. A duplicate
    whose rule is set to `error` refuses the file; set below `error` (or
    `off`, or ignored for the file), the file is read as Helm reads it, the
    last of the two keys winning, and the finding is reported at the
    configured severity::

        lint:
          rules:
            BPI013: error     # strict: refuse even same-value duplicates
            BPI002: warning   # accept what Helm accepts (the last key wins)

    Flagged example::

        persistence:
          size: 10Gi
          size: 10Gi
    """,
    severity=Severity.WARNING,
)
ALIAS_BOMB = input_rule(
    "BPI003",
    "alias-expansion",
    "YAML aliases expand beyond the node budget (or refer to themselves)",
    "remove the nested aliases",
    """Alias expansion limit ("billion laughs").

    Anchors and aliases let a few lines expand into billions of nodes. Input
    may expand to at most 100,000 nodes; recursive aliases are refused.
    """,
)
FILE_TOO_LARGE = input_rule(
    "BPI004",
    "file-too-large",
    "the file is larger than the input limit",
    "split the file, or raise lint.maxFileBytes",
    """File size limit.

    Workspace inputs are hand-written specs; a file over the limit (4 MiB by
    default, `lint.maxFileBytes` in blueprintc.yaml) is refused before it is
    read, so a stray dump or binary cannot stall a pre-commit hook.
    """,
)
NOT_TEXT = input_rule(
    "BPI005",
    "not-utf8-text",
    "the file is binary or not valid UTF-8",
    "re-save the file as UTF-8 text",
    """Binary files and invalid UTF-8.

    Every input is UTF-8 text. The diagnostic points at the first offending
    byte (its line and column).
    """,
)
SYMLINK = input_rule(
    "BPI006",
    "symlink-escape",
    "a symbolic link leaves the workspace or dangles",
    "replace the link with the file it should point to",
    """Symbolic links that leave the workspace, dangle or loop.

    A link out of the workspace would let a Blueprint read (and publish) any
    file on the build machine; a dangling link is a broken checkout.
    """,
)
NOT_A_FILE = input_rule(
    "BPI007",
    "not-a-regular-file",
    "a path that must be a regular file is missing or is a FIFO, socket, device or directory",
    "replace it with a regular file",
    """Special files where a regular file is expected.

    Opening a FIFO blocks forever; blueprintc checks the file type first and
    never opens anything but regular files.
    """,
)
NO_MANIFESTS = input_rule(
    "BPI008",
    "no-manifests",
    "a Blueprint has neither a Helm chart nor Kustomize manifests",
    "add chart/ (Helm) or manifests/ (Kustomize), or point spec.manifests at them",
    """Blueprint without content.

    A Blueprint installs software: `spec.manifests.chart`, a
    `spec.manifests.source.ref`, or (when `spec.manifests` is absent) a
    `chart/` or `manifests/` directory beside `blueprint.yaml` must exist.
    """,
)
NO_BLUEPRINT_FILE = input_rule(
    "BPI010",
    "blueprint-file-missing",
    "a directory with a chart/ or manifests/ under a catalog path has no blueprint.yaml",
    "add blueprint.yaml beside chart/ (or manifests/), or move the directory out of the catalog",
    """A chart without its Blueprint manifest.

    Discovery works as a Blueprint repository's CI does: every directory
    under a catalog path that holds `chart/Chart.yaml` or `manifests/` is a
    Blueprint, with or without `blueprint.yaml`. Without one it cannot be
    published (no name, version or card), yet its chart would still be
    vendored and built; the chart guards run on it all the same, so a hollow
    chart in such a directory is found.

    Failing: `products/axon/chart/Chart.yaml` and no `products/axon/blueprint.yaml`.
    """,
)
WORKSPACE_CONFIG = input_rule(
    "BPI009",
    "workspace-config",
    "blueprintc.yaml holds a setting blueprintc cannot use",
    "fix the setting as the message says",
    """Invalid workspace configuration.

    `blueprintc.yaml` selects catalog dirs, a canon override, and per-rule
    settings (`off`, a severity, or `{severity, ignore: [globs]}`).
    """,
)
HELM_BUDGET = input_rule(
    "BPI011",
    "helm-budget",
    "Helm ran over its time or memory budget loading or rendering the chart",
    "bound the template's loops and sizes, or raise helm.timeoutSeconds / helm.memoryMiB"
    " in blueprintc.yaml if the chart is genuine",
    """Helm under a budget.

    Every Helm chart load and render runs in a worker process with a deadline
    (10 s by default, `helm.timeoutSeconds` in blueprintc.yaml) and a memory cap
    (1024 MiB, `helm.memoryMiB`). A template such as
    `{{ range until 100000000 }}` or `{{ repeat 500000000 "x" }}` is stopped
    there and reported at the chart's Chart.yaml, so a pre-commit hook or CI run
    never hangs or dies on it.

    Failing example (templates/loop.yaml)::

        {{- range until 100000000 }}{{ end }}
    """,
)
HELM_VALUES = input_rule(
    "BPI012",
    "helm-unreadable-value",
    "values.yaml holds a value Helm's YAML reader refuses (NaN, infinity, a null key)",
    "quote it to make it a string (e.g. '.nan', 'null'), or remove it",
    """Values Helm cannot read.

    Helm converts values.yaml to JSON as it loads the chart, so a float JSON
    cannot hold (`.nan`, `.inf`, `-.inf`) or a null key (`null:`, `~:`) makes
    the whole chart fail to load. blueprintc reports it at the value, before
    Helm sees the chart. Keys such as `80:` or `true:` are fine: Helm reads
    them as the strings "80" and "true".

    Failing example::

        resources:
          cpu: .nan
    """,
)

RULES = [
    YAML_SYNTAX,
    DUPLICATE_KEY,
    ALIAS_BOMB,
    FILE_TOO_LARGE,
    NOT_TEXT,
    SYMLINK,
    NOT_A_FILE,
    NO_MANIFESTS,
    WORKSPACE_CONFIG,
    NO_BLUEPRINT_FILE,
    HELM_BUDGET,
    HELM_VALUES,
    DUPLICATE_KEY_SAME_VALUE,
]
