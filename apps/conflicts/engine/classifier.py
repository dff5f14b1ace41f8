"""Pairwise classification: conflict (with kind), duplicate/overlap, or neutral.

Order of reasoning:
1. explicit rules that each look for one *kind* of contradiction on the same subject
   (competing definitions, priorities, exclusive choices, numbers, negation, scope, opposites);
2. near-identical meaning -> duplicate;
3. otherwise a small logistic model over interpretable pair features (weights in
   ``model_weights.json``, reproduced by ``python -m tools.conflicts.calibrate``).
"""

from __future__ import annotations

import hashlib
import json
import math
import re
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from difflib import SequenceMatcher
from functools import lru_cache
from pathlib import Path
from typing import Literal

from . import slots, wordnet
from .analysis import (
    CONDITION_OPENERS,
    INSIDE,
    OUTSIDE,
    Analysis,
    analyse,
    article_free_tokens,
    condition_roles,
    join_compounds,
    norm_word,
)
from .boost import predict_logits
from .choices import DEFAULT_CHOICE_SETS, ChoiceMatcher, ChoiceMention, ChoiceSet, matcher_for
from .lexicon import (
    NEG_PREFIXES,
    NEGATORS,
    NUMBER_WORDS,
    OPPOSITES,
    OVERRIDE_CUES,
    PRIORITY_RANK,
    RESTRICTIVE,
    STOPWORDS,
)
from .pairdiff import DIFF_FEATURES, diff_features
from .quantities import UNITS, Quantity, numbered_items, relation
from .statements import Statement

Label = Literal["conflict", "duplicate", "neutral"]


@dataclass(frozen=True)
class Verdict:
    label: Label
    kind: str
    score: float
    rule: str
    explanation: str
    values: tuple[str, str] = ("", "")
    spans_a: tuple[tuple[int, int], ...] = ()
    spans_b: tuple[tuple[int, int], ...] = ()


NEUTRAL = Verdict("neutral", "", 0.0, "unrelated", "")

# Words whose opposite flips whether something happens at all: reported as a negation.
_POLARITY_WORDS = frozenset({"allow", "deny", "block", "forbid", "prohibit", "enable", "disable", "enabled",
                             "disabled", "include", "exclude", "included", "excluded", "show", "hide",
                             "visible", "invisible", "hidden", "accept", "reject", "grant", "revoke",
                             "approve", "approved", "rejected", "permitted", "prohibited", "allowed",
                             "mandatory", "optional", "required", "encrypted", "unencrypted", "plaintext",
                             "editable", "read-only", "opt-in", "opt-out"})
_CONDITIONALS = frozenset({"if", "when", "unless", "until", "after", "before", "while", "once", "whenever",
                           "only", "except"})
# words that open a trigger clause with the same meaning: "notified when a book becomes available" / "informed as
# soon as a book is available" keep one condition, they do not add one
_SAME_TRIGGER = frozenset({"when", "whenever", "once"})
_AS_SOON_AS_RE = re.compile(r"\bas soon as\b", re.IGNORECASE)


def _conditionals(an: Analysis) -> frozenset[str]:
    found = {("when" if w in _SAME_TRIGGER else w) for w in an.words & _CONDITIONALS}
    if _AS_SOON_AS_RE.search(an.text):
        found.add("when")
    return frozenset(found)


_COMPARATOR_WORDS = frozenset({"less", "more", "fewer", "than", "under", "below", "above", "over", "least", "most",
                               "max", "min", "maximum", "minimum", "within", "up", "exceed", "exceeding",
                               "greater", "longer", "shorter", "lower", "higher", "faster", "exactly"})
_UNIT_WORDS = frozenset(norm_word(u) for u in UNITS) | frozenset(UNITS)
# words that only spell a figure ("four" / "4"): once the figures compare equal they are not a difference
_FIGURE_WORDS = (_COMPARATOR_WORDS | _UNIT_WORDS | frozenset(NUMBER_WORDS)
                 | frozenset(norm_word(w) for w in NUMBER_WORDS))
_SCOPE_ONLY = frozenset({"only", "exclusively", "solely", "just"})

FEATURES = (
    "bias", "dice", "overlap", "seq_ratio", "jaccard", "diff_a", "diff_b", "small_sub", "insertion_only",
    "numeric_equal", "numeric_compatible", "numbers_differ", "cues_added", "conditional_added",
    "only_added", "length_ratio", "shared", "modality_differs", "weak_flip", "weak_opposite",
    "weak_scope", "identical", "long_pair", "longest_run", "one_block", "many_blocks",
    "subject_differs", "logic_change",
)
# the 27 features above plus the token-diff features of ``pairdiff`` (what changed and where); the slot
# features (``slots.SLOT_FEATURES``) can be offered too (``calibrate --slot-features``) and are computed when the
# shipped model names them
ALL_FEATURES = FEATURES + DIFF_FEATURES

_WEIGHTS_PATH = Path(__file__).with_name("model_weights.json")


_MODEL_OVERRIDE: dict | None = None


def set_model(model: dict | None) -> None:
    """Use ``model`` instead of ``model_weights.json`` (None restores the file); for calibration."""
    global _MODEL_OVERRIDE
    _MODEL_OVERRIDE = model
    load_model.cache_clear()


# what the digest covers: everything inference reads (not the manifest itself)
_MODEL_KEYS = ("type", "features", "classes", "base", "trees", "weights", "thresholds")


def model_digest(model: dict) -> str:
    """SHA-256 of the parts of a model that inference reads, canonical JSON; the manifest records it."""
    body = {k: model[k] for k in _MODEL_KEYS if k in model}
    return hashlib.sha256(json.dumps(body, sort_keys=True, separators=(",", ":")).encode()).hexdigest()


def model_manifest() -> dict:
    """The shipped model's manifest: digest, feature names, training-data ids (file hashes), parameters."""
    return dict(load_model().get("manifest", {}))


def _model_reads_slots() -> bool:
    """Slot features cost a little per pair: computed only when the model in use was trained on them."""
    return any(n.startswith("s_") for n in load_model().get("features", ()))


@lru_cache(maxsize=1)
def load_model() -> dict:
    if _MODEL_OVERRIDE is not None:
        return _MODEL_OVERRIDE
    try:
        return json.loads(_WEIGHTS_PATH.read_text())
    except (OSError, ValueError):
        # A neutral-leaning fallback so the engine still works before calibration.
        return {"features": list(FEATURES), "classes": ["conflict", "duplicate", "neutral"],
                "weights": [[0.0] * len(FEATURES) for _ in range(3)], "thresholds": {}}


# --------------------------------------------------------------------------------------------
# pair evidence


class Pair:
    """Evidence about two analysed statements; the token alignment is computed only when needed."""

    __slots__ = ("a", "b", "inter", "da", "db", "dice", "overlap", "jaccard", "low_a", "low_b", "_aligned",
                 "_seq_ratio", "_longest", "_ops")

    def __init__(self, a: Analysis, b: Analysis) -> None:
        self.a, self.b = a, b
        ca, cb = a.content, b.content
        inter = ca & cb
        self.inter = inter
        self.da, self.db = ca - cb, cb - ca
        n = len(ca) + len(cb)
        self.dice = 2 * len(inter) / n if n else 0.0
        self.overlap = len(inter) / min(len(ca), len(cb)) if ca and cb else 0.0
        union = len(ca | cb)
        self.jaccard = len(inter) / union if union else 0.0
        self.low_a, self.low_b = a.words - b.words, b.words - a.words
        self._aligned = False
        self._seq_ratio = 0.0
        self._longest = 0.0
        self._ops: tuple[tuple[str, int, int, int, int], ...] = ()

    def _align(self) -> None:
        if self._aligned:
            return
        self._aligned = True
        a, b = self.a, self.b
        if self.dice < 0.2:
            return
        sm = SequenceMatcher(None, a.seq, b.seq, autojunk=False)
        mb = sm.get_matching_blocks()
        total = len(a.seq) + len(b.seq)
        self._seq_ratio = 2 * sum(m.size for m in mb) / total if total else 1.0
        self._longest = max((m.size for m in mb), default=0) / max(1, min(len(a.seq), len(b.seq)))
        self._ops = tuple(op for op in sm.get_opcodes() if op[0] != "equal")

    @property
    def seq_ratio(self) -> float:
        self._align()
        return self._seq_ratio

    @property
    def longest_run(self) -> float:
        """Longest shared token run / shorter length."""
        self._align()
        return self._longest

    @property
    def ops(self) -> tuple[tuple[str, int, int, int, int], ...]:
        """Non-equal opcodes of the alignment of the two token sequences."""
        self._align()
        return self._ops

    @property
    def diff_blocks(self) -> int:
        return len(self.ops)


def make_pair(a: Analysis, b: Analysis) -> Pair:
    return Pair(a, b)


def _span_of(an: Analysis, words: frozenset[str] | set[str]) -> tuple[tuple[int, int], ...]:
    """Where the words stand; a word written as such is not also looked for under its synonyms ("secure"
    highlights "secure", not also "protected")."""
    written = {t.lower for t in an.tokens} & set(words)
    return tuple((t.start, t.end) for t in an.tokens
                 if t.lower in words or (t.norm in words and t.norm not in written))


# Where a requirement's subject ends ("Customer interaction logs | must be …") and, for "X needs Y", where the
# object starts ("Marketing needs | one customer profile that …").
_TOPIC_AUX = frozenset({"shall", "must", "should", "will", "may", "can", "could", "is", "are", "has", "have",
                        "was", "were", "be"})
