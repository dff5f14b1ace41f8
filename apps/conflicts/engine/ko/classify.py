"""Deciding a Korean pair: the same kinds, in the same order of evidence, as the English rules.

Each rule is one kind of contradiction *on a shared subject* (shared content lemmas after particles and endings
are stripped): competing definitions of one term, exclusive options, a priority rating against an exclusion,
a figure for the same measure that cannot hold with the other, a step one side requires and the other skips,
a permission or duty against a prohibition, all against only. What is left is a merge candidate when the two
say the same (equal figures in other units, most content shared, or one lists what the other names) and
neutral otherwise. Two threshold rules for complementary cases ("100만 원 미만 …" / "100만 원 이상 …") are
neutral: each covers what the other leaves out.
"""

from __future__ import annotations

from collections.abc import Mapping

from ..classifier import Verdict
from ..quantities import Quantity, relation
from .analysis import KoAnalysis
from .explain import explain

NEUTRAL = Verdict("neutral", "", 0.0, "unrelated", "")
RELATED_DICE = 0.12


def dice(a: frozenset[str], b: frozenset[str]) -> float:
    return 2 * len(a & b) / (len(a) + len(b)) if a and b else 0.0


def _shared(an: KoAnalysis, bn: KoAnalysis) -> frozenset[str]:
    return an.content & bn.content


def _same_dim(x: Quantity, y: Quantity) -> bool:
    return x.dim == y.dim and (x.role == y.role or not x.role or not y.role)


def _complement(x: Quantity, y: Quantity) -> bool:
    """"가용률 99.5% 이상" / "중단 0.5% 이하": the two sides of one whole."""
    if x.dim != "percent" or y.dim != "percent" or {x.direction, y.direction} != {"lower", "upper"}:
        return False
    bx = x.low if x.direction == "lower" else x.high
    by = y.low if y.direction == "lower" else y.high
    return abs(bx + by - 100.0) < 0.01 and max(bx, by) >= 50


def numeric(an: KoAnalysis, bn: KoAnalysis) -> tuple[str, Quantity | None, Quantity | None]:
    """'conflict' / 'equal' / 'compatible' / 'complementary' / '' for the figures of one measure."""
    best: tuple[str, Quantity | None, Quantity | None] = ("", None, None)
    rank = {"": 0, "compatible": 1, "complementary": 2, "equal": 3, "conflict": 4}
    for x in an.quantities:
        for y in bn.quantities:
            if _complement(x, y):
                rel = "equal"
            elif not _same_dim(x, y):
                continue
            elif x.direction == "range" and y.direction == "range":
                rel = "equal" if (abs(x.low - y.low) < 1 and abs(x.high - y.high) < 1) else "conflict"
            else:
                rel = relation(x, y)
                # two thresholds of opposite direction that do not overlap: each rule covers the other's rest
                if {x.direction, y.direction} == {"lower", "upper"} and not x.role and not y.role and (
                        x.high <= y.low or y.high <= x.low or (x.strict or y.strict) and (
                        x.high == y.low or y.high == x.low)):
                    rel = "complementary"
            if rank[rel] > rank[best[0]]:
                best = (rel, x, y)
    return best


def _thresholds_overlap(x: Quantity | None, y: Quantity | None) -> bool:
    return bool(x and y and {x.direction, y.direction} == {"lower", "upper"} and x.low < y.high and y.low < x.high)


def choice(an: KoAnalysis, bn: KoAnalysis, ma: list, mb: list) -> tuple[str, str, str] | None:
    """(set, option a, option b) when the two pick different options of one set."""
    from .options import negated_options

    neg_a, neg_b = negated_options(an.text, ma), negated_options(bn.text, mb)
    for set_name in {m[0] for m in ma} & {m[0] for m in mb}:
        pa = {m[1] for m in ma if m[0] == set_name} - neg_a
        pb = {m[1] for m in mb if m[0] == set_name} - neg_b
        if pa and pb and not (pa & pb):
            return set_name, sorted(pa)[0], sorted(pb)[0]
        # one picks what the other rules out ("소셜 로그인은 제공하지 않는다")
        na = {m[1] for m in ma if m[0] == set_name} & neg_a
        nb = {m[1] for m in mb if m[0] == set_name} & neg_b
        if pa & nb:
            return set_name, sorted(pa & nb)[0], "not " + sorted(pa & nb)[0]
        if pb & na:
            return set_name, "not " + sorted(pb & na)[0], sorted(pb & na)[0]
    return None


def _term_match(x: frozenset[str], y: frozenset[str]) -> bool:
    common = x & y
    return bool(common) and len(common) * 2 >= min(len(x), len(y))


