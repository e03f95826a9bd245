import io

import pypdf

from conferences.documents.paper_text import render_paper_text_pdf
from conferences.models import Organization


def test_a_papers_text_prints_with_the_agency_heading_and_its_sanitised_body():
    agency = Organization(name="Sở Khoa học và Công nghệ tỉnh Quảng Ninh")

    pdf = render_paper_text_pdf(
        organization=agency,
        title="Kết quả áp dụng TCVN ISO 9001",
        authors=["Lê Văn C, Giám đốc"],
        abstract="Tóm tắt của tham luận.",
        body="## Kiến nghị\n\n- **228** cơ quan\n\n<script>alert(1)</script>\n\n[đọc](javascript:alert(1))",
        conference_title="Hội nghị sơ kết",
    )

    reader = pypdf.PdfReader(io.BytesIO(pdf))
    text = " ".join(" ".join(page.extract_text().split()) for page in reader.pages)
    assert "SỞ KHOA HỌC VÀ CÔNG NGHỆ" in text.upper()
    assert "THAM LUẬN" in text
    assert "Kết quả áp dụng TCVN ISO 9001" in text
    assert "Lê Văn C, Giám đốc" in text
    assert "Kiến nghị" in text and "228 cơ quan" in text
    # Raw HTML is printed as the text it is, not run; a javascript: link makes no link.
    assert "<script>alert(1)</script>" in text
    assert all(
        "/A" not in annotation.get_object() for page in reader.pages for annotation in page.get("/Annots", [])
    )
