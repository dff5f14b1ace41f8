"""Fit the small residual model (multinomial logistic regression, pure Python).

    python -m apps.conflicts.engine.calibrate /work/shared/data/conflicts/dev.jsonl

Only pairs that no explicit rule decides reach the model, so it is trained on exactly those.
Each source group (id prefix) gets the same total weight so no single data set sets the prior.
The result is written to ``model_weights.json`` next to this file (a few dozen numbers).
"""

from __future__ import annotations

import argparse
import json
import math
import random
import sys
from collections import Counter, defaultdict
from pathlib import Path

from .classifier import _WEIGHTS_PATH, FEATURES, load_model, residual_features

CLASSES = ("conflict", "duplicate", "neutral")
SEED = 20240601
EPOCHS = 12
L2 = 1e-3
LR = 0.2
# The closed-world sets are every pair of one specification: nearly all pairs are unrelated and the
# few related ones are decided in the product by the scan (index similarity gate), so they are kept
# for evaluation only.
EXCLUDED_GROUPS = frozenset({"tfcdn-uav", "tfcdn-opencoss"})


def group_of(pair_id: str) -> str:
    parts = pair_id.split("-")
    return "-".join(parts[:2]) if len(parts) > 2 else parts[0]


def _softmax(z: list[float]) -> list[float]:
    m = max(z)
    e = [math.exp(v - m) for v in z]
    s = sum(e)
    return [v / s for v in e]


def fit(xs: list[list[float]], ys: list[int], ws: list[float]) -> list[list[float]]:
    k, d = len(CLASSES), len(xs[0])
    w = [[0.0] * d for _ in range(k)]
    g2 = [[1e-8] * d for _ in range(k)]  # AdaGrad accumulators
    order = list(range(len(xs)))
    rng = random.Random(SEED)
    for _ in range(EPOCHS):
        rng.shuffle(order)
        for i in order:
            x, y, sw = xs[i], ys[i], ws[i]
            p = _softmax([sum(wi * xi for wi, xi in zip(row, x, strict=True)) for row in w])
            for c in range(k):
                err = (p[c] - (1.0 if c == y else 0.0)) * sw
                row, acc = w[c], g2[c]
                for j in range(d):
                    g = err * x[j] + L2 * row[j]
                    acc[j] += g * g
                    row[j] -= LR * g / math.sqrt(acc[j])
    return w


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("data", help="labelled pairs, JSON lines {id, a, b, label}")
    ap.add_argument("--out", default=str(_WEIGHTS_PATH))
    args = ap.parse_args(argv)
    # train from a clean slate so the old model does not leak into residual selection
    load_model.cache_clear()
    rows = []
    with open(args.data, encoding="utf-8") as fh:
        for line in fh:
            if line.strip():
                rows.append(json.loads(line))
    xs, ys, groups = [], [], []
    seen: set[tuple[str, str]] = set()
    for r in rows:
        if group_of(r["id"]) in EXCLUDED_GROUPS:
            continue
        if r["a"].strip() == r["b"].strip():
            continue  # identical texts carry no signal (and are label noise in the sources)
        key = (r["a"], r["b"])
        if key in seen:
            continue
        seen.add(key)
        f = residual_features(r["a"], r["b"])
        if f is None:
            continue
        xs.append([f[n] for n in FEATURES])
        ys.append(CLASSES.index(r["label"]))
        groups.append(group_of(r["id"]))
    per_group = Counter(groups)
    ws = [len(xs) / (len(per_group) * per_group[g]) for g in groups]
    w = fit(xs, ys, ws)
    stats: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for g, y in zip(groups, ys, strict=True):
        stats[g][CLASSES[y]] += 1
    model = {
        "features": list(FEATURES),
        "classes": list(CLASSES),
        "weights": [[round(v, 4) for v in row] for row in w],
        "thresholds": {"conflict": 0.5, "duplicate": 0.45},
        "trained_on": {g: dict(c) for g, c in sorted(stats.items())},
        "command": "python -m apps.conflicts.engine.calibrate /work/shared/data/conflicts/dev.jsonl",
        "seed": SEED,
    }
    Path(args.out).write_text(json.dumps(model, indent=1) + "\n")
    load_model.cache_clear()
    print(f"trained on {len(xs)} residual pairs {dict(per_group)}; wrote {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