_TOPIC_NEEDS = frozenset({"need", "needs", "require", "requires", "want", "wants", "expect", "expects"})
_TOPIC_STOP = frozenset({"that", "which", "who", "whose", "where", "when", "so", "because", "to", "unless", "if"})
_TOPIC_OPENERS = CONDITION_OPENERS - {"given"}  # "Upon X, the system shall …" names its subject later
_TOPIC_DROP = frozenset({"a", "an", "all", "every", "each", "any", "our", "their", "its"})  # "the UAV" keeps "the"


def _noun_phrases(an: Analysis) -> list[tuple[int, int]]:
    """Token ranges that name what a statement is about: its subject (before the first modal or auxiliary)
    and, after a "needs / requires" verb, its object up to a relative clause or comma."""
    toks = an.tokens
    out: list[tuple[int, int]] = []
    start = 0
    if toks and toks[0].lower in _TOPIC_OPENERS:
        # "If the report is selected, the system shall …": the subject comes after the condition
        start = next((k + (toks[k].lower == "then") for k in range(1, len(toks))
                      if toks[k].lower == "then" or "," in an.text[toks[k - 1].end:toks[k].start]), len(toks))
    for k in range(start, min(len(toks), start + 12)):
        t = toks[k]
        if t.lower in _TOPIC_AUX or t.lower in _TOPIC_NEEDS:
            out.append((start, k))
            if t.lower in _TOPIC_NEEDS:
                end = k + 1
                while end < len(toks) and toks[end].lower not in _TOPIC_STOP and toks[end].lower not in _TOPIC_AUX \
                        and "," not in an.text[toks[end - 1].end:toks[end].start]:
                    end += 1
                out.append((k + 1, end))
            break
    trimmed = []
    for i, j in out:
        while i < j and toks[i].lower in _TOPIC_DROP:
            i += 1
        if 0 < j - i <= 7:
            trimmed.append((i, j))
    return trimmed


def _subject_words(an: Analysis) -> frozenset[str]:
    """Content words of the subject (before the first modal or auxiliary); empty when there is none."""
    phrases = _noun_phrases(an)
    if not phrases:
        return frozenset()
    i, j = phrases[0]
    return frozenset(t.norm for t in an.tokens[i:j] if t.norm in an.content)


def _different_items(p: Pair) -> bool:
    """The statements are about different numbered items of one kind and say something else as well ("respond
    to priority 1 incidents within 1 hour" / "priority 3 incidents within 2 days"): each item has its own rule.
    When the item number is all that differs ("delivered in phase 1" / "in phase 2") it is the contested value."""
    ia, ib = numbered_items(p.a.text), numbered_items(p.b.text)
    if not any(ib.get(label, num) != num for label, num in ia.items()):
        return False
    return bool(p.da or p.db or p.a.neg_count != p.b.neg_count or _figures(p.a) != _figures(p.b))


def _figures(an: Analysis) -> list[tuple[str, float, float]]:
    return sorted((q.dim, q.low, q.high) for q in an.quantities)


def _topic(p: Pair, limit: int = 5) -> str:
    """What both statements are about, as a phrase one can read aloud: the subject (or, for "X needs Y",
    the object) of either statement that holds the most of their shared content words ("customer
    interaction logs", "personalised offers for returning visitors"); else their shared words in A's order."""
    best: tuple[int, str] | None = None
    for an in (p.a, p.b):
        for i, j in _noun_phrases(an):
            shared = sum(1 for t in an.tokens[i:j] if t.norm in p.inter)
            if shared and (best is None or shared > best[0]):
                phrase = an.text[an.tokens[i].start:an.tokens[j - 1].end]
                first = phrase.split(" ", 1)[0]
                if first[:1].isupper() and first[1:].islower() and first.isalpha():
                    phrase = phrase[0].lower() + phrase[1:]  # sentence case, not an acronym or a name
                best = (shared, phrase)
    if best:
        return best[1]
    run = _shared_run(p)
    if run:
        return run
    words: list[str] = []
    seen: set[str] = set()
    for t in p.a.tokens:
        if t.norm in p.inter and t.norm not in seen:
            seen.add(t.norm)
            words.append(t.lower)
    if not words:
        return "this point"
    return " ".join(words[:limit])


def _shared_run(p: Pair) -> str:
    """When the subjects themselves differ ("IT" / "Marketing must own the CRM"), what both are about is the
    longest stretch of A both statements share, from its first article on ("the CRM", not "own the CRM");
    "" when there is none."""
    toks = p.a.tokens
    best: tuple[int, int] = (0, 0)
    i = 0
    while i < len(toks):
        j = i
        while j < len(toks) and (toks[j].norm in p.inter or toks[j].lower in _ARTICLES_AND_OF):
            j += 1
        if sum(t.norm in p.inter for t in toks[i:j]) > sum(t.norm in p.inter for t in toks[best[0]:best[1]]):
            best = (i, j)
        i = j + 1
    i, j = best
    article = next((k for k in range(i, j) if toks[k].lower in ("the", "a", "an")), None)
    if article is not None:
        i = article  # "team owns the customer master data" -> "the customer master data"
    while i < j and wordnet.lemmas(toks[i].lower, "v") and not wordnet.lemmas(toks[i].lower, "n"):
        i += 1  # "own CRM access" -> "CRM access"
    while j > i and toks[j - 1].lower in _ARTICLES_AND_OF:
        j -= 1
    if sum(t.norm in p.inter for t in toks[i:j]) < 1 or i >= j or toks[i].lower == "of":
        return ""
    return p.a.text[toks[i].start:toks[j - 1].end]


_ARTICLES_AND_OF = frozenset({"the", "a", "an", "of"})


# ---- rules: each returns (kind, strength, values, spans_a, spans_b) or None

RuleHit = tuple[str, float, tuple[str, str], tuple[tuple[int, int], ...], tuple[tuple[int, int], ...], str]


def _dims_match(x: Quantity, y: Quantity) -> bool:
    if x.dim.startswith("count:") and y.dim.startswith("count:"):
        nx, ny = set(x.dim[6:].split("+")) - {""}, set(y.dim[6:].split("+")) - {""}
        return bool(nx & ny) or (not nx and not ny)
    if x.dim != y.dim:
        return False
    if x.qualifier and y.qualifier and x.qualifier != y.qualifier:
        return False
    return not (x.role != y.role and (x.role or y.role))


def numeric_relation(p: Pair) -> tuple[str, Quantity | None, Quantity | None]:
    """'none', 'equal', 'compatible' or 'conflict' plus the first clashing pair."""
    qa = [q for q in p.a.quantities if q.dim != "count:" and q.dim != "year" or q.role]
    qb = [q for q in p.b.quantities if q.dim != "count:" and q.dim != "year" or q.role]
    # bare numbers/years count only when they are what the statements differ in
    if not qa or not qb:
        bare_a = [q for q in p.a.quantities if q.dim in {"count:", "year"}]
        bare_b = [q for q in p.b.quantities if q.dim in {"count:", "year"}]
        if bare_a and bare_b and p.dice >= 0.7:
            qa, qb = bare_a, bare_b
    if not qa or not qb:
        return "none", None, None
    verdicts: list[tuple[str, Quantity, Quantity]] = []
    groups: dict[int, list[Quantity]] = {}
    for x in qa:
        ys = [y for y in qb if _dims_match(x, y)]
        if not ys:
            continue
        same_dim_a = [z for z in qa if _dims_match(z, ys[0])]
        if len(same_dim_a) == len(ys) and len(ys) > 1:
            y = ys[same_dim_a.index(x)]
            verdicts.append((relation(x, y), x, y))
            continue
        groups.setdefault(id(x), ys)
        rels = [(relation(x, y), y) for y in ys]
        for wanted in ("equal", "compatible", "conflict"):
            hit = next((y for r, y in rels if r == wanted), None)
            if hit is not None:
                verdicts.append((wanted, x, hit))
                break
    if not verdicts:
        return "none", None, None
    for r, x, y in verdicts:
        if r == "conflict":
            return "conflict", x, y
    if all(r == "equal" for r, _, _ in verdicts):
        return "equal", None, None
    return "compatible", None, None


def _distinct_subjects(p: Pair) -> bool:
    """Each statement's subject names a thing the other never mentions ("inspection records" / "raw images from
    the cameras", "the diameter tolerance" / "the length tolerance"): two things, each with its own figure. Only
    common nouns count: a name or an abbreviation ("the UAV" / "the Hummingbird") may be an alias of the other
    side's subject, and a WordNet synonym ("payroll run" / "payroll processing") restates it."""
    sa, sb = _subject_words(p.a), _subject_words(p.b)
    only_a, only_b = sa - p.b.content, sb - p.a.content
    if not only_a or not only_b:
        return False

    def common_nouns(an: Analysis, words: frozenset[str]) -> bool:
        first = an.tokens[0]
        return all(an.text[t.start:t.end].islower() or (t is first and an.text[t.start + 1:t.end].islower())
                   for t in an.tokens if t.norm in words)

    return (common_nouns(p.a, only_a) and common_nouns(p.b, only_b)
            and not any(wordnet.restated_by(w, p.b.content) for w in only_a)
            and not any(wordnet.restated_by(w, p.a.content) for w in only_b))


