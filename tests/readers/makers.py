"""Documents written by the tests: DOCX with python-docx, PDF with reportlab (Chinese in its built-in CID font)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any


@dataclass
class Part:
    """A section of a test document: its heading, paragraphs, list items and table rows."""

    heading: str
    paragraphs: list[str]
    items: list[str] = field(default_factory=list)
    rows: list[list[str]] = field(default_factory=list)
    level: int = 1


def write_docx(path: Path, title: str, parts: list[Part], numbered: bool = True) -> Path:
    import docx

    document = docx.Document()
    document.core_properties.title = title
    document.add_paragraph(title, style="Title")
    for part in parts:
        document.add_heading(part.heading, level=part.level)
        for paragraph in part.paragraphs:
            document.add_paragraph(paragraph)
        for item in part.items:
            document.add_paragraph(item, style="List Number" if numbered else "List Bullet")
        if part.rows:
            table = document.add_table(rows=len(part.rows), cols=len(part.rows[0]))
            for row, values in zip(table.rows, part.rows, strict=True):
                for cell, value in zip(row.cells, values, strict=True):
                    cell.text = value
    document.save(str(path))
    return path


def _styles(chinese: bool) -> tuple[Any, Any, Any]:
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont

    font = "Helvetica"
    if chinese:
        pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
        font = "STSong-Light"
    wrap = "CJK" if chinese else None
    body = ParagraphStyle("body", fontName=font, fontSize=11, leading=16, spaceAfter=8, wordWrap=wrap)
    heading = ParagraphStyle("heading", fontName=font, fontSize=15, leading=20, spaceBefore=10, spaceAfter=8)
    item = ParagraphStyle("item", parent=body, leftIndent=14, spaceAfter=2)
    return body, heading, item


def write_pdf(
    path: Path,
    title: str,
    parts: list[Part],
    outline: bool = True,
    chinese: bool = False,
    running_header: str = "",
    page_break_each: bool = True,
) -> Path:
    """A PDF with one section per part (a new page for each when `page_break_each`), page numbers in the footer,
    an optional running header on every page and, with `outline`, a bookmark per heading."""
    from reportlab.lib.pagesizes import A4
    from reportlab.platypus import PageBreak, Paragraph, SimpleDocTemplate

    body, heading, item = _styles(chinese)

    class _Template(SimpleDocTemplate):
        def afterFlowable(self, flowable: Any) -> None:
            if outline and isinstance(flowable, Paragraph) and flowable.style.name == "heading":
                key = f"h{id(flowable)}"
                self.canv.bookmarkPage(key)
                self.canv.addOutlineEntry(flowable.getPlainText(), key, level=0)

    def decorate(canvas: Any, document: Any) -> None:
        canvas.saveState()
        canvas.setFont(body.fontName, 9)
        canvas.drawString(72, 30, str(document.page))
        if running_header:
            canvas.drawString(72, A4[1] - 40, running_header)
        canvas.restoreState()

    story: list[Any] = []
    for index, part in enumerate(parts):
        if index and page_break_each:
            story.append(PageBreak())
        story.append(Paragraph(part.heading, heading))
        story.extend(Paragraph(text, body) for text in part.paragraphs)
        story.extend(Paragraph(f"{number}. {text}", item) for number, text in enumerate(part.items, 1))
        story.extend(Paragraph("; ".join(row), body) for row in part.rows)
    template = _Template(str(path), pagesize=A4, title=title)
    template.build(story, onFirstPage=decorate, onLaterPages=decorate)
    return path


HTML_PAGE = """<!doctype html><html lang="zh"><head><meta charset="utf-8"><title>门店私域运营指南 - 运营笔记</title>
<script>var tracker = "统计代码";</script></head><body>
<header><a href="/">运营笔记</a><form><input placeholder="搜索"></form></header>
<nav><ul><li><a href="/">首页</a></li><li><a href="/cases">案例库</a></li>
<li><a href="/about">关于我们</a></li></ul></nav>
<div class="ad">限时优惠课程五折,扫码立即报名</div>
<article><h1>门店私域运营指南</h1>
<p>门店做私域的目的不是多加几个好友,而是让到店顾客在离店之后还愿意和门店保持联系并再次消费。</p>
<h2>第一步 把到店顾客加为好友</h2>
<p>收银台是加好友转化率最高的位置,店员在结账时用一句话说明加好友能得到的具体好处。</p>
<ol><li>结账时提供一张满五十减五元的券</li><li>每周三在群里发布当季新品</li></ol>
<h2>第二步 分层维护老顾客</h2>
<p>按最近一次消费的时间把顾客分成三层,三十天内消费过的顾客每周只推送一次,避免打扰。</p>
<table><tr><th>分层</th><th>推送频率</th></tr><tr><td>三十天内</td><td>每周一次</td></tr></table>
</article>
<div class="share">分享到微信 微博 QQ空间</div>
<section class="related"><h3>相关文章</h3><ul><li><a href="/a">社区团购的十个误区</a></li>
<li><a href="/b">直播带货话术大全</a></li></ul></section>
<div id="comments"><h3>网友评论</h3><p>小王:写得太好了,收藏了!</p></div>
<footer>版权所有 © 2026 运营笔记 京ICP备00000000号</footer></body></html>
"""
HTML_BOILERPLATE = ["限时优惠课程五折", "社区团购的十个误区", "写得太好了", "京ICP备", "案例库", "统计代码"]
PDF_BOILERPLATE = ["内部资料 请勿外传"]
DOCX_BOILERPLATE = ["Confidential draft for the growth team"]


def write_samples(folder: Path) -> dict[str, Path]:
    """One document of each supported format in `folder`, keyed by format."""
    from tests.readers import content

    folder.mkdir(parents=True, exist_ok=True)
    (folder / "referrals.txt").write_text(content.TXT_TEXT, encoding="utf-8")
    (folder / "social-calendar.md").write_text(content.MD_TEXT, encoding="utf-8")
    (folder / "store-private-domain.html").write_text(HTML_PAGE, encoding="utf-8")
    write_pdf(folder / "community-handbook.pdf", content.ZH_TITLE, content.ZH_PARTS, chinese=True,
              running_header=PDF_BOILERPLATE[0])  # fmt: skip
    docx_path = write_docx(folder / "onboarding-playbook.docx", content.EN_TITLE, content.EN_PARTS)
    _add_docx_footer(docx_path, DOCX_BOILERPLATE[0])
    return {
        "text": folder / "referrals.txt",
        "markdown": folder / "social-calendar.md",
        "html": folder / "store-private-domain.html",
        "pdf": folder / "community-handbook.pdf",
        "docx": docx_path,
    }


def _add_docx_footer(path: Path, text: str) -> None:
    import docx

    document = docx.Document(str(path))
    document.sections[0].footer.paragraphs[0].text = text
    document.save(str(path))


def _scanned_pdf(path: Path) -> Path:
    """A PDF whose page holds only a drawing: no text layer."""
    from reportlab.pdfgen import canvas

    pdf = canvas.Canvas(str(path))
    for _ in range(2):
        pdf.rect(72, 400, 300, 200, fill=1)
        pdf.showPage()
    pdf.save()
    return path


def _encrypted_pdf(path: Path) -> Path:
    from reportlab.pdfgen import canvas

    pdf = canvas.Canvas(str(path), encrypt="secret")
    pdf.drawString(72, 700, "Quarterly retention numbers for the board, not to be shared.")
    pdf.save()
    return path


def _zip_bomb(source: Path, path: Path, size: int) -> Path:
    """A valid DOCX with one more part of `size` zero bytes (it compresses about a thousandfold)."""
    import zipfile

    with zipfile.ZipFile(source) as original, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as bomb:
        for info in original.infolist():
            bomb.writestr(info, original.read(info))
        bomb.writestr("word/media/padding.bin", b"\0" * size)
    return path


def write_hostile(folder: Path, samples: dict[str, Path]) -> dict[str, tuple[Path, int, str]]:
    """Files that must be refused: name → (path, HTTP status, a phrase of the error)."""
    import random

    folder.mkdir(parents=True, exist_ok=True)
    noise = random.Random(20261201).randbytes(6_000)
    pdf = samples["pdf"].read_bytes()
    docx_bytes = samples["docx"].read_bytes()
    files = {
        "text-named-pdf": (folder / "notes.pdf", b"Just some notes, not a PDF at all.\n" * 20, 422, "does not match"),
        "html-named-docx": (folder / "page.docx", samples["html"].read_bytes(), 422, "does not match"),
        "truncated-pdf": (folder / "cut.pdf", pdf[: len(pdf) // 2], 422, "truncated"),
        "truncated-docx": (folder / "cut.docx", docx_bytes[: len(docx_bytes) // 2], 422, "DOCX"),
        "random-pdf": (folder / "noise.pdf", noise, 422, "does not match"),
        "random-docx": (folder / "noise.docx", noise, 422, "does not match"),
        "random-html": (folder / "noise.html", noise, 422, "does not match"),
        "random-md": (folder / "noise.md", noise, 422, "does not match"),
        "unsupported": (folder / "sheet.xlsx", docx_bytes, 415, "unsupported file type"),
    }
    for path, data, _, _ in files.values():
        path.write_bytes(data)
    found = {name: (path, status, phrase) for name, (path, _, status, phrase) in files.items()}
    found["encrypted-pdf"] = (_encrypted_pdf(folder / "locked.pdf"), 422, "encrypted")
    found["scanned-pdf"] = (_scanned_pdf(folder / "scan.pdf"), 422, "no extractable text; run OCR first")
    found["zip-bomb"] = (_zip_bomb(samples["docx"], folder / "bomb.docx", 30_000_000), 413, "out of proportion")
    return found
