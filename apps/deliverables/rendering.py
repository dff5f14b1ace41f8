"""Turning draft sections into one deterministic document. Pure functions: same sections, same bytes."""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

from apps.core.markdown import render_markdown


@dataclass(frozen=True)
class SectionText:
    heading: str
    body: str


@dataclass(frozen=True)
class Document:
    markdown_source: str
    html: str

    @property
    def html_bytes(self) -> bytes:
        return self.html.encode("utf-8")


def _body(text: str) -> str:
    return (text or "").replace("\r\n", "\n").strip()


def render_document(*, title: str, sections: Sequence[SectionText]) -> Document:
    """One HTML fragment: title, then each section as a numbered heading and its sanitised Markdown body.

    No timestamps, ids or anything else that varies between two renders of the same text, so the
    SHA-256 of the bytes identifies the content.
    """
    md_parts = [f"# {title.strip()}\n"]
    html_parts = ['<article class="deliverable">', f"<h1>{escape(title.strip())}</h1>"]
    for number, section in enumerate(sections, start=1):
        body = _body(section.body)
        md_parts.append(f"## {number}. {section.heading.strip()}\n\n{body}\n" if body
                        else f"## {number}. {section.heading.strip()}\n")
        html_parts.append(f'<section id="section-{number}">')
        html_parts.append(f"<h2>{number}. {escape(section.heading.strip())}</h2>")
        if body:
            html_parts.append(str(render_markdown(body)))
        html_parts.append("</section>")
    html_parts.append("</article>")
    return Document(markdown_source="\n".join(md_parts), html="\n".join(html_parts) + "\n")
