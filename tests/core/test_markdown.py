import pytest
from django.template import Context, Template

from core.markdown import markdown_to_html


@pytest.fixture(autouse=True)
def _fresh_cache(settings):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}


def test_markdown_renders_commonmark_with_headings_from_h2():
    html = markdown_to_html("# Mở đầu\n\nĐoạn **đậm** và *nghiêng*.\n\n- một\n- hai\n\n###### sâu")

    assert html == (
        "<h2>Mở đầu</h2>\n<p>Đoạn <strong>đậm</strong> và <em>nghiêng</em>.</p>\n"
        "<ul>\n<li>một</li>\n<li>hai</li>\n</ul>\n<h4>sâu</h4>\n"
    )


def test_markdown_renders_tables_without_inline_styles():
    html = markdown_to_html("| Tỉnh | Số cơ quan |\n|:--|--:|\n| Quảng Ninh | 228 |")

    assert "<th>Tỉnh</th>" in html
    assert "<td>228</td>" in html
    assert "style" not in html


def test_markdown_links_get_rel_and_keep_only_safe_schemes():
    html = markdown_to_html(
        "[một](https://mic.gov.vn/?a=1&b=2) [hai](mailto:vp@most.gov.vn) [ba](javascript:alert(1)) "
        "[bốn](data:text/html;base64,PHNjcmlwdD4=) [năm](/admin/) [sáu](JaVaScRiPt:alert(1))"
    )

    assert '<a href="https://mic.gov.vn/?a=1&amp;b=2" rel="noopener noreferrer nofollow">một</a>' in html
    assert '<a href="mailto:vp@most.gov.vn" rel="noopener noreferrer nofollow">hai</a>' in html
    # Refused links stay as the text that was typed, never as a link.
    assert html.count("<a ") == 3
    assert "[ba](javascript:alert(1))" in html
    assert "[bốn](data:text/html;base64,PHNjcmlwdD4=)" in html
    assert '<a rel="noopener noreferrer nofollow">năm</a>' in html  # A relative link loses its target.
    assert 'href="javascript' not in html.lower() and 'href="data' not in html


@pytest.mark.parametrize(
    "hostile",
    [
        "<script>alert(1)</script>",
        '<img src=x onerror="alert(1)">',
        "<iframe src=https://evil.example></iframe>",
        '<a href="javascript:alert(1)">x</a>',
        '<div style="background:url(javascript:alert(1))">x</div>',
        "<!-- comment --><svg onload=alert(1)>",
    ],
)
def test_markdown_shows_raw_html_as_text(hostile):
    html = markdown_to_html(hostile)

    assert "<script" not in html and "<img" not in html and "<iframe" not in html
    assert "<svg" not in html and "<div" not in html and "<a " not in html
    assert html.startswith("<p>&lt;")


def test_markdown_images_show_their_alt_text_only():
    html = markdown_to_html(
        '![Biểu đồ **số liệu**](https://evil.example/x.png "t") and ![](data:image/png,x)'
    )

    assert html == "<p>Biểu đồ số liệu and ![](data:image/png,x)</p>\n"


def test_markdown_code_is_escaped():
    html = markdown_to_html("```html\n<script>x</script>\n```\n\n`<b>`")

    assert html == "<pre><code>&lt;script&gt;x&lt;/script&gt;\n</code></pre>\n<p><code>&lt;b&gt;</code></p>\n"


@pytest.mark.sqlite_only  # No database in it: the PostgreSQL pass would only repeat it.
@pytest.mark.parametrize("unit", ["a", "[", "*a", "> ", "![x](", "<", "[a]("])
def test_markdown_renders_200000_characters_of_anything(unit):
    text = unit * (200_000 // len(unit))

    html = markdown_to_html(text)

    assert "<script" not in html
    assert len(html) >= 5


def test_markdown_of_nothing_is_empty():
    assert markdown_to_html("") == ""


def test_markdown_filter_renders_safe_html_in_a_template():
    rendered = Template("{% load markdown %}{{ body|markdown }}").render(
        Context({"body": "**Tham luận** <script>alert(1)</script>"})
    )

    assert rendered == "<p><strong>Tham luận</strong> &lt;script&gt;alert(1)&lt;/script&gt;</p>\n"


def test_markdown_result_is_cached_by_text(monkeypatch):
    import core.markdown

    calls = []
    real = core.markdown._render
    monkeypatch.setattr(core.markdown, "_render", lambda text: calls.append(text) or real(text))

    first = markdown_to_html("*một*")
    second = markdown_to_html("*một*")

    assert first == second == "<p><em>một</em></p>\n"
    assert calls == ["*một*"]
