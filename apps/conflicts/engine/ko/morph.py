"""The Korean morphological analyser: one kiwipiepy ``Kiwi`` per process, loaded on first use.

Kiwi reads its model from the ``kiwipiepy_model`` package in site-packages (nothing is downloaded). Loading
takes ~2 s and ~280 MB of memory (the CoNg model; the typo and multi-word dictionaries are left out: they
cost memory and change nothing we read), so it is done lazily, once, and only when a Korean statement
appears. A forked scan worker shares the loaded model copy-on-write.
"""

from __future__ import annotations

import threading
import warnings
from functools import lru_cache
from typing import Any, NamedTuple

_lock = threading.Lock()
# programme nouns the general model splits into verb forms ("해지" → 하 + 어 + 지, "정전" → 정 + 전)
_USER_NOUNS = ("해지", "정전", "단전", "재원일수", "검침", "개통", "연장근로", "지급준비금", "헤드카운트", "알림톡")
_kiwi: Any = None


def kiwi() -> Any:
    global _kiwi
    if _kiwi is None:
        with _lock:
            if _kiwi is None:
                from kiwipiepy import Kiwi

                with warnings.catch_warnings():
                    # num_workers=0 is "one thread, the caller's" since kiwipiepy 0.21 (what a request or a
                    # forked scan worker wants); kiwipiepy still warns that the meaning of 0 changed
                    warnings.simplefilter("ignore", DeprecationWarning)
                    k = Kiwi(num_workers=0, load_typo_dict=False, load_multi_dict=False)
                for word in _USER_NOUNS:
                    k.add_user_word(word, "NNG")
                _kiwi = k
    return _kiwi


def loaded() -> bool:
    return _kiwi is not None


class Morph(NamedTuple):
    """A morpheme; a tuple of plain values, so the garbage collector can stop tracking the many kept in caches."""

    form: str
    tag: str
    start: int
    end: int

    @property
    def noun(self) -> bool:
        return self.tag in ("NNG", "NNP", "SL", "SH", "XR") or self.tag == "NR"

    @property
    def predicate(self) -> bool:
        return self.tag.startswith(("VV", "VA"))


@lru_cache(maxsize=200_000)
def morphs(text: str) -> tuple[Morph, ...]:
    out = []
    for t in kiwi().tokenize(text):
        tag = t.tag.split("-")[0]  # "VV-R" / "VV-I": regular / irregular conjugation, same verb
        out.append(Morph(t.form, tag, t.start, t.start + t.len))
    return tuple(out)
