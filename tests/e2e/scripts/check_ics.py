"""Checks Cutover's .ics export with an independent parser (icalendar).

    check_ics.py FILE
Prints what it found; exits non-zero with the reason when the export is wrong.
"""
import sys
from datetime import datetime, timezone
from zoneinfo import ZoneInfo

import icalendar

cal = icalendar.Calendar.from_ical(open(sys.argv[1], "rb").read())
zones = [str(tz["TZID"]) for tz in cal.walk("VTIMEZONE")]
assert "Europe/London" in zones, f"no VTIMEZONE for Europe/London: {zones}"
events = {str(e["SUMMARY"]): e for e in cal.walk("VEVENT")}
upgrade = next((e for s, e in events.items() if s.startswith("Production upgrade to 10.0.2 (Wave 2)")), None)
assert upgrade is not None, f"no upgrade event in {list(events)}"
start = upgrade["DTSTART"].dt
end = upgrade["DTEND"].dt
assert start.tzinfo is not None, "the upgrade's start has no time zone"
assert start.astimezone(timezone.utc) == datetime(2027, 1, 30, 16, 0, tzinfo=timezone.utc), start
assert end.astimezone(timezone.utc) == datetime(2027, 1, 30, 19, 0, tzinfo=timezone.utc), end
assert start.astimezone(ZoneInfo("America/New_York")).hour == 11
uat = next(e for s, e in events.items() if s.startswith("UAT of 10.0.2"))
assert str(uat["DTSTART"].dt) == "2027-01-18" and str(uat["DTEND"].dt) == "2027-01-30", (uat["DTSTART"].dt, uat["DTEND"].dt)
window = next(e for s, e in events.items() if s.startswith("Maintenance window"))
rule = window["RRULE"]
assert rule["FREQ"] == ["WEEKLY"] and rule["BYDAY"] == ["SA", "SU"], rule
assert window["DTSTART"].dt.tzinfo is not None and window["DTSTART"].dt.hour == 16
# A summer weekend keeps 16:00 local (BST), which is 15:00 UTC.
summer = window["DTSTART"].dt.replace(year=2027, month=7, day=3)
assert summer.astimezone(timezone.utc).hour == 15, summer
print(f"ok: {len(events)} events, zones {zones}, upgrade {start.isoformat()}")
