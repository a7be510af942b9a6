// What each chart plots, from what the backend already answers: pure
// functions, so that what a chart says is tested without a canvas.
import type { Backup, UpgradeRun, WeekActivity } from "../bindings";
import { formatDate } from "../format";

export type Series = { label: string; values: (number | null)[] };
export type ChartData = { labels: string[]; series: Series[] };

const MINUTE = 60_000;

/** Each run that took production down: predicted against actual downtime,
 *  oldest first, in minutes, or in seconds when every figure is under two
 *  minutes (a small environment's upgrade). */
export function downtimeSeries(runs: UpgradeRun[], timeZone: string): ChartData {
  const down = runs.filter((r) => r.dataStartedAt && r.dataFinishedAt).sort((a, b) => a.startedAt.localeCompare(b.startedAt));
  const actual = down.map((r) => new Date(r.dataFinishedAt as string).getTime() - new Date(r.dataStartedAt as string).getTime());
  const predicted = down.map((r) => r.predictedMs);
  const longest = Math.max(0, ...actual, ...predicted.map((p) => p ?? 0));
  const [unit, per] = longest < 2 * MINUTE ? ["s", 1000] : ["min", MINUTE];
  const scaled = (ms: number) => Math.round((ms / per) * 100) / 100;
  return {
    labels: down.map((r) => `${r.toVersion}, ${formatDate(r.startedAt, timeZone)}`),
    series: [
      { label: `Predicted (${unit})`, values: predicted.map((p) => (p === null ? null : scaled(p))) },
      { label: `Actual (${unit})`, values: actual.map(scaled) },
    ],
  };
}

/** Size (MB) and record count at each backup, oldest first. */
export function backupSeries(backups: Backup[], timeZone: string): ChartData {
  const sorted = [...backups].sort((a, b) => a.takenAt.localeCompare(b.takenAt));
  return {
    labels: sorted.map((b) => `#${b.id}, ${formatDate(b.takenAt, timeZone)}`),
    series: [
      { label: "Size (MB)", values: sorted.map((b) => Math.round((b.sizeBytes / 1_000_000) * 100) / 100) },
      { label: "Records", values: sorted.map((b) => b.records) },
    ],
  };
}

/** Changes per author per week: one series per author, in name order. */
export function activitySeries(weeks: WeekActivity[]): ChartData {
  const authors = [...new Set(weeks.flatMap((w) => w.authors.map((a) => a.author)))].sort();
  const week = new Intl.DateTimeFormat("en-GB", { day: "numeric", month: "short", timeZone: "UTC" });
  return {
    labels: weeks.map((w) => `w/c ${week.format(new Date(`${w.starts}T00:00:00Z`))}`),
    series: authors.map((author) => ({ label: author, values: weeks.map((w) => w.authors.find((a) => a.author === author)?.entries ?? 0) })),
  };
}

/** The same figures in words, for screen readers and the chart's tooltip-less readers. */
export function describe(data: ChartData): string {
  return data.labels.map((l, i) => `${l}: ${data.series.map((s) => `${s.label} ${s.values[i] ?? "not recorded"}`).join(", ")}`).join("; ");
}