def rule_numeric(p: Pair) -> RuleHit | None:
    rel, x, y = numeric_relation(p)
    if rel != "conflict" or x is None or y is None or _distinct_subjects(p):
        return None
    retention = x.role == "retention" and y.role == "retention"
    # (the shared words of two retention rules must name what is kept, not "at least … years")
    if not (p.dice >= 0.45 or (retention and len(p.inter - _FIGURE_WORDS) >= 2)
            or (p.overlap >= 0.6 and len(p.inter) >= 3)):
        return None
    strength = 0.9 if p.dice >= 0.6 or retention else 0.75
    return ("numeric", strength, (x.text, y.text), ((x.start, x.end),), ((y.start, y.end),), "")


def _choice_sets_key(choice_sets: Sequence[ChoiceSet]) -> ChoiceMatcher:
    return matcher_for(choice_sets)  # type: ignore[arg-type]


def _mentions(text: str, choice_sets: ChoiceMatcher | Sequence[ChoiceSet]) -> tuple[ChoiceMention, ...]:
    m = choice_sets if isinstance(choice_sets, ChoiceMatcher) else matcher_for(choice_sets)  # type: ignore[arg-type]
    return m.mentions(text)


_RECURRENCE_SETS = frozenset({"cadence", "weekday"})


def rule_choice(p: Pair, choice_sets: ChoiceMatcher) -> RuleHit | str | None:
    """An exclusive choice, or "distinct" when the options clash but belong to two different subjects."""
    ma = _mentions(p.a.text, choice_sets)
    mb = _mentions(p.b.text, choice_sets)
    if not ma or not mb:
        return None
    only_a = bool(p.a.restrictive & _SCOPE_ONLY)
    only_b = bool(p.b.restrictive & _SCOPE_ONLY)
    distinct = False
    option_words = {w.lower() for m in ma + mb for w in re.findall(r"\w+", m.text)}
    shared = {w for w in p.inter if w not in option_words}
    for cs_name in dict.fromkeys(m.set_name for m in ma):
        xa = [m for m in ma if m.set_name == cs_name]
        xb = [m for m in mb if m.set_name == cs_name]
        if not xb:
            continue
        pos_a = {m.option for m in xa if not m.negated}
        neg_a = {m.option for m in xa if m.negated}
        pos_b = {m.option for m in xb if not m.negated}
        neg_b = {m.option for m in xb if m.negated}
        clash = (
            (pos_a and pos_b and pos_a.isdisjoint(pos_b))
            or (pos_a & neg_b) or (pos_b & neg_a)
            or (only_a and pos_b - pos_a) or (only_b and pos_a - pos_b)
        )
        if not clash:
            continue
        if not shared and not (p.a.modality and p.b.modality):
            continue
        subj_a, subj_b = _subject_words(p.a) - option_words, _subject_words(p.b) - option_words
        if subj_a and subj_b and subj_a.isdisjoint(subj_b):
            distinct = True
            continue  # two things with an option each ("segments are calculated weekly" / "churn scores … daily")
        if cs_name in _RECURRENCE_SETS and not shared - subj_a - subj_b - _FIGURE_WORDS:
            continue  # a cadence belongs to what recurs, not to who does it ("employees … annual training" /
            # "employees … timesheets weekly")
        if p.dice < 0.1 and len(shared) < 1:
            continue
        ma_hit = next((m for m in xa if m.option not in pos_b or m.negated), xa[0])
        mb_hit = next((m for m in xb if m.option not in pos_a or m.negated), xb[0])
        va = ("not " if ma_hit.negated else "") + ma_hit.text
        vb = ("not " if mb_hit.negated else "") + mb_hit.text
        strength = 0.9 if shared else 0.7
        return ("exclusive_choice", strength, (va, vb), ((ma_hit.start, ma_hit.end),),
                ((mb_hit.start, mb_hit.end),), cs_name)
    return "distinct" if distinct else None


def _stems(words, others: frozenset[str] | set[str]) -> list[tuple[str, str]]:
    """(prefixed word, its stem) for each of ``words`` whose stem after a negating prefix is in ``others``."""
    return [(w, w[len(pre):]) for w in words for pre in NEG_PREFIXES if w.startswith(pre) and w[len(pre):] in others]


def _prefix_pairs(p: Pair) -> list[tuple[str, str]]:
    """Prefixed opposites across the pair ("unauthenticated" / "authenticated"); a prefixed word that is itself a
    negator ("unable", "impossible") is already counted as a negation."""
    def candidates(words: frozenset[str]) -> list[str]:
        return [w for w in words if len(w) > 5 and w[0] in "uindi" and w not in NEGATORS]

    out = _stems(candidates(p.low_a), p.low_b) + [(stem, y) for y, stem in _stems(candidates(p.low_b), p.low_a)]
    # one opposite counts once even when a synonym and its surface form both match
    # ("authenticated" is also read as "authorized")
    seen: set[tuple[str, str]] = set()
    unique = []
    for x, y in out:
        k = (norm_word(x), norm_word(y))
        if k not in seen:
            seen.add(k)
            unique.append((x, y))
    return unique


def _modal_phrase(an: Analysis) -> tuple[str, tuple[tuple[int, int], ...]]:
    m = re.search(r"\b(?:must|shall|should|will|may|can|could|do|does|is|are)\s+(?:not|never)\b|\bcannot\b|"
                  r"\bcan't\b|\bwon't\b|\bnever\b|\bnot\b|\bno\b|\bwithout\b|\b(?:must|shall|will|may|can|"
                  r"should|required|mandatory)\b", an.text, re.IGNORECASE)
    if not m:
        return "", ()
    return m.group(0), ((m.start(), m.end()),)


def rule_negation(p: Pair) -> RuleHit | None:
    prefixes = _prefix_pairs(p)
    flips = p.a.neg_count + p.b.neg_count + len(prefixes)
    may_vs_neg = {p.a.modality, p.b.modality} == {"may", "neg"}
    if flips % 2 == 0 and not may_vs_neg:
        return None
    if p.dice < 0.55 or len(p.da) + len(p.db) > 6:
        return None
    if not prefixes and not may_vs_neg and _complementary_branches(p):
        return None
    if prefixes:
        x, y = prefixes[0]
        xa = x if x in p.low_a else y
        xb = y if xa == x else x
        return ("negation", 0.85, (xa, xb), _span_of(p.a, {xa}), _span_of(p.b, {xb}), "")
    strength = 0.9 if p.dice >= 0.7 else 0.75
    negators = _prefixed_negators(p)
    if negators:
        # "unable" / "able", "impossible" / "possible": quote the two words, not the modal verb both share
        x, y = negators[0]
        return ("negation", strength, (x, y), _span_of(p.a, {x}), _span_of(p.b, {y}), "")
    va, sa = _modal_phrase(p.a)
    vb, sb = _modal_phrase(p.b)
    return ("negation", strength, (va or "(affirmative)", vb or "(affirmative)"), sa, sb, "")


def _prefixed_negators(p: Pair) -> list[tuple[str, str]]:
    """(word in A, word in B) where one is a prefixed negator and the other its stem ("unable" / "able")."""
    words_a = {t.lower for t in p.a.tokens}
    words_b = {t.lower for t in p.b.tokens}
    return _stems(sorted(words_a & NEGATORS), words_b) + [
        (stem, y) for y, stem in _stems(sorted(words_b & NEGATORS), words_a)]


def _split_condition(an: Analysis) -> tuple[int, frozenset[str]]:
    """(negating words inside condition clauses, content words outside them)."""
    negations = 0
    outside: set[str] = set()
    for t, role in zip(an.tokens, condition_roles(an.text), strict=True):
        if role == INSIDE and (t.lower in NEGATORS or t.lower.endswith("n't")):
            negations += 1
        elif role == OUTSIDE and t.norm in an.content:
            outside.add(t.norm)
    return negations, frozenset(outside)


def _complementary_branches(p: Pair) -> bool:
    """The flipped "not" sits in a condition and the two statements then require different things: "when X is
    not complete, warn" / "when X is complete, allow" are two branches of one rule, not a yes and a no to the
    same thing. With the same consequence ("when X is not complete, allow" / "when X is complete, allow") the
    condition itself is contested, and that stays a negation conflict."""
    neg_a, out_a = _split_condition(p.a)
    neg_b, out_b = _split_condition(p.b)
    return (neg_a + neg_b) % 2 == 1 and out_a != out_b


def _figure_words(an: Analysis) -> set[str]:
    """Words that are part of a figure: "one" in "within one day" is a number, not a restriction."""
    return {t.lower for t in an.tokens for q in an.quantities if q.start <= t.start < q.end}


def _quantified(an: Analysis, word: str) -> set[str]:
    """Content words of the noun phrase a quantifier opens ("all motor claims", "only on bills for business …");
    nothing when "only" restricts a verb ("shall only execute one plan at a time")."""
    for k, t in enumerate(an.tokens):
        if t.lower == word:
            nxt = an.tokens[k + 1].lower if k + 1 < len(an.tokens) else ""
            if word in _SCOPE_ONLY and wordnet.lemmas(nxt, "v") and not wordnet.lemmas(nxt, "n"):
                return set()
            return {u.norm for u in an.tokens[k + 1:k + 5] if u.norm in an.content and u.norm not in _FIGURE_WORDS}
    return set()


_ALL_WORDS = frozenset({"all", "every", "each", "any", "always"})


