import { describe, expect, it } from "vitest";
import { render, screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { mockIPC } from "@tauri-apps/api/mocks";
import type { Account, AccountServer } from "../bindings";
import { MoveEnvironmentsDialog, progressText, reportText } from "./MoveEnvironmentsDialog";

const account = { id: 4, name: "Contoso", platform: "Contoso ERP", timeZone: "Europe/London" } as Account;
const server: AccountServer = { address: "cutover@db.example:5432/contoso", tls: "require", unlocked: true, remembered: false };

function show(onServer: AccountServer | null, onClose: () => void, onNotice: (t: string) => void) {
  render(
    <QueryClientProvider client={new QueryClient({ defaultOptions: { queries: { retry: false } } })}>
      <MoveEnvironmentsDialog account={account} server={onServer} stopVia={11} onClose={onClose} onNotice={onNotice} />
    </QueryClientProvider>,
  );
}

describe("MoveEnvironmentsDialog", () => {
  it("offers a server for a local account, sends it, and stays open with why when refused", async () => {
    const sent: Record<string, unknown>[] = [];
    let closed = false;
    mockIPC((cmd, args) => {
      if (cmd === "move_account_environments") {
        sent.push(args as Record<string, unknown>);
        throw { kind: "conflict", message: "Production was written to while it was being copied. Nothing was moved; stop what writes to it and move again." };
      }
    });
    show(null, () => (closed = true), () => undefined);
    expect(screen.getByTestId("move-now")).toHaveTextContent("on this computer now");
    expect(screen.getByTestId("store-server")).toBeChecked();
    expect(screen.getByTestId("move-submit")).toBeDisabled();
    await userEvent.type(screen.getByTestId("server-url"), "postgresql://cutover@db.example:5432/contoso");
    await userEvent.type(screen.getByTestId("server-password"), "s3cret");
    await userEvent.click(screen.getByTestId("move-submit"));
    expect(await screen.findByTestId("error")).toHaveTextContent("Nothing was moved");
    expect(closed).toBe(false);
    expect(sent[0]).toMatchObject({ account: 4, to: { url: "postgresql://cutover@db.example:5432/contoso", password: "s3cret" } });
  });

  it("offers this computer for a server account and says what was moved", async () => {
    const sent: Record<string, unknown>[] = [];
    let notice = "";
    let closed = false;
    mockIPC((cmd, args) => {
      if (cmd === "move_account_environments") {
        sent.push(args as Record<string, unknown>);
        return { environments: 3, backups: 1, nowOn: "this computer", leftBehind: [] };
      }
    });
    show(server, () => (closed = true), (t) => (notice = t));
    expect(screen.getByTestId("move-now")).toHaveTextContent("on the PostgreSQL server cutover@db.example:5432/contoso now");
    expect(screen.getByTestId("store-local")).toBeChecked();
    await userEvent.click(screen.getByTestId("move-submit"));
    await screen.findByTestId("move-environments-form");
    await new Promise((r) => setTimeout(r, 0));
    expect(sent[0]).toMatchObject({ account: 4, to: null });
    expect(closed).toBe(true);
    expect(notice).toBe("Moved 3 environments and 1 backup to this computer.");
  });

  it("stops a running move through its production's copy job", async () => {
    const cancelled: unknown[] = [];
    let fail: (e: unknown) => void = () => undefined;
    mockIPC((cmd, args) => {
      if (cmd === "move_account_environments") return new Promise((_, reject) => (fail = reject));
      if (cmd === "cancel_copy") {
        cancelled.push(args);
        fail({ kind: "cancelled", message: "Stopped before the move was complete: Contoso's environments and backups stay in cutover@db.example:5432/contoso, as they were." });
        return null;
      }
    });
    show(server, () => undefined, () => undefined);
    await userEvent.click(screen.getByTestId("move-submit"));
    await userEvent.click(await screen.findByTestId("cancel-move"));
    expect(await screen.findByTestId("error")).toHaveTextContent("stay in cutover@db.example:5432/contoso, as they were");
    expect(cancelled[0]).toMatchObject({ environmentId: 11 });
  });

  it("words progress and what stayed behind", () => {
    expect(progressText(null)).toBe("Checking the new place…");
    expect(progressText({ what: "Production", step: 1, steps: 4, records: 120000 })).toBe("Copying Production (1 of 4) — 120,000 records");
    expect(progressText({ what: "Sandbox backup #2", step: 4, steps: 4, records: 0 })).toBe("Copying Sandbox backup #2 (4 of 4)");
    expect(reportText({ environments: 1, backups: 2, nowOn: "cutover@db:5432/c", leftBehind: ["The old copy of UAT stayed where it was (busy)."] })).toBe(
      "Moved 1 environment and 2 backups to cutover@db:5432/c. The old copy of UAT stayed where it was (busy).",
    );
  });
});
