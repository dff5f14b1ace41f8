"""Token-level diff features of a statement pair (what changed, where, and what kind of word it is).

The alignment is difflib's opcodes over the normalised tokens (articles dropped) that the pair
already computes. The features describe the *shape* of the edit, not the words themselves:

- how many tokens were replaced / inserted / deleted and in how many places;
- what kind of token changed: a number, a negation or modal, a quantifier, a capitalised entity,
  a content word or only function words; whether a changed word is a spelling variant of the
  word it replaces (a typo fix rather than a new value);
- where the change sits: in the subject before the modal verb (actor swap), or inside a
  condition / time clause ("when / if / after / before / within …");
- how much of each side's content the other covers, and whether the content words are the same
  set in another order (a reordered list reads as a paraphrase);
- restatement: which content words the other side does not restate even loosely (shared stem,
  paraphrase group, number word, hyphen parts, an abbreviation spelled by initials), ignoring
  requirement boilerplate; unrestated content on *both* sides is the substitution shape of a
  conflict, on one side only the shape of an elaboration (overlap / duplicate); and whether a
  substituted word is a contrasting form of the same stem (wired / wireless).
"""

from __future__ import annotations

import re
from difflib import SequenceMatcher
from functools import lru_cache

from . import wordnet
from .analysis import ARTICLES, INSIDE, analyse, article_free_tokens, condition_roles, norm_word
from .lexicon import (
    MODAL_MAY,
    MODAL_MUST,
    MODAL_SHOULD,
    NEGATORS,
    NUMBER_WORDS,
    PARAPHRASE_GROUPS,
    PRESENTATION,
    RESTRICTIVE,
    STOPWORDS,
    UNIVERSAL,
)

_MODALS = MODAL_MUST | MODAL_SHOULD | MODAL_MAY | {"shall", "must", "should", "will", "may", "can"}
_SUBJECT_END = frozenset({"shall", "must", "should", "will", "may", "can", "could", "is", "are", "has", "have",
                          "needs", "need"})
_CLAUSE_OPENERS = frozenset({"when", "if", "unless", "until", "after", "before", "while", "once", "whenever",
                             "within", "during", "upon", "except", "where", "whereas"})
_QUANT = UNIVERSAL | RESTRICTIVE
_PARA: dict[str, int] = {}
for _i, _g in enumerate(PARAPHRASE_GROUPS):
    for _w in _g.split():
        _PARA.setdefault(norm_word(_w.replace("-", " ").split()[0]) if "-" not in _w else _w, _i)
_NUM_WORDS = {w: str(int(v)) if float(v).is_integer() else str(v) for w, v in NUMBER_WORDS.items()}

DIFF_FEATURES = (
    "d_rep_tokens", "d_ins_tokens", "d_n_ops", "d_single_sub", "d_changed_num", "d_changed_neg",
    "d_changed_modal_only", "d_changed_quant", "d_changed_cap", "d_changed_content", "d_changed_stop_only",
    "d_typo_sub", "d_cover_min", "d_cover_max", "d_same_content_reordered", "d_subject_change",
    "d_clause_change", "d_tail_added", "d_len_diff", "d_content_seq_ratio", "d_rep_content_pair",
    "d_presentation_added", "d_shared_as_condition", "d_equiv_sub", "d_moved",
    "d_unexpl_min", "d_unexpl_max", "d_unexpl_both", "d_abbrev", "d_boiler_only", "d_explained_cover",
    "d_contrast_sub", "d_wn_restated", "d_wn_opposite", "d_wn_sibling", "d_wn_broader", "d_wn_unknown",
)
_RESTATING = frozenset({"same", "near"})
# Words that dress a requirement up without changing what it asks for ("be able to", "ensure that",
# "is required to", "please"): a pair that differs only in these (after paraphrase matching) restates it.
_BOILER = frozenset({
    "ensure", "need", "needs", "required", "require", "requirement", "necessary", "allowed", "permitted",
    "authorized", "please", "kindly", "always", "also", "fully", "provide", "support", "system", "capable",
    "able", "ability", "possible", "responsible", "make", "sure", "manner", "fashion", "way", "order",
    "following", "given", "whole", "entire", "overall", "certain"})


@lru_cache(maxsize=100_000)
def _subject_end(words: tuple[str, ...]) -> int:
    for i, w in enumerate(words[:12]):
        if w in _SUBJECT_END:
            return i
    return 0


