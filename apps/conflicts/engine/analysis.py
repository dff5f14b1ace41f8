"""Per-statement analysis (cached): tokens, content words, modality, quantities, definitions."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from functools import lru_cache

from .lexicon import (
    MODAL_MAY,
    MODAL_MUST,
    MODAL_SHOULD,
    NEGATORS,
    OUT_OF_SCOPE_PATTERNS,
    RESTRICTIVE,
    STOPWORDS,
    SYNONYMS,
    UNIVERSAL,
)
from .quantities import NEGATED_BOUND_RE, Quantity, extract_quantities

TOKEN_RE = re.compile(r"[A-Za-z][A-Za-z0-9]*(?:['’][a-z]+)?(?:[-/][A-Za-z0-9]+)*|"
                      r"\d+(?:[.,]\d+)*%?|[$€£%]")
ARTICLES = frozenset({"a", "an", "the"})
_OUT_OF_SCOPE_RE = re.compile("|".join(OUT_OF_SCOPE_PATTERNS), re.IGNORECASE)
_DEFINITION_RE = re.compile(
    r"^\s*(?:(?:we|the\s+\w+(?:\s+\w+)?)\s+(?:define|defines|consider|considers|count|counts)\s+(?:an?\s+|the\s+)?"
    r"[\"“'‘]?(?P<term1>[^\"”’,:;]{2,60}?)[\"”'’]?\s+as\s+(?P<body1>.+)"
    r"|(?:an?\s+|the\s+)?(?:term\s+)?[\"“'‘]?(?P<term2>[^\"”’,:;]{2,60}?)[\"”'’]?\s*"
    r"(?:\([^)]*\)\s*)?(?:is|are|shall be|will be|must be)?\s*"
    r"(?:defined as|means|mean|shall mean|refers to|refer to|denotes|is understood as|"
    r"is considered|are considered|counts as|count as|is classed as|are classed as|:=)\s+(?P<body2>.+))$",
    re.IGNORECASE,
)
_PLAIN_DEF_RE = re.compile(r"^\s*(?:an?\s+|the\s+)?(?P<term>[^,:;]{2,50}?)\s+(?:is|are)\s+(?P<body>.+)$",
                           re.IGNORECASE)
# privative wording negates what follows as "no"/"not" does ("free of artifacts" = "no artifacts")
_PRIVATIVE_RE = re.compile(r"\bfree (?:of|from)\b|\bexclud(?:e|es|ed|ing)\b|\black(?:s|ing)?\b|\babsent\b", re.I)
_COMPARATOR_NEG_RE = re.compile(
    r"\b(?:no|not)\s+(?:more|less|fewer|later|earlier|longer|shorter|greater|higher|lower|older|sooner)\s+th[ae]n\b|"
    r"\bnot\s+(?:to\s+)?exceed(?:ing)?\b|\bnot\s+only\b|\bno\s+(?:later|earlier)\b",
    re.IGNORECASE,
)
_NEG_MODAL_RE = re.compile(
    r"\b(?:must|shall|should|will|may|can|could|do|does|is|are)\s+(?:not|never)\b|\bcannot\b|\bcan't\b|"
    r"\bwon't\b|\bmustn't\b|\bshan't\b|\bshouldn't\b|\bnever\b|\bnot (?:be )?(?:allowed|permitted)\b|"
    r"\b(?:prohibited|forbidden|disallowed)\b",
    re.IGNORECASE,
)


# plurals of words that end in "-che" themselves ("cache" -> "caches")
_E_STEMS = frozenset({"caches", "niches", "headaches", "avalanches", "moustaches", "mustaches", "psyches"})


def norm_word(w: str) -> str:
    w = w.lower().replace("’", "'")
    if w.endswith("'s"):
        w = w[:-2]
    if w in SYNONYMS:
        return SYNONYMS[w]
    if len(w) > 4 and w.endswith("ies"):
        w = w[:-3] + "y"
    elif len(w) > 4 and w.endswith(("sses", "ches", "shes", "xes")) and w not in _E_STEMS:
        w = w[:-2]  # "pushes" -> "push", "processes" -> "process", "fixes" -> "fix" (not "pushe")
    elif len(w) > 3 and w.endswith("s") and not w.endswith(("ss", "us", "is", "ics")):
        w = w[:-1]
    return SYNONYMS.get(w, w)


@dataclass(frozen=True)
class Token:
    norm: str
    lower: str
    start: int
    end: int


@dataclass(frozen=True)
class Analysis:
    text: str
    tokens: tuple[Token, ...]
    seq: tuple[str, ...]  # normalised tokens without articles, for alignment
    content: frozenset[str]  # normalised content words (no stopwords, modals, negators, numbers)
    neg_count: int
    modality: str  # "neg", "must", "should", "may" or ""
    quantities: tuple[Quantity, ...]
    universal: frozenset[str]
    restrictive: frozenset[str]
    definition: tuple[str, str, int] | None  # (normalised term, body text, body start)
    plain_definition: tuple[str, str, int] | None
    out_of_scope: tuple[int, int] | None
    words: frozenset[str] = frozenset()  # surface and normalised forms of every token


def _negations(lowers: list[str]) -> int:
    """Negating words of one statement, where "nor" after an earlier negation continues it rather than flipping it back
    ("shall not be protected against snooping nor other access" is one negation, like "neither … nor")."""
    count = 0
    negated = False
    for w in lowers:
        if w in NEGATORS or w.endswith("n't"):
            if w == "nor" and negated:
                continue
            count += 1
            negated = True
    return count


def _token_norm(surface: str, shouting: bool) -> str:
    """An acronym spelled like a function word is a name: "the IT team", "stored in the US" (not "it", "us")."""
    if not shouting and len(surface) > 1 and surface.isupper() and surface.lower() in STOPWORDS:
        return surface.lower() + "."
    return norm_word(surface)


def _is_content(norm: str) -> bool:
    return (
        norm not in STOPWORDS
        and norm not in MODAL_MUST
        and norm not in MODAL_SHOULD
        and norm not in MODAL_MAY
        and norm not in NEGATORS
        and not norm[0].isdigit()
        and norm not in {"$", "€", "£", "%", "be", "shall", "not"}
        and len(norm) > 1
    )


def _norm_term(term: str) -> str:
    words = [norm_word(w) for w in TOKEN_RE.findall(term)]
    return " ".join(w for w in words if w not in ARTICLES and w not in {"term", "our", "an", "of"})


_NOT_IN_TERM = MODAL_MUST | MODAL_SHOULD | MODAL_MAY | {"provide", "provides", "support", "supports", "be",
                                                        "not", "no", "which", "that", "who"}


def _bad_term(term: str) -> bool:
    words = [w.lower() for w in TOKEN_RE.findall(term)]
    return not words or len(words) > 6 or any(w in _NOT_IN_TERM for w in words)


@lru_cache(maxsize=200_000)
def analyse(text: str) -> Analysis:
    shouting = text.isupper()
    tokens = tuple(Token(_token_norm(m.group(), shouting), m.group().lower(), m.start(), m.end())
                   for m in TOKEN_RE.finditer(text))
    seq = tuple(t.norm for t in tokens if t.lower not in ARTICLES)
    content = frozenset(t.norm for t in tokens if _is_content(t.norm))
    lowers = [t.lower for t in tokens]
    # "no more than", "not later than" are comparators, not negations
    # ("shall not be rostered for more than 100 hours" too: the "not" turns the bound round, see quantities)
    comparator_negs = len(_COMPARATOR_NEG_RE.findall(text)) + len(NEGATED_BOUND_RE.findall(text))
    neg_count = _negations(lowers) - comparator_negs
    neg_count += len(_PRIVATIVE_RE.findall(text))
    if _NEG_MODAL_RE.search(NEGATED_BOUND_RE.sub(" ", _COMPARATOR_NEG_RE.sub(" ", text))):
        modality = "neg"
    elif any(w in MODAL_MUST for w in lowers) or re.search(r"\b(?:has|have|need|needs) to\b", text, re.I):
        modality = "must"
    elif any(w in MODAL_SHOULD for w in lowers):
        modality = "should"
    elif any(w in MODAL_MAY for w in lowers):
        modality = "may"
    else:
        modality = ""
    universal = frozenset(w for w in lowers if w in UNIVERSAL)
    restrictive = frozenset(w for w in lowers if w in RESTRICTIVE)
    definition = None
    m = _DEFINITION_RE.match(text)
    if m and not _bad_term(m.group("term1") or m.group("term2") or ""):
        term = m.group("term1") or m.group("term2") or ""
        body_group = "body1" if m.group("body1") else "body2"
        definition = (_norm_term(term), m.group(body_group).strip().rstrip("."), m.start(body_group))
    plain = None
    pm = _PLAIN_DEF_RE.match(text)
    if pm and len(pm.group("term").split()) <= 5 and not _bad_term(pm.group("term")):
        plain = (_norm_term(pm.group("term")), pm.group("body").strip().rstrip("."), pm.start("body"))
    oos = _OUT_OF_SCOPE_RE.search(text)
    return Analysis(
        text=text,
        tokens=tokens,
        seq=seq,
        content=content,
        neg_count=neg_count,
        modality=modality,
        quantities=tuple(extract_quantities(text)),
        universal=universal,
        restrictive=restrictive,
        definition=definition,
        plain_definition=plain,
        out_of_scope=(oos.start(), oos.end()) if oos else None,
        words=frozenset(w for t in tokens for w in (t.lower, t.norm)),
    )


# Condition / trigger clauses: "If the report is not complete, …", "Upon request, …", "Given a plan, …".
# A clause runs from its opener to the next comma, "then" or modal verb.
CONDITION_OPENERS = frozenset({"if", "when", "whenever", "unless", "once", "after", "before", "while", "until",
                               "upon", "given"})
_CONDITION_ENDS = frozenset({"then", "shall", "must", "should", "will", "may", "can"})
OUTSIDE, OPENER, INSIDE = 0, 1, 2


@lru_cache(maxsize=100_000)
def condition_roles(text: str) -> tuple[int, ...]:
    """For each token of ``analyse(text)``: OUTSIDE a condition clause, its OPENER, or INSIDE it. The one walker
    both the negation-branch rule and the model's trigger features read, so they agree on what a condition is."""
    an = analyse(text)
    roles: list[int] = []
    inside = False
    prev_end = 0
    for t in an.tokens:
        if inside and (t.lower in _CONDITION_ENDS or "," in text[prev_end:t.start]):
            inside = False
        if t.lower in CONDITION_OPENERS:
            inside = True
            roles.append(OPENER)
        else:
            roles.append(INSIDE if inside else OUTSIDE)
        prev_end = t.end
    return tuple(roles)


