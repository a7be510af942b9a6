"""Reads an .ics file with two independent iCalendar readers and prints,
for each, every timed event that overlaps [FROM, TO) expanded from its
rules, as JSON: {"reader": [[uid, start, end], ...]} with UTC instants.

    python read.py FILE FROM TO      (FROM and TO as 2026-10-01T00:00:00Z)

Used by the store test `ics_outside.rs`: Cutover's export must mean the
same instants to other calendars as it does to Cutover.
"""
import datetime as dt
import json
import sys

import icalendar
import recurring_ical_events
import vobject

UTC = dt.timezone.utc


def instant(text):
    return dt.datetime.fromisoformat(text.replace("Z", "+00:00"))


def utc(value):
    if not isinstance(value, dt.datetime):
        return None  # an all-day event
    if value.tzinfo is None:
        raise SystemExit(f"floating time {value}: every timed value needs a zone")
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def with_icalendar(text, start, end):
    calendar = icalendar.Calendar.from_ical(text)
    out = []
    for event in recurring_ical_events.of(calendar).between(start, end):
        begin = event["DTSTART"].dt
        finish = event["DTEND"].dt if "DTEND" in event else begin + event["DURATION"].dt
        if utc(begin):
            out.append([str(event["UID"]), utc(begin), utc(finish)])
    return sorted(out)


def with_vobject(text, start, end):
    out = []
    for event in vobject.readOne(text).vevent_list:
        begin = event.dtstart.value
        if not isinstance(begin, dt.datetime):
            continue
        length = event.duration.value if hasattr(event, "duration") else event.dtend.value - begin
        starts = list(event.getrruleset(addRDate=True)) if hasattr(event, "rrule") else [begin]
        zone = begin.tzinfo
        if hasattr(zone, "localize"):
            # vobject hands pytz zones to dateutil's rrule, which keeps the
            # first occurrence's fixed offset on every later one (pytz's
            # known pitfall); a client localizes each wall-clock time.
            starts = [zone.localize(s.replace(tzinfo=None)) for s in starts]
        for s in starts:
            if s < end and s + length > start:
                out.append([event.uid.value, utc(s), utc(s + length)])
    return sorted(out)


def main():
    path, start, end = sys.argv[1], instant(sys.argv[2]), instant(sys.argv[3])
    text = open(path, encoding="utf-8").read()
    print(json.dumps({"icalendar": with_icalendar(text, start, end), "vobject": with_vobject(text, start, end)}))


main()
