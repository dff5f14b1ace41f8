"""Evaluate the engine on labelled pairs of one language: ``python -m tools.conflicts.ko_eval FILE``.

FILE is JSON lines with ``a``, ``b``, ``label`` (conflict / duplicate / neutral), optional ``lang``, ``kind``,
``domain``, ``a_ws`` / ``b_ws``. Pairs go through the public ``classify`` (so the language dispatch is what is
measured). Prints macro-F1, per-label precision / recall, the kind confusion of found conflicts and the
per-domain macro-F1 (the rules are hand-written, so the per-domain spread is the honest check of how they
carry to text they were not read against).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter, defaultdict
from typing import TextIO

from apps.conflicts.engine.classifier import classify
from apps.conflicts.engine.statements import Statement

LABELS = ("conflict", "duplicate", "neutral")


def scores(gold: list[str], pred: list[str]) -> dict[str, float]:
    out: dict[str, float] = {}
    f1s = []
    for lab in LABELS:
        tp = sum(1 for g, p in zip(gold, pred, strict=True) if g == p == lab)
        fp = sum(1 for g, p in zip(gold, pred, strict=True) if p == lab and g != lab)
        fn = sum(1 for g, p in zip(gold, pred, strict=True) if g == lab and p != lab)
        prec = tp / (tp + fp) if tp + fp else 0.0
        rec = tp / (tp + fn) if tp + fn else 0.0
        f1 = 2 * prec * rec / (prec + rec) if prec + rec else 0.0
        out[f"{lab}_p"], out[f"{lab}_r"], out[f"{lab}_f1"] = prec, rec, f1
        f1s.append(f1)
    out["macro_f1"] = sum(f1s) / len(f1s)
    return out


def run(lines: list[str], out: TextIO, *, lang: str = "ko", show_errors: bool = False) -> dict[str, float]:
    rows = [json.loads(line) for line in lines if line.strip()]
    rows = [r for r in rows if not lang or r.get("lang", lang) == lang]
    gold, pred = [], []
    by_domain: dict[str, tuple[list[str], list[str]]] = defaultdict(lambda: ([], []))
    kinds: Counter[tuple[str, str]] = Counter()
    for r in rows:
        a = Statement("a", r["a"], 0, len(r["a"]), {"workstream": r.get("a_ws", "A")})
        b = Statement("b", r["b"], 0, len(r["b"]), {"workstream": r.get("b_ws", "B")})
        v = classify(a, b)
        gold.append(r["label"])
        pred.append(v.label)
        g, p = by_domain[r.get("domain", "-")]
        g.append(r["label"])
        p.append(v.label)
        if r["label"] == "conflict" and v.label == "conflict":
            kinds[(r.get("kind", ""), v.kind)] += 1
        if show_errors and v.label != r["label"]:
            out.write(f"{r.get('id', '')}\t{r['label']}/{r.get('kind', '')}\t→ {v.label}/{v.kind} ({v.rule})\t"
                      f"{r['a']} || {r['b']}\n")
    s = scores(gold, pred)
    out.write(f"pairs {len(rows)}  macro-F1 {s['macro_f1']:.3f}\n")
    for lab in LABELS:
        out.write(f"  {lab:9s} P {s[lab + '_p']:.3f}  R {s[lab + '_r']:.3f}  F1 {s[lab + '_f1']:.3f}\n")
    out.write("per domain macro-F1: " + ", ".join(
        f"{d} {scores(g, p)['macro_f1']:.2f}" for d, (g, p) in sorted(by_domain.items())) + "\n")
    out.write("conflict kinds (gold → found): " + ", ".join(
        f"{g}→{p} {n}" for (g, p), n in sorted(kinds.items())) + "\n")
    return s


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("file")
    ap.add_argument("--lang", default="ko", help="only rows with this lang ('' for all)")
    ap.add_argument("--errors", action="store_true", help="print the misclassified pairs")
    args = ap.parse_args(argv)
    with open(args.file, encoding="utf-8") as fh:
        run(fh.readlines(), sys.stdout, lang=args.lang, show_errors=args.errors)


if __name__ == "__main__":
    main()
