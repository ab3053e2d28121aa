"""Indonesian formats: full month names and no US month-first input."""

DATE_FORMAT = "j F Y"  # 17 Agustus 2025
DATETIME_FORMAT = "j F Y, H.i"
TIME_FORMAT = "H.i"
YEAR_MONTH_FORMAT = "F Y"
MONTH_DAY_FORMAT = "j F"
SHORT_DATE_FORMAT = "d-m-Y"
SHORT_DATETIME_FORMAT = "d-m-Y H.i"
FIRST_DAY_OF_WEEK = 1  # Monday

DATE_INPUT_FORMATS = [
    "%Y-%m-%d",  # 2025-08-17, what <input type="date"> sends
    "%d-%m-%Y",  # 17-08-2025
    "%d/%m/%Y",  # 17/08/2025
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
