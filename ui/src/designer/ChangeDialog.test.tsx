import { describe, expect, it } from "vitest";
import { render, screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { mockIPC } from "@tauri-apps/api/mocks";
import type { Change, Definitions, TableDef } from "../bindings";
import { ChangeDialog } from "./ChangeDialog";
import { demoOverview } from "../test/fixtures";

const production = demoOverview()[0].environments[0].environment;
const table: TableDef = { id: 1, name: "Employees", appIds: [1], fields: [{ id: 10, tableId: 1, name: "Name", fieldType: { type: "text" } }] };
const defs: Definitions = { apps: [{ id: 1, name: "HR" }], tables: [table], views: [] };

describe("ChangeDialog", () => {
  it("asks before changing production and then applies with the confirmation", async () => {
    const calls: { change: Change; confirmed: boolean }[] = [];
    mockIPC((cmd, args) => {
      if (cmd !== "apply_change") return undefined;
      const a = args as { change: Change; confirmed: boolean };
      calls.push(a);
      if (!a.confirmed) throw { kind: "unconfirmed", message: 'This changes "Production", your production environment, directly. Confirm to apply it there.' };
      return { seq: 1, at: "2026-11-23T10:00:00Z", author: "Alex Morgan", entityKind: "field", entityId: 11, entityName: "Badge", action: "create", unpromoted: true, diff: [] };
    });
    let done = false;
    render(
      <QueryClientProvider client={new QueryClient()}>
        <ChangeDialog env={production} defs={defs} spec={{ kind: "add_field", table }} onClose={() => undefined} onDone={() => (done = true)} />
      </QueryClientProvider>,
    );
    await userEvent.type(screen.getByTestId("change-name"), "Badge");
    await userEvent.selectOptions(screen.getByTestId("field-type"), "number");
    await userEvent.click(screen.getByTestId("apply-change"));
    expect(await screen.findByTestId("confirm-production")).toHaveTextContent("Confirm to apply it there");
    expect(screen.queryByTestId("error")).not.toBeInTheDocument();
    await userEvent.click(screen.getByTestId("confirm-production-apply"));
    await waitFor(() => expect(done).toBe(true));
    expect(calls.map((c) => c.confirmed)).toEqual([false, true]);
    expect(calls[1].change).toEqual({ change: "add_field", tableId: 1, name: "Badge", fieldType: { type: "number" } });
  });

  it("shows a refusal in the dialog and keeps the input", async () => {
    mockIPC((cmd) => {
      if (cmd === "apply_change") throw { kind: "conflict", message: 'Table "Employees" already has a field named "Name".' };
    });
    render(
      <QueryClientProvider client={new QueryClient()}>
        <ChangeDialog env={{ ...production, kind: "promotable" }} defs={defs} spec={{ kind: "add_field", table }} onClose={() => undefined} onDone={() => undefined} />
      </QueryClientProvider>,
    );
    await userEvent.type(screen.getByTestId("change-name"), "Name");
    await userEvent.click(screen.getByTestId("apply-change"));
    expect(await screen.findByTestId("error")).toHaveTextContent("already has a field named");
    expect(screen.getByTestId("change-name")).toHaveValue("Name");
  });

  it("marks the name and the options at once when the backend refuses both", async () => {
    mockIPC((cmd) => {
      if (cmd === "apply_change")
        throw {
          kind: "invalid",
          message: 'A field name must start with a letter ("9 lives" does not). The option "low" is listed twice.',
          fields: [
            { field: "name", message: 'A field name must start with a letter ("9 lives" does not).' },
            { field: "options", message: 'The option "low" is listed twice.' },
          ],
        };
    });
    render(
      <QueryClientProvider client={new QueryClient()}>
        <ChangeDialog env={{ ...production, kind: "promotable" }} defs={defs} spec={{ kind: "add_field", table }} onClose={() => undefined} onDone={() => undefined} />
      </QueryClientProvider>,
    );
    await userEvent.type(screen.getByTestId("change-name"), "9 lives");
    await userEvent.selectOptions(screen.getByTestId("field-type"), "choice");
    await userEvent.type(screen.getByTestId("choice-options"), "Low{enter}low");
    await userEvent.click(screen.getByTestId("apply-change"));
    expect(await screen.findByTestId("error")).toHaveTextContent("2 fields need a change; each is marked at its field.");
    expect(screen.getByTestId("change-name")).toHaveAccessibleDescription('A field name must start with a letter ("9 lives" does not).');
    expect(screen.getByTestId("change-name")).toHaveAttribute("aria-invalid", "true");
    expect(screen.getByTestId("choice-options")).toHaveAccessibleDescription('The option "low" is listed twice.');
    expect(screen.getAllByTestId("field-problem")).toHaveLength(2);
  });
});
