import { describe, expect, it } from "vitest";
import { render, screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { mockIPC } from "@tauri-apps/api/mocks";
import type { CycleDetail } from "../bindings";
import { CycleView } from "./CycleView";
import { demoOverview } from "../test/fixtures";

function detail(over: Partial<CycleDetail> = {}): CycleDetail {
  return {
    cycle: {
      id: 1,
      accountId: 1,
      accountName: "Northwind Foods (demo)",
      timeZone: "Europe/London",
      releaseId: 2,
      version: "10.0.2",
      state: "blocked",
      refresh: "2027-01-11",
      testStart: "2027-01-18",
      testEnd: "2027-01-29",
      businessDays: 10,
      productionAt: "2027-01-30T16:00:00Z",
      wave: "Wave 2",
      progress: { cases: 1, passed: 0, failed: 1, blocked: 0, waived: 0, notRun: 0, openIssues: [1, 0, 0, 0] },
      signedOffAt: null,
      signedOffBy: null,
      overrideReason: null,
    },
    cases: [
      {
        id: 7,
        title: "Portfolio view for projects",
        steps: "Check it.",
        area: "Projects",
        origin: "note",
        noteId: 3,
        tester: "Priya Shah",
        result: "failed",
        reason: "",
        notes: "",
        runAt: "2027-01-05T09:00:00Z",
        runBy: "Priya Shah",
        evidence: [],
        issueIds: [9],
      },
    ],
    issues: [
      {
        id: 9,
        title: "Budgets of other programmes shown",
        detail: "",
        area: "Projects",
        severity: "critical",
        status: "open",
        noteId: null,
        caseIds: [7],
        raisedAt: "2027-01-05T09:00:00Z",
        raisedBy: "Priya Shah",
        decision: null,
        decidedAt: null,
        decidedBy: null,
      },
    ],
    history: [],
    signOffRefusal: "Not ready to sign off: 1 critical issue without a decision (hotfix, workaround or delay): “Budgets of other programmes shown”.",
    ...over,
  };
}

function renderView() {
  const client = new QueryClient({ defaultOptions: { queries: { retry: false }, mutations: { retry: false } } });
  return render(
    <QueryClientProvider client={client}>
      <CycleView cycleId={1} onBack={() => undefined} />
    </QueryClientProvider>,
  );
}

describe("CycleView", () => {
  it("keeps the sign-off off and says why, and marks the critical issue that needs a decision", async () => {
    mockIPC((cmd) => {
      if (cmd === "uat_cycle") return detail();
      if (cmd === "environments_overview") return demoOverview();
    });
    renderView();
    const signOff = await screen.findByTestId("sign-off");
    expect(signOff).toBeDisabled();
    expect(signOff).toHaveAttribute("aria-describedby", "sign-off-refusal");
    expect(screen.getByTestId("sign-off-refusal")).toHaveTextContent("1 critical issue without a decision");
    expect(screen.getByTestId("uat-state")).toHaveTextContent("Blocked");
    expect(screen.getByTestId("issue-decision")).toHaveTextContent("Needs a decision");
  });

  it("records a workaround decision and shows it", async () => {
    let decided: unknown = null;
    mockIPC((cmd, args) => {
      if (cmd === "uat_cycle") return detail();
      if (cmd === "environments_overview") return demoOverview();
      if (cmd === "decide_uat_issue") {
        decided = (args as { decision: unknown }).decision;
        const d = detail();
        d.issues[0] = { ...d.issues[0], status: "workaround", decision: { kind: "workaround", what: "Hide the view", acceptedBy: "Finance director" } };
        d.cycle.state = "testing";
        d.signOffRefusal = null;
        d.history = [{ at: "2027-01-05T09:00:00Z", author: "Alex Morgan", text: "Decision recorded." }];
        return d;
      }
    });
    renderView();
    await userEvent.click(await screen.findByTestId("decide-issue"));
    await userEvent.click(screen.getByRole("radio", { name: "Go live with a workaround" }));
    await userEvent.type(screen.getByTestId("workaround-what"), "Hide the view");
    await userEvent.type(screen.getByTestId("workaround-by"), "Finance director");
    await userEvent.click(screen.getByTestId("save-decision"));
    expect(decided).toEqual({ kind: "workaround", what: "Hide the view", acceptedBy: "Finance director" });
    expect(await screen.findByText("Workaround accepted by Finance director: Hide the view")).toBeInTheDocument();
    expect(screen.getByTestId("sign-off")).toBeEnabled();
  });
});
