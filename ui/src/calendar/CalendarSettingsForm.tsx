import { useEffect, useState } from "react";
import { TimeZoneInput } from "../shared/TimeZoneInput";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import type { CalendarSettings } from "../bindings";
import { api, AppError } from "../api";
import { ErrorBanner } from "../shared/ErrorBanner";
import { DateField, DaysPicker, parseDay } from "../shared/DateField";

/** The valid ISO days of a typed holiday list, for the picker. */
const isoDays = (text: string) => text.split(/[\s,]+/).map(parseDay).filter((d): d is string => d !== null);
import { Recipients } from "./Recipients";

const WEEKDAYS = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];
const withSeconds = (t: string) => (t.length === 5 ? `${t}:00` : t);

export function Weekdays({ value, onChange, testid }: { value: number[]; onChange: (v: number[]) => void; testid: string }) {
  return (
    <span className="weekdays" data-testid={testid}>
      {WEEKDAYS.map((d, i) => (
        <label key={d} className="check">
          <input type="checkbox" checked={value.includes(i + 1)} onChange={(e) => onChange(e.target.checked ? [...value, i + 1].sort() : value.filter((x) => x !== i + 1))} data-day={i + 1} />
          {d}
        </label>
      ))}
    </span>
  );
}

// An account's calendar: its zone, business days, holidays, maintenance
// windows, freezes, notice, reminder time and UAT length. The backend
// checks everything; a refusal is shown and nothing is saved.
export function CalendarSettingsForm({ accountId }: { accountId: number }) {
  const queryClient = useQueryClient();
  const calendar = useQuery({ queryKey: ["account-calendar", accountId], queryFn: () => api.accountCalendar(accountId) });
  const shifts = useQuery({ queryKey: ["window-shifts", accountId], queryFn: () => api.windowShifts(accountId) });
  const [zone, setZone] = useState("");
  const [s, setS] = useState<CalendarSettings | null>(null);
  const [holidays, setHolidays] = useState("");
  useEffect(() => {
    if (calendar.data) {
      setZone(calendar.data.timeZone);
      setS(calendar.data.settings);
      setHolidays(calendar.data.settings.holidays.join(", "));
    }
  }, [calendar.data]);
  const saving = useMutation({
    mutationFn: () => {
      if (!s) throw new AppError("invalid", "The settings have not loaded yet.");
      const days = holidays.split(/[\s,]+/).filter(Boolean);
      const bad = days.find((d) => !/^\d{4}-\d{2}-\d{2}$/.test(d));
      if (bad) throw new AppError("invalid", `"${bad}" is not a date; write holidays as YYYY-MM-DD, separated by commas.`);
      return api.setAccountCalendar(accountId, zone, {
        ...s,
        holidays: days,
        reminderTime: withSeconds(s.reminderTime),
        windows: s.windows.map((w) => ({ ...w, start: withSeconds(w.start) })),
      });
    },
    onSuccess: () => queryClient.invalidateQueries(),
  });
  if (calendar.isError) return <ErrorBanner error={calendar.error} />;
  if (!s) return <p className="muted">Loading…</p>;
  const set = (patch: Partial<CalendarSettings>) => setS({ ...s, ...patch });
  return (
    <div className="stack" data-testid="calendar-settings">
      <form
        className="settings-form"
        onSubmit={(e) => {
          e.preventDefault();
          saving.mutate();
        }}
      >
        <h3>{calendar.data?.accountName}</h3>
        {saving.isError && <ErrorBanner error={saving.error} onDismiss={() => saving.reset()} />}
        {saving.isSuccess && (
          <div className="notice" role="status" data-testid="settings-saved">
            Saved. Reminders of scheduled upgrades follow the new settings.
          </div>
        )}
        <label>
          Time zone (IANA name)
          <TimeZoneInput value={zone} onChange={setZone} testid="time-zone" />
        </label>
        <div className="field">
          Business days
          <Weekdays value={s.businessDays} onChange={(businessDays) => set({ businessDays })} testid="business-days" />
        </div>
        <label>
          Holidays (YYYY-MM-DD, separated by commas)
          <span className="with-picker">
            <input value={holidays} onChange={(e) => setHolidays(e.target.value)} placeholder="2026-12-25, 2026-12-28" data-testid="holidays" />
            <DaysPicker days={isoDays(holidays)} onChange={(days) => setHolidays(days.join(", "))} label="Holidays" testid="pick-holidays" />
          </span>
        </label>
        <div className="field">
          Maintenance windows (production may be down)
          {s.windows.map((w, i) => {
            const update = (patch: Partial<typeof w>) => set({ windows: s.windows.map((x, j) => (j === i ? { ...x, ...patch } : x)) });
            return (
              <div key={i} className="window-row" data-testid="window">
                <Weekdays value={w.weekdays} onChange={(weekdays) => update({ weekdays })} testid="window-days" />
                <label>
                  from
                  <input type="time" value={w.start.slice(0, 5)} onChange={(e) => update({ start: e.target.value })} data-testid="window-start" />
                </label>
                <label>
                  for (minutes)
                  <input type="number" min={15} max={1440} value={w.minutes} onChange={(e) => update({ minutes: Number(e.target.value) })} data-testid="window-minutes" />
                </label>
                <button type="button" className="ghost" onClick={() => set({ windows: s.windows.filter((_, j) => j !== i) })}>
                  Remove
                </button>
              </div>
            );
          })}
          <button type="button" className="secondary" onClick={() => set({ windows: [...s.windows, { weekdays: [6, 7], start: "16:00:00", minutes: 180 }] })} data-testid="add-window">
            Add a window
          </button>
          {shifts.isError && <ErrorBanner error={shifts.error} />}
          {shifts.data && shifts.data.length > 0 && (
            <div className="notice" role="note" data-testid="window-shifts">
              In the coming year the clocks change at a window's start time on {shifts.data.length === 1 ? "one day" : `${shifts.data.length} days`}:
              <ul>
                {shifts.data.map((text) => (
                  <li key={text}>{text}.</li>
                ))}
              </ul>
            </div>
          )}
        </div>
        <div className="field">
          Freezes (no upgrade or promotion)
          {s.freezes.map((f, i) => {
            const update = (patch: Partial<typeof f>) => set({ freezes: s.freezes.map((x, j) => (j === i ? { ...x, ...patch } : x)) });
            return (
              <div key={i} className="window-row" data-testid="freeze">
                <DateField value={f.from || null} onChange={(from) => update({ from: from ?? "" })} label="From" testid="freeze-from" />
                <DateField value={f.to || null} onChange={(to) => update({ to: to ?? "" })} label="To" testid="freeze-to" />
                <input value={f.reason} onChange={(e) => update({ reason: e.target.value })} placeholder="Reason, e.g. Year end" aria-label="Reason" />
                <button type="button" className="ghost" onClick={() => set({ freezes: s.freezes.filter((_, j) => j !== i) })}>
                  Remove
                </button>
              </div>
            );
          })}
          <button type="button" className="secondary" onClick={() => set({ freezes: [...s.freezes, { from: "", to: "", reason: "" }] })}>
            Add a freeze
          </button>
        </div>
        <div className="filters">
          <label>
            Minimum notice (days)
            <input type="number" min={0} max={365} value={s.minNoticeDays} onChange={(e) => set({ minNoticeDays: Number(e.target.value) })} data-testid="min-notice" />
          </label>
          <label>
            Reminder time (the day before)
            <input type="time" value={s.reminderTime.slice(0, 5)} onChange={(e) => set({ reminderTime: e.target.value })} data-testid="reminder-time" />
          </label>
          <label>
            UAT window (business days)
            <input type="number" min={1} max={60} value={s.uatBusinessDays} onChange={(e) => set({ uatBusinessDays: Number(e.target.value) })} />
          </label>
          <button type="submit" className="primary align-end" disabled={saving.isPending} data-testid="save-calendar">
            Save settings
          </button>
        </div>
      </form>
      <Recipients accountId={accountId} />
    </div>
  );
}
