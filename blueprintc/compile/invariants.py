"""Canon invariants that need the whole picture: A1, A4, names, P2, tenant pool."""

from __future__ import annotations

import difflib
import fnmatch
import posixpath
import re

from blueprintc.canon import Canon
from blueprintc.compile.findings import at, report
from blueprintc.compile.region_keys import region_hint
from blueprintc.diagnostics import Diagnostic, Location
from blueprintc.model.organization import Organization
from blueprintc.model.sovereign import Region, Sovereign
from blueprintc.urlcreds import credentials_in_url

SLUG = re.compile(r"^[a-z][a-z0-9-]{2,31}$")
MIN_REGIONS = 3
PUBLIC_KEY_ARMOR = "-----BEGIN PGP PUBLIC KEY BLOCK-----"
PUBLIC_KEY_END = "-----END PGP PUBLIC KEY BLOCK-----"


def check_sovereign(canon: Canon, sovereign: Sovereign) -> list[Diagnostic]:
    found = []
    doc = sovereign.doc
    if len(sovereign.regions) < MIN_REGIONS:
        found.append(
            report(
                "BPP007",
                f"Sovereign {sovereign.name} has {len(sovereign.regions)} region(s); "
                f"the canon minimum is {MIN_REGIONS}",
                at(doc, ("spec", "regions"), key=True),
            )
        )
    primary_blocks = {"mgt", "dmz"}
    secondary_blocks = {"dmz", "rtz"}
    for index, region in enumerate(sovereign.regions):
        provider = canon.providers.get(region.provider)
        if provider is None:
            found.append(
                report(
                    "BPP013",
                    f"unknown provider code {region.provider!r}",
                    at(doc, (*region.path, "provider")),
                    hint=f"use one of: {', '.join(canon.providers)}",
                )
            )
        elif region.region not in provider.get("regions", {}):
            known = ", ".join(provider.get("regions", {})) or "none in the canon"
            found.append(
                report(
                    "BPP013",
                    f"region {region.region!r} is not a region of provider {region.provider} "
                    f"(canon: {known})",
                    at(doc, (*region.path, "region")),
                    hint="region codes are provider-scoped (CANON.md §2)",
                )
            )
        for block_index, block in enumerate(region.building_blocks):
            if block not in canon.building_blocks:
                found.append(
                    report(
                        "BPP013",
                        f"unknown building block {block!r}",
                        at(doc, (*region.path, "buildingBlocks", block_index)),
                        hint=f"use one of: {', '.join(canon.building_blocks)}",
                    )
                )
        wanted = primary_blocks if index == 0 else secondary_blocks
        if _blocks_known(canon, region) and set(region.building_blocks) != wanted:
            role = "primary" if index == 0 else "secondary"
            found.append(
                report(
                    "BPP008",
                    f"{role} region {region.key} hosts {', '.join(region.building_blocks)}; "
                    f"a {role} region hosts {' + '.join(sorted(wanted))}",
                    at(doc, (*region.path, "buildingBlocks")),
                )
            )
    for index, env_type in enumerate(sovereign.env_types or ()):
        if env_type not in canon.env_types:
            found.append(_env_type(canon, env_type, at(doc, ("spec", "envTypes", index))))
    found.extend(_credentials(sovereign))
    found.extend(_signing_keys(sovereign))
    found.extend(_registry_keys(sovereign))
    return found


def _pasted_private_key(key: str, where: Location, public_file: str) -> Diagnostic:
    """BPP015 for a private key pasted where a public one belongs, without a byte of it."""
    message = f"{key} holds a private key (not shown): it is in Git now, treat it as leaked"
    hint = f"delete it, make a new key pair, and paste only {public_file} here"
    return report("BPP015", message, where, hint).concealing_source()


