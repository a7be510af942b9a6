import { describe, expect, it } from "vitest";
import { render, screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { mockIPC } from "@tauri-apps/api/mocks";
import type { UpgradeRun } from "../bindings";
import { UpgradePanel } from "./UpgradePanel";
import { FeedbackProvider } from "../feedback/Feedback";
import { demoOverview } from "../test/fixtures";

const run: UpgradeRun = {
  id: 7,
  environmentId: 2,
  environmentName: "UAT",
  production: false,
  fromVersion: "10.0.1",
  toVersion: "10.0.4",
  author: "Alex Morgan",
  state: "validating",
  step: "unlock",
  startedAt: "2026-12-01T16:05:00Z",
  deadline: "2026-12-11T16:05:00Z",
  copyPercent: 100,
  packages: [
    { kind: "platform", label: "Platform 10.0.4", reference: "10.0.4", extensionId: null, state: "signed_off", appliedMs: 3, signedOffBy: "Alex Morgan", signedOffAt: "2026-12-01T16:06:00Z" },
  ],
  predictedMs: 400,
  dataStartedAt: "2026-12-01T16:10:00Z",
  dataFinishedAt: "2026-12-01T16:10:00.450Z",
  windowEnd: null,
  restoreBackupId: 4,
  finishedAt: null,
  reason: null,
  resumable: false,
  dataUpgradeRefusal: null,
  hasCopy: true,
  nextWindow: null,
  nextWave: null,
  postUpgradeActions: [],
  actionsDone: [],
  log: [],
};

describe("UpgradePanel", () => {
  it("says what a rollback discards before it runs, and only then rolls back", async () => {
    const called: string[] = [];
    mockIPC((cmd) => {
      called.push(cmd);
      if (cmd === "open_upgrade") return run;
      if (cmd === "upgrade_history") return [run];
      if (cmd === "release_catalog") return { releases: [] };
      if (cmd === "app_now") return "2026-12-01T16:15:00Z";
      if (cmd === "upgrade_rollback_impact") return { recordsChanged: 3, definitionsChanged: 1 };
      if (cmd === "roll_back_upgrade") return { ...run, state: "rolled_back" };
    });
    const env = demoOverview()[0].environments[1];
    const account = demoOverview()[0].account;
    render(
      <QueryClientProvider client={new QueryClient({ defaultOptions: { queries: { retry: false } } })}>
        <UpgradePanel env={env.environment} account={account} />
      </QueryClientProvider>,
    );
    expect(await screen.findByTestId("upgrade-timer")).toHaveTextContent("9 days 23 h left");
    expect(screen.getByTestId("downtime")).toHaveTextContent("450 ms");
    await userEvent.click(screen.getByTestId("roll-back-upgrade"));
    expect(await screen.findByTestId("rollback-impact")).toHaveTextContent("discards 3 record changes and 1 definition change");
    expect(called).not.toContain("roll_back_upgrade");
    await userEvent.click(screen.getByTestId("confirm-roll-back"));
    await waitFor(() => expect(called).toContain("roll_back_upgrade"));
  });

  it("asks before committing, says what it deletes, and reports the outcome above everything", async () => {
    const called: string[] = [];
    mockIPC((cmd) => {
      called.push(cmd);
      if (cmd === "open_upgrade") return run;
      if (cmd === "upgrade_history") return [run];
      if (cmd === "release_catalog") return { releases: [] };
      if (cmd === "app_now") return "2026-12-01T16:15:00Z";
      if (cmd === "commit_upgrade") return { ...run, state: "committed" };
    });
    const env = demoOverview()[0].environments[1];
    const account = demoOverview()[0].account;
    render(
      <QueryClientProvider client={new QueryClient({ defaultOptions: { queries: { retry: false } } })}>
        <FeedbackProvider>
          <UpgradePanel env={env.environment} account={account} />
        </FeedbackProvider>
      </QueryClientProvider>,
    );
    await userEvent.click(await screen.findByTestId("commit-upgrade"));
    expect(screen.getByTestId("confirm-commit")).toHaveTextContent("deletes the parallel copy and releases the restore point (backup #4)");
    expect(called).not.toContain("commit_upgrade");
    await userEvent.click(screen.getByText("Keep validating"));
    expect(screen.queryByTestId("confirm-commit")).toBeNull();
    await userEvent.click(screen.getByTestId("commit-upgrade"));
    await userEvent.click(screen.getByTestId("confirm-commit-submit"));
    await waitFor(() => expect(called).toContain("commit_upgrade"));
    expect(await screen.findByTestId("notice")).toHaveTextContent("UAT is committed on 10.0.4. The parallel copy was deleted and the restore point (backup #4)");
  });
});
