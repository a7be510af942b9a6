import { describe, expect, it } from "vitest";
import { act, render, screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { mockIPC } from "@tauri-apps/api/mocks";
import type { Backup, CopyProgress } from "../bindings";
import { FeedbackProvider } from "../feedback/Feedback";
import { RefreshDialog } from "./RefreshDialog";
import { demoOverview } from "../test/fixtures";

function renderDialog(notices: string[], closed: { count: number }) {
  const client = new QueryClient({ defaultOptions: { queries: { retry: false }, mutations: { retry: false } } });
  const overview = demoOverview()[0];
  return render(
    <QueryClientProvider client={client}>
      <FeedbackProvider>
        <RefreshDialog target={overview.environments[1]} onClose={() => (closed.count += 1)} onNotice={(t) => notices.push(t)} />
      </FeedbackProvider>
    </QueryClientProvider>,
  );
}

const preview = { targetName: "UAT", sourceName: "Production", unpromoted: [], targetRecords: 1000, sourceRecords: 151_000 };

describe("RefreshDialog", () => {
  it("names each stage, offers Cancel until the target is replaced, and reports a stop calmly", async () => {
    let channel: { onmessage: (p: CopyProgress) => void } | null = null;
    let stop: (e: unknown) => void = () => undefined;
    const calls: string[] = [];
    mockIPC((cmd, args) => {
      calls.push(cmd);
      if (cmd === "refresh_preview") return preview;
      if (cmd === "refresh_environment") {
        channel = (args as { onProgress: typeof channel }).onProgress;
        return new Promise<Backup>((_, reject) => (stop = reject));
      }
      if (cmd === "cancel_copy") {
        stop({ kind: "cancelled", message: "The refresh was stopped while production was being copied; UAT is unchanged." });
        return null;
      }
    });
    const notices: string[] = [];
    const closed = { count: 0 };
    const user = userEvent.setup();
    renderDialog(notices, closed);
    await user.click(await screen.findByTestId("confirm-refresh"));
    await waitFor(() => expect(channel).not.toBeNull());
    act(() => channel?.onmessage({ donePages: 5, totalPages: 10, stage: "backing_up", cancellable: true }));
    expect(await screen.findByTestId("copy-progress")).toHaveTextContent("Backing up UAT first: 50%");
    act(() => channel?.onmessage({ donePages: 30, totalPages: 400, stage: "copying", cancellable: true }));
    expect(await screen.findByTestId("copy-progress")).toHaveTextContent("Copying Production: 7%");
    await user.click(screen.getByTestId("cancel-copy"));
    await waitFor(() => expect(notices).toEqual(["The refresh was stopped while production was being copied; UAT is unchanged."]));
    expect(calls).toContain("cancel_copy");
    expect(closed.count).toBe(1);
  });

  it("hides Cancel once the target is being replaced", async () => {
    let channel: { onmessage: (p: CopyProgress) => void } | null = null;
    mockIPC((cmd, args) => {
      if (cmd === "refresh_preview") return preview;
      if (cmd === "refresh_environment") {
        channel = (args as { onProgress: typeof channel }).onProgress;
        return new Promise<Backup>(() => undefined);
      }
    });
    const user = userEvent.setup();
    renderDialog([], { count: 0 });
    await user.click(await screen.findByTestId("confirm-refresh"));
    await waitFor(() => expect(channel).not.toBeNull());
    act(() => channel?.onmessage({ donePages: 200, totalPages: 400, stage: "replacing", cancellable: false }));
    expect(await screen.findByTestId("copy-progress")).toHaveTextContent("Replacing UAT: 50% (this last step cannot be stopped)");
    expect(screen.queryByTestId("cancel-copy")).not.toBeInTheDocument();
  });
});
