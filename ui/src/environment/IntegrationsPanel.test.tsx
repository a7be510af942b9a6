import { describe, expect, it } from "vitest";
import { render, screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { mockIPC } from "@tauri-apps/api/mocks";
import type { Integration } from "../bindings";
import { IntegrationsPanel } from "./IntegrationsPanel";
import { demoOverview } from "../test/fixtures";

const feed: Integration = { id: 1, environmentId: 1, name: "Ledger feed", kind: "data_feed", active: false, pausedByPromotion: null, pausedByUpgrade: 7, dbRole: "ledger_feed", roleHeld: true };
const webhook: Integration = { id: 2, environmentId: 1, name: "Order webhook", kind: "webhook", active: true, pausedByPromotion: null, pausedByUpgrade: null, dbRole: null, roleHeld: false };

function renderPanel(onServer: boolean) {
  render(
    <QueryClientProvider client={new QueryClient({ defaultOptions: { queries: { retry: false } } })}>
      <IntegrationsPanel env={demoOverview()[0].environments[0].environment} onServer={onServer} />
    </QueryClientProvider>,
  );
}

describe("IntegrationsPanel", () => {
  it("says what an upgrade's pause took from a role, holds it, and sends a new integration's role", async () => {
    const added: unknown[] = [];
    mockIPC((cmd, args) => {
      if (cmd === "list_integrations") return [feed, webhook];
      if (cmd === "add_integration") {
        added.push(args);
        throw { kind: "not_found", message: "The server has no role “crm”." };
      }
    });
    renderPanel(true);
    const row = (await screen.findAllByTestId("integration-row"))[0];
    expect(within(row).getByTestId("integration-state")).toHaveTextContent("Paused by an upgrade run — login and writes revoked");
    expect(within(row).getByTestId("toggle-integration")).toBeDisabled();
    expect(row).toHaveTextContent("ledger_feed");
    await userEvent.type(screen.getByTestId("integration-name"), "CRM");
    await userEvent.type(screen.getByTestId("integration-role"), " crm ");
    await userEvent.click(screen.getByTestId("add-integration"));
    expect(await screen.findByTestId("error")).toHaveTextContent("has no role");
    expect(added[0]).toMatchObject({ environmentId: 1, name: "CRM", dbRole: "crm" });
  });

  it("offers no role on this computer", async () => {
    mockIPC((cmd) => (cmd === "list_integrations" ? [webhook] : undefined));
    renderPanel(false);
    await screen.findAllByTestId("integration-row");
    expect(screen.queryByTestId("integration-role")).toBeNull();
    expect(screen.queryByText("Database role")).toBeNull();
  });
});
