import { describe, expect, it } from "vitest";
import { render, screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { mockIPC } from "@tauri-apps/api/mocks";
import type { ReleaseSummary, ScheduledUpgrade } from "../bindings";
import { ScheduleDialog } from "./ScheduleDialog";

const release: ReleaseSummary = {
  id: 2,
  version: "10.0.2",
  releaseType: "minor",
  published: "2026-08-24",
  generalAvailability: "2026-09-07",
  selectable: "yes",
  runningIn: [],
  noteCount: 18,
  reviewedCount: 0,
  actionRequiredCount: 4,
  waves: [
    { name: "Wave 1", date: "2027-01-16" },
    { name: "Wave 2", date: "2027-01-30" },
  ],
  requiredHotfixes: [],
  postUpgradeActions: [],
  fixesVersions: [],
  fixesAreas: [],
  importedAt: "2026-11-01T09:00:00Z",
  importedBy: "Alex Morgan",
};

const plan: ScheduledUpgrade = {
  id: 7,
  accountId: 1,
  accountName: "Northwind Foods (demo)",
  releaseId: 2,
  version: "10.0.2",
  releaseType: "minor",
  wave: "Wave 2",
  slot: { start: "2027-01-30T16:00:00Z", end: "2027-01-30T19:00:00Z" },
  uatRefresh: "2027-01-11",
  uatStart: "2027-01-18",
  uatEnd: "2027-01-29",
  sandboxDeadline: "2027-02-06",
  createdAt: "2027-01-05T09:00:00Z",
  createdBy: "Alex Morgan",
  reminders: [{ kind: "upgrade_tomorrow", dueAt: "2027-01-29T08:00:00Z", firedAt: null, late: false }],
};

describe("ScheduleDialog", () => {
  it("shows the backend's refusal, then the plan of a valid wave", async () => {
    const asked: string[] = [];
    mockIPC((cmd, args) => {
      if (cmd !== "schedule_upgrade") return null;
      const date = (args as { date: string }).date;
      asked.push(date);
      if (date === "2027-01-16") throw { kind: "invalid", message: "Sat 16 Jan 2027 16:00 GMT is only 11.2 days away; a production upgrade needs at least 14 days' notice." };
      return plan;
    });
    const user = userEvent.setup();
    const client = new QueryClient({ defaultOptions: { mutations: { retry: false } } });
    render(
      <QueryClientProvider client={client}>
        <ScheduleDialog release={release} timeZone="Europe/London" onClose={() => undefined} />
      </QueryClientProvider>,
    );
    await user.click(screen.getByTestId("schedule"));
    expect((await screen.findByTestId("error")).textContent).toContain("14 days' notice");
    await user.click(screen.getByText(/Wave 2/));
    await user.click(screen.getByTestId("schedule"));
    const shown = await screen.findByTestId("plan");
    expect(shown.textContent).toContain("Scheduled: Wave 2, Sat 30 Jan 2027");
    expect(shown.textContent).toContain("tested from Mon 18 Jan 2027 to Fri 29 Jan 2027");
    expect(asked).toEqual(["2027-01-16", "2027-01-30"]);
  });
});
