import { describe, expect, it } from "vitest";
import { formatBytes, formatCount, formatDuration, formatInstant } from "./format";

describe("format", () => {
  it("formats sizes and counts", () => {
    expect(formatBytes(900)).toBe("900 B");
    expect(formatBytes(1536)).toBe("1.5 KB");
    expect(formatBytes(300 * 1024 * 1024)).toBe("300 MB");
    expect(formatCount(1204)).toBe("1,204");
  });

  it("shows instants in the account's zone across daylight saving", () => {
    // London changed from BST to GMT at 01:00 UTC on 25 Oct 2026.
    expect(formatInstant("2026-10-25T00:30:00Z", "Europe/London")).toContain("01:30 BST");
    expect(formatInstant("2026-10-25T01:30:00Z", "Europe/London")).toContain("01:30 GMT");
    expect(formatInstant("2026-10-25T01:30:00Z", "America/New_York")).toContain("21:30");
  });
});

describe("formatDuration", () => {
  it("reads as milliseconds, seconds or minutes", () => {
    expect(formatDuration("2026-11-23T10:00:00.000Z", "2026-11-23T10:00:00.420Z")).toBe("420 ms");
    expect(formatDuration("2026-11-23T10:00:00Z", "2026-11-23T10:00:02.400Z")).toBe("2.4 s");
    expect(formatDuration("2026-11-23T10:00:00Z", "2026-11-23T10:03:05Z")).toBe("3 min 5 s");
  });
});
