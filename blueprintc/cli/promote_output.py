"""What `blueprintc promote` prints: the promotions and their pull requests, or what
`--merge` merged, as text or as one JSON document (formatVersion 1)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import click

from blueprintc.cli import verbosity

if TYPE_CHECKING:
    from blueprintc.promote.local import LocalPromotion
    from blueprintc.promote.plan import PromotionPlan
    from blueprintc.promote.pulls import PullResult


def show_merged(results: list[PullResult], output_format: str) -> None:
    """What `--merge` did with each pull request; the refused ones on stderr."""
    if output_format == "json":
        from blueprintc.jsondoc import json_document

        body = {"pullRequests": [_pull_dict(r) for r in results]}
        click.echo(json_document("promote-merge", body), nl=False)
        return
    for r in results:
        if verbosity.quiet() and r.status != "refused":
            continue
        line = f"{r.status:8} {r.application} {r.target} #{r.number} {r.url}".rstrip()
        click.echo(line + (f": {r.detail}" if r.detail else ""), err=r.status == "refused")
    if not verbosity.quiet():
        refused = sum(r.status == "refused" for r in results)
        click.echo(f"promote --merge: {len(results) - refused} merged, {refused} refused")


def _pull_dict(result: PullResult) -> dict[str, Any]:
    return {
        "application": result.application,
        "to": result.target,
        "status": result.status,
        "number": result.number,
        "url": result.url,
        "head": result.head,
        "gates": [{"gate": g.gate, "passed": g.passed, "detail": g.detail} for g in result.gates],
        "detail": result.detail,
    }


def _plans(done: list[LocalPromotion], pulls: list[PullResult]) -> list[PromotionPlan]:
    """Each promotion's plan: with a pull request (one each, in order), the one its body
    shows, against the target branch on the server."""
    proposed = [p.plan for p in pulls] + [None] * (len(done) - len(pulls))
    return [plan or d.plan for d, plan in zip(done, proposed, strict=True)]


def show_promotions(
    done: list[LocalPromotion], pulls: list[PullResult], rollback: bool, output_format: str
) -> None:
    """Each promotion made and its pull request, or (without --remote) its plan."""
    from blueprintc.promote.plan import render_plan

    if output_format == "json":
        from blueprintc.jsondoc import json_document

        body: dict[str, Any] = {
            "promotions": [
                {
                    "application": d.request.name,
                    "to": d.request.env.env_type,
                    "from": d.request.source.env_type,
                    "rollback": rollback,
                    "branch": d.branch,
                    "entry": d.new.as_dict(),
                    "plan": plan.as_data() | {"digest": plan.digest()},
                }
                for d, plan in zip(done, _plans(done, pulls), strict=True)
            ],
            "pullRequests": [_pull_dict(p) for p in pulls],
        }
        click.echo(json_document("promote", body), nl=False)
        return
    if verbosity.quiet():
        return
    if not done:
        return
    for d in done:
        request = d.request
        old = f"{d.old.blueprint} {d.old.version}" if d.old else "(no entry)"
        new = f"{d.new.blueprint} {d.new.version}"
        change = f"{old} -> {new}"
        if d.old is not None and new == old:
            change = f"{new}, " + ("another config" if d.new.config != d.old.config else "content")
        what = "rolled back" if rollback else f"promoted from {request.source.env_type}"
        click.echo(f"{request.name} {request.env.env_type} {what}: {change}")
    click.echo("wrote blueprintc.lock and recompiled out/: commit blueprintc.lock")
    for p in pulls:
        line = f"{p.status:9} {p.application} {p.target}"
        if p.number is not None:
            failing = [g.gate for g in p.gates if not g.passed]
            gates = f"gates failing: {', '.join(failing)}" if failing else "every gate holds"
            line += f" pull request #{p.number} {p.url} ({gates})"
        click.echo(line + (f": {p.detail}" if p.detail else ""))
    if not pulls:
        for d in done:
            click.echo("")
            click.echo(render_plan(d.heading, d.plan), nl=False)
