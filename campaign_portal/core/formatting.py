"""Formatting rules of Vietnamese administrative documents: money, dates, document numbers."""

import datetime


def format_vnd(amount, *, suffix=True) -> str:
    """12500000000 → '12.500.000.000 đ' (dot thousands separators)."""
    if amount is None or amount == "":
        return ""
    value = int(amount)
    sign = "-" if value < 0 else ""
    grouped = f"{abs(value):,}".replace(",", ".")
    return f"{sign}{grouped} đ" if suffix else f"{sign}{grouped}"


def format_number(value, decimals=2) -> str:
    """Vietnamese number style: 1.234,5 (dot thousands, comma decimals), trailing zeros trimmed."""
    if value is None or value == "":
        return ""
    text = f"{float(value):,.{decimals}f}"
    if decimals > 0:  # only the decimals' zeros: 10 stays 10
        text = text.rstrip("0").rstrip(".")
    return text.replace(",", "\x00").replace(".", ",").replace("\x00", ".")


def format_date(value) -> str:
    if not value:
        return ""
    if isinstance(value, datetime.datetime):
        value = value.date()
    return value.strftime("%d/%m/%Y")


def place_date_line(place: str, day: datetime.date) -> str:
    """'Đắk Lắk, ngày 05 tháng 01 năm 2020' (Decree 30: days under 10 and months 1–2 padded)."""
    month = f"{day.month:02d}" if day.month < 3 else str(day.month)
    return f"{place}, ngày {day.day:02d} tháng {month} năm {day.year}"
