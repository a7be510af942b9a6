import { useState } from "react";
import type { Go } from "../App";
import { useAppNowOffset } from "../upgrade/useAppNow";
import { useMutation, useQuery } from "@tanstack/react-query";
import { save } from "@tauri-apps/plugin-dialog";
import type { CalendarEvent, EventKind } from "../bindings";
import { api, toAppError, type AppError } from "../api";
import { ErrorBanner } from "../shared/ErrorBanner";
import { CalendarSettingsForm } from "./CalendarSettingsForm";
import { addDays, both, localDay, longDay, ownZone } from "./time";
import { STATE_LABELS } from "../uat/labels";

type View = "month" | "agenda" | "settings";
export const EVENT_LABELS: Record<EventKind, string> = {
  maintenance_window: "Maintenance window",
  upgrade: "Upgrade",
  uat_window: "UAT window",
  uat_refresh: "UAT refresh",
  freeze: "Freeze",
  sandbox_deadline: "Sandbox deadline",
};

// How far the agenda looks ahead from the month shown.
const AGENDA_DAYS = 183;
const firstOfMonth = (day: string) => `${day.slice(0, 7)}-01`;
function shiftMonth(first: string, n: number): string {
  const d = new Date(`${first}T00:00:00Z`);
  d.setUTCMonth(d.getUTCMonth() + n);
  return d.toISOString().slice(0, 10);
}

/** The local days an event covers, in the zone it is shown in. */
function days(e: CalendarEvent, zone: string): string[] {
  const first = localDay(e.start, e.allDay ? e.timeZone : zone);
  if (!e.allDay) return [first];
  const out = [];
  for (let d = first; d < localDay(e.end, e.timeZone) && out.length < 400; d = addDays(d, 1)) out.push(d);
  return out;
}

