"""The domains rule family: every rule module listed explicitly."""

from __future__ import annotations

from blueprintc.rules.base import Rule
from blueprintc.rules.domains import (
    domain_regression,
    forbidden_domain,
    hardcoded_fqdn,
    invented_test_domain,
    redeem_url,
    stale_admin_host,
    tenant_url_drift,
)

RULES: list[Rule] = [
    forbidden_domain.RULE,
    domain_regression.RULE,
    stale_admin_host.RULE,
    redeem_url.RULE,
    hardcoded_fqdn.RULE,
    invented_test_domain.RULE,
    tenant_url_drift.RULE,
]
