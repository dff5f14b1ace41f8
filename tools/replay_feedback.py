"""Replay a labelled pair set as engagements and measure what people's judgements buy.

Each domain of the file is one "engagement". Its pairs are classified by the engine as a scan would
(context similarity from an index over that domain's statements); then a random 10 % / 30 % of the
pairs have their labels "revealed" (as if people had confirmed or dismissed them), the engagement's
calibration is refitted to those (`apps.conflicts.engine.feedback.fit`, the code the product runs),
and precision / recall / F1 are measured on the unrevealed rest, before and after.

    .venv/bin/python tools/replay_feedback.py ../shared/data/conflicts/perspectives.jsonl --lang en

Averages over --seeds random reveals per fraction; pairs are never scored on labels they revealed.
"""
from __future__ import annotations

import argparse
import json
import random
import sys
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from apps.conflicts.engine import Statement, StatementIndex, classify  # noqa: E402
from apps.conflicts.engine.feedback import DEFAULT, Calibration, Example, fit, predicted  # noqa: E402

CLASSES = ("conflict", "duplicate", "neutral")


def engine_examples(rows: list[dict], *, context: bool = True) -> list[Example]:
    """What the engine says about each pair of one domain, with the pair's similarity in that domain."""
    texts = sorted({r["a"] for r in rows} | {r["b"] for r in rows})
    keys = {t: f"s{i}" for i, t in enumerate(texts)}
    index = StatementIndex()
    index.add(Statement(key=keys[t], text=t, start=0, end=len(t)) for t in texts)
    out = []
    for r in rows:
        a = Statement(key=keys[r["a"]], text=r["a"], start=0, end=len(r["a"]), meta={"workstream": r["a_ws"]})
        b = Statement(key=keys[r["b"]], text=r["b"], start=0, end=len(r["b"]), meta={"workstream": r["b_ws"]})
        sims = {c.key: s for c, s in index.candidates(a, limit=len(texts))}
        sim = sims.get(b.key, 0.0)
        v = classify(a, b, context_similarity=sim if context else None)
        truth = r["label"] if r["label"] in CLASSES else "neutral"
        out.append(Example(v.label, float(v.score), float(sim), truth))
    return out


def scores(pairs: list[tuple[str, str]]) -> dict[str, float]:
    """(predicted, truth) → P/R/F1 per finding label and macro-F1 over the three classes."""
    out: dict[str, float] = {}
    f1s = []
    for c in CLASSES:
        tp = sum(p == c and t == c for p, t in pairs)
        fp = sum(p == c and t != c for p, t in pairs)
        fn = sum(p != c and t == c for p, t in pairs)
        prec = tp / (tp + fp) if tp + fp else 0.0
        rec = tp / (tp + fn) if tp + fn else 0.0
        f1 = 2 * prec * rec / (prec + rec) if prec + rec else 0.0
        out[f"{c}_p"], out[f"{c}_r"], out[f"{c}_f1"] = prec, rec, f1
        f1s.append(f1)
    out["macro_f1"] = sum(f1s) / len(f1s)
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("path")
    ap.add_argument("--lang", default="en")
    ap.add_argument("--fractions", default="0.1,0.3")
    ap.add_argument("--seeds", type=int, default=20)
    ap.add_argument("--no-context", action="store_true",
                    help="classify pairs on their own, as `conflicts eval` does, not with the scan's context score")
    args = ap.parse_args(argv)
    by_domain: dict[str, list[dict]] = defaultdict(list)
    for line in Path(args.path).read_text().splitlines():
        if line.strip():
            r = json.loads(line)
            if r.get("lang", args.lang) == args.lang:
                by_domain[r["domain"]].append(r)
    engine = {d: engine_examples(rows, context=not args.no_context) for d, rows in sorted(by_domain.items())}
    n = sum(len(v) for v in engine.values())
    print(f"{len(engine)} engagements (domains), {n} pairs, lang={args.lang}, {args.seeds} random reveals each")
    keys = ("conflict_p", "conflict_r", "conflict_f1", "duplicate_p", "duplicate_r", "duplicate_f1", "macro_f1")
    print(f"{'revealed':>9} {'':7} " + " ".join(f"{k:>12}" for k in keys) + "   changed engagements")
    for frac in (float(x) for x in args.fractions.split(",")):
        before: list[tuple[str, str]] = []
        after: list[tuple[str, str]] = []
        changed = 0
        for seed in range(args.seeds):
            rng = random.Random(seed)
            for examples in engine.values():
                order = list(range(len(examples)))
                rng.shuffle(order)
                k = max(1, round(frac * len(examples)))
                revealed, rest = [examples[i] for i in order[:k]], [examples[i] for i in order[k:]]
                cal: Calibration = fit(revealed)
                changed += cal != DEFAULT
                before += [(predicted(DEFAULT, ex), ex.truth) for ex in rest]
                after += [(predicted(cal, ex), ex.truth) for ex in rest]
        b, a = scores(before), scores(after)
        total = args.seeds * len(engine)
        print(f"{frac:>8.0%} {'before':7} " + " ".join(f"{b[k]:>12.3f}" for k in keys))
        print(f"{'':>9} {'after':7} " + " ".join(f"{a[k]:>12.3f}" for k in keys) + f"   {changed}/{total}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
