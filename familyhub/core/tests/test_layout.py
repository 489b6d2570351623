"""Page layout rules every template keeps, so nothing scrolls the whole page sideways on a phone.
(The browser test test_narrow_screen_browser.py shows the result at 375 px.)"""

from __future__ import annotations

import re
from pathlib import Path

import familyhub

ROOT = Path(familyhub.__file__).parent
TABLE = re.compile(r'<table class="govuk-table[ "]')
# The box a table scrolls in: a focusable, named region (so a keyboard can scroll it).
BOX = re.compile(
    r'<div class="fh-(?:table|timetable)-scroll" tabindex="0" role="region" aria-label="[^"]+">\s*$'
)


def _templates() -> list[Path]:
    return sorted(ROOT.glob("*/templates/**/*.html"))


def test_every_govuk_table_scrolls_in_its_own_box():
    unboxed = []
    for path in _templates():
        text = path.read_text(encoding="utf-8")
        for match in TABLE.finditer(text):
            if not BOX.search(text[max(0, match.start() - 300) : match.start()]):
                line = text.count("\n", 0, match.start()) + 1
                unboxed.append(f"{path.relative_to(ROOT)}:{line}")
    assert not unboxed, (
        "Wrap these tables in "
        '<div class="fh-table-scroll" tabindex="0" role="region" aria-label="...">: '
        + ", ".join(unboxed)
    )


def test_the_rule_finds_the_tables():
    # A guard on the test above: it must see the project's tables to mean anything.
    assert sum(len(TABLE.findall(p.read_text(encoding="utf-8"))) for p in _templates()) > 40


def test_the_stylesheet_wraps_long_words_and_clips_each_table_box():
    css = (ROOT / "core/static/govuk/familyhub.css").read_text(encoding="utf-8")
    assert ".govuk-main-wrapper{overflow-wrap:anywhere}" in css
    box = re.search(r"\.fh-table-scroll\{([^}]*)\}", css)
    assert box and "overflow-x:auto" in box.group(1) and "position:relative" in box.group(1)