@lru_cache(maxsize=100_000)
def _compound_forms(text: str) -> dict[tuple[str, ...], Token]:
    """Each hyphenated word of a statement under its open spellings: "touch-screen" → ("touch", "screen") and
    ("touchscreen",)."""
    forms: dict[tuple[str, ...], Token] = {}
    for t in analyse(text).tokens:
        parts = tuple(p for p in t.lower.split("-") if p)
        if len(parts) > 1 and "/" not in t.lower:
            forms[parts] = t
            forms[("".join(parts),)] = t
    return forms


def _respell(an: Analysis, forms: dict[tuple[str, ...], Token]) -> Analysis:
    # only the comparison forms change (seq, content); tokens stay one per word of the text, as spans and the
    # condition walker expect
    words = list(an.tokens)
    merged: list[Token] = []
    i = 0
    while i < len(words):
        for parts, compound in forms.items():
            n = len(parts)
            if tuple(t.lower for t in words[i:i + n]) == parts:
                merged.append(compound)
                i += n
                break
        else:
            merged.append(words[i])
            i += 1
    if len(merged) == len(words):  # nothing was joined
        return an
    return replace(an, seq=tuple(t.norm for t in merged if t.lower not in ARTICLES),
                   content=frozenset(t.norm for t in merged if _is_content(t.norm)),
                   words=an.words | {w for t in merged for w in (t.lower, t.norm)})


def join_compounds(a: Analysis, b: Analysis) -> tuple[Analysis, Analysis]:
    """Spell a compound the way the other statement does: "touch screen" / "e-mail" in one and "touch-screen" /
    "email" in the other are one word in both, not a replaced word (which reads as a one-word substitution)."""
    if "-" not in a.text and "-" not in b.text:
        return a, b  # the common case: nothing is hyphenated
    fa, fb = _compound_forms(a.text), _compound_forms(b.text)
    return (_respell(a, fb) if fb else a), (_respell(b, fa) if fa else b)


def article_free_tokens(an: Analysis) -> tuple[Token, ...]:
    """The tokens that `an.seq` is made of, in order (articles dropped), so an index into seq is one here."""
    return tuple(t for t in an.tokens if t.lower not in ARTICLES)
