"""The figures as files: CSV (one row per figure), a spreadsheet (openpyxl: the filters, then
one sheet per section), and the Home Office's annual DVPN/DVPO counts for the force in the
layout of its published tables (README, "Figures"). openpyxl is imported only when a
spreadsheet is made.
"""
from __future__ import annotations

import csv
import io

from app.services.figures import HOME_OFFICE_COLUMNS, Figures, HomeOfficeRow

CSV_COLUMNS = ("from", "to", "area", "regime", "section", "key", "label", "value", "unit", "not_recorded")
SHEET_COLUMNS = ("Figure", "Value", "Unit", "Key", "Not recorded because")
_SHEET_FORBIDDEN = str.maketrans({c: " " for c in "[]:*?/\\"})


def figure_rows(figures: Figures) -> list[list]:
    """One row per figure, the filters on each (so a row read alone still says what it counts)."""
    f = figures.filters.as_json()
    return [[f["from"], f["to"], f["area"] or "all", f["regime"] or "all", section.key, figure.key, figure.label,
             "" if figure.value is None else figure.value, figure.unit, figure.not_recorded or ""]
            for section in figures.sections for figure in section.figures]


def to_csv(figures: Figures) -> tuple[str, int]:
    """The CSV text and how many figure rows it holds."""
    rows = figure_rows(figures)
    return _csv([CSV_COLUMNS, *rows]), len(rows)


def home_office_csv(row: HomeOfficeRow) -> str:
    return _csv([HOME_OFFICE_COLUMNS, _home_office_cells(row)])


def _home_office_cells(row: HomeOfficeRow) -> list:
    return ["" if v is None else v for v in row.cells()]


def _csv(rows) -> str:
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerows(rows)
    return out.getvalue()


def to_xlsx(figures: Figures, generated: str) -> tuple[bytes, int]:
    """The workbook's bytes and how many figure rows it holds: a "Filters" sheet, then one
    sheet per section (its figures, then its notes)."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    filters = book.active
    filters.title = "Filters"
    f = figures.filters.as_json()
    for row in (("Figures", "DVPO Desk"), ("From", f["from"]), ("To", f["to"]), ("Area", f["area"] or "All areas"),
                ("Regime", f["regime"] or "Both regimes"), ("Made", generated)):
        filters.append(row)
    rows = 0
    for section in figures.sections:
        sheet = book.create_sheet(section.title.translate(_SHEET_FORBIDDEN)[:31])
        sheet.append(SHEET_COLUMNS)
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for figure in section.figures:
            value = figure.value
            sheet.append((figure.label, value, figure.unit, figure.key, figure.not_recorded or ""))
            if figure.unit == "percent" and value is not None:
                sheet.cell(sheet.max_row, 2).number_format = "0.00"
            rows += 1
        sheet.append(())
        for note in section.notes:
            sheet.append((note,))
        sheet.column_dimensions["A"].width = 60
        sheet.column_dimensions["E"].width = 40
    return _save(book), rows


def home_office_xlsx(row: HomeOfficeRow) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    sheet = book.active
    sheet.title = f"Year ending Mar {row.year_ending}"
    sheet.append((f"Domestic Violence Protection Notices (DVPNs) and Orders (DVPOs), year ending March {row.year_ending}",))
    sheet.append(())
    sheet.append(HOME_OFFICE_COLUMNS)
    for cell in sheet[3]:
        cell.font = Font(bold=True)
    sheet.append(_home_office_cells(row))
    sheet.column_dimensions["A"].width = 30
    return _save(book)


def _save(book) -> bytes:
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