def rule_scope(p: Pair) -> RuleHit | None:
    close = p.dice >= 0.5 and len(p.da) + len(p.db) <= 6
    # further apart, the two quantifiers must open the same phrase: "all motor claims must be inspected" / "only
    # motor claims above 3,000 EUR must be inspected …; smaller claims are assessed from photos"
    if not close and (p.dice < 0.35 or len(p.da) + len(p.db) > 14):
        return None
    uni_a = p.a.universal - p.b.universal
    uni_b = p.b.universal - p.a.universal
    res_a = (p.a.restrictive - p.b.restrictive) - {"no", "never", "none"} - _figure_words(p.a)
    res_b = (p.b.restrictive - p.a.restrictive) - {"no", "never", "none"} - _figure_words(p.b)
    if uni_a and res_b:
        wa, wb = sorted(uni_a)[0], sorted(res_b)[0]
    elif uni_b and res_a:
        wa, wb = sorted(res_a)[0], sorted(uni_b)[0]
    else:
        return _qualifier_added(p) if close else None
    if not close and not ({wa, wb} & _SCOPE_ONLY and {wa, wb} & _ALL_WORDS
                          and _quantified(p.a, wa) & _quantified(p.b, wb)):
        return None
    return ("scope", 0.8 if close else 0.75, (wa, wb), _span_of(p.a, {wa}), _span_of(p.b, {wb}), "")


# ... and, the other way round, one that widens a singular to many ("assign them to a UAV" / "to multiple UAVs")
_WIDENING = frozenset({"multiple", "many", "several"})
_QUALIFIERS = (RESTRICTIVE - {"no", "never", "none", "one", "select", "selected", "part", "some"}) | _WIDENING


def _qualifier_added(p: Pair) -> RuleHit | None:
    """The only edit adds or drops a restricting qualifier ("a unique ID" / "an ID", "only authenticated")."""
    if len(p.ops) != 1 or p.ops[0][0] == "replace":
        return None
    _, i1, i2, j1, j2 = p.ops[0]
    seg = p.a.seq[i1:i2] + p.b.seq[j1:j2]
    if not 1 <= len(seg) <= 2:
        return None
    words = sorted(set(seg) & _QUALIFIERS)
    if not words:
        return None
    w = words[0]
    other = "(one)" if w in _WIDENING else "(unrestricted)"
    if i2 > i1:
        return ("scope", 0.75, (w, other), _span_of(p.a, {w}), (), "")
    return ("scope", 0.75, (other, w), (), _span_of(p.b, {w}), "")


def _opposite_pairs(p: Pair) -> list[tuple[str, str]]:
    out = []
    for x in p.low_a:
        opp = OPPOSITES.get(x)
        if opp:
            for y in opp & p.low_b:
                out.append((x, y))
    if not out:
        # beyond the built-in list: antonyms in WordNet's main senses ("secure" / "insecure", "public" /
        # "private", "increase" / "decrease"), so a customer's own vocabulary is covered too
        xs = [w for w in p.low_a if _antonym_candidate(w)]
        ys = [w for w in p.low_b if _antonym_candidate(w)]
        if len(xs) * len(ys) <= 64:
            out = [(x, y) for x in sorted(xs) for y in sorted(ys) if wordnet.relation(x, y) == "opposite"]
    return out


def _antonym_candidate(w: str) -> bool:
    return len(w) > 2 and w.isalpha() and w not in STOPWORDS and w not in _FIGURE_WORDS


def _aligned_opposites(p: Pair) -> list[tuple[str, str]]:
    """Opposites that replace each other in place ("current" -> "past"), not items of a longer list."""
    pairs = _opposite_pairs(p)
    # an opposite may also be said elsewhere in the other statement in other words ("open connection and …
    # protected" / "secure connection and … protected"), so it is not a leftover word of either side
    hidden = not pairs and any(OPPOSITES.get(x, _NONE) & p.b.words for x in p.low_a)
    if not pairs and not hidden:
        return []
    ta = [t.lower for t in article_free_tokens(p.a)]
    tb = [t.lower for t in article_free_tokens(p.b)]
    sm = SequenceMatcher(None, [norm_word(w) for w in ta], [norm_word(w) for w in tb], autojunk=False)
    out = []
    for tag, i1, i2, j1, j2 in sm.get_opcodes():
        if tag != "replace" or i2 - i1 > 2 or j2 - j1 > 2:
            continue
        seg_a = set(ta[i1:i2]) | {norm_word(w) for w in ta[i1:i2]}
        seg_b = set(tb[j1:j2]) | {norm_word(w) for w in tb[j1:j2]}
        out.extend((x, y) for x, y in sorted(pairs) if x in seg_a and y in seg_b)
        if hidden:
            out.extend(sorted((x, y) for x in seg_a for y in OPPOSITES.get(x, _NONE) if y in seg_b))
    return out


_NONE: frozenset[str] = frozenset()


# the two ends of one transfer: when different actors do them, they describe one exchange, not a contradiction
# (a word's normal form may be shared: "push" reads as "send", so each end maps to the set of its other ends)
_TRANSFER_ENDS: dict[str, frozenset[str]] = {}
_RECEIVING_ENDS = ("download", "receive", "import", "pull", "take", "borrow", "buy", "subscribe")
for _x, _y in (("upload", "download"), ("send", "receive"), ("transmit", "receive"), ("export", "import"),
               ("push", "pull"), ("give", "take"), ("lend", "borrow"), ("sell", "buy"), ("publish", "subscribe")):
    _TRANSFER_ENDS[norm_word(_x)] = _TRANSFER_ENDS.get(norm_word(_x), frozenset()) | {norm_word(_y)}
    _TRANSFER_ENDS[norm_word(_y)] = _TRANSFER_ENDS.get(norm_word(_y), frozenset()) | {norm_word(_x)}
_RECEIVING = frozenset(norm_word(w) for w in _RECEIVING_ENDS)


def _actor(an: Analysis) -> frozenset[str]:
    """Who acts: the subject before the modal verb, or else the first content word ("The agency uploads …")."""
    return _subject_words(an) or frozenset({_subject(an)} - {""})


def _complementary_roles(p: Pair) -> bool:
    """"Teachers upload course materials" / "students download course materials": two actors at the two
    ends of one exchange."""
    ends_a = {norm_word(w) for w in p.low_a} & _TRANSFER_ENDS.keys()
    if not ends_a:
        return False  # the common case, decided without looking further
    ends_b = {norm_word(w) for w in p.low_b}
    if not all(_TRANSFER_ENDS[x] & ends_b for x in ends_a):
        return False
    subj_a, subj_b = _actor(p.a), _actor(p.b)
    return bool(subj_a and subj_b and subj_a.isdisjoint(subj_b))


# which party a transfer verb's preposition names: "sends … to X", "receives … from X"
_TOWARDS = frozenset({"to", "into", "towards"})
_AWAY = frozenset({"from"})


def _converse(p: Pair) -> bool:
    """One transfer told from its two ends ("the CRM sends contacts to the warehouse" / "the warehouse receives
    contacts from the CRM"): the verb turns into its converse and the two parties change places, so both say the
    same thing. Not when the parties stay put ("the CRM receives contacts from the warehouse": the direction
    is reversed, a swap)."""
    ends_a = {norm_word(w) for w in p.low_a} & _TRANSFER_ENDS.keys()
    if len(ends_a) != 1:
        return False
    (x,) = ends_a
    ys = _TRANSFER_ENDS[x] & {norm_word(w) for w in p.low_b}
    if not ys or not (p.da <= {x} and p.db <= ys):
        return False
    subj_a, subj_b = _actor(p.a), _actor(p.b)
    if not subj_a or not subj_b or not subj_a.isdisjoint(subj_b):
        return False

    def named_after(an: Analysis, preps: frozenset[str], party: frozenset[str]) -> bool:
        # the party is the noun phrase right after the preposition (articles are already gone from seq)
        return any(w in preps and party <= set(an.seq[i + 1:i + 1 + len(party) + 1])
                   for i, w in enumerate(an.seq))

    to_a, to_b = (_AWAY, _TOWARDS) if x in _RECEIVING else (_TOWARDS, _AWAY)
    return named_after(p.a, to_a, subj_b) and named_after(p.b, to_b, subj_a)


def rule_opposite(p: Pair) -> RuleHit | None:
    if p.dice < 0.5 or len(p.da) + len(p.db) > 6:
        return None
    pairs = _aligned_opposites(p)
    if not pairs:
        return None
    x, y = pairs[0]
    kind = "negation" if x in _POLARITY_WORDS or y in _POLARITY_WORDS else "other"
    return (kind, 0.8, (x, y), _span_of(p.a, {x}), _span_of(p.b, {y}), "")


# what may stand between the two parts of one coordination ("fast and moderate" / "moderate and fast")
_COORDINATION = frozenset({"and", "or", "nor", "plus", "&", "/", ",", "as", "well", "both", "either"})


