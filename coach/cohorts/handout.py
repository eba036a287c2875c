"""Printable handouts of join links, as HTML and as PDF, each link also as a QR code.

A handout holds everyone's join link: keep it private, like a list of passwords. segno,
fpdf and matplotlib are imported inside the functions, only when a handout is made.
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

from coach.cohorts.model import CreatedCohort

_HANDOUT_CSS = """
body{font-family:system-ui,sans-serif;margin:0;color:#111}
.note{background:#fff4e5;padding:8px 12px;margin:12px}
.cards{display:grid;grid-template-columns:1fr 1fr;gap:0}
.card{border:1px dashed #999;padding:14px;text-align:center;break-inside:avoid;
page-break-inside:avoid}
.card h2{font-size:14px;margin:0 0 4px;font-weight:600}
.card .name{font-size:20px;font-weight:700;margin:4px 0 8px;overflow-wrap:anywhere}
.card svg{width:45mm;height:45mm}
.card .link{font-family:monospace;font-size:10px;overflow-wrap:anywhere}
@media print{.note{display:none}}
"""


def handout_html(created: CreatedCohort) -> str:
    """A printable page of cards: title, name, join link as text and as a QR code.

    It contains everyone's join link: keep it private, like a list of passwords.
    """
    import html

    import segno

    title = html.escape(created.cohort.title)
    cards = []
    for p, url in created.links:
        qr = segno.make(url, error="m").svg_inline(
            scale=4, omitsize=True, svgclass="qr", title="QR code of your link"
        )
        cards.append(
            f'<section class="card"><h2>{title}</h2>'
            f'<div class="name">{html.escape(p.display_name)}</div>{qr}'
            f"<p>Scan the code or type this link to open your workbook.<br>"
            f"It is yours alone: do not share it.</p>"
            f'<div class="link">{html.escape(url)}</div></section>'
        )
    return (
        '<!doctype html><html lang="en"><head><meta charset="utf-8">'
        '<meta name="robots" content="noindex"><meta name="referrer" content="no-referrer">'
        f"<title>{title}: handout</title><style>{_HANDOUT_CSS}</style></head><body>"
        '<p class="note">Private: each card opens one person\'s workbook. Print, cut, hand '
        "out, then delete this file.</p>"
        f'<main class="cards">{"".join(cards)}</main></body></html>\n'
    )


def handout_pdf(created: CreatedCohort) -> bytes:
    """The handout as a PDF: six cards per A4 page, each with a QR code of its link."""
    import matplotlib
    import segno
    from fpdf import FPDF

    fonts = Path(matplotlib.get_data_path()) / "fonts" / "ttf"
    pdf = FPDF(format="A4", unit="mm")
    pdf.set_auto_page_break(False)
    pdf.set_title(f"{created.cohort.title}: handout")
    pdf.add_font("DejaVu", "", str(fonts / "DejaVuSans.ttf"))
    pdf.add_font("DejaVu", "B", str(fonts / "DejaVuSans-Bold.ttf"))
    width, height, margin, inner = 95.0, 92.0, 10.0, 87.0
    for n, (p, url) in enumerate(created.links):
        if n % 6 == 0:
            pdf.add_page()
        x = margin + (n % 2) * width
        y = margin + ((n % 6) // 2) * height
        pdf.set_dash_pattern(dash=1, gap=1)
        pdf.rect(x, y, width, height)
        pdf.set_dash_pattern()
        pdf.set_xy(x + 4, y + 4)
        pdf.set_font("DejaVu", "B", 9)
        pdf.multi_cell(inner, 4.5, created.cohort.title[:80], align="C")
        name_pt = 14 if len(p.display_name) <= 28 else 11 if len(p.display_name) <= 45 else 9
        pdf.set_font("DejaVu", "B", name_pt)
        pdf.set_x(x + 4)
        pdf.multi_cell(inner, name_pt * 0.5, p.display_name, align="C")
        # the link text sits at the bottom; the QR code takes the space in between
        pdf.set_font("DejaVu", "", 7)
        lines: Any = pdf.multi_cell(inner, 3.5, url, dry_run=True, output="LINES")
        bottom = y + height - 3 - 3.5 * (1 + len(lines))
        top = pdf.get_y() + 2
        side = min(42.0, bottom - top - 2)
        png = io.BytesIO()
        segno.make(url, error="m").save(png, kind="png", scale=8, border=2)
        png.seek(0)
        pdf.image(png, x=x + (width - side) / 2, y=top, w=side, h=side, link=url)
        pdf.set_xy(x + 4, bottom)
        pdf.multi_cell(inner, 3.5, "Scan or type this link; it is yours alone:", align="C")
        pdf.set_x(x + 4)
        pdf.multi_cell(inner, 3.5, url, align="C", link=url)
    return bytes(pdf.output())
