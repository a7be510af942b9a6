import { describe, expect, it } from "vitest";
import type { UpgradeRun } from "../bindings";
import { dataStepStatus, duration, timeLeft } from "./labels";

const run = (state: UpgradeRun["state"], step: UpgradeRun["step"]) => ({ state, step }) as UpgradeRun;

describe("upgrade labels", () => {
  it("counts the timer down in days, then hours and minutes", () => {
    const deadline = "2027-01-11T09:00:00Z";
    expect(timeLeft(deadline, Date.parse("2027-01-01T09:00:00Z"))).toBe("10 days 0 h left");
    expect(timeLeft(deadline, Date.parse("2027-01-11T05:55:00Z"))).toBe("3 h 05 min left");
    expect(timeLeft(deadline, Date.parse("2027-01-11T09:00:00Z"))).toBe("time is up");
  });

  it("marks the steps before the current one done and the failed one failed", () => {
    expect(dataStepStatus(run("data_upgrade", "checks"), "migrations")).toBe("done");
    expect(dataStepStatus(run("data_upgrade", "checks"), "checks")).toBe("running");
    expect(dataStepStatus(run("failed", "checks"), "checks")).toBe("failed");
    expect(dataStepStatus(run("rolled_back", "checks"), "reinstall")).toBe("waiting");
    expect(dataStepStatus(run("validating", "unlock"), "lock")).toBe("done");
    expect(dataStepStatus(run("packages", null), "lock")).toBe("waiting");
  });

  it("writes durations the way the backend does", () => {
    expect(duration(850)).toBe("850 ms");
    expect(duration(2400)).toBe("2.4 s");
    expect(duration(185000)).toBe("3 min 05 s");
  });
});
