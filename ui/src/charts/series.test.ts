import { describe as suite, expect, it } from "vitest";
import type { Backup, UpgradeRun } from "../bindings";
import { activitySeries, backupSeries, describe, downtimeSeries } from "./series";

function run(id: number, startedAt: string, predictedMs: number | null, data: [string, string] | null): UpgradeRun {
  return {
    id,
    startedAt,
    toVersion: `10.0.${id}`,
    predictedMs,
    dataStartedAt: data?.[0] ?? null,
    dataFinishedAt: data?.[1] ?? null,
  } as unknown as UpgradeRun;
}

suite("chart series", () => {
  it("plots only runs that took production down, oldest first, in minutes", () => {
    const runs = [
      run(3, "2026-11-20T16:00:00Z", 90_000, ["2026-11-20T16:05:00Z", "2026-11-20T16:07:00Z"]),
      run(2, "2026-11-10T16:00:00Z", null, null),
      run(1, "2026-10-01T15:00:00Z", null, ["2026-10-01T15:00:00Z", "2026-10-01T15:00:30Z"]),
    ];
    const data = downtimeSeries(runs, "Europe/London");
    expect(data.labels).toEqual(["10.0.1, 1 Oct 2026", "10.0.3, 20 Nov 2026"]);
    expect(data.series[0].values).toEqual([null, 1.5]);
    expect(data.series[1].values).toEqual([0.5, 2]);
    expect(describe(data)).toContain("10.0.1, 1 Oct 2026: Predicted (min) not recorded, Actual (min) 0.5");
  });

  it("counts in seconds when every downtime is under two minutes", () => {
    const data = downtimeSeries([run(1, "2026-12-01T16:05:00Z", 400, ["2026-12-01T16:05:00Z", "2026-12-01T16:05:00.230Z"])], "Europe/London");
    expect(data.series).toEqual([
      { label: "Predicted (s)", values: [0.4] },
      { label: "Actual (s)", values: [0.23] },
    ]);
  });

  it("reads size and records from the backups, oldest first", () => {
    const b = (id: number, takenAt: string, sizeBytes: number, records: number | null) => ({ id, takenAt, sizeBytes, records }) as Backup;
    const data = backupSeries([b(2, "2026-11-30T09:00:00Z", 2_500_000, 1_200), b(1, "2026-11-01T09:00:00Z", 1_000_000, null)], "Europe/London");
    expect(data.labels).toEqual(["#1, 1 Nov 2026", "#2, 30 Nov 2026"]);
    expect(data.series.map((s) => s.values)).toEqual([
      [1, 2.5],
      [null, 1_200],
    ]);
  });

  it("gives each author a series over every week, zero where they did nothing", () => {
    const data = activitySeries([
      { starts: "2026-10-19", authors: [{ author: "Priya Shah", entries: 1 }, { author: "Alex Morgan", entries: 2 }] },
      { starts: "2026-10-26", authors: [{ author: "Priya Shah", entries: 3 }] },
    ]);
    expect(data.labels).toEqual(["w/c 19 Oct", "w/c 26 Oct"]);
    expect(data.series).toEqual([
      { label: "Alex Morgan", values: [2, 0] },
      { label: "Priya Shah", values: [1, 3] },
    ]);
  });
});
