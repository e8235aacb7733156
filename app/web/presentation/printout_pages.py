"""Page estimates for the court printout: how many lines a text takes in a table column,
how tall a row is, and the rows cut into page-sized chunks (see court_printout's docstring)."""
from __future__ import annotations

# Page estimates. A4 less the @page margins (18 + 20 mm) and
# the room print.css keeps for the running header and footer (11 + 10 mm) leaves 238 mm
# of content per page; the estimates keep 8 mm spare, and count every row a little taller
# and every column a little narrower than WeasyPrint 70 prints them (measured: a 10pt
# table line is 4.6 mm, a row's padding and border 3.1 mm; the index's item column holds
# about 37 characters a line, its status column 52, the chronology's text column 80),
# so a chunk fits on its page in Chromium's print too.
PAGE_MM = 230.0
TABLE_LINE_MM = 4.7
ROW_PADDING_MM = 3.6
INDEX_FIRST_PAGE_USED_MM = 100.0  # heading, the section list, the bundle table's caption and head (99 mm)
CHRONOLOGY_FIRST_PAGE_USED_MM = 45.0  # heading, lead paragraph, table head (35 mm)
CONTINUED_PAGE_USED_MM = 35.0  # "(continued)" heading(s) and the table head (30 mm)
INDEX_TITLE_CHARS = 34
INDEX_STATUS_CHARS = 46
CHRONOLOGY_WHAT_CHARS = 70


def text_lines(text: str, chars_per_line: int) -> int:
    """How many lines `text` takes in a column `chars_per_line` characters wide, wrapping
    at spaces (and at the zero-width spaces `breakable` adds) as browsers do."""
    count = 0
    for paragraph in text.split("\n"):
        count += 1
        used = 0
        for word in paragraph.replace("\u200b", " ").split():
            while len(word) > chars_per_line:  # a word longer than the line breaks anywhere
                count += 1 if used else 0
                word, used = word[chars_per_line:], 0
                count += 1
            if used and used + 1 + len(word) > chars_per_line:
                count, used = count + 1, 0
            used += len(word) + (1 if used else 0)
    return max(1, count)


def row_mm(lines: int) -> float:
    return lines * TABLE_LINE_MM + ROW_PADDING_MM


def paginate(heights: list[float], first_page_mm: float, other_pages_mm: float) -> list[list[int]]:
    """Indexes of rows per page: rows keep their order and never split; a page takes rows
    while their estimated heights fit (a row taller than a page gets a page to itself)."""
    pages: list[list[int]] = [[]]
    room = first_page_mm
    for i, height in enumerate(heights):
        if pages[-1] and height > room:
            pages.append([])
            room = other_pages_mm
        pages[-1].append(i)
        room -= height
    return pages
