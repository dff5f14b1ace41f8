"""Which language a statement is written in, so each one goes to an analyser that can read it.

Detection checks English and Korean. The script decides most cases (Hangul → Korean; Han without Hangul,
kana, Cyrillic, Arabic … → a language the detector cannot check). Text in Latin letters is English only when
English function words carry it: "Les données sont conservées cinq ans" is Latin script but not English, and
comparing it with the English rules would be silently wrong, so it is reported as unsupported instead.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from typing import Literal

Language = Literal["en", "ko", "other", ""]

SUPPORTED: dict[str, str] = {"en": "English", "ko": "Korean"}

_HANGUL = re.compile(r"[\uac00-\ud7a3\u1100-\u11ff\u3130-\u318f]")
_LATIN_WORD = re.compile(r"[A-Za-z\u00c0-\u024f]+")
# frequent English function words and requirement verbs: a real English sentence of eight words has a few
_EN_WORDS = frozenset([
    "the", "a", "an", "and", "or", "of", "to", "in", "on", "for", "with", "by", "at", "from", "is", "are",
    "be", "been", "was", "were", "must", "shall", "should", "will", "may", "can", "not", "no", "all", "any",
    "each", "every", "this", "that", "these", "those", "it", "its", "as", "than", "then", "when", "if",
    "only", "within", "after", "before", "least", "most", "more", "less", "per", "our", "their", "has",
    "have", "do", "does", "need", "needs", "who", "which"
])
# frequent function words of other Latin-script languages that English does not use
_OTHER_WORDS = frozenset([
    "le", "la", "les", "des", "du", "une", "et", "est", "sont", "pour", "dans", "avec", "sur", "par", "pas",
    "qui", "que", "doit", "der", "die", "das", "und", "ist", "sind", "nicht", "mit", "für", "von", "zu",
    "dem", "den", "ein", "eine", "muss", "werden", "auf", "el", "los", "las", "del", "y", "es", "son", "por",
    "para", "con", "una", "que", "debe", "il", "di", "che", "non", "per", "della", "sono", "deve", "het",
    "een", "van", "zijn", "niet", "moet", "och", "att", "är", "för", "inte", "ska", "de", "dei", "degli",
    "delle", "essere", "devono", "deve", "moeten", "worden", "bij", "naar", "voor", "ook", "devem", "ser",
    "não", "os", "das", "dos", "em", "uma", "pelo", "pela", "sào", "zijn", "wordt", "kan", "skal", "må", "och"
])


def _letters(text: str) -> list[str]:
    return [ch for ch in text if ch.isalpha()]


@lru_cache(maxsize=100_000)
def detect_language(text: str) -> Language:
    """'ko', 'en', 'other' (a language detection cannot check) or '' (no words: figures, codes)."""
    letters = _letters(text)
    if not letters:
        return ""
    hangul = sum(1 for ch in letters if _HANGUL.match(ch))
    if hangul and hangul >= 0.2 * len(letters):
        return "ko"
    latin = sum(1 for ch in letters if ch.isascii() or "LATIN" in unicodedata.name(ch, ""))
    if latin < 0.6 * len(letters):
        return "other"  # Han without Hangul, kana, Cyrillic, Greek, Arabic, Hebrew, Thai, …
    words = [w.lower() for w in _LATIN_WORD.findall(text)]
    if len(words) < 4:
        return "en"  # too short to tell ("SSO via Okta"): read as English, as before
    en = sum(1 for w in words if w in _EN_WORDS)
    other = sum(1 for w in words if w in _OTHER_WORDS and w not in _EN_WORDS)
    accented = sum(1 for ch in letters if not ch.isascii())
    if other > en or (en == 0 and (other or accented >= 2)):
        return "other"
    return "en"