def rule_swap(p: Pair) -> RuleHit | None:
    """Two things exchange places and everything else stays ("the CRM pushes contacts to the warehouse" /
    "the warehouse pushes contacts to the CRM"): the same words, the opposite direction. Not the two parts of
    one coordination changing order, and not a passive rewording ("… are pushed by the CRM")."""
    toks_a = [t for t in p.a.tokens if t.norm in p.a.content]
    toks_b = [t for t in p.b.tokens if t.norm in p.b.content]
    xa, xb = [t.norm for t in toks_a], [t.norm for t in toks_b]
    if xa == xb or Counter(xa) != Counter(xb) or len(xa) > 40:
        return None
    if ("by" in p.a.seq) != ("by" in p.b.seq):
        return None
    n = len(xa)
    # the exchanged parts are names of things (one or two words), not clauses or figures moved around
    # ("a round trip of 40 miles shall take less than 60 minutes" / "… less than 60 minutes for a round trip …")
    figures = [(q.start, q.end) for q in p.a.quantities]
    for i in range(n):
        for li in (1, 2):
            for j in range(i + li, n):
                for lj in (1, 2):
                    if j + lj > n:
                        break
                    if xa[:i] + xa[j:j + lj] + xa[i + li:j] + xa[i:i + li] + xa[j + lj:] != xb:
                        continue
                    between = {t.lower for t in p.a.tokens if toks_a[i + li - 1].end <= t.start < toks_a[j].start}
                    first, second = toks_a[i:i + li], toks_a[j:j + lj]
                    moved_figure = any(fs <= t.start < fe for t in first + second for fs, fe in figures)
                    if between <= _COORDINATION or moved_figure:
                        return None
                    x = p.a.text[first[0].start:first[-1].end]
                    y = p.a.text[second[0].start:second[-1].end]
                    k = i + (j + lj - (i + li))  # where the first phrase ends up in B
                    y_b, x_b = toks_b[i:i + lj], toks_b[k:k + li]
                    values = (f"{x} … {y}", f"{p.b.text[y_b[0].start:y_b[-1].end]} … "
                                           f"{p.b.text[x_b[0].start:x_b[-1].end]}")
                    spans_a = ((first[0].start, first[-1].end), (second[0].start, second[-1].end))
                    spans_b = ((y_b[0].start, y_b[-1].end), (x_b[0].start, x_b[-1].end))
                    return ("other", 0.8, values, spans_a, spans_b, "swapped")
    return None


def _definition(an: Analysis, meta: Mapping[str, str]) -> tuple[str, str, int] | None:
    if an.definition:
        return an.definition
    if meta.get("input_kind") == "definition" and an.plain_definition:
        return an.plain_definition
    return None


def _term_match(x: str, y: str) -> bool:
    if x == y:
        return True
    wx, wy = set(x.split()), set(y.split())
    if not wx or not wy:
        return False
    return len(wx & wy) / len(wx | wy) >= 0.6


def rule_terminology(p: Pair, meta_a: Mapping[str, str], meta_b: Mapping[str, str]) -> RuleHit | str | None:
    da = _definition(p.a, meta_a)
    db = _definition(p.b, meta_b)
    if not da or not db or not _term_match(da[0], db[0]):
        return None
    ba, bb = analyse(da[1]), analyse(db[1])
    bp = make_pair(ba, bb)
    rel, _, _ = numeric_relation(bp)
    if bp.dice >= 0.8 and rel != "conflict" and not _opposite_pairs(bp):
        return "duplicate"
    return ("terminology", 0.85, (da[1], db[1]), ((da[2], da[2] + len(da[1])),), ((db[2], db[2] + len(db[1])),),
            da[0])


_MOSCOW_RE = re.compile(r"\b(must|should|could)[- ]haves?\b|\bnice[- ]to[- ]have\b|\bmandatory\b", re.IGNORECASE)


def _priority(an: Analysis, meta: Mapping[str, str]) -> tuple[str, str, tuple[tuple[int, int], ...]]:
    pr = (meta.get("priority") or "").lower().replace("'", "").replace("won't", "wont")
    if an.out_of_scope:
        s, e = an.out_of_scope
        return "wont", an.text[s:e], ((s, e),)
    if pr in PRIORITY_RANK:
        return pr, f"{pr} have" if pr != "wont" else "won't have", ()
    m = _MOSCOW_RE.search(an.text)
    if m:
        # the rating written out: "is a must-have for go-live", "mandatory", "a nice-to-have"
        rank = m.group(1).lower() if m.group(1) else ("could" if m.group(0).lower().startswith("nice") else "must")
        return rank, m.group(0), ((m.start(), m.end()),)
    if an.modality in ("must", "should"):
        # the wording rates it when no MoSCoW priority was set: "must" a must-have, "should" a should-have
        return an.modality, f"{an.modality} have", ()
    return "", "", ()


def rule_priority(p: Pair, meta_a: Mapping[str, str], meta_b: Mapping[str, str]) -> RuleHit | None:
    pa, va, sa = _priority(p.a, meta_a)
    pb, vb, sb = _priority(p.b, meta_b)
    if not pa or not pb or (pa == "wont") == (pb == "wont"):
        return None
    other = pb if pa == "wont" else pa
    if other not in {"must", "should"}:
        return None
    scope_words = {"scope", "out", "phase", "release", "deferred", "postponed", "priority", "required",
                   "needed", "descoped", "plan"}
    shared = p.inter - scope_words
    ca = p.a.content - scope_words
    cb = p.b.content - scope_words
    dice = 2 * len(shared) / (len(ca) + len(cb)) if ca or cb else 0.0
    if dice < 0.4 and len(shared) < 3:
        return None
    return ("priority", 0.85, (va, vb), sa, sb, "")


# --------------------------------------------------------------------------------------------
# model features


def pair_features(p: Pair) -> dict[str, float]:
    rel, _, _ = numeric_relation(p)
    nums_a = {t.lower for t in p.a.tokens if t.lower[0].isdigit()}
    nums_b = {t.lower for t in p.b.tokens if t.lower[0].isdigit()}
    cues = len((p.low_a & OVERRIDE_CUES) ^ (p.low_b & OVERRIDE_CUES))
    cond = len(_conditionals(p.a) ^ _conditionals(p.b))
    only_added = bool((p.a.restrictive ^ p.b.restrictive) & _SCOPE_ONLY)
    na, nb = len(p.a.tokens), len(p.b.tokens)
    flips = p.a.neg_count + p.b.neg_count + len(_prefix_pairs(p))
    # ("one" in "within one day" is a figure, not a restriction)
    weak_scope = bool((p.a.universal ^ p.b.universal)
                      and ((p.a.restrictive - _figure_words(p.a)) ^ (p.b.restrictive - _figure_words(p.b))))
    modality_differs = p.a.modality != p.b.modality and "" not in (p.a.modality, p.b.modality)
    out = {
        "bias": 1.0,
        "dice": p.dice,
        "overlap": p.overlap,
        "seq_ratio": p.seq_ratio,
        "jaccard": p.jaccard,
        "diff_a": min(len(p.da), 6) / 6,
        "diff_b": min(len(p.db), 6) / 6,
        "small_sub": float(1 <= len(p.da) <= 2 and 1 <= len(p.db) <= 2 and p.dice >= 0.6),
        "insertion_only": float((not p.da) != (not p.db) and p.dice >= 0.5),
        "numeric_equal": float(rel == "equal"),
        "numeric_compatible": float(rel == "compatible"),
        "numbers_differ": float(bool(nums_a ^ nums_b) and rel != "equal"),
        "cues_added": min(cues, 3) / 3,
        "conditional_added": min(cond, 2) / 2,
        "only_added": float(only_added),
        "length_ratio": min(na, nb) / max(na, nb, 1),
        "shared": min(math.log1p(len(p.inter)) / 3, 1.0),
        "modality_differs": float(modality_differs),
        "weak_flip": float(flips % 2 == 1),
        "weak_opposite": float(bool(_opposite_pairs(p))),
        "weak_scope": float(weak_scope),
        "identical": float(p.a.seq == p.b.seq),
        "long_pair": float(na > 30 and nb > 30),
        "longest_run": p.longest_run,
        "one_block": float(p.diff_blocks == 1),
        "many_blocks": min(p.diff_blocks, 6) / 6,
        "subject_differs": float(_subject(p.a) != _subject(p.b)),
        "logic_change": float(_logic_change(p)),
    }
    out.update(diff_features(p))
    return out


_HEDGES = frozenset({"near", "nearly", "approximately", "approx", "roughly", "almost", "around", "about"})
_STRICTNESS = frozenset({"strictly", "inclusive", "inclusively", "exclusive"})


_OPERATOR_RE = re.compile(r"[<>]\s*=?|=")
# "reconnect automatically, if possible": an escape clause that turns an obligation into a best effort
_BEST_EFFORT_RE = re.compile(r"\b(?:if|where|when|whenever|as far as|as much as)\s+(?:possible|feasible|practicable)\b",
                             re.IGNORECASE)


def _hedged(word: str) -> bool:
    """A hedge, also as the first part of a compound ("near-real-time", "almost-instant")."""
    return word in _HEDGES or word.split("-", 1)[0] in _HEDGES


