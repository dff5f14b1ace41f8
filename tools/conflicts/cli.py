"""File-level entry points (the Django command ``conflicts`` wraps these).

    python -m tools.conflicts.cli classify < pairs.jsonl
    python -m tools.conflicts.cli scan < statements.jsonl
    python -m tools.conflicts.cli eval /work/shared/data/conflicts/dev.jsonl
    python -m tools.conflicts.cli bench 10000
"""

from __future__ import annotations

import argparse
import json
import math
import os
import random
import statistics
import sys
import time
from collections import Counter, defaultdict
from collections.abc import Iterable
from typing import TextIO

from apps.conflicts.engine.analysis import analyse
from apps.conflicts.engine.choices import _MATCHERS
from apps.conflicts.engine.classifier import classify
from apps.conflicts.engine.detect import check, scan
from apps.conflicts.engine.index import StatementIndex
from apps.conflicts.engine.statements import Statement

LABELS = ("conflict", "duplicate", "neutral")
CLOSED_WORLD_GROUPS = ("tfcdn-uav", "tfcdn-opencoss")


def _rows(in_lines: Iterable[str]) -> Iterable[dict]:
    for line in in_lines:
        line = line.strip()
        if line:
            yield json.loads(line)


def classify_lines(in_lines: Iterable[str], out: TextIO) -> int:
    """{"id","a","b"} per line -> {"id","label","kind","score","explanation"} per line."""
    n = 0
    for r in _rows(in_lines):
        v = classify(r["a"], r["b"])
        out.write(json.dumps({"id": r.get("id"), "label": v.label, "kind": v.kind, "score": v.score,
                              "explanation": v.explanation}, ensure_ascii=False) + "\n")
        n += 1
    return n


def scan_lines(in_lines: Iterable[str], out: TextIO) -> int:
    """{"id","text"} per line (one document) -> one {"a","b","label","kind","score"} line per finding."""
    statements = [Statement(key=str(r["id"]), text=r["text"], start=0, end=len(r["text"])) for r in _rows(in_lines)]
    findings = scan(statements)
    for f in findings:
        out.write(json.dumps({"a": f.a.key, "b": f.b.key, "label": f.verdict.label, "kind": f.verdict.kind,
                              "score": f.verdict.score, "explanation": f.verdict.explanation},
                             ensure_ascii=False) + "\n")
    return len(findings)


# ------------------------------------------------------------------------------------------ eval


def group_of(pair_id: str) -> str:
    parts = str(pair_id).split("-")
    return "-".join(parts[:2]) if len(parts) > 2 else parts[0]


def _prf(gold: list[str], pred: list[str], label: str) -> tuple[float, float, float, int]:
    tp = sum(1 for g, p in zip(gold, pred, strict=True) if g == label and p == label)
    fp = sum(1 for g, p in zip(gold, pred, strict=True) if g != label and p == label)
    fn = sum(1 for g, p in zip(gold, pred, strict=True) if g == label and p != label)
    prec = tp / (tp + fp) if tp + fp else 0.0
    rec = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * prec * rec / (prec + rec) if prec + rec else 0.0
    return prec, rec, f1, tp + fn


def mcc(gold: list[str], pred: list[str]) -> float:
    """Multi-class Matthews correlation (Gorodkin's R_K)."""
    labels = sorted(set(gold) | set(pred))
    t = Counter(gold)
    p = Counter(pred)
    c = sum(1 for g, q in zip(gold, pred, strict=True) if g == q)
    s = len(gold)
    num = c * s - sum(t[k] * p[k] for k in labels)
    den = math.sqrt(s * s - sum(p[k] ** 2 for k in labels)) * math.sqrt(s * s - sum(t[k] ** 2 for k in labels))
    return num / den if den else 0.0


