"""Which languages conflict detection can check, and how much of a text it covered.

Detection reads English and Korean (see ``ko/``). A statement in any other language is not compared with
anything — a guess would be silently wrong — and ``language_coverage`` lets the product say so on the input
page and in the API instead of showing "no conflicts".
"""

from __future__ import annotations

from dataclasses import dataclass

from .ko.lang import SUPPORTED, detect_language
from .statements import split_statements

__all__ = ["SUPPORTED", "LanguageCoverage", "detect_language", "language_coverage"]


@dataclass(frozen=True)
class LanguageCoverage:
    languages: tuple[str, ...]        # languages of the statements, supported ones by code ("en", "ko")
    statements: int                   # statements with words
    unsupported: tuple[str, ...]      # statements in a language detection cannot check

    @property
    def fully_checked(self) -> bool:
        return not self.unsupported

    @property
    def notice(self) -> str:
        if not self.unsupported:
            return ""
        names = " and ".join(SUPPORTED.values())
        if len(self.unsupported) == self.statements:
            return (f"This text is in a language conflict detection cannot check (it checks {names}), "
                    "so it is not compared with other inputs.")
        n = len(self.unsupported)
        return (f"{n} of {self.statements} statements are in a language conflict detection cannot check "
                f"(it checks {names}) and are not compared with other inputs.")

    def as_dict(self) -> dict[str, object]:
        return {"languages": list(self.languages), "supported_languages": list(SUPPORTED),
                "fully_checked": self.fully_checked, "unchecked_statements": list(self.unsupported),
                "notice": self.notice}


def language_coverage(markdown: str) -> LanguageCoverage:
    langs: list[str] = []
    unsupported: list[str] = []
    count = 0
    for st in split_statements(markdown or ""):
        lang = detect_language(st.text)
        if not lang:
            continue
        count += 1
        if lang == "other":
            unsupported.append(st.text)
        if lang not in langs:
            langs.append(lang)
    return LanguageCoverage(tuple(langs), count, tuple(unsupported))
