"""Fit the small residual model (pure Python, deterministic).

    python -m tools.conflicts.calibrate /work/shared/data/conflicts/dev.jsonl          # train + write
    python -m tools.conflicts.calibrate /work/shared/data/conflicts/dev.jsonl --cv 5   # cross-validate only

Only pairs that no explicit rule decides reach the model, so it is trained on exactly those.
Each source group (id prefix) gets the same total weight so no single data set sets the prior.
The default model is a small gradient-boosted ensemble of depth-3 trees over the interpretable pair
features (``--model logistic`` fits the older 3 × 27 logistic layer instead). The result is
written to ``model_weights.json`` next to this file.

``--cv K`` reports K-fold cross-validated figures instead of writing weights: texts are grouped
into connected components (pairs sharing a text); a component is kept whole inside one fold when
it is small, otherwise its texts are spread over the folds and a pair is tested in fold k only
when *both* its texts belong to fold k and trained on only when *neither* does, so no text is
seen in training and test of the same fold.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import math
import random
import sys
from collections import Counter, defaultdict
from pathlib import Path

from apps.conflicts.engine.classifier import (
    _WEIGHTS_PATH,
    ALL_FEATURES,
    FEATURES,
    classify,
    load_model,
    model_digest,
    residual_features,
    set_model,
)
from apps.conflicts.engine.slots import SLOT_FEATURES

from . import boost_fit as boost

CLASSES = ("conflict", "duplicate", "neutral")
SEED = 20240601
EPOCHS = 12
L2 = 1e-3
LR = 0.2
BALANCE = 0.5
TREE_PARAMS = {"rounds": 80, "depth": 4, "lr": 0.15, "l2": 1.0, "min_hess": 5.0, "max_bins": 16}
# The closed-world sets are every pair of one specification: nearly all pairs are unrelated and the
# few related ones are decided in the product by the scan (index similarity gate), so they are kept
# for evaluation only.
EXCLUDED_GROUPS = frozenset({"tfcdn-uav", "tfcdn-opencoss"})
# How a group that never uses a label (gech-train has no duplicates) is read: "full" scores its rows against all
# three labels, "partial" reads its "neutral" as "neutral or duplicate" (a data set without a duplicate label
# calls a duplicate "no conflict"), "own" scores its rows only among the labels it uses.
LABEL_SETS = ("full", "partial", "own")
SLOT_FEATURES_ON = False  # --slot-features
DEFAULT_LABEL_SETS = "full"


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


def _read(paths: list[str], exclude_domains: frozenset[str] = frozenset(), lang: str = "en") -> list[dict]:
    """Labelled pairs of every file; rows with a ``domain`` in ``exclude_domains`` (held out) or another
    ``lang`` are left out."""
    rows = []
    for path in paths:
        with open(path, encoding="utf-8") as fh:
            for line in fh:
                if line.strip():
                    rows.append(json.loads(line))
    return [r for r in rows if group_of(r["id"]) not in EXCLUDED_GROUPS and r.get("lang", lang) == lang
            and r.get("domain") not in exclude_domains]


def training_set(rows: list[dict], names: tuple[str, ...]) -> tuple[list[list[float]], list[int], list[str]]:
    xs, ys, groups = [], [], []
    seen: set[tuple[str, str]] = set()
    for r in rows:
        if r["a"].strip() == r["b"].strip():
            continue  # identical texts carry no signal (and are label noise in the sources)
        key = (r["a"], r["b"])
        if key in seen:
            continue
        seen.add(key)
        f = residual_features(r["a"], r["b"])
        if f is None:
            continue
        xs.append([f[n] for n in names])
        ys.append(CLASSES.index(r["label"]))
        groups.append(group_of(r["id"]))
    return xs, ys, groups


def train(rows: list[dict], kind: str, balance: float = 0.0, label_sets: str = DEFAULT_LABEL_SETS) -> dict:
    names = (ALL_FEATURES + (SLOT_FEATURES if SLOT_FEATURES_ON else ())) if kind == "trees" else FEATURES
    xs, ys, groups = training_set(rows, names)
    per_group = Counter(groups)
    per_class = Counter(zip(groups, ys, strict=True))
    # each group the same total weight; inside a group, classes re-weighted by (count ** -balance)
    ws = []
    for g, y in zip(groups, ys, strict=True):
        classes = [c for (gg, c) in per_class if gg == g]
        norm = sum(per_class[(g, c)] ** (1 - balance) for c in classes)
        ws.append(len(xs) / len(per_group) * per_class[(g, y)] ** -balance / norm)
    stats: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for g, y in zip(groups, ys, strict=True):
        stats[g][CLASSES[y]] += 1
    model: dict = {"features": list(names), "classes": list(CLASSES)}
    if kind == "trees":
        # a group that never uses a label (gech-train has no duplicates) only tells its own classes apart
        own = {g: tuple(sorted(c for (gg, c) in per_class if gg == g)) for g in per_group}
        allowed = [own[g] for g in groups] if label_sets == "own" else None
        targets = None
        if label_sets == "partial":
            missing = {g: tuple(c for c in range(len(CLASSES)) if c not in own[g]) for g in per_group}
            neutral = CLASSES.index("neutral")
            targets = [(y, *missing[g]) if y == neutral else (y,) for g, y in zip(groups, ys, strict=True)]
        model.update(boost.fit(xs, ys, ws, len(CLASSES), allowed=allowed, targets=targets, **TREE_PARAMS))
        model["params"] = dict(TREE_PARAMS, balance=balance, label_sets=label_sets)
    else:
        model["weights"] = [[round(v, 4) for v in row] for row in fit(xs, ys, ws)]
    model["thresholds"] = {"conflict": 0.5, "duplicate": 0.45}
    # the runtime keeps no data-set names or machine paths: training data is identified by the
    # SHA-256 of the files it came from (see ``manifest``), the per-group counts are printed instead
    model["_stats"] = {g: dict(c) for g, c in sorted(stats.items())}
    return model


def manifest(model: dict, data_files: list[str], n_pairs: int) -> dict:
    """Digest of what inference reads, feature names, ids (SHA-256) of the training files, parameters."""
    return {
        "digest": model_digest(model),
        "features": list(model["features"]),
        "training_data": [{"sha256": hashlib.sha256(Path(f).read_bytes()).hexdigest(), "residual_pairs": n_pairs}
                          for f in data_files],
        "params": dict(model.get("params", {})),
        "seed": SEED,
        "trainer": "tools.conflicts.calibrate",
    }


def _folds(rows: list[dict], k: int) -> list[tuple[int | None, frozenset[str]]]:
    """(test fold or None, normalised texts) for every row; see the module docstring."""
    parent: dict[str, str] = {}

    def find(x: str) -> str:
        parent.setdefault(x, x)
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    def norm(t: str) -> str:
        return " ".join(t.lower().split())

    for r in rows:
        ra, rb = find(norm(r["a"])), find(norm(r["b"]))
        if ra != rb:
            parent[ra] = rb
    size = Counter(find(norm(r["a"])) for r in rows)
    rng = random.Random(SEED)
    comps = sorted(size)
    rng.shuffle(comps)
    comp_fold = {c: i % k for i, c in enumerate(comps)}
    texts = sorted({norm(t) for r in rows for t in (r["a"], r["b"])})
    rng.shuffle(texts)
    text_fold = {t: i % k for i, t in enumerate(texts)}
    out: list[tuple[int | None, frozenset[str]]] = []
    for r in rows:
        ta, tb = norm(r["a"]), norm(r["b"])
        c = find(ta)
        if size[c] <= len(rows) / (4 * k):
            fold: int | None = comp_fold[c]  # a small component stays whole
        elif size[c] <= 0.3 * len(rows):
            fold = text_fold[min(ta, tb)]  # a mid-size one: by text; training then drops its neighbours
        else:
            # one giant component (a whole set paraphrasing the same few requirements): test a pair only
            # when both texts fall in the fold
            fold = text_fold[ta] if text_fold[ta] == text_fold[tb] else None
        out.append((fold, frozenset((ta, tb))))
    return out


def cross_validate(rows: list[dict], kind: str, k: int, out, balance: float = BALANCE,
                   label_sets: str = DEFAULT_LABEL_SETS) -> dict[str, float]:
    from .cli import mcc, report

    folds = _folds(rows, k)
    gold: dict[str, list[str]] = defaultdict(list)
    pred: dict[str, list[str]] = defaultdict(list)
    for fk in range(k):
        test_rows = [r for r, (f, _) in zip(rows, folds, strict=True) if f == fk]
        test_texts = {t for f, ts in folds if f == fk for t in ts}
        train_rows = [r for r, (f, ts) in zip(rows, folds, strict=True) if f != fk and not ts & test_texts]
        set_model(None)
        set_model(train(train_rows, kind, balance, label_sets))
        for r in test_rows:
            g = group_of(r["id"])
            gold[g].append(r["label"])
            pred[g].append(classify(r["a"], r["b"]).label)
        print(f"fold {fk + 1}/{k}: trained on {len(train_rows)} pairs, tested on {len(test_rows)}", file=sys.stderr)
    set_model(None)
    res = {}
    for g in sorted(gold):
        r = report(f"{g} ({k}-fold CV, text-disjoint)", gold[g], pred[g], out)
        res[f"{g}_macro_f1"] = r["macro_f1"]
        res[f"{g}_mcc"] = mcc(gold[g], pred[g])
    return res


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("data", nargs="+", help="labelled pairs, JSON lines {id, a, b, label[, domain, lang]}")
    ap.add_argument("--exclude-domains", default="", help="comma-separated domains to hold out of training")
    ap.add_argument("--slot-features", action="store_true", help="offer the slot features to the model")
    ap.add_argument("--out", default=str(_WEIGHTS_PATH))
    ap.add_argument("--model", choices=("trees", "logistic"), default="trees")
    ap.add_argument("--balance", type=float, default=BALANCE, help="class re-weighting exponent within a group")
    ap.add_argument("--rounds", type=int, default=TREE_PARAMS["rounds"])
    ap.add_argument("--depth", type=int, default=TREE_PARAMS["depth"])
    ap.add_argument("--label-sets", choices=LABEL_SETS, default=DEFAULT_LABEL_SETS,
                    help="how a group that never uses a label is scored (see LABEL_SETS)")
    ap.add_argument("--cv", type=int, default=0, help="report K-fold cross-validated figures, write nothing")
    args = ap.parse_args(argv)
    global SLOT_FEATURES_ON
    SLOT_FEATURES_ON = args.slot_features
    rows = _read(args.data, frozenset(d for d in args.exclude_domains.split(",") if d))
    TREE_PARAMS.update(rounds=args.rounds, depth=args.depth)
    if args.cv:
        cross_validate(rows, args.model, args.cv, sys.stdout, args.balance, args.label_sets)
        return 0
    # train from a clean slate so the old model does not leak into residual selection
    set_model(None)
    model = train(rows, args.model, args.balance, args.label_sets)
    stats = model.pop("_stats")
    n_pairs = sum(sum(c.values()) for c in stats.values())
    model["manifest"] = manifest(model, args.data, n_pairs)
    model["manifest"]["held_out_domains"] = sorted(d for d in args.exclude_domains.split(",") if d)
    Path(args.out).write_text(json.dumps(model, separators=(",", ":")) + "\n")
    load_model.cache_clear()
    print(f"trained {args.model} on {n_pairs} residual pairs {stats}; wrote {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
