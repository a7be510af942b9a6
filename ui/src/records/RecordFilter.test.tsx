import { describe, expect, it } from "vitest";
import { render, screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import type { FieldDef, ViewFilter } from "../bindings";
import { AppError } from "../api";
import { RecordFilter } from "./RecordFilter";

const fields: FieldDef[] = [
  { id: 1, tableId: 1, name: "Name", fieldType: { type: "text" } },
  { id: 6, tableId: 1, name: "Start date", fieldType: { type: "date" } },
];

describe("RecordFilter", () => {
  it("applies a field, a condition and a value, and asks no value for emptiness", async () => {
    const applied: (ViewFilter | null)[] = [];
    const user = userEvent.setup();
    render(<RecordFilter fields={fields} applied={null} error={null} onApply={(f) => applied.push(f)} />);
    expect(screen.queryByTestId("filter-apply")).not.toBeInTheDocument();
    await user.selectOptions(screen.getByTestId("filter-by"), "6");
    expect(screen.getByTestId("filter-value")).toHaveAttribute("placeholder", "e.g. 1 Dec 2026");
    await user.selectOptions(screen.getByTestId("filter-op"), "greater_than");
    await user.type(screen.getByTestId("filter-value"), "30 Nov 2026");
    await user.click(screen.getByTestId("filter-apply"));
    await user.selectOptions(screen.getByTestId("filter-op"), "is_empty");
    expect(screen.queryByTestId("filter-value")).not.toBeInTheDocument();
    await user.click(screen.getByTestId("filter-apply"));
    expect(applied).toEqual([
      { fieldId: 6, op: "greater_than", value: "30 Nov 2026" },
      { fieldId: 6, op: "is_empty", value: "" },
    ]);
  });

  it("shows the backend's refusal of the value at the value, and clears", async () => {
    const applied: (ViewFilter | null)[] = [];
    const error = new AppError("invalid", '"soon" is not a date.', [{ field: "value", message: '"soon" is not a date: write it as 2026-12-01 or 1 Dec 2026.' }]);
    const user = userEvent.setup();
    render(<RecordFilter fields={fields} applied={{ fieldId: 6, op: "equals", value: "soon" }} error={error} onApply={(f) => applied.push(f)} />);
    expect(screen.getByTestId("filter-value")).toHaveAttribute("aria-invalid", "true");
    expect(screen.getByTestId("filter-value")).toHaveAccessibleDescription('"soon" is not a date: write it as 2026-12-01 or 1 Dec 2026.');
    await user.click(screen.getByTestId("filter-clear"));
    expect(applied).toEqual([null]);
  });
});
