"""Readable PDFs made in pure Python (fpdf2): a title, headings, paragraphs and tables, in
Helvetica (the PDF core font that readers show as Arial), A4 with page numbers.

    document = Document(title="Your information", subtitle="Made on 4 December 2026")
    document.heading("About you")
    document.paragraph("What we hold about you.")
    document.table(["Date", "What"], [["1 May 2026", "Health review"]])
    pdf_bytes = document.output()

The core fonts hold Latin-1 only: text is brought into it (curly quotes and dashes to their
plain forms, anything else to "?"), so no input makes the export fail.
"""

from __future__ import annotations

from collections.abc import Sequence

from fpdf import FPDF
from fpdf.fonts import FontFace

FONT = "Helvetica"
_PLAIN = str.maketrans(
    {
        "\u2018": "'",
        "\u2019": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u2013": "-",
        "\u2014": "-",
        "\u2026": "...",
        "\u2022": "-",
        "\u00a0": " ",
        "\u2192": "->",
    }
)


def latin1(text: object) -> str:
    """Text the core fonts can draw."""
    value = str(text if text is not None else "").translate(_PLAIN)
    return value.encode("latin-1", "replace").decode("latin-1")


class _Pdf(FPDF):
    footer_text = ""

    def footer(self) -> None:
        self.set_y(-12)
        self.set_font(FONT, size=8)
        self.cell(0, 6, latin1(f"{self.footer_text}  Page {self.page_no()} of {{nb}}"), align="C")


class Document:
    """A simple document, written top to bottom."""

    def __init__(self, *, title: str, subtitle: str = "", footer: str = "") -> None:
        self.pdf = _Pdf(format="A4")
        self.pdf.footer_text = latin1(footer)
        self.pdf.set_title(latin1(title))
        self.pdf.set_auto_page_break(auto=True, margin=18)
        self.pdf.set_margins(18, 18, 18)
        self.pdf.add_page()
        self.pdf.set_font(FONT, style="B", size=20)
        self.pdf.multi_cell(0, 9, latin1(title), new_x="LMARGIN", new_y="NEXT")
        if subtitle:
            self.pdf.set_font(FONT, size=11)
            self.pdf.multi_cell(0, 6, latin1(subtitle), new_x="LMARGIN", new_y="NEXT")
        self.pdf.ln(3)

    def heading(self, text: str, *, level: int = 1) -> None:
        size = {1: 15, 2: 12}.get(level, 11)
        self.pdf.ln(3)
        self.pdf.set_font(FONT, style="B", size=size)
        self.pdf.multi_cell(0, size * 0.5, latin1(text), new_x="LMARGIN", new_y="NEXT")
        self.pdf.ln(1)

    def paragraph(self, text: str, *, bold: bool = False) -> None:
        self.pdf.set_font(FONT, style="B" if bold else "", size=10)
        self.pdf.multi_cell(0, 5, latin1(text), new_x="LMARGIN", new_y="NEXT")
        self.pdf.ln(1)

    def table(self, columns: Sequence[str], rows: Sequence[Sequence[object]]) -> None:
        """A table with a header row that repeats on each page; long cells wrap."""
        if not rows:
            return
        self.pdf.set_font(FONT, size=9)
        with self.pdf.table(
            headings_style=FontFace(emphasis="BOLD", fill_color=(243, 242, 241)),
            line_height=4.5,
            text_align="LEFT",
            repeat_headings=1,
        ) as table:
            header = table.row()
            for column in columns:
                header.cell(latin1(column))
            for values in rows:
                row = table.row()
                for value in list(values)[: len(columns)]:
                    row.cell(latin1(value))
        self.pdf.ln(2)

    def output(self) -> bytes:
        return bytes(self.pdf.output())
