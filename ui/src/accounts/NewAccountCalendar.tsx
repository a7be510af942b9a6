import { useState } from "react";
import type { CalendarSettings } from "../bindings";
import { DaysPicker } from "../shared/DateField";
import { Weekdays } from "../calendar/CalendarSettingsForm";

const withSeconds = (t: string) => (t.length === 5 ? `${t}:00` : t);

type Props = { value: CalendarSettings; onChange: (s: CalendarSettings) => void; onHolidayError: (bad: string | null) => void; disabled: boolean };

// The new account's calendar, starting from the documented defaults:
// business days, holidays, a first maintenance window, minimum notice and
// the reminder time. More windows and freezes are set in Calendar later.
export function NewAccountCalendar({ value: s, onChange, onHolidayError, disabled }: Props) {
  const [holidays, setHolidays] = useState(s.holidays.join(", "));
  const set = (patch: Partial<CalendarSettings>) => onChange({ ...s, ...patch });
  const w = s.windows[0] ?? { weekdays: [6], start: "16:00:00", minutes: 180 };
  const setWindow = (patch: Partial<typeof w>) => set({ windows: [{ ...w, ...patch, start: withSeconds(patch.start ?? w.start) }, ...s.windows.slice(1)] });
  const readHolidays = (text: string) => {
    setHolidays(text);
    const days = text.split(/[\s,]+/).filter(Boolean);
    const bad = days.find((d) => !/^\d{4}-\d{2}-\d{2}$/.test(d) || Number.isNaN(Date.parse(d)));
    onHolidayError(bad ? `"${bad}" is not a date: write holidays as YYYY-MM-DD, separated by commas.` : null);
    if (!bad) set({ holidays: days });
  };
  return (
    <fieldset className="calendar-fields" disabled={disabled} data-testid="account-calendar">
      <legend>Calendar (you can change it later under Calendar)</legend>
      <div className="cal-row">
        <span className="cal-label">Business days</span>
        <Weekdays value={s.businessDays} onChange={(businessDays) => set({ businessDays })} testid="account-business-days" />
      </div>
      <div className="cal-row">
        <label className="cal-label" htmlFor="account-holidays">
          Holidays
        </label>
        <input id="account-holidays" className="grow" value={holidays} onChange={(e) => readHolidays(e.target.value)} placeholder="2026-12-25, 2027-01-01" data-testid="account-holidays" />
        <DaysPicker days={s.holidays} onChange={(days) => readHolidays(days.join(", "))} label="Holidays" testid="account-pick-holidays" />
      </div>
      <div className="cal-row">
        <span className="cal-label">First maintenance window</span>
        <Weekdays value={w.weekdays} onChange={(weekdays) => setWindow({ weekdays })} testid="account-window-days" />
      </div>
      <div className="cal-row">
        <span>from</span>
        <input type="time" aria-label="Window starts at" value={w.start.slice(0, 5)} onChange={(e) => setWindow({ start: e.target.value })} data-testid="account-window-start" />
        <span>for</span>
        <input type="number" aria-label="Window length in minutes" min={15} max={1440} value={w.minutes} onChange={(e) => setWindow({ minutes: Number(e.target.value) })} data-testid="account-window-minutes" />
        <span>minutes</span>
      </div>
      <div className="cal-row">
        <label className="cal-label" htmlFor="account-min-notice">
          Minimum notice
        </label>
        <input id="account-min-notice" type="number" min={0} max={365} value={s.minNoticeDays} onChange={(e) => set({ minNoticeDays: Number(e.target.value) })} data-testid="account-min-notice" />
        <span>days before an upgrade</span>
      </div>
      <div className="cal-row">
        <label className="cal-label" htmlFor="account-reminder-time">
          Reminder
        </label>
        <span>the day before, at</span>
        <input id="account-reminder-time" type="time" value={s.reminderTime.slice(0, 5)} onChange={(e) => set({ reminderTime: withSeconds(e.target.value) })} data-testid="account-reminder-time" />
      </div>
    </fieldset>
  );
}
