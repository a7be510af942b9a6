import { describe, expect, it } from "vitest";
import { render, screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { mockIPC } from "@tauri-apps/api/mocks";
import type { AccountServer } from "../bindings";
import { ChangeServerDialog } from "./ChangeServerDialog";

const server: AccountServer = { address: "cutover@db.old.example:5432/contoso", tls: "verify_full", unlocked: false, remembered: false };

describe("ChangeServerDialog", () => {
  it("starts from the current address and sends the new connection; a refusal stays open with why", async () => {
    const sent: unknown[] = [];
    let closed = false;
    mockIPC((cmd, args) => {
      if (cmd === "change_account_server") {
        sent.push(args);
        throw { kind: "not_found", message: "cutover@db.new.example:5432/contoso does not hold Contoso's Production." };
      }
    });
    render(
      <QueryClientProvider client={new QueryClient({ defaultOptions: { queries: { retry: false } } })}>
        <ChangeServerDialog accountId={4} server={server} onClose={() => (closed = true)} />
      </QueryClientProvider>,
    );
    const url = screen.getByTestId("change-server-url");
    expect(url).toHaveValue("postgresql://cutover@db.old.example:5432/contoso");
    await userEvent.clear(url);
    await userEvent.type(url, "postgresql://cutover@db.new.example:5432/contoso");
    await userEvent.type(screen.getByTestId("change-server-password"), "s3cret");
    await userEvent.selectOptions(screen.getByTestId("change-server-tls"), "require");
    await userEvent.click(screen.getByTestId("change-server-submit"));
    expect(await screen.findByTestId("error")).toHaveTextContent("does not hold");
    expect(closed).toBe(false);
    expect(sent[0]).toMatchObject({
      account: 4,
      server: { url: "postgresql://cutover@db.new.example:5432/contoso", password: "s3cret", tls: "require", caFile: null },
    });
  });
});
