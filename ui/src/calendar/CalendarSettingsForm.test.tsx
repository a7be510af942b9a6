import { describe, expect, it } from "vitest";
import { render, screen } from "@testing-library/react";
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { mockIPC } from "@tauri-apps/api/mocks";
import type { AccountCalendar } from "../bindings";
import { CalendarSettingsForm } from "./CalendarSettingsForm";

const calendar: AccountCalendar = {
  accountId: 1,
  accountName: "Northwind Foods",
  timeZone: "Europe/London",
  settings: {
    businessDays: [1, 2, 3, 4, 5],
    holidays: [],
    windows: [{ weekdays: [7], start: "01:30:00", minutes: 120 }],
    freezes: [],
    minNoticeDays: 14,
    reminderTime: "08:00:00",
    uatBusinessDays: 10,
  },
};

function renderForm(shifts: string[]) {
  mockIPC((cmd) => {
    if (cmd === "account_calendar") return calendar;
    if (cmd === "window_shifts") return shifts;
  });
  const client = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  return render(
    <QueryClientProvider client={client}>
      <CalendarSettingsForm accountId={1} />
    </QueryClientProvider>,
  );
}

describe("CalendarSettingsForm", () => {
  it("says on which days daylight saving moves a window, and where", async () => {
    renderForm(["Sun 28 Mar 2027 at 01:30 does not exist (the clocks go forward); the window opens at 02:00 BST"]);
    const note = await screen.findByTestId("window-shifts");
    expect(note).toHaveTextContent("on one day");
    expect(note).toHaveTextContent("the window opens at 02:00 BST");
  });

  it("says nothing when no window meets a clock change", async () => {
    renderForm([]);
    await screen.findByTestId("calendar-settings");
    expect(screen.queryByTestId("window-shifts")).not.toBeInTheDocument();
  });
});
