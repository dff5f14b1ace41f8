"""A Content-Security-Policy on every page, with no inline script allowed and none needed."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
TEMPLATE_DIRS = [ROOT / "templates", *(ROOT / "apps").glob("*/templates")]
INLINE_HANDLER = re.compile(r"""<[^>]*\son[a-z]+\s*=""", re.IGNORECASE)
INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.IGNORECASE)


def _policy(response) -> dict[str, list[str]]:
    header = response["Content-Security-Policy"]
    return {d.split()[0]: d.split()[1:] for d in (p.strip() for p in header.split(";")) if d}


def test_no_template_carries_an_inline_event_handler_or_an_inline_script():
    offenders = []
    for folder in TEMPLATE_DIRS:
        for path in folder.rglob("*.html"):
            text = path.read_text()
            offenders += [f"{path.relative_to(ROOT)}: {m.group(0)[:60]}" for m in INLINE_HANDLER.finditer(text)]
            offenders += [f"{path.relative_to(ROOT)}: {m.group(0)}" for m in INLINE_SCRIPT.finditer(text)]
    assert not offenders, "\n".join(offenders)


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/accounts/login/", "/api/docs/", "/admin/login/", "/accounts/password-reset/"])
def test_public_pages_send_a_policy_without_inline_scripts(client, path):
    response = client.get(path)
    assert response.status_code == 200
    policy = _policy(response)
    assert policy["script-src"] == ["'self'"]
    assert policy["default-src"] == ["'self'"] and policy["object-src"] == ["'none'"]
    assert policy["frame-ancestors"] == ["'none'"]
    body = response.content.decode()
    assert not INLINE_SCRIPT.search(body), "an inline <script> would be blocked by the policy"


@pytest.mark.django_db
def test_signed_in_pages_and_the_api_send_the_policy(client, pmo, engagement, it_input):
    client.force_login(pmo)
    for path in (f"/e/{engagement.pk}/", f"/e/{engagement.pk}/inputs/{it_input.pk}/", "/accounts/settings/",
                 "/api/v1/engagements/"):
        response = client.get(path)
        assert response.status_code == 200, path
        assert "'unsafe-inline'" not in _policy(response)["script-src"], path
        assert not INLINE_SCRIPT.search(response.content.decode()), path


@pytest.mark.django_db
def test_the_swagger_start_up_script_is_served_as_a_file_from_this_site(client):
    page = client.get("/api/docs/").content.decode()
    scripts = re.findall(r'<script src="([^"]+)"', page)
    assert any("swagger-ui-bundle.js" in s for s in scripts)
    start = next(s for s in scripts if "script" in s.split("?")[-1])
    script = client.get(start.replace("&amp;", "&"))
    assert script.status_code == 200 and "SwaggerUIBundle" in script.content.decode()
