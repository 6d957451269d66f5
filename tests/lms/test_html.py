"""The allow-list for authored HTML: what stems legitimately need stays, nothing that runs."""

import pytest

from lms.html import clean_html, html_is_empty


def test_formatting_tables_images_and_links_are_kept():
    html = (
        '<p data-block-key="k1"><strong>粗</strong><b>b</b><em>斜</em><i>i</i><u>u</u>'
        "H<sub>2</sub>O x<sup>2</sup><br></p><ul><li>一</li></ul><ol><li>二</li></ol>"
        '<table><thead><tr><th colspan="2">表头</th></tr></thead>'
        "<tbody><tr><td>1</td><td>2</td></tr></tbody></table>"
        '<img src="/media/images/seal.png" alt="图">'
        '<img src="https://cdn.example.org/a.png" alt="">'
        '<a href="https://example.org/law" rel="noopener noreferrer">法规</a>'
        '<a href="mailto:trainer@example.org" rel="noopener noreferrer">邮件</a>'
        '<a linktype="page" id="3" rel="noopener noreferrer">课程</a>'
    )
    assert clean_html(html) == html


@pytest.mark.parametrize(
    ("dirty", "clean"),
    [
        ("<p>题<script>alert(1)</script>干</p>", "<p>题干</p>"),
        ('<p onclick="steal()" style="color:red">题干</p>', "<p>题干</p>"),
        ('<img src="x" onerror="alert(1)">', "<img>"),
        ('<img src="http://evil.example/a.png">', "<img>"),
        ('<img src="//evil.example/a.png">', "<img>"),
        ('<img src="data:image/svg+xml;base64,PHN2Zz4=">', "<img>"),
        ('<a href="javascript:alert(1)">看</a>', '<a rel="noopener noreferrer">看</a>'),
        (
            '<a href="https://e.org" target="_blank">e</a>',
            '<a href="https://e.org" rel="noopener noreferrer">e</a>',
        ),
        ('<a linktype="javascript" id="x">a</a>', '<a rel="noopener noreferrer">a</a>'),
        ('<iframe src="https://evil.example">后备</iframe>题干', "题干"),
        ('<form action="https://evil.example"><input name="p">密码</form>', "密码"),
        ("<style>p{display:none}</style><svg><script>alert(1)</script></svg>", ""),
        ("<!-- note --><object data='x.swf'></object>题干", "题干"),
    ],
)
def test_anything_that_runs_or_restyles_is_removed(dirty, clean):
    assert clean_html(dirty) == clean


def test_cleaning_twice_changes_nothing():
    once = clean_html('<p onclick="x">a<a href="https://e.org">b</a><br/>c &amp; d</p>')
    assert clean_html(once) == once


def test_empty_means_no_text_and_no_image():
    assert html_is_empty("<p> </p>")
    assert html_is_empty(clean_html("<script>alert(1)</script>"))
    assert not html_is_empty('<p><img src="/media/images/a.png"></p>')
    assert not html_is_empty("<p>题</p>")