// One calendar across accounts, in the admin's own time zone, with each
// account's local time beside it when it differs.
export function CalendarScreen({ go }: { go?: Go }) {
  const zone = ownZone();
  const overview = useQuery({ queryKey: ["overview"], queryFn: api.overview });
  const accounts = overview.data?.map((o) => o.account) ?? [];
  const [view, setView] = useState<View>("month");
  // Today by the app's clock (the one the rules use), in the admin's zone;
  // the month shown follows it until the admin moves to another.
  const offset = useAppNowOffset();
  const today = localDay(new Date(Date.now() + offset).toISOString(), zone);
  const [chosenMonth, setMonth] = useState<string | null>(null);
  // An event about something (a release, a UAT cycle) opens it on a click
  // or Enter; the month's cells are small, so the whole event is the target.
  const opener = (e: CalendarEvent) => {
    const target = e.target;
    if (!target || !go) return {};
    return {
      role: "button",
      tabIndex: 0,
      onClick: () => go(target),
      onKeyDown: (k: React.KeyboardEvent) => (k.key === "Enter" || k.key === " ") && (k.preventDefault(), go(target)),
    };
  };
  const month = chosenMonth ?? firstOfMonth(today);
  const [accountId, setAccountId] = useState(0);
  const gridStart = addDays(month, -((new Date(`${month}T00:00:00Z`).getUTCDay() + 6) % 7));
  // The month view reads its six weeks; the agenda looks six months ahead.
  const rangeEnd = view === "agenda" ? addDays(month, AGENDA_DAYS) : addDays(gridStart, 42);
  const events = useQuery({
    queryKey: ["calendar", accountId, gridStart, rangeEnd],
    queryFn: () => api.calendarEvents(accountId, `${addDays(gridStart, -1)}T00:00:00Z`, `${addDays(rangeEnd, 1)}T00:00:00Z`),
    enabled: view !== "settings",
  });
  const [error, setError] = useState<AppError | null>(null);
  const [saved, setSaved] = useState<string | null>(null);
  const [icsPath, setIcsPath] = useState("");
  const exporting = useMutation({
    mutationFn: () => api.exportCalendar(accountId, addDays(month, -31), addDays(month, 366), icsPath),
    onMutate: () => setSaved(null),
    onSuccess: setSaved,
    onError: (e) => setError(toAppError(e)),
  });
  const browse = async () => {
    try {
      const path = await save({ defaultPath: "cutover-calendar.ics", filters: [{ name: "iCalendar", extensions: ["ics"] }] });
      if (path) setIcsPath(path);
    } catch (e) {
      setError(toAppError(e));
    }
  };
  // A UAT window says where its cycle stands (testing, blocked…).
  const cycles = useQuery({ queryKey: ["uat-cycles", accountId], queryFn: () => api.uatCycles(accountId), enabled: view !== "settings" });
  const uatState = new Map((cycles.data ?? []).map((c) => [`${c.accountId}:${c.version}`, STATE_LABELS[c.state]]));
  const titleOf = (e: CalendarEvent) => {
    const state = e.kind === "uat_window" ? uatState.get(`${e.accountId}:${e.key}`) : undefined;
    return state ? `${e.title} · ${state}` : e.title;
  };
  const byDay = new Map<string, CalendarEvent[]>();
  for (const e of events.data ?? []) for (const d of days(e, zone)) byDay.set(d, [...(byDay.get(d) ?? []), e]);
  const settingsAccount = accounts.find((a) => a.id === accountId) ?? accounts[0];
  return (
    <div className="page" data-testid="calendar-screen">
      <div className="screen-head">
        <h2>Calendar</h2>
        <select value={accountId} onChange={(e) => setAccountId(Number(e.target.value))} aria-label="Account" data-testid="calendar-account">
          <option value={0}>All accounts</option>
          {accounts.map((a) => (
            <option key={a.id} value={a.id}>
              {a.name}
            </option>
          ))}
        </select>
        <span className="muted">Times in your zone, {zone}</span>
      </div>
      <form
        className="filters"
        onSubmit={(e) => {
          e.preventDefault();
          exporting.mutate();
        }}
      >
        <label className="grow">
          Export this calendar (a year from the month shown) as an .ics file
          <input value={icsPath} onChange={(e) => setIcsPath(e.target.value)} placeholder="/home/you/cutover-calendar.ics" data-testid="ics-path" />
        </label>
        <button type="button" className="secondary align-end" onClick={browse}>
          Browse…
        </button>
        <button type="submit" className="secondary align-end" disabled={!icsPath.trim() || exporting.isPending} data-testid="export-ics">
          Export
        </button>
      </form>
      {error && <ErrorBanner error={error} onDismiss={() => setError(null)} />}
      {events.isError && <ErrorBanner error={events.error} />}
      {saved && (
        <div className="notice" role="status" data-testid="ics-saved">
          Saved {saved}. Import it into any calendar; times carry their time zones.
        </div>
      )}
      <div className="tabs" role="tablist">
        {(["month", "agenda", "settings"] as View[]).map((v) => (
          <button key={v} type="button" role="tab" aria-selected={view === v} className={`tab ${view === v ? "active" : ""}`} onClick={() => setView(v)} data-testid={`calendar-tab-${v}`}>
            {v === "month" ? "Month" : v === "agenda" ? "Agenda" : "Settings"}
          </button>
        ))}
      </div>
      {view !== "settings" && (
        <div className="month-nav">
          <button type="button" className="ghost" onClick={() => setMonth(shiftMonth(month, -1))} aria-label="Previous month" data-testid="prev-month">
            ←
          </button>
          <strong data-testid="month-title">{new Intl.DateTimeFormat("en-GB", { timeZone: "UTC", month: "long", year: "numeric" }).format(new Date(`${month}T00:00:00Z`))}</strong>
          <button type="button" className="ghost" onClick={() => setMonth(shiftMonth(month, 1))} aria-label="Next month" data-testid="next-month">
            →
          </button>
          <button type="button" className="secondary small" onClick={() => setMonth(null)} disabled={chosenMonth === null} data-testid="this-month">
            Today
          </button>
        </div>
      )}
      {view === "month" && (
        <div className="month" data-testid="month">
          {["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"].map((d) => (
            <div key={d} className="month-head">
              {d}
            </div>
          ))}
          {Array.from({ length: 42 }, (_, i) => addDays(gridStart, i)).map((d) => (
            <div key={d} className={`month-day ${d.slice(0, 7) === month.slice(0, 7) ? "" : "other"} ${d === today ? "today" : ""}`} data-day={d}>
              <span className="day-number">{Number(d.slice(8))}</span>
              {(byDay.get(d) ?? []).map((e, i) => (
                <div
                  key={i}
                  className={`event event-${e.kind}${e.target && go ? " opens" : ""}`}
                  title={`${titleOf(e)} — ${e.accountName}${e.allDay ? "" : `, ${both(e.start, e.timeZone, zone)}`}${e.target && go ? " (click to open)" : ""}`}
                  data-testid="event"
                  data-kind={e.kind}
                  {...opener(e)}
                >
                  {/* The daily window is a band (its time on hover and for screen readers), not the same words every day. */}
                  <span className={e.kind === "maintenance_window" ? "sr-only" : undefined}>
                    {e.allDay ? "" : `${new Intl.DateTimeFormat("en-GB", { timeZone: zone, hour: "2-digit", minute: "2-digit" }).format(new Date(e.start))} `}
                    {e.kind === "maintenance_window" ? "window" : titleOf(e)}
                  </span>
                </div>
              ))}
            </div>
          ))}
        </div>
      )}
      {view === "agenda" && (
        <ul className="agenda" data-testid="agenda">
          {(events.data ?? [])
            .filter((e) => e.kind !== "maintenance_window" && localDay(e.end, zone) >= month)
            .map((e, i) => (
              <li key={i} data-testid="agenda-item" data-kind={e.kind}>
                <span className={`pill event-${e.kind}`}>{EVENT_LABELS[e.kind]}</span>
                {e.target && go ? (
                  <button type="button" className="link strong" onClick={() => e.target && go(e.target)} data-testid="agenda-open">
                    {titleOf(e)}
                  </button>
                ) : (
                  <strong>{titleOf(e)}</strong>
                )}
                <span className="muted">{e.accountName}</span>
                <span data-testid="agenda-when">
                  {e.allDay ? `${longDay(localDay(e.start, e.timeZone))}${days(e, zone).length > 1 ? ` – ${longDay(addDays(localDay(e.end, e.timeZone), -1))}` : ""}` : `${longDay(localDay(e.start, zone))}, ${both(e.start, e.timeZone, zone)} – ${both(e.end, e.timeZone, zone)}`}
                </span>
              </li>
            ))}
          {events.data && events.data.filter((e) => e.kind !== "maintenance_window").length === 0 && <li className="muted">Nothing scheduled in the next six months. Schedule an upgrade from Releases.</li>}
        </ul>
      )}
      {view === "settings" && settingsAccount && <CalendarSettingsForm accountId={settingsAccount.id} />}
    </div>
  );
}
