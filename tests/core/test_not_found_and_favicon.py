"""Every page links an icon that exists, and `make run` (DEBUG on) shows the site's 404, not Django's (issue 18)."""
from __future__ import annotations

import pytest
from django.contrib.staticfiles import finders
from django.test import Client

from apps.core.middleware import NotFoundPageMiddleware

pytestmark = pytest.mark.django_db


def test_pages_link_the_favicon_and_favicon_ico_leads_to_it(client, pmo, engagement):
    client.force_login(pmo)
    html = client.get("/").content.decode()
    assert 'rel="icon"' in html and "img/favicon.svg" in html
    response = client.get("/favicon.ico")
    assert response.status_code == 301 and response["Location"].endswith("img/favicon.svg")
    found = finders.find("img/favicon.svg")  # the file whitenoise serves under STATIC_URL
    with open(found, encoding="utf-8") as icon:
        assert "<svg" in icon.read()


def _debug_client(settings, technical: bool) -> Client:
    settings.DEBUG = True
    settings.TECHNICAL_404 = technical
    return Client()


def test_with_debug_on_an_unknown_url_gets_the_sites_404_page(settings, pmo):
    client = _debug_client(settings, technical=False)
    client.force_login(pmo)
    response = client.get("/no/such/page/")
    html = response.content.decode()
    assert response.status_code == 404
    assert "Not found" in html and "Back to your engagements" in html
    assert "URLconf" not in html and "Django tried these URL patterns" not in html


def test_with_debug_on_a_missing_object_gets_the_sites_404_page(settings, pmo, engagement):
    client = _debug_client(settings, technical=False)
    client.force_login(pmo)
    response = client.get(f"/e/{engagement.pk}/inputs/999999/")
    assert response.status_code == 404 and "Back to your engagements" in response.content.decode()


def test_the_api_keeps_its_json_404_with_debug_on(settings, pmo, api_as):
    _debug_client(settings, technical=False)
    response = api_as(pmo).get("/api/v1/findings/999999/")
    assert response.status_code == 404 and response["Content-Type"].startswith("application/json")


def test_technical_404_brings_djangos_page_back_for_developers(settings, pmo):
    client = _debug_client(settings, technical=True)
    client.force_login(pmo)
    assert "Django tried these URL patterns" in client.get("/no/such/page/").content.decode()


def test_the_middleware_does_nothing_with_debug_off(settings, rf):
    settings.DEBUG = False
    assert NotFoundPageMiddleware(lambda request: None).active is False
