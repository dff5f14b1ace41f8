"""Ablation: switch off one named pipeline step at a time and measure what it was worth.

    python -m tools.conflicts.ablation --perspectives /work/shared/data/conflicts/perspectives.jsonl \
        --dev /work/shared/data/conflicts/dev.jsonl --held-out DOMAIN,DOMAIN,... [--dev-sample 2000]

Reported per configuration (``(none)`` = everything on, else the step switched off; ``slot:<name>`` names
a slot rule, ``a+b`` switches several off together): macro-F1 on the held-out
domains of perspectives.jsonl (English), the same on the other domains, kind accuracy of found conflicts on
held-out, and on dev.jsonl gech-train MCC, tfcdn-cdn macro-F1 (a fixed-seed sample of ``--dev-sample``
pairs each, for speed) and the closed-world scan conflict F1 of tfcdn-uav. A step pays when switching it
off lowers the held-out figures (Δ < 0) without being bought by the dev figures.
"""

from __future__ import annotations

import argparse
import io
import json
import random
import sys

from apps.conflicts.engine import classifier
from apps.conflicts.engine.pipeline import SLOT_STEPS, WORD_STEPS

from .cli import group_of, mcc, report, scan_view


def _rows(path: str) -> list[dict]:
    with open(path, encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def _score(rows: list[dict]) -> tuple[float, float]:
    vs = [classifier.classify(r["a"], r["b"]) for r in rows]
    res = report("", [r["label"] for r in rows], [v.label for v in vs], io.StringIO())
    found = [i for i, r in enumerate(rows) if r["label"] == "conflict" and vs[i].label == "conflict"]
    kind = sum(1 for i in found if vs[i].kind == rows[i].get("kind")) / len(found) if found else 0.0
    return res["macro_f1"], kind


def measure(persp_held: list[dict], persp_tune: list[dict], dev: dict[str, list[dict]]) -> dict[str, float]:
    held, kind = _score(persp_held)
    tune, _ = _score(persp_tune)
    out = {"held_macro": held, "held_kind": kind, "tune_macro": tune}
    if "gech-train" in dev:
        rows = dev["gech-train"]
        out["gech_mcc"] = mcc([r["label"] for r in rows], [classifier.classify(r["a"], r["b"]).label for r in rows])
    if "tfcdn-cdn" in dev:
        out["cdn_macro"] = _score(dev["tfcdn-cdn"])[0]
    if "tfcdn-uav" in dev:
        out["uav_scan_f1"] = scan_view(dev["tfcdn-uav"], io.StringIO(), "tfcdn-uav")["scan_f1"]
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--perspectives", required=True)
    ap.add_argument("--dev")
    ap.add_argument("--held-out", required=True, help="comma-separated domains never used to write or tune rules")
    ap.add_argument("--dev-sample", type=int, default=2000)
    ap.add_argument("--steps", help="comma-separated step names (default: all)")
    args = ap.parse_args(argv)
    held_domains = set(args.held_out.split(","))
    persp = [r for r in _rows(args.perspectives) if r.get("lang", "en") == "en"]
    p_held = [r for r in persp if r["domain"] in held_domains]
    p_tune = [r for r in persp if r["domain"] not in held_domains]
    dev: dict[str, list[dict]] = {}
    if args.dev:
        for r in _rows(args.dev):
            dev.setdefault(group_of(r["id"]), []).append(r)
        rng = random.Random(20240601)
        for g in ("gech-train", "tfcdn-cdn"):
            if g in dev and len(dev[g]) > args.dev_sample:
                dev[g] = rng.sample(dev[g], args.dev_sample)
    # slot steps are written "slot:<name>" (a word step and a slot rule may share a name: priority, scope)
    names = args.steps.split(",") if args.steps else [s.name for s in WORD_STEPS] + [
        f"slot:{s.name}" for s in SLOT_STEPS]
    base = measure(p_held, p_tune, dev)
    cols = list(base)
    out = sys.stdout
    out.write(f"perspectives EN: held-out {len(p_held)} pairs ({', '.join(sorted(held_domains))}), "
              f"other {len(p_tune)}; dev sample {args.dev_sample}\n\n")
    out.write("| step off | " + " | ".join(cols) + " |\n|---|" + "---|" * len(cols) + "\n")
    out.write("| (none) | " + " | ".join(f"{base[c]:.3f}" for c in cols) + " |\n")
    out.flush()
    for name in names:
        word = {n for n in name.split("+") if not n.startswith("slot:")}
        slot = {n[5:] for n in name.split("+") if n.startswith("slot:")}
        classifier.DISABLED_SLOT_RULES = frozenset(slot)
        classifier.DISABLED_RULES = frozenset(word)
        try:
            res = measure(p_held, p_tune, dev)
        finally:
            classifier.DISABLED_SLOT_RULES = frozenset()
            classifier.DISABLED_RULES = frozenset()
        out.write(f"| {name} | " + " | ".join(f"{res[c]:.3f} ({res[c] - base[c]:+.3f})" for c in cols) + " |\n")
        out.flush()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
