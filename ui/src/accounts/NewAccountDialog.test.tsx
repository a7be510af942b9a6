import { describe, expect, it } from "vitest";
import { act, render, screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { mockIPC } from "@tauri-apps/api/mocks";
import type { CalendarSettings, SourceProgress } from "../bindings";
import { FeedbackProvider } from "../feedback/Feedback";
import { NewAccountDialog } from "./NewAccountDialog";

const calendar: CalendarSettings = { businessDays: [1, 2, 3, 4, 5], holidays: [], windows: [], freezes: [], minNoticeDays: 10, reminderTime: "09:00", uatBusinessDays: 10 };

function renderDialog() {
  const client = new QueryClient({ defaultOptions: { queries: { retry: false }, mutations: { retry: false } } });
  return render(
    <QueryClientProvider client={client}>
      <FeedbackProvider>
        <NewAccountDialog onClose={() => undefined} onNotice={() => undefined} />
      </FeedbackProvider>
    </QueryClientProvider>,
  );
}

describe("NewAccountDialog", () => {
  it("shows the rows read of a source and stops reading on Cancel, calmly", async () => {
    let channel: { onmessage: (p: SourceProgress) => void } | null = null;
    let stop: (e: unknown) => void = () => undefined;
    const calls: string[] = [];
    mockIPC((cmd, args) => {
      calls.push(cmd);
      if (cmd === "time_zones") return ["Europe/London"];
      if (cmd === "list_admins") return { admins: [], current: null, unnamed: false };
      if (cmd === "calendar_defaults") return calendar;
      if (cmd === "preview_source") {
        channel = (args as { onProgress: typeof channel }).onProgress;
        return new Promise((_, reject) => (stop = reject));
      }
      if (cmd === "cancel_source_job") {
        stop({ kind: "cancelled", message: "Stopped reading the source; nothing was created or changed." });
        return null;
      }
    });
    const user = userEvent.setup();
    renderDialog();
    await user.click(await screen.findByTestId("production-sqlite"));
    await user.type(screen.getByTestId("source-path"), "/data/big.sqlite");
    await user.click(screen.getByTestId("source-read"));
    await waitFor(() => expect(channel).not.toBeNull());
    expect(screen.getByTestId("source-read-progress")).toHaveTextContent("Opening the source…");
    act(() => channel?.onmessage({ doneRows: 250_000, totalRows: 1_000_000 }));
    expect(await screen.findByTestId("source-read-progress")).toHaveTextContent("Read 250,000 of 1,000,000 rows to see what fits");
    await user.click(screen.getByTestId("source-read-cancel"));
    expect(await screen.findByTestId("notice")).toHaveTextContent("Stopped reading the source; nothing was created or changed.");
    expect(calls).toContain("cancel_source_job");
    expect(screen.queryByTestId("source-read-progress")).not.toBeInTheDocument();
    expect(screen.queryByTestId("error")).not.toBeInTheDocument();
    expect(screen.getByTestId("source-read")).toBeEnabled();
  });

  it("sends the server chosen, password apart, and shows what its test found", async () => {
    const sent: Record<string, unknown>[] = [];
    mockIPC((cmd, args) => {
      if (cmd === "time_zones") return ["Europe/London"];
      if (cmd === "list_admins") return { admins: [], current: null, unnamed: false };
      if (cmd === "calendar_defaults") return calendar;
      if (cmd === "check_server") {
        sent.push(args as Record<string, unknown>);
        return Promise.reject({ kind: "unavailable", message: "The server at db:5432 refused user “cutover”: password authentication failed." });
      }
      if (cmd === "create_account") {
        sent.push(args as Record<string, unknown>);
        return 7;
      }
    });
    const user = userEvent.setup();
    renderDialog();
    expect(await screen.findByTestId("store-local")).toBeChecked();
    expect(screen.queryByTestId("server-url")).not.toBeInTheDocument();
    await user.click(screen.getByTestId("store-server"));
    await user.type(screen.getByTestId("server-url"), "postgresql://cutover@db:5432/contoso");
    await user.type(screen.getByTestId("server-password"), "s3cret");
    await user.selectOptions(screen.getByTestId("server-tls"), "require");
    expect(screen.queryByTestId("server-ca")).not.toBeInTheDocument();
    await user.click(screen.getByTestId("server-test"));
    expect(await screen.findByTestId("error")).toHaveTextContent("password authentication failed");
    expect(sent[0]).toEqual({ server: { url: "postgresql://cutover@db:5432/contoso", tls: "require", caFile: null, password: "s3cret", remember: false } });
    await user.click(screen.getByTestId("create-account-submit"));
    await waitFor(() => expect(sent).toHaveLength(2));
    expect((sent[1].account as { server: unknown }).server).toEqual(sent[0].server);
  });
});