def _logic_change(p: Pair) -> bool:
    """A change of logic with every content word kept: "and" swapped for "or" ("land when the link is lost
    and / or the battery is low": both conditions versus either), an alternative dropped ("turn on or off" /
    "turn off"), a hedge or a strictness added or dropped ("near real-time" / "real-time", "strictly less
    than" / "less than"), a best-effort escape added or dropped ("reconnect, if possible" / "reconnect"), or a
    different comparison operator ("T < LO" / "T > LO", "<= UO" / "< UO")."""
    touched = {w for _tag, i1, i2, j1, j2 in p.ops for w in (*p.a.seq[i1:i2], *p.b.seq[j1:j2])} | (p.low_a ^ p.low_b)
    if touched & _STRICTNESS or any(_hedged(w) for w in touched):
        return True
    if bool(_BEST_EFFORT_RE.search(p.a.text)) != bool(_BEST_EFFORT_RE.search(p.b.text)):
        return True
    # an alternative dropped: "turn on or off" / "turn off", "heating or cooling unit" / "heating unit"
    if any(tag in ("delete", "insert") and "or" in (*p.a.seq[i1:i2], *p.b.seq[j1:j2])
           for tag, i1, i2, j1, j2 in p.ops):
        return True
    if [m.group().replace(" ", "") for m in _OPERATOR_RE.finditer(p.a.text)] != [
            m.group().replace(" ", "") for m in _OPERATOR_RE.finditer(p.b.text)]:
        return True
    if ("and" in p.low_a and "or" in p.low_b) or ("or" in p.low_a and "and" in p.low_b):
        return True
    seq_a, seq_b = p.a.seq, p.b.seq
    return any(tag == "replace" and {tuple(seq_a[i1:i2]), tuple(seq_b[j1:j2])} == {("and",), ("or",)}
               for tag, i1, i2, j1, j2 in p.ops)


def _subject(an: Analysis) -> str:
    """The first content word: usually the actor or component a requirement is about."""
    for t in an.tokens:
        if t.norm in an.content:
            return t.norm
    return ""


def model_probs(features: Mapping[str, float]) -> dict[str, float]:
    model = load_model()
    names = model["features"]
    x = [features.get(n, 0.0) for n in names]
    if "trees" in model:
        logits = predict_logits(model, x)
    else:
        logits = [sum(w * v for w, v in zip(ws, x, strict=True)) for ws in model["weights"]]
    mx = max(logits)
    exps = [math.exp(v - mx) for v in logits]
    total = sum(exps)
    return {c: e / total for c, e in zip(model["classes"], exps, strict=True)}


# --------------------------------------------------------------------------------------------
# explanations


def _who(meta: Mapping[str, str], fallback: str) -> str:
    ws = (meta.get("workstream") or "").strip()
    return ws if ws else fallback


def _q(s: str, limit: int = 90) -> str:
    s = " ".join(s.split())
    if len(s) > limit:
        s = s[: limit - 1].rstrip() + "…"
    return f"“{s}”"


def explain(kind: str, label: str, p: Pair, values: tuple[str, str], extra: str,
            meta_a: Mapping[str, str], meta_b: Mapping[str, str], *, tentative: bool = False) -> str:
    """One sentence a PMO can read aloud. ``tentative``: the learned layer, not a rule, saw the contradiction
    (one value replaced by another), so the sentence says what differs and leaves open that both may hold
    ("cancel" / "book" appointments are two features, "speed" / "altitude" may be two readings)."""
    wa, wb = _who(meta_a, "Statement A"), _who(meta_b, "Statement B")
    if wa == wb:
        wa, wb = f"{wa} (first statement)", f"{wb} (second statement)"
    topic = _topic(p)
    va, vb = values
    if label == "duplicate":
        if kind == "overlap":
            return f"{wa} and {wb} partly overlap on {topic}; consider merging the shared part."
        return f"{wa} and {wb} state the same requirement about {topic}; consider merging them."
    if kind == "numeric":
        return f"{wa} and {wb} set incompatible values for {topic}: {va} ({wa}) versus {vb} ({wb})."
    if kind == "exclusive_choice":
        return f"{wa} and {wb} pick different options for the {extra or 'same choice'}: {va} ({wa}) versus {vb} ({wb})."
    if kind == "negation":
        return f"{wa} and {wb} disagree on whether it applies to {topic}: {_q(va)} ({wa}) versus {_q(vb)} ({wb})."
    if kind == "scope":
        return f"{wa} and {wb} give a different scope for {topic}: {_q(va)} ({wa}) versus {_q(vb)} ({wb})."
    if kind == "terminology":
        return f"{wa} and {wb} define {_q(extra or topic)} differently: {_q(va)} ({wa}) versus {_q(vb)} ({wb})."
    if kind == "priority":
        return f"{wa} and {wb} rank {topic} incompatibly: {_q(va)} ({wa}) versus {_q(vb)} ({wb})."
    if kind == "process":
        return (f"{wa} and {wb} set up {topic} differently (approval step or owner): {_q(va)} ({wa}) versus "
                f"{_q(vb)} ({wb}).")
    if extra == "swapped":
        return (f"{wa} and {wb} use the same words with two parts the other way round: {_q(va)} ({wa}) versus "
                f"{_q(vb)} ({wb}).")
    if tentative:
        return (f"{wa} and {wb} differ on {topic}: {_q(va)} ({wa}) versus {_q(vb)} ({wb}) — a conflict unless both "
                "can hold.")
    return f"{wa} and {wb} make contradicting statements about {topic}: {_q(va)} ({wa}) versus {_q(vb)} ({wb})."


def _diff_values(p: Pair) -> tuple[str, str, tuple[tuple[int, int], ...], tuple[tuple[int, int], ...]]:
    """The differing stretch of each statement, from the token alignment."""
    sm = SequenceMatcher(None, [t.norm for t in p.a.tokens], [t.norm for t in p.b.tokens], autojunk=False)
    spans_a: list[tuple[int, int]] = []
    spans_b: list[tuple[int, int]] = []
    for tag, i1, i2, j1, j2 in sm.get_opcodes():
        if tag == "equal":
            continue
        ta, tb = p.a.tokens, p.b.tokens
        if tag in ("delete", "insert"):
            # words only one side has: show them with the next shared word, and that word on the other side,
            # so it reads "strictly less" versus "less" instead of "strictly" versus "(nothing)"
            if i2 < len(ta) and j1 < len(tb):
                i2, j2 = i2 + 1, j1 + 1
            elif i1 > 0 and j1 > 0:
                i1, j1 = i1 - 1, j1 - 1
        if i2 > i1:
            spans_a.append((ta[i1].start, ta[i2 - 1].end))
        if j2 > j1:
            spans_b.append((tb[j1].start, tb[j2 - 1].end))
    if not spans_a and not spans_b:
        # the words are the same, so the difference is in symbols ("T < LO" / "T > LO")
        spans_a, spans_b = _symbol_spans(p.a.text, p.b.text)
    va = " … ".join(p.a.text[s:e] for s, e in spans_a[:2]) or "(nothing)"
    vb = " … ".join(p.b.text[s:e] for s, e in spans_b[:2]) or "(nothing)"
    return va, vb, tuple(spans_a), tuple(spans_b)


def _symbol_spans(ta: str, tb: str) -> tuple[list[tuple[int, int]], list[tuple[int, int]]]:
    """The first differing stretch of characters, widened to the words around it on each side."""
    sm = SequenceMatcher(None, ta, tb, autojunk=False)
    for tag, i1, i2, j1, j2 in sm.get_opcodes():
        if tag != "equal":
            return [_widen(ta, i1, i2)], [_widen(tb, j1, j2)]
    return [], []


def _widen(text: str, i: int, j: int) -> tuple[int, int]:
    lo = text.rfind(" ", 0, max(0, i - 1)) + 1
    hi = text.find(" ", j + 1)
    return lo, (len(text) if hi < 0 else hi)


# --------------------------------------------------------------------------------------------
# public entry point


def _as_parts(x: Statement | str) -> tuple[str, Mapping[str, str]]:
    if isinstance(x, Statement):
        return x.text, x.meta
    return str(x), {}


RELATED_DICE = 0.12


def _worth_a_look(an: Analysis, bn: Analysis, cs: ChoiceMatcher, meta_a: Mapping[str, str],
                  meta_b: Mapping[str, str]) -> bool:
    """Cheap test: unrelated wording and no choice/definition on both sides cannot produce a finding."""
    ca, cb = an.content, bn.content
    if ca and cb and 2 * len(ca & cb) / (len(ca) + len(cb)) >= RELATED_DICE:
        return True
    if _definition(an, meta_a) and _definition(bn, meta_b):
        return True
    return bool(cs.mentions(an.text)) and bool(cs.mentions(bn.text))


