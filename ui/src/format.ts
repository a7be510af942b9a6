// How numbers, sizes and instants read on screen. Instants are stored in
// UTC and shown in the account's own time zone.

const count = new Intl.NumberFormat("en-GB");

// "1 change", "4 changes", never "change(s)"; the plural is given so that
// irregular nouns stay right.
export function counted(n: number, singular: string, plural: string): string {
  return `${formatCount(n)} ${n === 1 ? singular : plural}`;
}

export function formatCount(n: number): string {
  return count.format(n);
}

// An environment's records as a sentence says them: "about 1,200" when
// the count is a server's estimate from its statistics.
export function formatRecords(n: number, estimated: boolean): string {
  return estimated ? `about ${formatCount(n)}` : formatCount(n);
}

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  const units = ["KB", "MB", "GB", "TB"];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return `${value >= 100 ? value.toFixed(0) : value.toFixed(1)} ${units[unit]}`;
}

/** An instant in `timeZone`; `seconds` where several may fall in one minute (backups). */
export function formatInstant(iso: string, timeZone: string, seconds = false): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return new Intl.DateTimeFormat("en-GB", {
    timeZone,
    day: "numeric",
    month: "short",
    year: "numeric",
    hour: "2-digit",
    minute: "2-digit",
    ...(seconds ? { second: "2-digit" as const } : {}),
    timeZoneName: "short",
  }).format(date);
}

export function formatDate(iso: string, timeZone: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return new Intl.DateTimeFormat("en-GB", { timeZone, day: "numeric", month: "short", year: "numeric" }).format(date);
}

/** A record value as shown and as edited: the backend's text form. */
export function formatValue(v: string | number | boolean | null): string {
  if (v === null) return "";
  if (typeof v === "boolean") return v ? "yes" : "no";
  return String(v);
}

/** How long something took, from two instants: "850 ms", "2.4 s", "3 min 5 s". */
export function formatDuration(fromIso: string, toIso: string): string {
  const ms = new Date(toIso).getTime() - new Date(fromIso).getTime();
  if (Number.isNaN(ms) || ms < 0) return "—";
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  return `${Math.floor(ms / 60_000)} min ${Math.round((ms % 60_000) / 1000)} s`;
}
