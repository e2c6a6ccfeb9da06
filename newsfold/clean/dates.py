"""Date parsing: fast regex paths for the common shapes, dateparser (English, absolute dates
only, no future-relative guesses) for the rest."""

from __future__ import annotations

import datetime as _dt
import re
from functools import lru_cache
from typing import Optional

MONTHS = {
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "may": 5, "jun": 6, "jul": 7, "aug": 8,
    "sep": 9, "sept": 9, "oct": 10, "nov": 11, "dec": 12,
}
MONTH_RE = (
    r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|"
    r"Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\.?"
)
_ISO = re.compile(r"^\s*(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ][\d:.]+(?:Z|[+-]\d{2}:?\d{2})?)?\s*$")
_WEEKDAY = r"(?:(?:Mon|Tue|Tues|Wed|Thu|Thur|Thurs|Fri|Sat|Sun)[a-z]*\.?,?\s+)?"
_MDY = re.compile(rf"^\s*{_WEEKDAY}({MONTH_RE})\s+(\d{{1,2}})(?:st|nd|rd|th)?,?\s+(\d{{4}})\b", re.I)
_DMY = re.compile(rf"^\s*{_WEEKDAY}(\d{{1,2}})(?:st|nd|rd|th)?\s+({MONTH_RE}),?\s+(\d{{4}})\b", re.I)
_MD = re.compile(rf"^\s*({MONTH_RE})\s+(\d{{1,2}})(?:st|nd|rd|th)?\s*$", re.I)
_DM = re.compile(rf"^\s*(\d{{1,2}})(?:st|nd|rd|th)?\s+({MONTH_RE})\s*$", re.I)
_NUMERIC = re.compile(r"^\s*(?:\w+day,?\s+)?(\d{1,4})[/.-](\d{1,2})[/.-](\d{2,4})\b")
_HAS_DIGIT = re.compile(r"\d")
_ISO_TIME = re.compile(r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}")
_parser = None

_DP_SETTINGS = {
    "PREFER_DATES_FROM": "past",
    "RETURN_AS_TIMEZONE_AWARE": False,
    "REQUIRE_PARTS": ["day", "month", "year"],
    "PARSERS": ["timestamp", "custom-formats", "absolute-time"],
}


def _month(name: str) -> int:
    return MONTHS[name.lower().rstrip(".")[:4] if name.lower().startswith("sept") else name.lower()[:3]]


def _valid(y: int, m: int, d: int) -> Optional[str]:
    if not 1900 <= y <= _dt.date.today().year + 1:
        return None
    try:
        return _dt.date(y, m, d).isoformat()
    except ValueError:
        return None


def _is_compact(value: float) -> bool:
    """A number that reads as a YYYYMMDD day."""
    return value == int(value) and 19000101 <= value <= 21001231


def _compact(s: str) -> Optional[str]:
    """A YYYYMMDD day ("20260307")."""
    return _valid(int(s[:4]), int(s[4:6]), int(s[6:]))


