"""The one place user Markdown becomes HTML: python-markdown, then an nh3 allowlist.

Nothing else in Concord renders user text, so the allowlist below is the whole XSS surface.
"""
from __future__ import annotations

import markdown as md
import nh3
from django.utils.safestring import SafeString, mark_safe

ALLOWED_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "code", "del", "em", "h1", "h2", "h3", "h4", "h5", "h6",
    "hr", "i", "li", "ol", "p", "pre", "strong", "sub", "sup", "table", "tbody", "td", "th",
    "thead", "tr", "ul", "dl", "dt", "dd", "span",
}
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "abbr": {"title"},
    "th": {"align"},
    "td": {"align"},
    "code": {"class"},
}
# Only these schemes survive; nh3 decodes entities and ignores letter case before checking,
# so "JaVaScRiPt:" or "&#106;avascript:" are dropped with the rest.
ALLOWED_URL_SCHEMES = {"http", "https", "mailto"}

_EXTENSIONS = ["extra", "sane_lists", "nl2br"]


def render_markdown(text: str) -> SafeString:
    """Render untrusted Markdown to safe HTML."""
    html = md.markdown(text or "", extensions=_EXTENSIONS, output_format="html")
    clean = nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=ALLOWED_URL_SCHEMES,
        link_rel="noopener noreferrer nofollow",
        strip_comments=True,
    )
    return mark_safe(clean)  # noqa: S308 - sanitised by nh3 just above