def classify_ko(an: KoAnalysis, bn: KoAnalysis, ma: list, mb: list, meta_a: Mapping[str, str],
                meta_b: Mapping[str, str]) -> Verdict:
    shared = _shared(an, bn)
    d = dice(an.content, bn.content)

    def hit(kind: str, rule: str, strength: float, values: tuple[str, str], spans_a=(), spans_b=()) -> Verdict:
        score = round(strength * (0.7 + 0.3 * min(1.0, d / 0.5)), 3)
        return Verdict("conflict", kind, score, rule, explain(kind, values, an.text, bn.text, meta_a, meta_b),
                       values, tuple(spans_a), tuple(spans_b))

    def merge(kind: str, rule: str, score: float) -> Verdict:
        return Verdict("duplicate", kind, round(score, 3), rule,
                       explain(kind, (an.text, bn.text), an.text, bn.text, meta_a, meta_b), (an.text, bn.text),
                       ((0, len(an.text)),), ((0, len(bn.text)),))

    # 1. competing definitions of one term
    if an.definition and bn.definition and _term_match(an.definition[0], bn.definition[0]):
        if an.definition[1] != bn.definition[1]:
            return hit("terminology", "terminology", 0.85, (an.definition[1], bn.definition[1]))
        return merge("duplicate", "same_content", 0.95)
    # 2. exclusive options
    ch = choice(an, bn, ma, mb)
    if ch and (shared or d >= 0.05):
        _, oa, ob = ch
        return hit("exclusive_choice", "choice_set", 0.9, (oa, ob),
                   [(m[2], m[3]) for m in ma if m[1] == oa.removeprefix("not ")],
                   [(m[2], m[3]) for m in mb if m[1] == ob.removeprefix("not ")])
    if d < RELATED_DICE and not (len(shared) >= 2):
        return NEUTRAL
    rel, qa, qb = numeric(an, bn)
    # 3. a must-have against an exclusion from this release
    if {an.priority, bn.priority} == {"must", "wont"} and shared:
        va = "필수" if an.priority == "must" else "제외"
        vb = "필수" if bn.priority == "must" else "제외"
        return hit("priority", "priority", 0.85, (va, vb))
    # 4. figures of one measure that cannot both hold
    if rel == "conflict" and qa and qb and (d >= 0.2 or qa.role == "retention" == qb.role or len(shared) >= 2):
        return hit("numeric", "numeric", 0.9, (qa.text, qb.text), [(qa.start, qa.end)], [(qb.start, qb.end)])
    if rel == "complementary":
        return Verdict("neutral", "", 0.0, "complementary_roles", "")
    # 5. a step one side requires and the other skips (or overlapping thresholds decided two ways)
    one_skips = (an.gate and bn.bypass and not an.bypass) or (bn.gate and an.bypass and not bn.bypass)
    if one_skips and (d >= 0.15 or (an.steps & bn.steps) or len(shared) >= 2):
        values = ("필수 절차", "생략") if an.gate else ("생략", "필수 절차")
        return hit("process", "process", 0.8, values)
    if rel in ("compatible",) and _thresholds_overlap(qa, qb) and (an.bypass or bn.bypass) and (an.steps & bn.steps):
        return hit("numeric", "numeric", 0.75, (qa.text if qa else "", qb.text if qb else ""))
    # 6. a permission or duty against a prohibition
    mods = {an.modality, bn.modality}
    polar = ("prohibit" in mods and mods & {"permit", "must", ""} and an.modality != bn.modality)
    flipped = polar or ((an.neg_count + bn.neg_count) % 2 == 1 and "prohibit" in mods)
    if flipped and (d >= 0.15 or len(shared) >= 2) and rel != "equal":
        return hit("negation", "negation", 0.8, (an.modality or "허용", bn.modality or "허용"))
    # 7. everyone against a part
    ua = bool(an.universal) and not (an.restrictive or an.only_nouns)
    ub = bool(bn.universal) and not (bn.restrictive or bn.only_nouns)
    ra = bool(an.restrictive or an.only_nouns) and not an.universal
    rb = bool(bn.restrictive or bn.only_nouns) and not bn.universal
    if ((ua and rb) or (ub and ra)) and (d >= 0.15 or len(shared) >= 2):
        va = ", ".join(an.universal or an.restrictive or sorted(an.only_nouns))
        vb = ", ".join(bn.universal or bn.restrictive or sorted(bn.only_nouns))
        return hit("scope", "scope", 0.8, (va, vb))
    # 8. merge candidates
    # the same figure in other units on a shared subject ("10년간 보존" / "120개월 동안 보관")
    if rel == "equal" and (d >= 0.15 or len(shared) >= 2):
        return merge("duplicate", "same_content", 0.9)
    if an.items and any(w in bn.content for w in an.items) and len(bn.content - an.content) <= 6:
        return merge("overlap", "overlap", 0.75)
    if bn.items and any(w in an.content for w in bn.items) and len(an.content - bn.content) <= 6:
        return merge("overlap", "overlap", 0.75)
    only_a, only_b = an.content - bn.content, bn.content - an.content
    if (d >= 0.6 or (d >= 0.45 and min(len(only_a), len(only_b)) <= 1)) and rel != "compatible":
        return merge("duplicate", "same_content", 0.7 + 0.3 * d)
    if rel == "compatible":
        return Verdict("neutral", "", 0.0, "compatible_numbers", "")
    return Verdict("neutral", "", 0.0, "related" if d >= RELATED_DICE else "unrelated", "")
