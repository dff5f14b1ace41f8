"""Choice sets the PMO adds to the built-in catalogue: options of one decision that exclude each other."""
from __future__ import annotations

import re
from collections.abc import Sequence

from django.db import IntegrityError, transaction

from apps.accounts.models import User
from apps.accounts.policies import require_pmo
from apps.audit.services import audit_log
from apps.core.errors import ApplicationError
from apps.engagements.models import Engagement

from ..models import ChoiceSet

NAME_MAX = 80
MAX_OPTIONS = 30
MAX_SYNONYMS = 12
SYNONYM_MAX = 60


def parse_options(text: str) -> list[list[str]]:
    """One option per line, synonyms separated by "|" or ",": "AWS | Amazon Web Services"."""
    return [re.split(r"[|,]", line) for line in (text or "").splitlines() if line.strip()]


def _clean_options(options: Sequence[Sequence[str]]) -> list[list[str]]:
    cleaned: list[list[str]] = []
    seen: set[str] = set()
    for option in options:
        if isinstance(option, str):
            option = [option]
        synonyms = []
        for raw in option:
            value = re.sub(r"\s+", " ", str(raw)).strip().lower()
            if not value:
                continue
            if len(value) > SYNONYM_MAX:
                raise ApplicationError(f"{value[:20]}… is longer than {SYNONYM_MAX} characters.", field="options")
            if value in seen:
                raise ApplicationError(f"{value!r} appears in two options; each name may mean only one option.",
                                       field="options")
            seen.add(value)
            synonyms.append(value)
        if synonyms:
            if len(synonyms) > MAX_SYNONYMS:
                raise ApplicationError(f"At most {MAX_SYNONYMS} names per option.", field="options")
            cleaned.append(synonyms)
    if len(cleaned) < 2:
        raise ApplicationError("A choice set needs at least two options that exclude each other.", field="options")
    if len(cleaned) > MAX_OPTIONS:
        raise ApplicationError(f"At most {MAX_OPTIONS} options per choice set.", field="options")
    return cleaned


@transaction.atomic
def choice_set_create(*, engagement: Engagement, actor: User, name: str,
                      options: Sequence[Sequence[str]]) -> ChoiceSet:
    require_pmo(actor=actor, engagement=engagement)
    name = re.sub(r"\s+", " ", name or "").strip()
    if not name:
        raise ApplicationError("Give the choice set a name, e.g. \"CDN vendor\".", field="name")
    if len(name) > NAME_MAX:
        raise ApplicationError(f"The name is {len(name)} characters; the limit is {NAME_MAX}.", field="name")
    cleaned = _clean_options(options)
    if ChoiceSet.objects.filter(engagement=engagement, name__iexact=name).exists():
        raise ApplicationError(f"A choice set named {name!r} already exists.", field="name")
    try:
        with transaction.atomic():
            choice_set = ChoiceSet.objects.create(engagement=engagement, name=name, options=cleaned, created_by=actor)
    except IntegrityError as exc:  # a concurrent create of the same name
        raise ApplicationError(f"A choice set named {name!r} already exists.", field="name") from exc
    audit_log(actor=actor, action="conflicts.choice_set.created", target=choice_set, engagement=engagement,
              changes={"name": name, "options": cleaned})
    return choice_set


@transaction.atomic
def choice_set_delete(*, choice_set: ChoiceSet, actor: User) -> None:
    require_pmo(actor=actor, engagement=choice_set.engagement)
    audit_log(actor=actor, action="conflicts.choice_set.deleted", target=choice_set,
              engagement=choice_set.engagement_id, changes={"name": choice_set.name, "options": choice_set.options})
    choice_set.delete()