def classify(
    a: Statement | str,
    b: Statement | str,
    *,
    choice_sets: Sequence[ChoiceSet] = DEFAULT_CHOICE_SETS,
    context_similarity: float | None = None,
) -> Verdict:
    """Decide whether two statements conflict, duplicate each other, or neither.

    Two stages: the word-level rules and model (``_classify_words``), then the slot stage
    (``slots.SLOT_RULES``): a clash of one slot — product for a function, a quantity, priority, process
    step or owner, definition, scope, polarity — between statements that name their subject differently.
    A rule-named conflict of the first stage stands; otherwise a slot clash decides and names the kind.
    """
    ta, meta_a = _as_parts(a)
    tb, meta_b = _as_parts(b)
    from .ko.dispatch import classify_if_korean  # Korean and mixed Korean–English pairs (see ko/)

    ko = classify_if_korean(ta, tb, meta_a, meta_b, choice_sets)
    if ko is not None:
        return ko  # the Korean path reads its own slots; the English slot stage below would misread Hangul
    v = _classify_words(a, b, choice_sets=choice_sets, context_similarity=context_similarity)
    if v.label == "conflict" and v.rule != "model":
        return v
    an, bn = analyse(ta), analyse(tb)
    if v.rule in _SLOT_FINAL and not (v.rule == "different_measures" and "reworded_subjects" not in DISABLED_SLOT_RULES
                                      and _reworded_subjects(make_pair(*join_compounds(an, bn)))):
        return v
    hits = slots.slot_hits(slots.slot_pair(an, bn, _choice_sets_key(choice_sets)), disabled=DISABLED_SLOT_RULES)
    if v.label != "conflict":
        hits = [h for h in hits if h.decides]
    p = make_pair(*join_compounds(an, bn))
    if not hits:
        merge: list[slots.SlotHit] = []
        if v.label == "neutral" or (v.label == "conflict" and v.rule == "model" and p.seq_ratio < REWORDED):
            # a model conflict between near-identical wordings keeps its label: most contradicting variants keep
            # their figures and wording and change one word; only a restatement in other words is re-read
            merge = slots.slot_hits(slots.slot_pair(an, bn, _choice_sets_key(choice_sets)), slots.MERGE_RULES,
                                    disabled=DISABLED_SLOT_RULES)
        if v.label == "conflict":
            merge = [m for m in merge if m.decides]  # only a merge slot that may overrule the model
        if not merge:
            if v.label == "conflict" and v.kind == "other" and "fallback_kind" not in DISABLED_SLOT_RULES:
                # no slot rule fired on a model conflict: name the kind from the first slot whose cues differ
                kind = slots.fallback_kind(slots.slot_pair(an, bn, _choice_sets_key(choice_sets)))
                if kind != "other":
                    return replace(v, kind=kind, rule="model+kind",
                                   explanation=explain(kind, "conflict", p, v.values, "", meta_a, meta_b))
            return v
        m = merge[0]
        return Verdict("duplicate", m.kind, m.strength, f"slot:{m.rule}",
                       explain(m.kind, "duplicate", p, (ta, tb), "", meta_a, meta_b), (ta, tb),
                       ((0, len(ta)),), ((0, len(tb)),))
    h = hits[0]
    if v.label == "conflict":
        # the model found the conflict and located its values; the slot names the kind
        return replace(v, kind=h.kind, rule=f"model+slot:{h.rule}",
                       explanation=explain(h.kind, "conflict", p, v.values, "", meta_a, meta_b))
    score = max(h.strength, v.score if v.label == "conflict" else 0.0)
    return Verdict("conflict", h.kind, round(score, 3), f"slot:{h.rule}",
                   explain(h.kind, "conflict", p, h.values, "", meta_a, meta_b), h.values, h.spans_a, h.spans_b)


def _reworded_subjects(p: Pair) -> bool:
    """The word stage's "two subjects, each with its own figure" veto (``_distinct_subjects``) compares the words
    before the verb of two statements built alike ("inspection records … at least 10 years" / "raw images … at
    least 90 days"). Two authors who word one requirement independently (token-sequence similarity <
    ``REWORDED``) name its subject differently almost always ("sensor values … once per second" / "press sensor
    readings every 100 milliseconds"), so there the veto is left to the slot stage, whose quantity rule asks
    for the content words to be restated instead. Numbered items, qualifiers and product versions stay vetoed."""
    if p.seq_ratio >= REWORDED or _different_items(p):
        return False
    if any(x.dim == y.dim and x.qualifier and y.qualifier and x.qualifier != y.qualifier
           for x in p.a.quantities for y in p.b.quantities):
        return False
    if any(q.dim.startswith("version:") for q in p.a.quantities + p.b.quantities):
        return False
    return numeric_relation(p)[0] == "conflict" and _distinct_subjects(p)


# below this token-sequence similarity two statements are worded independently (two authors), and a model
# conflict between them may be re-read as a restatement by the merge slots
REWORDED = 0.5
# verdicts the slot stage leaves alone: a converse restatement is a duplicate whatever its slots say, and the
# word stage's vetoes (two numbered items, two subjects each with its own figure or option, two ends of one
# exchange, compatible figures) already read the same slots more closely
_SLOT_FINAL = frozenset({"converse", "different_measures", "complementary_roles", "compatible_numbers"})
# slot rules switched off (the ablation tool sets this; empty in the product)
DISABLED_SLOT_RULES: frozenset[str] = frozenset()
# word-stage steps switched off, by their name in ``pipeline.WORD_STEPS`` (the ablation tool; empty in the product)
DISABLED_RULES: frozenset[str] = frozenset()


def _classify_words(
    a: Statement | str,
    b: Statement | str,
    *,
    choice_sets: Sequence[ChoiceSet] = DEFAULT_CHOICE_SETS,
    context_similarity: float | None = None,
) -> Verdict:
    """The word-level stage: rules over the aligned wording, then the residual model.

    ``context_similarity`` is the pair's rarity-weighted similarity within the collection being
    scanned (the index score). When given, the generic model may only call a conflict for pairs
    the collection itself marks as closely related, so shared boilerplate is not mistaken for a
    shared subject.
    """
    ta, meta_a = _as_parts(a)
    tb, meta_b = _as_parts(b)
    an, bn = analyse(ta), analyse(tb)
    cs = _choice_sets_key(choice_sets)
    if not _worth_a_look(an, bn, cs, meta_a, meta_b):
        return NEUTRAL
    p = make_pair(*join_compounds(an, bn))

    def hit_verdict(hit: RuleHit, rule: str) -> Verdict:
        kind, strength, values, sa, sb, extra = hit
        score = strength * (0.7 + 0.3 * min(1.0, p.dice / 0.7))
        return Verdict("conflict", kind, round(score, 3), rule,
                       explain(kind, "conflict", p, values, extra, meta_a, meta_b), values, sa, sb)

    off = DISABLED_RULES
    term = rule_terminology(p, meta_a, meta_b) if "terminology" not in off else None
    if isinstance(term, tuple):
        return hit_verdict(term, "terminology")
    hit = rule_choice(p, cs) if "choice_set" not in off else None
    if hit == "distinct" and "distinct_subjects" not in off:
        return Verdict("neutral", "", 0.0, "different_measures", "")  # each thing has its own option
    if isinstance(hit, tuple):
        return hit_verdict(hit, "choice_set")
    p = _merge_same_options(p, cs)
    if p.dice < RELATED_DICE and term != "duplicate":
        return NEUTRAL
    if "numbered_items" not in off and _different_items(p):
        return Verdict("neutral", "", 0.0, "different_measures", "")
    def merge_verdict(score: float, rule: str) -> Verdict:
        values = (ta, tb)
        return Verdict("duplicate", "duplicate", round(score, 3), rule,
                       explain("duplicate", "duplicate", p, values, "", meta_a, meta_b), values,
                       ((0, len(ta)),), ((0, len(tb)),))

    if "converse" not in off and _converse(p):
        return merge_verdict(0.8 + 0.1 * p.dice, "converse")
    if "complementary_roles" not in off and _complementary_roles(p):
        return Verdict("neutral", "", 0.0, "complementary_roles", "")
    for rule, fn in (("priority", lambda: rule_priority(p, meta_a, meta_b)), ("numeric", lambda: rule_numeric(p)),
                     ("negation", lambda: rule_negation(p)), ("scope", lambda: rule_scope(p)),
                     ("opposite", lambda: rule_opposite(p))):
        if rule in off:
            continue
        hit = fn()
        if hit:
            return hit_verdict(hit, rule)

    feats = pair_features(p)
    if _model_reads_slots():
        feats.update(slots.slot_features(slots.slot_pair(an, bn, cs)))
    rel = "equal" if feats["numeric_equal"] else ("compatible" if feats["numeric_compatible"] else "")
    # the same figures in other words or units ("under 2 seconds" / "under 2000 ms")
    same_figures = rel == "equal" and not {w for w in p.da | p.db if w not in _FIGURE_WORDS and not w[:1].isdigit()}
    if not p.da and not p.db:
        hit = rule_swap(p) if "swap" not in off else None
        if hit:
            return hit_verdict(hit, "swap")
    if "same_content" not in off and (term == "duplicate" or (same_figures and not feats["logic_change"]) or (
            not p.da and not p.db and rel != "compatible" and not feats["numbers_differ"]
            and not feats["logic_change"])):
        return merge_verdict(0.9 + 0.1 * p.seq_ratio, "same_content")
    if "compatible_numbers" not in off and rel == "compatible" and len(p.da) + len(p.db) <= 6:
        return Verdict("neutral", "", 0.0, "compatible_numbers", "")
    if "different_measures" not in off and _different_measures(p):
        return Verdict("neutral", "", 0.0, "different_measures", "")
    verdict = _model_verdict(p, feats, ta, tb, meta_a, meta_b)
    local_edit = p.diff_blocks == 1 and p.seq_ratio >= 0.75 and not _list_extension(p)
    if verdict.label == "conflict" and (
            ("list_extension" not in off and _list_extension(p))
            or ("two_permissions" not in off and _two_permissions(p))
            or ("signal_floor" not in off and verdict.score < _conflict_floor(feats) and not (
                local_edit or any(feats[f] for f in _CONTRADICTION_SIGNALS)))):
        # similar wording with nothing that changes a rule is not a contradiction, unless the model is
        # confident: several edits that each swap one thing ("restored" / "lost" plus a reworded clause) are
        # the shape of most contradicting variants the named signals miss
        return _model_verdict(p, feats, ta, tb, meta_a, meta_b, allow_conflict=False)
    if "context_gate" not in off and context_similarity is not None and verdict.label == "conflict" and (
            context_similarity < OTHER_MIN_CONTEXT or p.diff_blocks > 1):
        # within a scanned collection a generic conflict must be one local edit of a closely related
        # statement; anything looser is left to the specific rules above
        return Verdict("neutral", "", round(1 - verdict.score, 3), "model+context", "")
    if "capability_gate" not in off and context_similarity is not None and verdict.label == "conflict" and (
            _two_capabilities(p) or _another_object(p)):
        # a specification lists what users can do one capability at a time ("define / modify / drop
        # nodes", "import / export evidence"): another action on the same thing, or the same action on another
        # thing ("assign a driver / a vehicle"), is another feature
        return Verdict("neutral", "", round(1 - verdict.score, 3), "model+context", "")
    return verdict


