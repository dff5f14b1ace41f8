"""Korean documents: the PDF embeds the typeface Concord ships, the DOCX names an East Asian font."""
from __future__ import annotations

import io
import re
import shutil
import subprocess
import zipfile

import pytest

from apps.approvals.selectors import signatures_for_version
from apps.deliverables import exports
from apps.deliverables.models import DeliverableVersion
from apps.deliverables.services import deliverable_create, section_create, version_publish


@pytest.fixture
def korean_version(pmo, engagement) -> DeliverableVersion:
    deliverable = deliverable_create(actor=pmo, engagement=engagement, title="통합 요구사항 정의서")
    section_create(actor=pmo, deliverable=deliverable, heading="데이터 보관",
                   body="- 고객 데이터는 최소 5년 동안 보관해야 한다.\n- 접속 로그는 **12개월** 후에 삭제한다.")
    return version_publish(deliverable=deliverable, actor=pmo)


def _export(version, fmt):
    fresh = DeliverableVersion.objects.select_related("deliverable__engagement", "published_by").get(pk=version.pk)
    return exports.export_version(fresh, signatures_for_version(version=version), fmt)[0]


def test_the_shipped_font_files_and_their_licence_are_in_the_package():
    for _weight, path in exports.PDF_FONTS:
        assert path.is_file() and path.stat().st_size > 500_000
    assert "SIL Open Font License" in (exports.FONT_DIR / "OFL.txt").read_text(encoding="utf-8")


@pytest.mark.skipif(shutil.which("pdffonts") is None,
                    reason="pdffonts (poppler-utils) is not installed; .ci/run installs it")
def test_a_korean_pdf_embeds_the_shipped_noto_sans_kr(korean_version, tmp_path):
    pdf = tmp_path / "ko.pdf"
    pdf.write_bytes(_export(korean_version, "pdf"))
    listing = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True).stdout
    # name, type, encoding, then the "emb" and "sub" columns: the shipped face, embedded as a subset
    rows = re.findall(r"^\S+\+(Concord-Noto-Sans-KR\S*)\s.*?\s(yes|no)\s+(yes|no)\s+(?:yes|no)\s+\d+", listing, re.M)
    assert {name for name, _emb, _sub in rows} == {"Concord-Noto-Sans-KR", "Concord-Noto-Sans-KR-Bold"}, listing
    assert all(emb == "yes" for _name, emb, _sub in rows), listing
    # and no font of the document is left to the host
    assert not re.search(r"\s(no)\s+(?:yes|no)\s+(?:yes|no)\s+\d+\s+\d+\s*$", listing, re.M), listing
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    assert "고객 데이터는 최소 5년 동안 보관해야 한다." in text


def test_the_pdf_css_loads_the_font_from_the_shipped_files(korean_version):
    html = exports.export_html(korean_version, [], for_pdf=True).decode()
    assert "@font-face" in html and exports.PDF_FONTS[0][1].as_uri() in html
    assert f'font-family: "{exports.PDF_FONT_FAMILY}"' in html
    assert "@font-face" not in exports.export_html(korean_version, []).decode()  # the HTML download stays light


def test_the_docx_sets_an_east_asian_font_and_korean_language(korean_version):
    from docx import Document

    data = _export(korean_version, "docx")
    styles = zipfile.ZipFile(io.BytesIO(data)).read("word/styles.xml").decode()
    assert f'w:eastAsia="{exports.DOCX_EAST_ASIAN_FONT}"' in styles and 'w:eastAsia="ko-KR"' in styles
    text = "\n".join(p.text for p in Document(io.BytesIO(data)).paragraphs)
    assert "고객 데이터는 최소 5년 동안 보관해야 한다." in text
