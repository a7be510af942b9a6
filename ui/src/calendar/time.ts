// Times on the calendar: the admin's own zone first, the account's local
// time beside it when it reads differently.

/** The desktop's zone (the admin's own). */
export const ownZone = (): string => Intl.DateTimeFormat().resolvedOptions().timeZone || "UTC";

function fmt(iso: string, timeZone: string, opts: Intl.DateTimeFormatOptions): string {
  return new Intl.DateTimeFormat("en-GB", { timeZone, ...opts }).format(new Date(iso));
}

export const clock = (iso: string, timeZone: string) => fmt(iso, timeZone, { hour: "2-digit", minute: "2-digit", timeZoneName: "short" });

/** "11:00 EST (16:00 GMT in the account)" or just "16:00 GMT". */
export function both(iso: string, accountZone: string, zone = ownZone()): string {
  const mine = clock(iso, zone);
  const theirs = clock(iso, accountZone);
  return mine === theirs ? mine : `${mine} (${theirs} for the account)`;
}

/** The local date (YYYY-MM-DD) of an instant in a zone. */
export function localDay(iso: string, timeZone: string): string {
  const parts = new Intl.DateTimeFormat("en-GB", { timeZone, year: "numeric", month: "2-digit", day: "2-digit" }).formatToParts(new Date(iso));
  const part = (type: string) => parts.find((p) => p.type === type)?.value ?? "";
  return `${part("year")}-${part("month")}-${part("day")}`;
}

/** Adds days to a YYYY-MM-DD date. */
export function addDays(day: string, n: number): string {
  const d = new Date(`${day}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + n);
  return d.toISOString().slice(0, 10);
}

export function longDay(day: string): string {
  const date = new Date(`${day}T00:00:00Z`);
  if (Number.isNaN(date.getTime())) return day;
  const parts = new Intl.DateTimeFormat("en-GB", { timeZone: "UTC", weekday: "short", day: "numeric", month: "short", year: "numeric" }).formatToParts(date);
  const part = (type: string) => parts.find((p) => p.type === type)?.value ?? "";
  return `${part("weekday")} ${part("day")} ${part("month")} ${part("year")}`;
}
