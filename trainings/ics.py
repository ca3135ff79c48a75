"""One class as an iCalendar file (RFC 5545): times in UTC, text escaped, lines folded at 75 octets, CRLF."""

import datetime

from django.utils import timezone


def escape(text: str) -> str:
    """TEXT values: backslash, semicolon and comma escaped, line breaks as \\n, control characters dropped."""
    text = str(text).replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\n", "\\n")
    return "".join(ch for ch in text if ch >= " " or ch == "\t")


def fold(line: str) -> str:
    """Lines longer than 75 octets continue on the next line after a space, never inside a UTF-8 character."""
    parts, current = [], b""
    for ch in line:
        encoded = ch.encode()
        if len(current) + len(encoded) > (75 if not parts else 74):
            parts.append(current.decode())
            current = b""
        current += encoded
    parts.append(current.decode())
    return "\r\n ".join(parts)


def _utc(moment: datetime.datetime) -> str:
    return moment.astimezone(datetime.UTC).strftime("%Y%m%dT%H%M%SZ")


def event(*, uid: str, session, location: str, url: str) -> str:
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//dvc//lop-tap-huan//VI",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        "BEGIN:VEVENT",
        f"UID:{escape(uid)}",
        f"DTSTAMP:{_utc(timezone.now())}",
        f"DTSTART:{_utc(session.starts_at)}",
        f"DTEND:{_utc(session.ends_at)}",
        f"SUMMARY:{escape(session.title)}",
        f"LOCATION:{escape(location)}",
        f"DESCRIPTION:{escape(url)}",
        f"URL:{url}",
        f"STATUS:{'CANCELLED' if session.is_cancelled else 'CONFIRMED'}",
        "END:VEVENT",
        "END:VCALENDAR",
    ]
    return "".join(fold(line) + "\r\n" for line in lines)
