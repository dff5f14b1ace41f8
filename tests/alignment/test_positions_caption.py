"""The positions table is captioned with the agenda item's title, never a database id (issue 18, point 8)."""
from __future__ import annotations

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_the_positions_caption_names_the_item_not_its_id(as_user, pmo, engagement, session, item):
    html = as_user(pmo).get(reverse("alignment:detail", args=[engagement.pk, session.pk])).content.decode()
    assert f"Positions on “{item.title}”" in html
    assert f"Positions on item {item.pk}" not in html