def report(name: str, gold: list[str], pred: list[str], out: TextIO) -> dict[str, float]:
    present = [lab for lab in LABELS if lab in gold]
    out.write(f"\n== {name}  (n={len(gold)})\n")
    f1s = []
    res: dict[str, float] = {}
    for lab in LABELS:
        if lab not in gold and lab not in pred:
            continue
        prec, rec, f1, support = _prf(gold, pred, lab)
        out.write(f"  {lab:<10} P={prec:.3f} R={rec:.3f} F1={f1:.3f} support={support}\n")
        res[f"{lab}_f1"] = f1
        res[f"{lab}_p"] = prec
        res[f"{lab}_r"] = rec
        if lab in present:
            f1s.append(f1)
    macro = sum(f1s) / len(f1s) if f1s else 0.0
    m = mcc(gold, pred)
    out.write(f"  macro-F1={macro:.3f}  MCC={m:.3f}\n")
    res["macro_f1"] = macro
    res["mcc"] = m
    return res


def scan_view(rows: list[dict], out: TextIO, name: str) -> dict[str, float]:
    """Closed world: scan all distinct texts; every unlisted pair counts as neutral."""
    texts: dict[str, str] = {}
    for r in rows:
        for t in (r["a"], r["b"]):
            texts.setdefault(t, f"s{len(texts)}")
    statements = [Statement(key=k, text=t, start=0, end=len(t)) for t, k in texts.items()]
    t0 = time.perf_counter()
    findings = scan(statements)
    elapsed = time.perf_counter() - t0
    found = {frozenset((f.a.text, f.b.text)) for f in findings if f.verdict.label == "conflict"}
    gold = {frozenset((r["a"], r["b"])) for r in rows if r["label"] == "conflict"}
    tp = len(found & gold)
    prec = tp / len(found) if found else 0.0
    rec = tp / len(gold) if gold else 0.0
    f1 = 2 * prec * rec / (prec + rec) if prec + rec else 0.0
    out.write(f"  scan view ({len(statements)} statements, {elapsed:.2f}s): conflict P={prec:.3f} R={rec:.3f} "
              f"F1={f1:.3f}  (found {len(found)}, gold {len(gold)})\n")
    return {"scan_p": prec, "scan_r": rec, "scan_f1": f1}


def evaluate(in_lines: Iterable[str], out: TextIO) -> dict[str, dict[str, float]]:
    rows = list(_rows(in_lines))
    by_group: dict[str, list[dict]] = defaultdict(list)
    preds: dict[int, str] = {}
    kinds: dict[int, str] = {}
    for i, r in enumerate(rows):
        # a file with a "domain" field (perspectives.jsonl) is reported per domain, else per id prefix
        by_group[r.get("domain") or group_of(r["id"])].append(r)
        v = classify(r["a"], r["b"])
        preds[i] = v.label
        kinds[i] = v.kind
    results: dict[str, dict[str, float]] = {}
    idx = {id(r): i for i, r in enumerate(rows)}
    for g in sorted(by_group):
        grs = by_group[g]
        gold = [r["label"] for r in grs]
        pred = [preds[idx[id(r)]] for r in grs]
        results[g] = report(g, gold, pred, out)
        if g in CLOSED_WORLD_GROUPS:
            results[g].update(scan_view(grs, out, g))
    results["overall"] = report("overall", [r["label"] for r in rows], [preds[i] for i in range(len(rows))], out)
    # kind named correctly among the conflicts found (only for files that label kinds of conflicts)
    found = [i for i, r in enumerate(rows) if r["label"] == "conflict" and preds[i] == "conflict" and r.get("kind")]
    if found:
        right = sum(1 for i in found if kinds[i] == rows[i]["kind"])
        confusion = Counter((rows[i]["kind"], kinds[i]) for i in found if kinds[i] != rows[i]["kind"])
        out.write(f"  conflict kind named correctly: {right}/{len(found)} = {right / len(found):.3f}"
                  f"  (wrong: {dict(confusion.most_common(8))})\n")
        results["overall"]["kind_accuracy"] = right / len(found)
    return results


# ------------------------------------------------------------------------------------------ bench