_CAPABILITY_RE = re.compile(r"\b(?:ability|able|allow|allows|enable|enables|let|lets|can|possible)\b", re.IGNORECASE)


def _two_capabilities(p: Pair) -> bool:
    """Both statements grant a capability and the one edit swaps its verb for an unrelated verb."""
    if len(p.ops) != 1 or p.ops[0][0] != "replace":
        return False
    if not (_CAPABILITY_RE.search(p.a.text) and _CAPABILITY_RE.search(p.b.text)):
        return False
    _tag, i1, i2, j1, j2 = p.ops[0]
    xs = [w for w in p.a.seq[i1:i2] if w not in STOPWORDS]
    ys = [w for w in p.b.seq[j1:j2] if w not in STOPWORDS]
    if len(xs) != 1 or len(ys) != 1:
        return False
    x, y = xs[0], ys[0]
    return bool(wordnet.lemmas(x, "v")) and bool(wordnet.lemmas(y, "v")) and wordnet.relation(x, y) in ("", "sibling")


OTHER_MIN_CONTEXT = 0.65

# what may stand between a verb and its object: the topic's dropped determiners plus "the" and a few more
_DETERMINERS = _TOPIC_DROP | {"the", "some", "his", "her", "your", "my"}


def _another_object(p: Pair) -> bool:
    """The one edit swaps the direct object of a shared verb for another thing ("assign a driver" / "assign a
    vehicle", "print a boarding pass" / "print a baggage tag"): a specification lists what a component does to
    each thing it handles one thing at a time, so both hold. Not an object after a preposition ("hosted in
    Frankfurt" / "in Dublin", "owned by IT"): that names a place, a tool or an owner, usually one of them."""
    if len(p.ops) != 1 or p.ops[0][0] != "replace":
        return False
    _tag, i1, i2, j1, j2 = p.ops[0]
    toks = article_free_tokens(p.a)
    if len(toks) != len(p.a.seq):
        return False
    k = i1 - 1
    while k >= 0 and toks[k].lower in _DETERMINERS:
        k -= 1
    if k < 0 or toks[k].lower in STOPWORDS or not wordnet.lemmas(toks[k].lower, "v"):
        return False
    heads = []
    for seq, lo, hi in ((p.a.seq, i1, i2), (p.b.seq, j1, j2)):
        content = [w for w in seq[lo:hi] if w not in STOPWORDS and w[:1].isalpha()]
        if not content:
            return False
        heads.append(content[-1])
    x, y = heads
    noun = all(wordnet.lemmas(w, "n") or not (wordnet.lemmas(w, "a") or wordnet.lemmas(w, "r")) for w in heads)
    return noun and wordnet.relation(x, y) not in ("same", "near", "opposite")


def residual_features(a: str, b: str, *, choice_sets: Sequence[ChoiceSet] = DEFAULT_CHOICE_SETS
                      ) -> dict[str, float] | None:
    """Features of a pair the rules leave to the model, or None when a rule decides (for calibration)."""
    v = _classify_words(a, b, choice_sets=choice_sets)
    if v.rule != "model":
        return None
    # the pair exactly as classify hands it to the model
    p = make_pair(*join_compounds(analyse(a), analyse(b)))
    cs = _choice_sets_key(choice_sets)
    feats = pair_features(_merge_same_options(p, cs))
    feats.update(slots.slot_features(slots.slot_pair(analyse(a), analyse(b), cs)))
    return feats


# a model conflict this confident needs no named contradiction signal (5-fold CV on the labelled dev pairs:
# 0.710 macro-F1 / 0.528 MCC at 0.75 against 0.704 / 0.518 at 0.8, measured mid-round; without the lift
# 0.693 / 0.500; see docs/detection.md)
CONFIDENT_CONFLICT = 0.75
# ... and a little less confident suffices when each side says something the other does not restate (a
# substitution in several places: "booked by the customer" / "assigned by the dispatcher"); one side that
# only adds to the other is an elaboration and keeps the higher floor
SUBSTITUTED_CONFLICT = 0.65


def _conflict_floor(feats: Mapping[str, float]) -> float:
    return SUBSTITUTED_CONFLICT if feats["d_unexpl_both"] else CONFIDENT_CONFLICT


def _two_permissions(p: Pair) -> bool:
    """Both statements only permit ("customers can pay by card" / "… by PayPal"): two permissions never exclude
    each other; only a prohibition or an "only" would, and those are the negation and scope rules' business."""
    return p.a.modality == "may" and p.b.modality == "may" and not (
        p.a.restrictive | p.b.restrictive) & _SCOPE_ONLY
_CONTRADICTION_SIGNALS = ("small_sub", "numbers_differ", "cues_added", "conditional_added", "only_added",
                          "modality_differs", "weak_flip", "weak_opposite", "weak_scope", "logic_change")


def _list_extension(p: Pair) -> bool:
    """One statement is the other plus more items of a list ("contacts and consent changes"): both can hold,
    so it is an overlap. Dropping an *alternative* ("a heating or cooling unit" / "a heating unit", "turn on
    or off" / "turn off") is not an extension: it narrows when or to what the requirement applies, and is
    left to the model like any other edit (the labelled data calls 16 of 22 such pairs conflicts)."""
    if (p.da and p.db) or len(p.ops) != 1:
        return False
    tag, i1, i2, j1, j2 = p.ops[0]
    if tag == "insert":
        added = p.b.seq[j1:j2]
    elif tag == "delete":
        added = p.a.seq[i1:i2]
    else:
        return False
    return bool({"and", "plus", "including"} & set(added)) and "or" not in added


def _merge_same_options(p: Pair, cs: ChoiceMatcher) -> Pair:
    """Treat synonyms of the same option ("AWS" / "Amazon Web Services") as the same words."""
    ma = _mentions(p.a.text, cs)
    mb = _mentions(p.b.text, cs)
    if not ma or not mb:
        return p
    key_a = {(m.set_name, m.option, m.negated) for m in ma}
    key_b = {(m.set_name, m.option, m.negated) for m in mb}
    if key_a != key_b:
        return p
    def strip(an: Analysis, ms: tuple[ChoiceMention, ...]) -> Analysis:
        inside = {t.norm for t in an.tokens for m in ms if m.start <= t.start and t.end <= m.end}
        extra = {f"option:{m.set_name}:{m.option}" for m in ms}
        return replace(an, content=frozenset((an.content - inside) | extra),
                       seq=tuple(w for w in an.seq if w not in inside))
    return make_pair(strip(p.a, ma), strip(p.b, mb))


def _different_measures(p: Pair) -> bool:
    """Same kind of figure for different measures ("p95 under 200 ms" / "p99 under 500 ms"); not when both
    constrain the same measures ("100 m by day and 25 m at night" in both)."""
    for x in p.a.quantities:
        for y in p.b.quantities:
            if x.dim == y.dim and x.qualifier and y.qualifier and x.qualifier != y.qualifier:
                quals_a = {q.qualifier for q in p.a.quantities if q.dim == x.dim}
                quals_b = {q.qualifier for q in p.b.quantities if q.dim == x.dim}
                if quals_a != quals_b:
                    return True
    # figures of two different things ("inspection records … at least 10 years" / "raw images … at least 90 days")
    if numeric_relation(p)[0] == "conflict" and _distinct_subjects(p):
        return True
    # versions of two different products ("iOS 16 and later" / "Android 12 and later")
    va = {q.dim for q in p.a.quantities if q.dim.startswith("version:")}
    vb = {q.dim for q in p.b.quantities if q.dim.startswith("version:")}
    return bool(va and vb and va.isdisjoint(vb))


def _model_verdict(p: Pair, feats: dict[str, float], ta: str, tb: str, meta_a: Mapping[str, str],
                   meta_b: Mapping[str, str], allow_conflict: bool = True) -> Verdict:
    model = load_model()
    probs = model_probs(feats)
    if not allow_conflict:
        rest = probs["duplicate"] + probs["neutral"] or 1.0
        probs = {"conflict": 0.0, "duplicate": probs["duplicate"] / rest, "neutral": probs["neutral"] / rest}
    thresholds = model.get("thresholds", {})
    t_conf = thresholds.get("conflict", 0.5)
    t_dup = thresholds.get("duplicate", 0.5)
    if probs["conflict"] >= t_conf and probs["conflict"] >= probs["duplicate"]:
        va, vb, sa, sb = _diff_values(p)
        kind = "other"
        return Verdict("conflict", kind, round(probs["conflict"], 3), "model",
                       explain(kind, "conflict", p, (va, vb), "", meta_a, meta_b, tentative=True), (va, vb), sa, sb)
    if probs["duplicate"] >= t_dup:
        kind = "duplicate" if p.dice >= 0.75 else "overlap"
        values = (ta, tb)
        return Verdict("duplicate", kind, round(probs["duplicate"], 3), "model",
                       explain(kind, "duplicate", p, values, "", meta_a, meta_b), values,
                       ((0, len(ta)),), ((0, len(tb)),))
    return Verdict("neutral", "", round(probs["neutral"], 3), "model", "")