@lru_cache(maxsize=100_000)
def _openers(words: tuple[str, ...]) -> tuple[int, ...]:
    return tuple(i for i, w in enumerate(words) if w in _CLAUSE_OPENERS)


def _in_clause(words: tuple[str, ...], i1: int, i2: int) -> bool:
    """Whether tokens i1..i2 lie in a condition/time clause (an opener before them in the sentence)."""
    lo = i1 - 8
    return any(lo <= k <= i2 for k in _openers(words))


def _condition_words(an) -> frozenset[str]:
    """Content words inside condition/trigger clauses ("When the search returns events, …")."""
    return _condition_words_cached(an.text, an.content)


@lru_cache(maxsize=100_000)
def _condition_words_cached(text: str, content: frozenset[str]) -> frozenset[str]:
    return frozenset(t.norm for t, role in zip(analyse(text).tokens, condition_roles(text), strict=True)
                     if role == INSIDE and t.norm in content)


@lru_cache(maxsize=50_000)
def _key(seg: tuple[str, ...]) -> str | int:
    joined = "-".join(seg)
    if joined in _PARA:
        return _PARA[joined]
    if len(seg) == 1:
        w = seg[0]
        if w in _NUM_WORDS:
            return _NUM_WORDS[w]
        return _PARA.get(w, w)
    return joined


def _equivalent(seg_a: tuple[str, ...], seg_b: tuple[str, ...]) -> bool:
    """A reworded stretch: same paraphrase group, number word for digits, or a spelling variant."""
    if _key(seg_a) == _key(seg_b):
        return True
    ka = {_key((w,)) for w in seg_a if w not in STOPWORDS}
    kb = {_key((w,)) for w in seg_b if w not in STOPWORDS}
    if bool(ka) and ka == kb:
        return True
    # one word for another that WordNet lists as the same meaning ("adjust" / "set", "only" / "exclusively")
    x, y = (next(iter(ka)), next(iter(kb))) if len(ka) == len(kb) == 1 else (0, 0)
    return isinstance(x, str) and isinstance(y, str) and wordnet.relation(x, y) in _RESTATING


def _explained(w: str, other: frozenset[str], other_keys: frozenset) -> bool:
    """Whether content word w of one side is restated by the other side: the same word, a shared stem
    (first five letters: automatic / automatically), the same paraphrase group or number, or a
    hyphenated compound whose parts the other side has."""
    if w in other or _key((w,)) in other_keys:
        return True
    if len(w) >= 5:
        stem = w[:5]
        if any(len(x) >= 5 and x[:5] == stem for x in other):
            return True
    if "-" in w:
        parts = [x for x in w.split("-") if x]
        if parts and all(norm_word(x) in other for x in parts):
            return True
    return False


def _abbreviations(seq_a: tuple[str, ...], seq_b: tuple[str, ...], caps_a: frozenset[str]) -> set[str]:
    """Short words of one side spelled by the initials of consecutive words (or hyphen parts) of the other:
    "IR" / "infra-red", "GPS" / "global positioning system"."""
    out = set()
    pieces = [x for w in seq_b for x in (w.split("-") if "-" in w else (w,)) if x]
    initials = "".join(x[0] for x in pieces)
    for w in seq_a:
        if 2 <= len(w) <= 5 and w in caps_a and w not in seq_b:
            k = initials.find(w)
            if k >= 0 and len(w) >= 2 and pieces[k] != w:
                out.add(w)
    return out


@lru_cache(maxsize=100_000)
def _contrast(x: str, y: str) -> bool:
    """Two different words built on the same stem with a different affix — the shape of a contrasting pair
    (wired / wireless, forward / rearward, upload / download, internal / external, minimum / maximum) —
    and not one the inflection of the other."""
    if x == y or x.startswith(y) or y.startswith(x) or not (x.isalpha() and y.isalpha()):
        return False
    n = min(len(x), len(y))
    pre = next((i for i in range(n) if x[i] != y[i]), n)
    suf = next((i for i in range(n) if x[-1 - i] != y[-1 - i]), n)
    if pre >= 4 and max(len(x), len(y)) - pre >= 3:
        return not _similar_word(x, y)
    return suf >= 4 and pre <= 1 and min(len(x), len(y)) - suf >= 2