_SUBJECTS = {
    "IT": ["the customer portal", "the API gateway", "the identity service", "the order service",
           "the data platform", "the mobile app", "the integration layer", "the CRM integration",
           "the checkout flow", "the search service", "the notification service", "the billing module"],
    "Marketing": ["the newsletter", "campaign landing pages", "the loyalty programme", "paid social campaigns",
                  "the product catalogue", "customer journeys", "the brand site", "email campaigns",
                  "the referral scheme", "event registrations", "promotional banners", "the preference centre"],
    "Data": ["customer interaction logs", "the analytics warehouse", "clickstream events", "consent records",
             "the customer master record", "churn scores", "marketing attribution data", "order history",
             "web analytics data", "survey responses", "segment definitions", "support transcripts"],
}
_TEMPLATES = [
    "{subj} must be retained for at least {n} months in the {region} region.",
    "{subj} must be deleted within {d} days after the contract ends.",
    "{subj} shall be hosted on {cloud} with nightly backups to a second zone.",
    "{subj} should respond in under {ms} ms at the 95th percentile for {audience}.",
    "{subj} must not store personal data without explicit consent from {audience}.",
    "All {audience} must be able to access {subj} through single sign-on using {sso}.",
    "Reporting on {subj} will use {bi} dashboards refreshed {cadence}.",
    "{subj} must sync with {crm} every {m} minutes.",
    "Only {audience} may export {subj} to CSV for {purpose}.",
    "{subj} is out of scope for the {phase} release.",
    "An active {audience_sg} is defined as someone who {activity} in the last {n} months.",
    "{subj} must support {count} concurrent users during {event}.",
    "The budget for {subj} is capped at {money} per year.",
    "{subj} must track campaign source via UTM parameters for {purpose}.",
    "{subj} should be available {avail}% of the time excluding planned maintenance.",
]
_FILL = {
    "region": ["EU", "UK", "Frankfurt", "Dublin", "Paris", "Amsterdam"],
    "cloud": ["AWS", "Azure", "Google Cloud", "on-premises servers"],
    "audience": ["store managers", "call-centre agents", "marketing analysts", "partners", "data stewards",
                 "regional sales teams", "loyalty members", "franchise owners", "B2B buyers", "field technicians"],
    "audience_sg": ["customer", "member", "subscriber", "buyer", "account"],
    "activity": ["placed an order", "logged in", "opened an email", "visited a store", "redeemed a voucher"],
    "sso": ["SAML", "OpenID Connect", "LDAP"],
    "bi": ["Tableau", "Power BI", "Looker", "Qlik"],
    "cadence": ["hourly", "daily", "weekly", "in real time"],
    "crm": ["Salesforce", "HubSpot", "Dynamics 365"],
    "purpose": ["quarterly audits", "campaign attribution", "regulatory reporting", "churn analysis",
                "budget planning", "partner billing", "fraud review", "product planning"],
    "phase": ["first", "pilot", "Q3", "autumn", "beta", "second"],
    "event": ["Black Friday", "seasonal sales", "product launches", "the spring campaign", "peak hours"],
    "avail": ["99", "99.5", "99.9", "99.95"],
}


def synthetic_inputs(n_inputs: int, seed: int = 7) -> list[list[Statement]]:
    rng = random.Random(seed)
    inputs = []
    extra_words = ["for the {y} roadmap", "as agreed in workshop {w}", "per policy {p}", "for brand {b}",
                   "in market {mk}", "for programme {pg}"]
    for i in range(n_inputs):
        ws = rng.choice(list(_SUBJECTS))
        stmts = []
        for j in range(rng.choice((2, 3, 3, 4))):
            tpl = rng.choice(_TEMPLATES)
            subj = rng.choice(_SUBJECTS[ws] + _SUBJECTS[rng.choice(list(_SUBJECTS))])
            vals = {k: rng.choice(v) for k, v in _FILL.items()}
            vals.update(subj=subj, n=rng.choice((6, 12, 18, 24, 36)), d=rng.choice((30, 60, 90, 180)),
                        ms=rng.choice((100, 200, 500, 800)), m=rng.choice((5, 15, 60)),
                        count=rng.choice((500, 1000, 5000, 20000)),
                        money=rng.choice(("€50k", "€120k", "€250k", "$80k")))
            text = tpl.format(**vals)
            text = text[0].upper() + text[1:]
            # a tail with input-specific vocabulary so the corpus grows like a real one
            tail = rng.choice(extra_words).format(y=2025 + rng.randrange(4), w=rng.randrange(1, 400),
                                                  p=f"P{rng.randrange(1, 3000)}", b=f"brand{rng.randrange(1, 500)}",
                                                  mk=f"M{rng.randrange(1, 200)}", pg=f"PG{rng.randrange(1, 900)}")
            text = text[:-1] + f" {tail}."
            stmts.append(Statement(key=f"in{i}-{j}", text=text, start=0, end=len(text),
                                   meta={"workstream": ws, "input_id": f"in{i}"}))
        inputs.append(stmts)
    return inputs