@lru_cache(maxsize=4096)
def parse_date(value) -> Optional[str]:
    """An ISO date (YYYY-MM-DD) from a date string, epoch number or None."""
    if value is None:
        return None
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if not value > 0:  # 0, -1, NaN: a feed's "no date", not 1 January 1970
            return None
        if _is_compact(value):
            return _compact(str(int(value)))  # 20260307, not 20,260,307 s after 1970
        try:
            ts = float(value) / (1000 if value > 1e11 else 1)
            d = _dt.datetime.fromtimestamp(ts, tz=_dt.timezone.utc).date()
        except (OverflowError, OSError, ValueError):
            return None
        return _valid(d.year, d.month, d.day)  # the years a string date may name
    s = str(value).strip()
    if not s or len(s) > 100 or not _HAS_DIGIT.search(s):
        return None
    m = _ISO.match(s)
    if m:
        return _valid(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    if len(s) == 8 and s.isdecimal():  # not "2026030²" (isdigit, but no int)
        return _compact(s)
    m = _MDY.match(s)
    if m:
        return _valid(int(m.group(3)), _month(m.group(1)), int(m.group(2)))
    m = _DMY.match(s)
    if m:
        return _valid(int(m.group(3)), _month(m.group(2)), int(m.group(1)))
    m = _NUMERIC.match(s)
    if m:
        a, b, c = (int(x) for x in m.groups())
        if len(m.group(1)) == 4:  # 2024/03/05
            return _valid(a, b, c)
        if len(m.group(3)) == 4:  # 11/27/2005 (US order, as English dateparser), 27/11/2005
            if a > 12 or "." in m.group(0):  # 27/11/2005, 05.03.2024 (day first)
                return _valid(c, b, a)
            return _valid(c, a, b)
        return None
    global _parser
    try:
        if _parser is None:
            from dateparser.date import DateDataParser

            _parser = DateDataParser(languages=["en"], settings=_DP_SETTINGS)
        dt = _parser.get_date_data(s).date_obj
    except Exception:  # noqa: BLE001 - dateparser raises many kinds on odd input
        return None
    if dt is None:
        return None
    return _valid(dt.year, dt.month, dt.day)


def parse_timestamp(value) -> Optional[str]:
    """An ISO timestamp (UTC, to the second) from an ISO date-time, epoch number or date string;
    a value that names only a day gives that day (``YYYY-MM-DD``). For when a crawler saw a page
    (``first_seen``, WARC-Date), where the time of day orders a feed's arrivals."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if not value > 0 or parse_date(value) is None:
            return None
        if _is_compact(value):
            return parse_date(value)  # a day (20260307), not a time in 1970
        ts = float(value) / (1000 if value > 1e11 else 1)
        return _dt.datetime.fromtimestamp(ts, tz=_dt.timezone.utc).isoformat(timespec="seconds")
    if not isinstance(value, str):
        return None
    s = value.strip()
    if _ISO_TIME.match(s):
        try:
            t = _dt.datetime.fromisoformat(s.replace("Z", "+00:00").replace("z", "+00:00"))
        except ValueError:
            return None
        if parse_date(s[:10]) is None:  # the years a date may name
            return None
        if t.tzinfo is None:  # a crawler's clock without a zone: taken as UTC
            t = t.replace(tzinfo=_dt.timezone.utc)
        return t.astimezone(_dt.timezone.utc).isoformat(timespec="seconds")
    return parse_date(s)


def month_day(s: str) -> Optional[tuple[int, int]]:
    """(month, day) from a year-less date such as ``July 31`` or ``31 July``."""
    m = _MD.match(s)
    if m:
        return _month(m.group(1)), int(m.group(2))
    m = _DM.match(s)
    if m:
        return _month(m.group(2)), int(m.group(1))
    return None


def infer_year(month: int, day: int, reference: str) -> Optional[str]:
    """The date (month, day) nearest to and not much after ``reference`` (an ISO date)."""
    try:
        ref = _dt.date.fromisoformat(reference[:10])
    except ValueError:
        return None
    best = None
    for year in (ref.year, ref.year - 1, ref.year + 1):
        try:
            cand = _dt.date(year, month, day)
        except ValueError:
            continue
        if cand > ref + _dt.timedelta(days=2):
            continue
        if best is None or (ref - cand) < (ref - best):
            best = cand
    return best.isoformat() if best else None


_TIME_TAIL = re.compile(
    r"[\s,|@–-]*(?:at\s+)?\d{1,2}[:.]\d{2}(?:[:.]\d{2})?\s*(?:[ap]\.?m\.?)?"
    r"(?:\s*(?:\(?[A-Z]{2,5}\)?|GMT|UTC)(?:\s*[+-]\s*\d{1,2}(?::?\d{2})?)?)?\s*$",
    re.I,
)
_FULL_DATE = re.compile(
    rf"^\s*{_WEEKDAY}(?:{MONTH_RE}\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+\d{{4}}|\d{{1,2}}(?:st|nd|rd|th)?\s+{MONTH_RE},?\s+\d{{4}}"
    r"|\d{4}-\d{1,2}-\d{1,2}|\d{1,2}[/.]\d{1,2}[/.]\d{4})[\s,]*$",
    re.I,
)


def bare_date(line: str) -> Optional[str]:
    """ISO date when the whole line is a date (and maybe a time and zone), else None:
    ``July 31, 2025``, ``31 Jul 2025, 10:15 IST``, ``2025-07-31 10:15``."""
    if len(line) > 48 or not _HAS_DIGIT.search(line):
        return None
    core = _TIME_TAIL.sub("", line)
    if not _FULL_DATE.match(core):
        return None
    return parse_date(core.strip(" ,"))
