import { describe, expect, it } from "vitest";
import { render, screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { mockIPC } from "@tauri-apps/api/mocks";
import type { FieldDef, TableDef } from "../bindings";
import { RecordDialog } from "./RecordDialog";
import { env } from "../test/fixtures";

const fields: FieldDef[] = [
  { id: 1, tableId: 1, name: "Name", fieldType: { type: "text" } },
  { id: 2, tableId: 1, name: "Start date", fieldType: { type: "date" } },
  { id: 3, tableId: 1, name: "Manager", fieldType: { type: "link", table_id: 1 } },
];
const table: TableDef = { id: 1, name: "Employees", appIds: [1], fields };

describe("RecordDialog", () => {
  it("shows every problem the backend found at its own field, and nothing at the others", async () => {
    const sent: unknown[] = [];
    mockIPC((cmd, args) => {
      if (cmd === "insert_record") {
        sent.push(args);
        throw {
          kind: "invalid",
          message: "Start date: “31 Feb 2026” is not a date. Manager: there is no record 999 to link to.",
          fields: [
            { field: "Start date", message: "“31 Feb 2026” is not a date; type it like 1 Dec 2026." },
            { field: "Manager", message: "there is no record 999 to link to." },
          ],
        };
      }
    });
    const client = new QueryClient({ defaultOptions: { queries: { retry: false }, mutations: { retry: false } } });
    const user = userEvent.setup();
    render(
      <QueryClientProvider client={client}>
        <RecordDialog env={env(1, "Production", "production").environment} table={table} fields={fields} record={null} onClose={() => undefined} />
      </QueryClientProvider>,
    );
    const input = (name: string) => screen.getAllByTestId("record-field").find((f) => f.getAttribute("data-field-name") === name)!;
    await user.type(input("Name"), "Zoe Quinn");
    await user.type(input("Start date"), "31 Feb 2026");
    await user.type(input("Manager"), "999");
    await user.click(screen.getByTestId("save-record"));

    expect(await screen.findByTestId("error")).toHaveTextContent("2 fields need a change; each is marked at its field.");
    const problems = screen.getAllByTestId("field-problem");
    expect(problems.map((p) => [p.getAttribute("data-field-name"), p.textContent])).toEqual([
      ["Start date", "“31 Feb 2026” is not a date; type it like 1 Dec 2026."],
      ["Manager", "there is no record 999 to link to."],
    ]);
    expect(input("Start date")).toHaveAttribute("aria-invalid", "true");
    expect(input("Start date")).toHaveAccessibleDescription("“31 Feb 2026” is not a date; type it like 1 Dec 2026.");
    expect(input("Name")).not.toHaveAttribute("aria-invalid");
    expect(within(screen.getByTestId("record-dialog")).getByDisplayValue("Zoe Quinn")).toBeInTheDocument();
    expect(sent).toHaveLength(1);
  });
});
