import { describe, expect, it } from "vitest";
import { act, render, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { mockIPC } from "@tauri-apps/api/mocks";
import type { Backup, CopyProgress } from "../bindings";
import { FeedbackProvider } from "../feedback/Feedback";
import { BackupsDialog } from "./BackupsDialog";
import { demoOverview } from "../test/fixtures";

function backup(id: number, reason: Backup["reason"], takenAt: string): Backup {
  return { id, environmentId: 1, takenAt, reason, sizeBytes: 140_000, sha256: "ab".repeat(32), verifiedAt: takenAt, problem: null, author: "Alex Morgan", releasedAt: null, platformVersion: "10.0.1", records: 1_000 };
}

type Handler = Parameters<typeof mockIPC>[0];

/** Answers the retention query the dialog always makes, then defers to `handler`. */
function mockBackend(handler: Handler) {
  mockIPC((cmd, args) => (cmd === "backup_retention" ? 10 : handler(cmd, args)));
}

function renderDialog() {
  const client = new QueryClient({ defaultOptions: { queries: { retry: false }, mutations: { retry: false } } });
  const overview = demoOverview()[0];
  return render(
    <QueryClientProvider client={client}>
      <FeedbackProvider>
        <BackupsDialog account={overview.account} target={overview.environments[0]} onClose={() => undefined} />
      </FeedbackProvider>
    </QueryClientProvider>,
  );
}

describe("BackupsDialog", () => {
  it("saves the retention and shows a refusal from the backend", async () => {
    let keep = 10;
    mockIPC((cmd, args) => {
      if (cmd === "list_backups") return [];
      if (cmd === "backup_retention") return keep;
      if (cmd === "set_backup_retention") {
        const wanted = (args as { keep: number }).keep;
        if (wanted < 1) throw { kind: "invalid", message: "Keep between 1 and 100 manual backups per environment (you asked for 0)." };
        return (keep = wanted);
      }
    });
    const user = userEvent.setup();
    renderDialog();
    const input = await screen.findByTestId("retention-input");
    expect(input).toHaveValue(10);
    await user.clear(input);
    await user.type(input, "0");
    await user.click(screen.getByTestId("retention-save"));
    expect(await screen.findByTestId("error")).toHaveAttribute("data-kind", "invalid");
    await user.clear(input);
    await user.type(input, "3");
    await user.click(screen.getByTestId("retention-save"));
    await waitFor(() => expect(screen.queryByTestId("retention-save")).not.toBeInTheDocument());
    expect(keep).toBe(3);
  });

  it("takes a backup and lists it, newest first", async () => {
    let list: Backup[] = [];
    mockBackend((cmd) => {
      if (cmd === "list_backups") return list;
      if (cmd === "take_backup") {
        list = [backup(1, "manual", "2026-11-23T09:05:00Z"), ...list];
        return list[0];
      }
    });
    const user = userEvent.setup();
    renderDialog();
    expect(await screen.findByTestId("no-backups")).toBeInTheDocument();
    await user.click(screen.getByTestId("take-backup"));
    const rows = await screen.findAllByTestId("backup-row");
    expect(rows).toHaveLength(1);
    expect(rows[0]).toHaveTextContent("Manual");
    expect(within(rows[0]).getByText("✓ Verified")).toHaveAttribute("title", expect.stringContaining("Verified 23 Nov 2026, 09:05:00 GMT"));
  });

  it("shows the copy's progress while a backup is taken", async () => {
    let finish: (b: Backup) => void = () => undefined;
    let channel: { onmessage: (p: CopyProgress) => void } | null = null;
    mockBackend((cmd, args) => {
      if (cmd === "list_backups") return [];
      if (cmd === "take_backup") {
        channel = (args as { onProgress: typeof channel }).onProgress;
        return new Promise<Backup>((resolve) => (finish = resolve));
      }
    });
    const user = userEvent.setup();
    renderDialog();
    await user.click(await screen.findByTestId("take-backup"));
    await waitFor(() => expect(channel).not.toBeNull());
    act(() => channel?.onmessage({ donePages: 30, totalPages: 120, stage: "copying", cancellable: true }));
    expect(await screen.findByTestId("copy-progress")).toHaveTextContent("25% copied");
    await act(async () => finish(backup(1, "manual", "2026-11-23T09:05:00Z")));
    await waitFor(() => expect(screen.queryByTestId("copy-progress")).not.toBeInTheDocument());
  });

  it("cancels a backup while it copies and says nothing was kept", async () => {
    let stop: (e: unknown) => void = () => undefined;
    const calls: string[] = [];
    mockBackend((cmd) => {
      calls.push(cmd);
      if (cmd === "list_backups") return [];
      if (cmd === "take_backup") return new Promise<Backup>((_, reject) => (stop = reject));
      if (cmd === "cancel_copy") {
        stop({ kind: "cancelled", message: "Stopped before the copy was complete; nothing was kept." });
        return null;
      }
    });
    const user = userEvent.setup();
    renderDialog();
    await user.click(await screen.findByTestId("take-backup"));
    await user.click(await screen.findByTestId("cancel-copy"));
    expect(await screen.findByText(/Cancelled\. Stopped before the copy was complete; nothing was kept\./)).toBeInTheDocument();
    expect(calls).toContain("cancel_copy");
    expect(screen.queryByTestId("error")).not.toBeInTheDocument();
    expect(screen.queryByTestId("copy-progress")).not.toBeInTheDocument();
    expect(screen.getByTestId("no-backups")).toBeInTheDocument();
  });

  it("restores only after confirmation and names the safety backup", async () => {
    const restored: unknown[] = [];
    mockBackend((cmd, args) => {
      if (cmd === "list_backups") return [backup(1, "manual", "2026-11-23T09:05:00Z")];
      if (cmd === "restore_platform_change") return null;
      if (cmd === "restore_backup") {
        restored.push(args);
        return backup(2, "before_restore", "2026-11-23T10:00:00Z");
      }
    });
    const user = userEvent.setup();
    renderDialog();
    await user.click(await screen.findByTestId("restore-backup"));
    expect(restored).toEqual([]);
    expect(screen.getByTestId("restore-confirm")).toHaveTextContent("Before restore");
    await user.click(screen.getByTestId("restore-confirm-submit"));
    await screen.findByTestId("backup-row");
    expect(restored).toEqual([expect.objectContaining({ backupId: 1, platformChangeConfirmed: false })]);
    // The outcome shows in the notification area (above the dialog) and stays.
    expect(await screen.findByTestId("notice")).toHaveTextContent("restored to backup #1 (23 Nov 2026, 09:05:00 GMT). Its previous state is in backup #2");
    expect(screen.getByTestId("notice")).toHaveAttribute("data-tone", "success");
  });

  it("offers Cancel while a restore backs up, and not once it replaces the environment", async () => {
    let finish: (b: Backup) => void = () => undefined;
    let channel: { onmessage: (p: CopyProgress) => void } | null = null;
    mockBackend((cmd, args) => {
      if (cmd === "list_backups") return [backup(1, "manual", "2026-11-23T09:05:00Z")];
      if (cmd === "restore_platform_change") return null;
      if (cmd === "restore_backup") {
        channel = (args as { onProgress: typeof channel }).onProgress;
        return new Promise<Backup>((resolve) => (finish = resolve));
      }
    });
    const user = userEvent.setup();
    renderDialog();
    await user.click(await screen.findByTestId("restore-backup"));
    await user.click(await screen.findByTestId("restore-confirm-submit"));
    await waitFor(() => expect(channel).not.toBeNull());
    act(() => channel?.onmessage({ donePages: 10, totalPages: 40, stage: "backing_up", cancellable: true }));
    expect(await screen.findByTestId("copy-progress")).toHaveTextContent("Backing up Production first: 25%");
    expect(screen.getByTestId("cancel-copy")).toBeEnabled();
    act(() => channel?.onmessage({ donePages: 20, totalPages: 40, stage: "replacing", cancellable: false }));
    expect(await screen.findByTestId("copy-progress")).toHaveTextContent("Replacing Production: 50% (this last step cannot be stopped)");
    expect(screen.queryByTestId("cancel-copy")).not.toBeInTheDocument();
    await act(async () => finish(backup(2, "before_restore", "2026-11-23T10:00:00Z")));
    await waitFor(() => expect(screen.queryByTestId("copy-progress")).not.toBeInTheDocument());
  });

  it("says first that a backup of another platform changes the version, and confirms exactly that", async () => {
    const restored: unknown[] = [];
    mockBackend((cmd, args) => {
      if (cmd === "list_backups") return [backup(1, "before_promotion", "2026-11-23T09:05:00Z")];
      if (cmd === "restore_platform_change") return "This also takes Production from platform 10.0.4 back to 10.0.1 and reinstalls Project export 1.2 in place of 2.0";
      if (cmd === "restore_backup") {
        restored.push(args);
        return backup(2, "before_restore", "2026-11-23T10:00:00Z");
      }
    });
    const user = userEvent.setup();
    renderDialog();
    expect(await screen.findByTestId("backup-platform")).toHaveTextContent("10.0.1");
    await user.click(screen.getByTestId("restore-backup"));
    expect(await screen.findByTestId("restore-platform-change")).toHaveTextContent("back to 10.0.1 and reinstalls Project export 1.2");
    expect(screen.getByTestId("restore-confirm-submit")).toHaveTextContent("Restore and change the platform");
    expect(restored).toEqual([]);
    await user.click(screen.getByTestId("restore-confirm-submit"));
    await waitFor(() => expect(restored).toEqual([expect.objectContaining({ backupId: 1, platformChangeConfirmed: true })]));
  });

  it("asks again before deleting the last backup that guards an operation", async () => {
    const deletes: unknown[] = [];
    mockBackend((cmd, args) => {
      if (cmd === "list_backups") return [backup(3, "before_restore", "2026-11-23T10:00:00Z")];
      if (cmd === "delete_backup") {
        deletes.push(args);
        if (!(args as { confirmed: boolean }).confirmed) throw { kind: "conflict", message: "This is the last backup taken before a destructive operation. Confirm to delete it anyway." };
        return null;
      }
    });
    const user = userEvent.setup();
    renderDialog();
    const row = await screen.findByTestId("backup-row");
    await user.click(within(row).getByTestId("delete-backup"));
    expect(await screen.findByTestId("error")).toHaveAttribute("data-kind", "conflict");
    expect(within(row).getByTestId("delete-backup")).toHaveTextContent("Delete anyway");
    await user.click(within(row).getByTestId("delete-backup"));
    expect(deletes).toEqual([
      { backupId: 3, confirmed: false },
      { backupId: 3, confirmed: true },
    ]);
  });
});