@lru_cache(maxsize=100_000)
def _caps(text: str) -> frozenset[str]:
    """Words written in capitals (IR, GPS): the only candidates for an abbreviation."""
    return frozenset(w.lower() for w in re.findall(r"[A-Za-z]{2,}", text) if w.isupper())


def _similar_word(x: str, y: str) -> bool:
    if abs(len(x) - len(y)) > 2 or min(len(x), len(y)) < 4:
        return False
    return SequenceMatcher(None, x, y, autojunk=False).ratio() >= 0.8


def diff_features(p) -> dict[str, float]:
    a, b = p.a, p.b
    ops = p.ops
    ta, tb = article_free_tokens(a), article_free_tokens(b)
    wa, wb = a.seq, b.seq
    rep = ins = 0
    n_rep_ops = 0
    changed: list[str] = []
    changed_a: list = []
    changed_b: list = []
    typo = equiv = contrast = 0
    gone: list[str] = []  # tokens only deleted from a / only inserted into b
    came: list[str] = []
    rep_content_pair = 0
    subject_change = clause_change = tail_added = False
    se_a, se_b = _subject_end(wa), _subject_end(wb)
    for tag, i1, i2, j1, j2 in ops:
        seg_a, seg_b = wa[i1:i2], wb[j1:j2]
        changed.extend(seg_a)
        changed.extend(seg_b)
        changed_a.extend(ta[i1:i2])
        changed_b.extend(tb[j1:j2])
        if tag == "replace":
            n_rep_ops += 1
            rep += max(i2 - i1, j2 - j1)
            ca = [w for w in seg_a if w in a.content]
            cb = [w for w in seg_b if w in b.content]
            if len(seg_a) == len(seg_b) and all(_similar_word(x, y) for x, y in zip(seg_a, seg_b, strict=True)):
                typo += 1
            if _equivalent(seg_a, seg_b):
                equiv += 1
            if ca and cb:
                rep_content_pair += 1
                contrast += sum(_contrast(x, y) for x in ca for y in cb)
        else:
            ins += (i2 - i1) + (j2 - j1)
            gone.extend(seg_a)
            came.extend(seg_b)
            if (tag == "insert" and j2 >= len(wb) - 1) or (tag == "delete" and i2 >= len(wa) - 1):
                tail_added = True
        if (se_a and i1 < se_a) or (se_b and j1 < se_b):
            subject_change = True
        if _in_clause(wa, i1, i2) or _in_clause(wb, j1, j2):
            clause_change = True
    ch = set(changed)
    content_changed = [w for w in ch if w in a.content or w in b.content]
    ca, cb = a.content, b.content
    inter = len(ca & cb)
    cov_a = inter / len(ca) if ca else 1.0
    cov_b = inter / len(cb) if cb else 1.0
    cseq_a = [w for w in wa if w in ca]
    cseq_b = [w for w in wb if w in cb]
    if cseq_a and cseq_b and p.dice >= 0.2:
        cratio = SequenceMatcher(None, cseq_a, cseq_b, autojunk=False).ratio()
    else:
        cratio = 0.0
    cap = any(_is_cap(t, a.text) for t in changed_a) or any(_is_cap(t, b.text) for t in changed_b)
    inter_words = ca & cb
    pres_a = {t.lower for t in a.tokens if t.lower in PRESENTATION}
    pres_b = {t.lower for t in b.tokens if t.lower in PRESENTATION}
    cond_a, cond_b = _condition_words(a), _condition_words(b)
    as_cond = len(inter_words & (cond_a ^ cond_b)) / len(inter_words) if inter_words else 0.0
    ka = {_key((w,)) for w in gone if w not in STOPWORDS} | ({_key(tuple(gone))} if gone else set())
    kb = {_key((w,)) for w in came if w not in STOPWORDS} | ({_key(tuple(came))} if came else set())
    moved = len(ka & kb) / max(1, min(len(ka), len(kb))) if ka and kb else 0.0
    keys_a = frozenset(_key((w,)) for w in ca)
    keys_b = frozenset(_key((w,)) for w in cb)
    abbr = _abbreviations(wa, wb, _caps(a.text)) | _abbreviations(wb, wa, _caps(b.text))
    un_a = [w for w in ca - cb if w not in abbr and not _explained(w, cb, keys_b)]
    un_b = [w for w in cb - ca if w not in abbr and not _explained(w, ca, keys_a)]
    # an abbreviation explains its expansion on the other side too
    if abbr:
        expanded = {x for w in abbr for x in _expansion(w, wa if w in wb else wb)}
        un_a = [w for w in un_a if w not in expanded]
        un_b = [w for w in un_b if w not in expanded]
    # general vocabulary: a word the other side says with a WordNet synonym is restated too
    wn_a = [w for w in un_a if wordnet.restated_by(w, cb)]
    wn_b = [w for w in un_b if wordnet.restated_by(w, ca)]
    un_a = [w for w in un_a if w not in wn_a]
    un_b = [w for w in un_b if w not in wn_b]
    real_a = [w for w in un_a if w not in _BOILER]
    real_b = [w for w in un_b if w not in _BOILER]
    # what the words left unrestated on both sides are to each other: antonyms (a reversal), siblings under
    # one broader meaning ("video" / "audio": another value of the same thing) or broader / narrower
    rels = {wordnet.relation(x, y) for x in real_a for y in real_b}
    unknown = sum(1 for w in real_a + real_b if not wordnet.senses(w))
    ex_cov = min(1 - len(real_a) / len(ca) if ca else 1.0, 1 - len(real_b) / len(cb) if cb else 1.0)
    na, nb = len(wa), len(wb)
    n_ops = len(ops)
    single_sub = n_ops == 1 and ops[0][0] == "replace" and ops[0][2] - ops[0][1] <= 3 and ops[0][4] - ops[0][3] <= 3
    return {
        "d_rep_tokens": min(rep, 10) / 10,
        "d_ins_tokens": min(ins, 10) / 10,
        "d_n_ops": min(n_ops, 8) / 8,
        "d_single_sub": float(single_sub),
        "d_changed_num": float(any(w[:1].isdigit() for w in ch)),
        "d_changed_neg": float(bool(ch & NEGATORS)),
        "d_changed_modal_only": float(bool(ch) and ch <= (_MODALS | STOPWORDS | ARTICLES) and bool(ch & _MODALS)),
        "d_changed_quant": float(bool(ch & _QUANT)),
        "d_changed_cap": float(cap),
        "d_changed_content": min(len(content_changed), 10) / 10,
        "d_changed_stop_only": float(bool(ch) and not content_changed),
        "d_typo_sub": float(typo > 0 and typo == n_rep_ops),
        "d_cover_min": min(cov_a, cov_b),
        "d_cover_max": max(cov_a, cov_b),
        "d_same_content_reordered": float(bool(ca) and ca == cb and cseq_a != cseq_b),
        "d_subject_change": float(subject_change),
        "d_clause_change": float(clause_change),
        "d_tail_added": float(tail_added),
        "d_len_diff": abs(na - nb) / max(na, nb, 1),
        "d_content_seq_ratio": cratio,
        "d_rep_content_pair": min(rep_content_pair, 3) / 3,
        "d_presentation_added": float(pres_a != pres_b),
        "d_shared_as_condition": as_cond,
        "d_equiv_sub": equiv / n_rep_ops if n_rep_ops else 0.0,
        "d_moved": moved,
        "d_unexpl_min": min(len(real_a), len(real_b), 5) / 5,
        "d_unexpl_max": min(max(len(real_a), len(real_b)), 8) / 8,
        "d_unexpl_both": float(bool(real_a) and bool(real_b)),
        "d_abbrev": float(bool(abbr)),
        "d_boiler_only": float(bool(un_a or un_b) and not real_a and not real_b),
        "d_explained_cover": ex_cov,
        "d_contrast_sub": float(contrast > 0),
        "d_wn_restated": min(len(wn_a) + len(wn_b), 4) / 4,
        "d_wn_opposite": float("opposite" in rels),
        "d_wn_sibling": float("sibling" in rels),
        "d_wn_broader": float("broader" in rels),
        "d_wn_unknown": unknown / len(real_a + real_b) if real_a or real_b else 0.0,
    }


def _expansion(abbr: str, seq: tuple[str, ...]) -> list[str]:
    pieces = [(x, w) for w in seq for x in (w.split("-") if "-" in w else (w,)) if x]
    initials = "".join(x[0] for x, _ in pieces)
    k = initials.find(abbr)
    if k < 0:
        return []
    return [w for _, w in pieces[k:k + len(abbr)]]


def _is_cap(t, text: str) -> bool:
    """A capitalised word that is not sentence-initial: a named entity or actor."""
    return t.start > 0 and text[t.start:t.start + 1].isupper()
