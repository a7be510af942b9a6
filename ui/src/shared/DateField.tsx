// Days as the rest of the app writes them ("1 Dec 2026"), typed or picked
// from a calendar (react-day-picker, weeks from Monday), instead of the
// browser's date input, whose format follows the desktop's locale (US
// month/day order on many). Values stay ISO days (YYYY-MM-DD).
import { useEffect, useRef, useState } from "react";
import { DayPicker } from "react-day-picker";
import { enGB } from "react-day-picker/locale";
import "react-day-picker/style.css";

const MONTHS = ["january", "february", "march", "april", "may", "june", "july", "august", "september", "october", "november", "december"];

/** An ISO day from what a user typed: "2026-12-01", "1 Dec 2026", "1 December 2026"; null if none. */
export function parseDay(text: string): string | null {
  const t = text.trim();
  let y: number, m: number, d: number;
  const iso = /^(\d{4})-(\d{1,2})-(\d{1,2})$/.exec(t);
  const words = /^(\d{1,2})\s+([A-Za-z]{3,9})\.?,?\s+(\d{4})$/.exec(t);
  if (iso) [y, m, d] = [Number(iso[1]), Number(iso[2]), Number(iso[3])];
  else if (words) {
    // A month's name or its first three letters or more ("Sept" too).
    const word = words[2].toLowerCase();
    const month = MONTHS.findIndex((n) => n.startsWith(word));
    if (month < 0) return null;
    [y, m, d] = [Number(words[3]), month + 1, Number(words[1])];
  } else return null;
  const date = new Date(Date.UTC(y, m - 1, d));
  if (date.getUTCFullYear() !== y || date.getUTCMonth() !== m - 1 || date.getUTCDate() !== d) return null;
  return date.toISOString().slice(0, 10);
}

/** "1 Dec 2026" for an ISO day. */
export function showDay(iso: string): string {
  const [y, m, d] = iso.split("-").map(Number);
  return new Intl.DateTimeFormat("en-GB", { day: "numeric", month: "short", year: "numeric", timeZone: "UTC" }).format(new Date(Date.UTC(y, m - 1, d)));
}

const toDate = (iso: string) => {
  const [y, m, d] = iso.split("-").map(Number);
  return new Date(y, m - 1, d);
};
const toIso = (date: Date) => `${date.getFullYear()}-${String(date.getMonth() + 1).padStart(2, "0")}-${String(date.getDate()).padStart(2, "0")}`;

/** Closes a popover on Escape or a press outside it. */
function useDismiss(open: boolean, close: () => void) {
  const box = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (!open) return;
    const key = (e: KeyboardEvent) => e.key === "Escape" && (e.stopPropagation(), close());
    const press = (e: MouseEvent) => box.current && !box.current.contains(e.target as Node) && close();
    window.addEventListener("keydown", key, true);
    window.addEventListener("mousedown", press);
    return () => (window.removeEventListener("keydown", key, true), window.removeEventListener("mousedown", press));
  }, [open, close]);
  return box;
}

/** One day, or none (empty). */
export function DateField({ value, onChange, label, testid }: { value: string | null; onChange: (day: string | null) => void; label: string; testid: string }) {
  const [text, setText] = useState(value ? showDay(value) : "");
  const [wrong, setWrong] = useState(false);
  const [open, setOpen] = useState(false);
  const box = useDismiss(open, () => setOpen(false));
  useEffect(() => {
    setText(value ? showDay(value) : "");
    setWrong(false);
  }, [value]);
  const commit = () => {
    if (!text.trim()) return (setWrong(false), onChange(null));
    const day = parseDay(text);
    setWrong(day === null);
    if (day) onChange(day);
  };
  return (
    <div className="date-field" ref={box}>
      <input
        value={text}
        placeholder="e.g. 1 Dec 2026"
        aria-label={label}
        aria-invalid={wrong}
        title={wrong ? "Write a day as 1 Dec 2026 or 2026-12-01" : undefined}
        onChange={(e) => setText(e.target.value)}
        onBlur={commit}
        onKeyDown={(e) => e.key === "Enter" && commit()}
        data-testid={testid}
      />
      <button type="button" className="ghost icon" onClick={() => setOpen(!open)} aria-label={`Pick ${label.toLowerCase()} from a calendar`} aria-expanded={open} data-testid={`${testid}-pick`}>
        <span aria-hidden="true">▦</span>
      </button>
      {wrong && (
        <span className="field-error" role="alert" data-testid={`${testid}-error`}>
          Write a day as 1 Dec 2026 or 2026-12-01.
        </span>
      )}
      {open && (
        <div className="date-popover" data-testid={`${testid}-calendar`}>
          <DayPicker
            mode="single"
            locale={enGB}
            weekStartsOn={1}
            selected={value ? toDate(value) : undefined}
            defaultMonth={value ? toDate(value) : undefined}
            onSelect={(d) => (onChange(d ? toIso(d) : null), setOpen(false))}
          />
        </div>
      )}
    </div>
  );
}

/** Several days (holidays): picked on a calendar into the ISO list the field holds. */
export function DaysPicker({ days, onChange, label, testid }: { days: string[]; onChange: (days: string[]) => void; label: string; testid: string }) {
  const [open, setOpen] = useState(false);
  const box = useDismiss(open, () => setOpen(false));
  return (
    <div className="date-field" ref={box}>
      <button type="button" className="secondary" onClick={() => setOpen(!open)} aria-expanded={open} data-testid={testid}>
        Pick {label.toLowerCase()}…
      </button>
      {open && (
        <div className="date-popover" data-testid={`${testid}-calendar`}>
          <DayPicker
            mode="multiple"
            locale={enGB}
            weekStartsOn={1}
            selected={days.map(toDate)}
            defaultMonth={days.length ? toDate(days[days.length - 1]) : undefined}
            onSelect={(ds) => onChange((ds ?? []).map(toIso).sort())}
          />
          <p className="hint">{days.length === 0 ? "None picked." : days.map(showDay).join(", ")}</p>
        </div>
      )}
    </div>
  );
}