def _registry_keys(sovereign: Sovereign) -> list[Diagnostic]:
    """Each of spec.registryKeys must load as a PEM public key (cosign's `.pub`): Flux
    would otherwise refuse every chart. A private key is refused without being shown."""
    if not sovereign.registry_keys:
        return []
    from cryptography.hazmat.primitives.serialization import load_pem_public_key

    found = []
    for index, pem in enumerate(sovereign.registry_keys):
        where = at(sovereign.doc, ("spec", "registryKeys", index))
        key = f"spec.registryKeys[{index}]"
        if "PRIVATE KEY" in pem:
            found.append(_pasted_private_key(key, where, "cosign.pub"))
            continue
        try:
            load_pem_public_key(pem.strip().encode())
        except (ValueError, TypeError) as exc:
            reason = (str(exc).splitlines() or ["unreadable"])[0][:120]
            found.append(
                report(
                    "BPP015",
                    f"{key} is not a readable PEM public key ({reason}): Flux would "
                    "refuse every chart",
                    where,
                    "paste cosign.pub (-----BEGIN PUBLIC KEY----- ... END) as "
                    "`cosign generate-key-pair` or `blueprintc keygen` wrote it, whole",
                )
            )
    return found


def _signing_keys(sovereign: Sovereign) -> list[Diagnostic]:
    """Each of spec.git.signingKeys must parse as an OpenPGP public key: Flux would
    otherwise refuse every Application commit. A private key pasted by mistake is
    refused without showing a byte of it."""
    if not sovereign.signing_keys:
        return []
    import pysequoia  # only when keys are named: ~7 ms

    found = []
    for index, armored in enumerate(sovereign.signing_keys):
        where = at(sovereign.doc, ("spec", "git", "signingKeys", index))
        key = f"spec.git.signingKeys[{index}]"
        if "PRIVATE KEY" in armored:
            found.append(_pasted_private_key(key, where, "openpgp.pub"))
            continue
        if not armored.strip().startswith(PUBLIC_KEY_ARMOR) or PUBLIC_KEY_END not in armored:
            message = f"{key} is not an armored OpenPGP public key ({PUBLIC_KEY_ARMOR} ... END)"
            hint = "paste openpgp.pub as `blueprintc keygen --openpgp` wrote it, whole"
            found.append(report("BPP015", message, where, hint))
            continue
        try:
            pysequoia.Cert.from_bytes(armored.encode())
        except (RuntimeError, ValueError) as exc:
            reason = (str(exc).splitlines() or ["unreadable"])[0]
            found.append(
                report(
                    "BPP015",
                    f"{key} is not a readable OpenPGP public key "
                    f"({reason}): Flux would refuse every Application commit",
                    where,
                    "paste openpgp.pub as `blueprintc keygen --openpgp` wrote it "
                    "(or `gpg --armor --export KEYID`), whole",
                )
            )
    return found


def _credentials(sovereign: Sovereign) -> list[Diagnostic]:
    """A URL compile copies into emitted objects must not carry a secret (never shown)."""
    urls = {
        ("spec", "registry"): (sovereign.registry, "HelmRepository"),
        ("spec", "kitRegistry"): (sovereign.kit_registry, "HelmRepository"),
        ("spec", "git", "baseUrl"): (sovereign.git_base_url, "GitRepository"),
    }
    found = []
    for path, (url, kind) in urls.items():
        carried = credentials_in_url(url)
        if carried is not None:
            key = ".".join(str(p) for p in path)
            message = (
                f"{key} carries {carried} before the host (not shown): it would be "
                f"written into every emitted {kind}, i.e. into Git"
            )
            found.append(report("BPP017", message, at(sovereign.doc, path)).concealing_source())
    return found


