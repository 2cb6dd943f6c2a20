"""BPG007 on an upstream's default credential that the release installs (harbor's
`database.internal.password: changeit`, kube-prometheus-stack's Grafana `prom-operator`):
reported at the upstream's Chart.yaml entry only when the default render puts the
literal into the cluster, as it is or base64-encoded, and never once the Blueprint's
values replace it or switch off the part that renders it."""

from __future__ import annotations

from pathlib import Path

import pytest

from blueprintc.lint import lint

BLUEPRINT = """\
apiVersion: catalyst.openova.io/v1
kind: Blueprint
metadata:
  name: bp-shop
spec:
  version: 1.0.0
  card:
    title: Shop
  manifests:
    chart: ./chart
"""
CHART = """\
apiVersion: v2
name: bp-shop
version: 1.0.0
dependencies:
  - name: storefront
    version: 2.1.0
    repository: https://charts.example.org/stable
"""
UPSTREAM_VALUES = """\
auth:
  username: shop
  adminPassword: storefront-admin-1
  existingSecret: ""
replication:
  enabled: false
  password: repl-secret-9
"""
SECRET = """\
{{- if not .Values.auth.existingSecret }}
apiVersion: v1
kind: Secret
metadata:
  name: {{ .Release.Name }}-storefront
data:
  admin-password: {{ .Values.auth.adminPassword | b64enc | quote }}
{{- end }}
{{- if .Values.replication.enabled }}
---
apiVersion: v1
kind: Secret
metadata:
  name: {{ .Release.Name }}-replication
stringData:
  password: {{ .Values.replication.password }}
{{- end }}
"""


def _workspace(tmp_path: Path, values: str) -> Path:
    root = tmp_path / "ws"
    chart = root / "blueprints" / "shop" / "chart"
    upstream = chart / "charts" / "storefront"
    (upstream / "templates").mkdir(parents=True)
    (root / "blueprintc.yaml").write_text(
        "apiVersion: blueprintc.openova.io/v1alpha1\nkind: Workspace\n", encoding="utf-8"
    )
    (root / "blueprints" / "shop" / "blueprint.yaml").write_text(BLUEPRINT, encoding="utf-8")
    (chart / "Chart.yaml").write_text(CHART, encoding="utf-8")
    (chart / "values.yaml").write_text(values, encoding="utf-8")
    (upstream / "Chart.yaml").write_text(
        "apiVersion: v2\nname: storefront\nversion: 2.1.0\n", encoding="utf-8"
    )
    (upstream / "values.yaml").write_text(UPSTREAM_VALUES, encoding="utf-8")
    (upstream / "templates" / "secret.yaml").write_text(SECRET, encoding="utf-8")
    return root


def _findings(root: Path) -> list[tuple[str, int, str, str]]:
    found = lint([root], root=root, select={"BPG007"}).diagnostics
    return [(d.location.file, d.location.line, d.message, d.hint or "") for d in found]


def test_a_default_credential_the_release_installs_is_an_error_at_its_entry(
    tmp_path: Path,
) -> None:
    found = _findings(_workspace(tmp_path, "storefront:\n  auth:\n    username: shop\n"))
    assert found == [
        (
            "blueprints/shop/chart/Chart.yaml",
            5,
            "the upstream storefront's default auth.adminPassword (a literal secret in its "
            "values.yaml, not shown) is rendered into the release: every install gets the "
            "same, published credential",
            "under `storefront:` in blueprints/shop/chart/values.yaml, set "
            "`auth.existingSecret` to a Secret an ExternalSecret creates",
        )
    ]
    assert "storefront-admin-1" not in repr(found)


@pytest.mark.parametrize(
    "values",
    [
        # the upstream's own existing-Secret value: it stops rendering the default
        "storefront:\n  auth:\n    existingSecret: shop-admin\n",
        # the value itself, from the overlay
        "storefront:\n  auth:\n    adminPassword: ${SHOP_ADMIN_PASSWORD}\n",
    ],
)
def test_a_default_the_blueprint_replaces_is_not_reported(tmp_path: Path, values: str) -> None:
    assert _findings(_workspace(tmp_path, values)) == []


def test_a_default_in_a_part_switched_on_is_reported_with_it(tmp_path: Path) -> None:
    """replication.password renders only with replication on: then it is installed too."""
    values = (
        "storefront:\n  auth:\n    existingSecret: shop-admin\n  replication:\n    enabled: true\n"
    )
    found = _findings(_workspace(tmp_path, values))
    assert [message.split(" (")[0] for _, _, message, _ in found] == [
        "the upstream storefront's default replication.password"
    ]


def test_any_key_ending_in_password_holds_a_secret(tmp_path: Path) -> None:
    """Canon `secretKeyPattern`: harbor's `harborAdminPassword`, bitnami's
    `postgresPassword`, not only the names it lists."""
    values = (
        "storefront:\n  auth:\n    existingSecret: shop-admin\nharborAdminPassword: Harbor12345\n"
    )
    found = _findings(_workspace(tmp_path, values))
    assert [(line, message) for _, line, message, _ in found] == [
        (4, "harborAdminPassword holds a literal secret value (not shown)")
    ]


@pytest.mark.parametrize(
    ("literal", "text", "installed"),
    [
        ("admin", "data:\n  password: YWRtaW4=\n", True),  # base64, as a Secret holds it
        ("admin", "  ADMIN_PASSWORD: 'admin'\n", True),  # the key says it is a secret
        ("admin", "  user: admin\n", False),  # a short value of another key: by chance
        ("repl-secret-9", "  value: repl-secret-9\n", True),  # long: no chance
        ("repl-secret-9", "  value: repl-secret-9-old\n", False),  # not the whole value
        # the name of a Secret's entry (secretKeyRef), not a value: harbor's
        # `key: password` beside its swift storage's default password `password`
        ("password", "      secretKeyRef:\n        key: password\n", False),
        ("password", "  SWIFT_PASSWORD: password\n", True),
    ],
)
def test_what_counts_as_installed(literal: str, text: str, installed: bool) -> None:
    from blueprintc.rules.guards.upstream_secrets import _installed

    assert _installed(literal, [text]) is installed


def test_the_secret_half_of_an_upstream_credential_pair_is_reported(tmp_path: Path) -> None:
    """MinIO's tenant chart: `configSecret: {accessKey: minio, secretKey: minio123}` is
    rendered into `MINIO_ROOT_PASSWORD`; `secretKey` beside a literal access key is the
    pair's secret, not the name of a key (canon `secretKeyPairPattern`)."""
    root = _workspace(tmp_path, "storefront:\n  auth:\n    existingSecret: shop-admin\n")
    upstream = root / "blueprints" / "shop" / "chart" / "charts" / "storefront"
    (upstream / "values.yaml").write_text(
        UPSTREAM_VALUES
        + "configSecret:\n  name: storefront-env\n  accessKey: minio\n  secretKey: minio123\n",
        encoding="utf-8",
    )
    (upstream / "templates" / "env.yaml").write_text(
        "apiVersion: v1\nkind: Secret\nmetadata:\n  name: {{ .Values.configSecret.name }}\n"
        "stringData:\n  config.env: |-\n"
        "    export MINIO_ROOT_USER={{ .Values.configSecret.accessKey | quote }}\n"
        "    export MINIO_ROOT_PASSWORD={{ .Values.configSecret.secretKey | quote }}\n",
        encoding="utf-8",
    )
    found = _findings(root)
    assert [message.split(" (")[0] for _, _, message, _ in found] == [
        "the upstream storefront's default configSecret.secretKey"
    ]
    assert "minio123" not in repr(found)
