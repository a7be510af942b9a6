import { describe, expect, it } from "vitest";
import { addDays, both, localDay, longDay } from "./time";

describe("calendar times", () => {
  it("gives the local day of an instant in a zone", () => {
    expect(localDay("2027-01-30T03:00:00Z", "America/New_York")).toBe("2027-01-29");
    expect(localDay("2027-01-30T16:00:00Z", "Europe/London")).toBe("2027-01-30");
  });

  it("shows the account's time beside the admin's when they differ", () => {
    // The zone's short name comes from ICU: "EST" or "GMT-5".
    expect(both("2027-01-30T16:00:00Z", "Europe/London", "America/New_York")).toMatch(/^11:00 \S+ \(16:00 GMT for the account\)$/);
    expect(both("2027-01-30T16:00:00Z", "Europe/London", "Europe/London")).toBe("16:00 GMT");
  });

  it("counts days across month ends and never throws on a bad day", () => {
    expect(addDays("2027-01-30", 3)).toBe("2027-02-02");
    expect(longDay("2027-01-30")).toBe("Sat 30 Jan 2027");
    expect(longDay("not a day")).toBe("not a day");
  });
});
