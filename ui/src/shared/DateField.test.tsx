import { describe, expect, it } from "vitest";
import { render, screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { useState } from "react";
import { DateField, parseDay, showDay } from "./DateField";

describe("days typed and shown", () => {
  it("reads ISO days and days written out, and refuses what is no day", () => {
    expect(parseDay("2026-12-01")).toBe("2026-12-01");
    expect(parseDay(" 1 Dec 2026 ")).toBe("2026-12-01");
    expect(parseDay("25 December 2026")).toBe("2026-12-25");
    expect(parseDay("3 Sept 2026")).toBe("2026-09-03");
    expect(parseDay("29 Feb 2028")).toBe("2028-02-29");
    for (const bad of ["29 Feb 2027", "2027-13-01", "12/01/2026", "1 Dex 2026", "soon", ""]) expect(parseDay(bad)).toBeNull();
    expect(showDay("2026-12-01")).toBe("1 Dec 2026");
  });

  it("shows the day as the app writes it, takes a typed one, and says what is wrong at the field", async () => {
    const seen: (string | null)[] = [];
    function Host() {
      const [day, setDay] = useState<string | null>("2026-12-01");
      return <DateField value={day} onChange={(d) => (seen.push(d), setDay(d))} label="From" testid="from" />;
    }
    const user = userEvent.setup();
    render(<Host />);
    const input = screen.getByTestId("from");
    expect(input).toHaveValue("1 Dec 2026");
    await user.clear(input);
    await user.type(input, "12/01/2026{Enter}");
    expect(screen.getByTestId("from-error")).toHaveTextContent("Write a day as 1 Dec 2026 or 2026-12-01.");
    expect(seen).toEqual([]);
    await user.clear(input);
    await user.type(input, "2026-11-30{Enter}");
    expect(seen).toEqual(["2026-11-30"]);
    expect(input).toHaveValue("30 Nov 2026");
    expect(screen.queryByTestId("from-error")).toBeNull();
    await user.click(screen.getByTestId("from-pick"));
    await user.click(screen.getByRole("button", { name: /28 November 2026/ }));
    expect(seen.at(-1)).toBe("2026-11-28");
    expect(screen.queryByTestId("from-calendar")).toBeNull();
  });
});
