import { describe, expect, it } from "vitest";
import { render, screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { mockIPC } from "@tauri-apps/api/mocks";
import type { PromotionPlan } from "../bindings";
import { PromoteDialog } from "./PromoteDialog";
import { demoOverview } from "../test/fixtures";

const plan: PromotionPlan = {
  sandboxId: 3,
  sandboxName: "Promotable sandbox",
  productionId: 1,
  productionName: "Production",
  steps: [
    { entityKind: "field", entityId: 9, entityName: "Role", action: "modify", authors: ["Alex Morgan"], seqs: [11], diff: [{ property: "name", before: "Job title", after: "Role" }], impact: null },
    { entityKind: "field", entityId: 6, entityName: "Phone", action: "delete", authors: ["Priya Shah"], seqs: [12], diff: [], impact: 'Drops 150 values of "Employees.Phone" in production.' },
  ],
  conflicts: [{ entityKind: "field", entityId: 9, entityName: "Role", productionAuthors: ["Sam Lee"], productionSeqs: [40] }],
};

describe("PromoteDialog", () => {
  it("shows impact and conflicts and sends the decisions with the typed name", async () => {
    const sent: unknown[] = [];
    mockIPC((cmd, args) => {
      if (cmd === "promotion_plan") return plan;
      if (cmd === "list_integrations") return [{ id: 1, environmentId: 1, name: "Order webhook", kind: "webhook", active: true, pausedByPromotion: null, pausedByUpgrade: null, dbRole: null, roleHeld: false }];
      if (cmd === "promote") {
        sent.push(args);
        throw { kind: "invalid", message: "The dry run on a copy of production failed, so nothing was changed." };
      }
    });
    render(
      <QueryClientProvider client={new QueryClient({ defaultOptions: { queries: { retry: false } } })}>
        <PromoteDialog sandbox={demoOverview()[0].environments[2]} onClose={() => undefined} onNotice={() => undefined} />
      </QueryClientProvider>,
    );
    expect(await screen.findByTestId("impact")).toHaveTextContent("Drops 150 values");
    expect(screen.getByTestId("conflict")).toHaveTextContent("Sam Lee also changed field “Role”");
    expect(await screen.findByTestId("to-pause")).toHaveTextContent("Order webhook");
    const submit = screen.getByTestId("promote-submit");
    // A name that is not production's leaves the button off.
    await userEvent.type(screen.getByTestId("confirm-name"), "Productio");
    expect(screen.getByTestId("promote-submit")).toBeDisabled();
    await userEvent.type(screen.getByTestId("confirm-name"), "n");
    expect(submit).toBeDisabled();
    await userEvent.click(screen.getByTestId("keep-production"));
    expect(submit).toBeEnabled();
    await userEvent.click(submit);
    expect(await screen.findByTestId("error")).toHaveTextContent("nothing was changed");
    await waitFor(() => expect(sent).toHaveLength(1));
    expect(sent[0]).toMatchObject({
      environmentId: 3,
      typedName: "Production",
      decisions: [{ entityKind: "field", entityId: 9, resolution: "keep_production" }],
    });
  });
});
