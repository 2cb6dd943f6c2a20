"""No plaintext secrets in chart values.

A literal password, token or key in `values.yaml` is published with the
chart to every registry that mirrors it. Reference a Secret that an
`ExternalSecret` materialises (`existingSecret: <name>`), or leave the value
empty for the overlay to fill from a secret store.

Keys are matched by canon `charts.secretKeyPattern`; values that only name
where a secret lives (`${VAR}`, `{{ ... }}`, `existingSecret`, empty) pass.
Read as chart owners mean them, these name a Secret or a key in one and pass
too (canon `charts`): `existingSecret*` keys (`secretReferenceKeyPattern`),
the keys beside a non-empty `secretName` or `existingSecret`
(`secretNameKeyPattern`: `{secretName: smtp, secretKey: token}`) whose value
looks like a key name (`secretKeyNamePattern`: beside `existingSecret:
redis`, `password: "S3cr3t!value"` is still a secret), the entries of a key
map (`secretKeyMapKeys`: `keys: {apiKey: api-key}`), and a `secretKey` whose
value looks like a key name (`secretKeyNameKeys`: an ExternalSecret's
`data[].secretKey: api-key`), unless a literal access key stands beside it
(`secretKeyPairPattern`: `{accessKey: minio, secretKey: minio123}` is a
credential pair, and `minio123` its secret). A placeholder that says it must be replaced
(`CHANGE_ME`, `operator-must-override-via-overlay`:
`secretPlaceholderPattern`) is no secret.

An upstream's default credential is one too when the release installs it: a literal
secret in the upstream chart's own values.yaml (harbor's `database.internal.password:
changeit`) that the Blueprint does not replace and its default render puts into the
cluster, as it is or base64-encoded. That is one finding at the upstream's Chart.yaml
entry, naming the upstream's own `existingSecret*` key where it has one beside it.

Failing::

    auth:
      adminPassword: hunter2

Passing::

    auth:
      existingSecret: grafana-admin   # created by an ExternalSecret
"""

from __future__ import annotations

from collections.abc import Iterator

from blueprintc.diagnostics import Finding, Severity
from blueprintc.rules.base import rule
from blueprintc.rules.context import BlueprintContext
from blueprintc.rules.guards.secret_values import literal_secrets
from blueprintc.rules.guards.support import is_helm, values_location
from blueprintc.rules.guards.upstream_secrets import rendered_upstream_defaults
from blueprintc.yamldoc import json_path


@rule(
    "BPG007",
    "plaintext-secret",
    Severity.ERROR,
    "a chart value holds a literal secret",
    "remove the literal; reference a Secret created by an ExternalSecret (existingSecret)",
    __doc__,
)
def check(ctx: BlueprintContext) -> Iterator[Finding]:
    if not is_helm(ctx) or ctx.values_yaml is None:
        return
    for path, _ in literal_secrets(ctx, ctx.values):
        yield Finding(
            f"{json_path(path)} holds a literal secret value (not shown)",
            values_location(ctx, path),
        )
    yield from rendered_upstream_defaults(ctx)


RULE = check
