"""Indonesian formats: full month names and no US month-first input."""

DATE_FORMAT = "j F Y"  # 17 Agustus 2025
DATETIME_FORMAT = r"j F Y \p\u\k\u\l H.i"  # 27 November 2026 pukul 23.18
TIME_FORMAT = "H.i"
YEAR_MONTH_FORMAT = "F Y"
MONTH_DAY_FORMAT = "j F"
SHORT_DATE_FORMAT = "d/m/Y"  # 17/08/2025, as dates are typed
SHORT_DATETIME_FORMAT = DATETIME_FORMAT  # one way to write a moment on every page
FIRST_DAY_OF_WEEK = 1  # Monday

DATE_INPUT_FORMATS = [
    "%d/%m/%Y",  # 17/08/2025, as the date fields show and people type
    "%d-%m-%Y",  # 17-08-2025
    "%d.%m.%Y",  # 17.08.2025
    "%Y-%m-%d",  # 2025-08-17 (ISO)
]
TIME_INPUT_FORMATS = ["%H.%M", "%H:%M", "%H.%M.%S", "%H:%M:%S"]
DATETIME_INPUT_FORMATS = [
    "%Y-%m-%dT%H:%M",
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%d %H:%M",
    "%d-%m-%Y %H.%M",
    "%d/%m/%Y %H.%M",
]

DECIMAL_SEPARATOR = ","
THOUSAND_SEPARATOR = "."
NUMBER_GROUPING = 3