def _same_input(a: Statement, b: Statement) -> bool:
    return a.meta.get("input_id") == b.meta.get("input_id")


def bench(n_inputs: int, out: TextIO, *, runs: int = 9, full_scan: bool = True) -> dict[str, float]:
    # peak memory from the OS (max RSS of this process and of scan workers): tracemalloc would
    # slow the very code being timed
    inputs = synthetic_inputs(n_inputs + runs)
    corpus = [s for inp in inputs[:n_inputs] for s in inp]
    index = StatementIndex()
    t0 = time.perf_counter()
    index.add(corpus)
    build_s = time.perf_counter() - t0
    times = []
    touched = []
    for k in range(runs):
        new = inputs[n_inputs + k]
        t1 = time.perf_counter()
        check(new, index, exclude=_same_input)
        times.append((time.perf_counter() - t1) * 1000)
        touched.append(index.last_touched)
    res = {"inputs": n_inputs, "statements": len(corpus), "index_build_s": build_s,
           "check_median_ms": statistics.median(times), "postings_touched_last": touched[-1]}
    out.flush()
    out.write(f"bench: {n_inputs} inputs, {len(corpus)} statements; index built in {build_s:.2f}s\n")
    out.write(f"  incremental check of one new input: median {res['check_median_ms']:.1f} ms over {runs} runs "
              f"(postings touched by last query: {touched[-1]})\n")
    out.flush()
    if full_scan:
        # a cold start: statement analyses are not reused from the index built above
        analyse.cache_clear()
        _MATCHERS.clear()
        t2 = time.perf_counter()
        findings = scan(corpus, exclude=_same_input)
        res["scan_s"] = time.perf_counter() - t2
        kinds = Counter(f.verdict.kind for f in findings)
        out.write(f"  full scan (cold caches, {os.cpu_count()} worker processes): {res['scan_s']:.1f} s, "
                  f"{len(findings)} findings {dict(kinds.most_common())}\n")
    try:
        import resource

        self_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        child_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    except ImportError:  # pragma: no cover - non-Unix
        self_mb = child_mb = float("nan")
    res["maxrss_mb"] = self_mb
    res["worker_maxrss_mb"] = child_mb
    out.write(f"  peak memory: max RSS {self_mb:.0f} MB (main process), {child_mb:.0f} MB (largest scan worker)\n")
    return res


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m tools.conflicts.cli")
    sub = ap.add_subparsers(dest="cmd", required=True)
    for name in ("classify", "scan", "eval"):
        sp = sub.add_parser(name)
        sp.add_argument("path", nargs="?", default="-", help="JSON lines file, '-' for stdin")
    bp = sub.add_parser("bench")
    bp.add_argument("n_inputs", type=int, nargs="?", default=10000)
    bp.add_argument("--no-scan", action="store_true")
    args = ap.parse_args(argv)
    if args.cmd == "bench":
        bench(args.n_inputs, sys.stdout, full_scan=not args.no_scan)
        return 0
    fh = sys.stdin if args.path == "-" else open(args.path, encoding="utf-8")  # noqa: SIM115
    try:
        if args.cmd == "classify":
            classify_lines(fh, sys.stdout)
        elif args.cmd == "scan":
            scan_lines(fh, sys.stdout)
        else:
            evaluate(fh, sys.stdout)
    finally:
        if fh is not sys.stdin:
            fh.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
