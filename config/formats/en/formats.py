"""English UI, Indonesian habits: day-first dates, no US month-first input, Rupiah separators."""

DATE_FORMAT = "j F Y"
DATETIME_FORMAT = r"j F Y \a\t H:i"  # 27 November 2026 at 23:18
SHORT_DATE_FORMAT = "d/m/Y"
SHORT_DATETIME_FORMAT = DATETIME_FORMAT
DATE_INPUT_FORMATS = ["%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y", "%Y-%m-%d"]
DECIMAL_SEPARATOR = ","
THOUSAND_SEPARATOR = "."
NUMBER_GROUPING = 3
