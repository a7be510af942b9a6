import { describe, expect, it } from "vitest";
import { act, render, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { mockIPC } from "@tauri-apps/api/mocks";
import { Dashboard } from "./Dashboard";
import type { Go } from "../App";
import { FeedbackProvider } from "../feedback/Feedback";
import type { Attention, CopyProgress, Target } from "../bindings";
import { demoOverview, env } from "../test/fixtures";

// The dashboard always asks what needs the admin: nothing, unless a test says.
function mockBackend(handler: (cmd: string, args: unknown) => unknown) {
  mockIPC((cmd, args) => handler(cmd, args) ?? (cmd === "needs_you" ? [] : cmd === "allowed_actions" ? { admin: "", accounts: [], environments: [] } : undefined));
}

function renderDashboard(go: Go = () => undefined) {
  const client = new QueryClient({ defaultOptions: { queries: { retry: false }, mutations: { retry: false } } });
  return render(
    <QueryClientProvider client={client}>
      <FeedbackProvider>
        <Dashboard onOpen={() => undefined} go={go} />
      </FeedbackProvider>
    </QueryClientProvider>,
  );
}

describe("Dashboard", () => {
  it("lists every environment with kind, version, records, size and backup", async () => {
    mockBackend((cmd) => {
      if (cmd === "environments_overview") return demoOverview();
      if (cmd === "report_interactive") return { millisSinceLaunch: 1 };
    });
    renderDashboard();
    expect(await screen.findByText("Northwind Foods (demo)")).toBeInTheDocument();
    expect(screen.getByText("Demo account")).toBeInTheDocument();
    const rows = screen.getAllByTestId("env-row");
    expect(rows.map((r) => r.getAttribute("data-env-name"))).toEqual(["Production", "UAT", "Promotable sandbox"]);
    const production = within(rows[0]);
    expect(production.getByText("1,000")).toBeInTheDocument();
    expect(production.getByText("512 KB")).toBeInTheDocument();
    expect(production.getByText("None yet")).toBeInTheDocument();
    // Instants are shown in the account's time zone (BST in July).
    const created = production.getByText(/created 1 Jul 2026/);
    expect(created).toHaveAttribute("title", expect.stringContaining("1 Jul 2026, 13:00 BST"));
    expect(within(rows[1]).getByText(/copied from Production 1 Jul 2026/)).toBeInTheDocument();
  });

  it("says when a record count is a server's estimate", async () => {
    const overview = demoOverview();
    overview[0].environments[0] = { ...overview[0].environments[0], recordCount: 1234567, recordCountEstimated: true };
    mockBackend((cmd) => (cmd === "environments_overview" ? overview : undefined));
    renderDashboard();
    const rows = await screen.findAllByTestId("env-row");
    const estimated = within(rows[0]).getByTestId("records");
    expect(estimated).toHaveTextContent("≈ 1,234,567");
    expect(estimated).toHaveAttribute("title", expect.stringContaining("estimate"));
    expect(within(rows[1]).getByTestId("records")).not.toHaveTextContent("≈");
  });

  it("marks an environment whose store is unreadable and still shows the others", async () => {
    const overview = demoOverview();
    overview[0].environments[1] = {
      ...overview[0].environments[1],
      recordCount: 0,
      storeError: { kind: "not_found", message: "The data store of this environment is missing. Restore it from a backup.", fields: [] },
    };
    mockBackend((cmd) => (cmd === "environments_overview" ? overview : undefined));
    renderDashboard();
    const rows = await screen.findAllByTestId("env-row");
    expect(within(rows[1]).getByTestId("store-error")).toHaveTextContent("Restore it from a backup");
    expect(within(rows[1]).getByTestId("records")).toHaveTextContent("—");
    expect(within(rows[0]).getByTestId("records")).toHaveTextContent("1,000");
  });

  it("shows the backend's error with its kind when the overview fails", async () => {
    mockBackend((cmd) => {
      if (cmd === "environments_overview") throw { kind: "not_found", message: "The data store of this environment is missing." };
    });
    renderDashboard();
    const banner = await screen.findByTestId("error");
    expect(banner).toHaveAttribute("data-kind", "not_found");
    expect(banner).toHaveTextContent("Not found");
    expect(banner).toHaveTextContent("The data store of this environment is missing.");
  });

  it("creates a sandbox from production and shows it after the refresh", async () => {
    let overview = demoOverview();
    const calls: unknown[] = [];
    mockBackend((cmd, args) => {
      if (cmd === "environments_overview") return overview;
      if (cmd === "create_environment") {
        calls.push(args);
        const created = env(4, "HR sandbox", "sandbox");
        overview = demoOverview([created]);
        return created.environment;
      }
    });
    const user = userEvent.setup();
    renderDashboard();
    await user.click(await screen.findByTestId("new-env"));
    await user.type(screen.getByTestId("new-env-name"), "HR sandbox");
    await user.click(screen.getByTestId("create-env-submit"));
    expect(await screen.findByTestId("notice")).toHaveTextContent("HR sandbox was created");
    expect(calls).toEqual([expect.objectContaining({ request: { sourceId: 1, name: "HR sandbox", kind: "sandbox" } })]);
    const row = screen.getAllByTestId("env-row").find((r) => r.getAttribute("data-env-name") === "HR sandbox");
    expect(row).toBeDefined();
    expect(screen.queryByRole("dialog")).not.toBeInTheDocument();
  });

  it("shows the copy's progress for a new sandbox and stops it on Cancel, keeping the dialog", async () => {
    let channel: { onmessage: (p: CopyProgress) => void } | null = null;
    let stop: (e: unknown) => void = () => undefined;
    const cancelled: unknown[] = [];
    mockBackend((cmd, args) => {
      if (cmd === "environments_overview") return demoOverview();
      if (cmd === "create_environment") {
        channel = (args as { onProgress: typeof channel }).onProgress;
        return new Promise((_, reject) => (stop = reject));
      }
      if (cmd === "cancel_copy") {
        cancelled.push(args);
        stop({ kind: "cancelled", message: "HR sandbox was not created: the copy of Production was stopped and nothing was kept." });
        return null;
      }
    });
    const user = userEvent.setup();
    renderDashboard();
    await user.click(await screen.findByTestId("new-env"));
    await user.type(screen.getByTestId("new-env-name"), "HR sandbox");
    await user.click(screen.getByTestId("create-env-submit"));
    await waitFor(() => expect(channel).not.toBeNull());
    act(() => channel?.onmessage({ donePages: 50, totalPages: 200, stage: "copying", cancellable: true }));
    expect(await screen.findByTestId("copy-progress")).toHaveTextContent("Copying Production: 25%");
    await user.click(screen.getByTestId("cancel-copy"));
    expect(await screen.findByTestId("notice")).toHaveTextContent("HR sandbox was not created: the copy of Production was stopped and nothing was kept.");
    expect(cancelled).toEqual([{ environmentId: 1 }]);
    expect(screen.queryByTestId("copy-progress")).not.toBeInTheDocument();
    expect(screen.queryByTestId("error")).not.toBeInTheDocument();
    expect(screen.getByTestId("new-env-name")).toHaveValue("HR sandbox");
  });

  it("keeps the dialog open and shows a refusal when the name is taken", async () => {
    mockBackend((cmd) => {
      if (cmd === "environments_overview") return demoOverview();
      if (cmd === "create_environment") throw { kind: "conflict", message: 'This account already has an environment named "UAT". Choose another name.' };
    });
    const user = userEvent.setup();
    renderDashboard();
    await user.click(await screen.findByTestId("new-env"));
    await user.type(screen.getByTestId("new-env-name"), "UAT");
    await user.click(screen.getByTestId("create-env-submit"));
    const dialog = screen.getByRole("dialog");
    expect(await within(dialog).findByTestId("error")).toHaveAttribute("data-kind", "conflict");
    expect(within(dialog).getByTestId("new-env-name")).toHaveValue("UAT");
  });

  it("offers no delete for production, saying why, and asks for the name before deleting a sandbox", async () => {
    const deleted: unknown[] = [];
    const refusal = '"Production" is the account\'s production environment and cannot be deleted.';
    mockBackend((cmd, args) => {
      if (cmd === "environments_overview") return demoOverview();
      if (cmd === "allowed_actions")
        return { admin: "Alex Morgan", accounts: [], environments: [{ environmentId: 1, actions: [{ action: "delete", refusal }] }] };
      if (cmd === "delete_environment") deleted.push(args);
    });
    const user = userEvent.setup();
    renderDashboard();
    const rows = await screen.findAllByTestId("env-row");
    const production = within(rows[0]).getByTestId("delete-env");
    await waitFor(() => expect(production).toBeDisabled());
    expect(production).toHaveAttribute("title", refusal);
    expect(production).toHaveAccessibleDescription(refusal);
    await user.click(within(rows[1]).getByTestId("delete-env"));
    const submit = screen.getByTestId("delete-confirm-submit");
    expect(submit).toBeDisabled();
    await user.type(screen.getByTestId("delete-confirm-name"), "UAT");
    expect(submit).toBeEnabled();
    await user.click(submit);
    await waitFor(() => expect(deleted).toEqual([{ environmentId: 2 }]));
  });

  it("turns a denied command into an internal error instead of swallowing it", async () => {
    mockBackend((cmd) => {
      if (cmd === "environments_overview") throw new Error("Command environments_overview not allowed by ACL");
    });
    renderDashboard();
    const banner = await screen.findByTestId("error");
    expect(banner).toHaveAttribute("data-kind", "internal");
    expect(banner).toHaveTextContent("not allowed by ACL");
  });

  it("lists what needs the admin first, each opening its place, and says so when nothing does", async () => {
    const needs: Attention[] = [
      { accountId: 1, accountName: "Northwind Foods (demo)", urgency: "now", title: "Production has no backup", detail: "Take one now.", at: null, target: { kind: "backups", environment_id: 1 } },
      { accountId: 1, accountName: "Northwind Foods (demo)", urgency: "planned", title: "Production upgrade to 10.0.2", detail: "Scheduled.", at: "2027-01-30T16:00:00Z", target: { kind: "calendar", account_id: 1 } },
    ];
    let answer = needs;
    mockBackend((cmd) => {
      if (cmd === "environments_overview") return demoOverview();
      if (cmd === "needs_you") return answer;
      if (cmd === "report_interactive") return { millisSinceLaunch: 1 };
    });
    const opened: Target[] = [];
    const view = renderDashboard((t) => opened.push(t));
    const items = await screen.findAllByTestId("attention");
    expect(items.map((i) => i.getAttribute("data-urgency"))).toEqual(["now", "planned"]);
    // The instant is shown in the account's zone.
    expect(items[1]).toHaveTextContent("Production upgrade to 10.0.2 · 30 Jan 2027, 16:00 GMT");
    await userEvent.click(within(items[0]).getByRole("button", { name: "Production has no backup" }));
    expect(opened).toEqual([{ kind: "backups", environment_id: 1 }]);
    view.unmount();
    answer = [];
    renderDashboard();
    expect(await screen.findByTestId("needs-nothing")).toHaveTextContent("Nothing needs you now");
  });
});
