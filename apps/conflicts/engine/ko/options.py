"""Which named options a Korean statement rules out rather than picks."""

from __future__ import annotations

import re

# the clause after an option that turns it down: "… 는 도입하지 않는다", "… 는 쓰지 않는다", "… 는 제공하지 않는다"
_CLAUSE_END = re.compile(r"[,.]|(?:하며|하고|이며|으며|지만|는데)\s")
_NEGATING_AFTER = re.compile(r"(?:지\s*않|없|안\s*(?:한|된|쓴)|금지|불가|제외|배제|중단|폐지|대신)")
_NEGATING_BEFORE = re.compile(r"(?:대신|말고|아닌|벗어나|에서\s*탈피|를\s*대체)\s*$")


def negated_options(text: str, mentions: list) -> set[str]:
    low = text.lower()
    out = set()
    for _set_name, canon, _start, end in mentions:
        rest = low[end:]
        stop = _CLAUSE_END.search(rest)
        clause = rest[: stop.start() if stop else len(rest)]
        # "A 대신 B": A is the one turned down
        if _NEGATING_AFTER.search(clause) or re.match(r"\S*\s*대신", rest):
            out.add(canon)
    return out