def check_organization(
    canon: Canon, sovereign: Sovereign, org: Organization, pool: str
) -> list[Diagnostic]:
    found = []
    doc = org.doc
    reserved = [str(r) for r in canon.section("naming").get("reservedOrgSlugs", [])]
    codes = {*canon.providers, *canon.building_blocks, *canon.env_types}
    for provider in canon.providers.values():
        codes.update(provider.get("regions", {}))
    name_at = at(doc, ("metadata", "name"))
    expected = org.doc.source.path.stem
    if not SLUG.match(org.slug):
        if org.slug:  # no name at all: the schema rule (BPP015) says so, once
            example = expected if SLUG.match(expected) else "acme-trading"
            found.append(
                report(
                    "BPP013",
                    f"Organization slug {org.slug!r} is not valid",
                    name_at,
                    hint=f"a slug is 3-32 lowercase letters, digits and '-', starting with a "
                    f"letter ({SLUG.pattern}), such as {example!r}",
                )
            )
    elif any(fnmatch.fnmatch(org.slug, r) for r in reserved) or org.slug in codes:
        found.append(
            report(
                "BPP013",
                f"Organization slug {org.slug!r} is reserved",
                name_at,
                hint="reserved: " + ", ".join(reserved) + ", and every canon code",
            )
        )
    if SLUG.match(org.slug) and expected != org.slug:  # an invalid slug: no file name to give
        renamed = posixpath.join(posixpath.dirname(org.doc.source.rel), f"{org.slug}.yaml")
        found.append(
            report(
                "BPP013",
                f"Organization {org.slug} lives in {org.doc.source.rel}; name the file "
                f"{org.slug}.yaml",
                name_at,
                f"rename the file to {renamed} (git mv), or set metadata.name to the file's name",
            )
        )
    rtz = sovereign.hosting_regions
    # Checked against the Sovereign's lists only once those are the canon's: a typo in
    # sovereign.yaml (reported there) is not also reported in every Organization file.
    regions_known = canon_regions(canon, sovereign)
    for index, region in enumerate(org.regions):
        if regions_known and region not in rtz:
            found.append(
                report(
                    "BPP011",
                    f"Organization region {region} is not a region of Sovereign "
                    f"{sovereign.name} that hosts Applications (rtz: {', '.join(sorted(rtz))})",
                    at(doc, ("spec", "regions", index)),
                    hint=region_hint(region, rtz),
                )
            )
    for env in org.environments:
        if env.env_type not in canon.env_types:
            found.append(_env_type(canon, env.env_type, at(doc, (*env.path, "type"))))
        elif (
            sovereign.env_types is not None
            and env.env_type not in sovereign.env_types
            and all(known in canon.env_types for known in sovereign.env_types)
        ):
            found.append(
                report(
                    "BPP013",
                    f"env type {env.env_type} has no host clusters on Sovereign {sovereign.name}",
                    at(doc, (*env.path, "type")),
                    hint=f"use one of: {', '.join(sovereign.env_types)}",
                )
            )
    found += _unknown_overrides(canon, org)
    if pool not in sovereign.tenant_pool:
        found.append(
            report(
                "BPP014",
                f"pool domain {pool} is not in Sovereign {sovereign.name}'s tenant pool "
                f"({', '.join(sovereign.tenant_pool)})",
                at(doc, ("spec", "poolDomain")),
                hint=f"use one of: {', '.join(sovereign.tenant_pool)}",
            )
        )
    return found


def canon_regions(canon: Canon, sovereign: Sovereign) -> bool:
    """Whether every region of the Sovereign has a provider, region and building blocks
    the canon knows (else `check_sovereign` reports the code that is not)."""
    for region in sovereign.regions:
        provider = canon.providers.get(region.provider)
        if provider is None or region.region not in provider.get("regions", {}):
            return False
        if not _blocks_known(canon, region):
            return False
    return True


def _blocks_known(canon: Canon, region: Region) -> bool:
    """Every building block of the region is a canon code (an unknown one is BPP013's:
    what follows from it, such as BPP008's roles, is not reported beside it)."""
    return all(block in canon.building_blocks for block in region.building_blocks)


def _unknown_overrides(canon: Canon, org: Organization) -> list[Diagnostic]:
    """Per-Environment overrides for an env type the Organization has no Environment of
    (they would change nothing, silently). Not for one close to an Environment's type
    that the canon lacks (`type: devel`, overrides for `dev`): that type is reported
    (BPP013), and fixing it is what makes the overrides apply."""
    known = [env.env_type for env in org.environments]
    mistyped = [t for t in known if t not in canon.env_types]
    found = []
    for app in org.applications:
        for env_type in app.env_config:
            if env_type not in known and not difflib.get_close_matches(env_type, mistyped, 1):
                found.append(
                    report(
                        "BPP019",
                        f"Application {app.name} overrides config for env type {env_type!r}, "
                        f"which {org.slug} has no Environment of",
                        at(org.doc, (*app.path, "environments", env_type), key=True),
                        hint=f"use one of {org.slug}'s env types: {', '.join(known) or 'none'}; "
                        "or add that Environment under spec.environments",
                    )
                )
    return found


def _env_type(canon: Canon, env_type: str, location: Location) -> Diagnostic:
    return report(
        "BPP013",
        f"unknown env type {env_type!r}",
        location,
        hint=f"use one of: {', '.join(canon.env_types)} (DR is a placement, not an env type)",
    )
