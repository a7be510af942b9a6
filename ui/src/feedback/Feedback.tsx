// The app's one notification area: what an action did, shown above every
// dialog (never behind a dimmed backdrop), newest first. A message that
// matters (a failure to act on, a result the admin must read) stays until
// dismissed; a routine confirmation leaves after a while, but not while
// the pointer rests on it.
import { createContext, useCallback, useContext, useEffect, useRef, useState, type ReactNode } from "react";

export type Tone = "success" | "info" | "warning";
export type Notify = (text: string, options?: { tone?: Tone; sticky?: boolean }) => void;

type Toast = { id: number; text: string; tone: Tone; sticky: boolean };

// How long a routine confirmation stays, in milliseconds.
const ROUTINE_MS = 10_000;

const FeedbackContext = createContext<Notify>(() => undefined);

export function useNotify(): Notify {
  return useContext(FeedbackContext);
}

export function FeedbackProvider({ children }: { children: ReactNode }) {
  const [toasts, setToasts] = useState<Toast[]>([]);
  const next = useRef(1);
  const notify = useCallback<Notify>((text, options) => {
    const tone = options?.tone ?? "success";
    const toast = { id: next.current++, text, tone, sticky: options?.sticky ?? tone === "warning" };
    setToasts((all) => [toast, ...all.filter((t) => t.text !== text)].slice(0, 5));
  }, []);
  const dismiss = useCallback((id: number) => setToasts((all) => all.filter((t) => t.id !== id)), []);
  return (
    <FeedbackContext.Provider value={notify}>
      {children}
      <div className="toasts" aria-live="polite" data-testid="toasts">
        {toasts.map((t) => (
          <ToastItem key={t.id} toast={t} onDismiss={dismiss} />
        ))}
      </div>
    </FeedbackContext.Provider>
  );
}

function ToastItem({ toast, onDismiss }: { toast: Toast; onDismiss: (id: number) => void }) {
  const [resting, setResting] = useState(false);
  useEffect(() => {
    if (toast.sticky || resting) return;
    const t = window.setTimeout(() => onDismiss(toast.id), ROUTINE_MS);
    return () => window.clearTimeout(t);
  }, [toast, resting, onDismiss]);
  // A pointer that rested on it and then acted elsewhere (a click) has left,
  // even when no mouseleave came (a message that appeared under it).
  useEffect(() => {
    if (!resting) return;
    const away = (e: MouseEvent) => !(e.target as HTMLElement).closest?.(".toast") && setResting(false);
    window.addEventListener("mousedown", away);
    return () => window.removeEventListener("mousedown", away);
  }, [resting]);
  return (
    <div
      className={`toast toast-${toast.tone}`}
      role={toast.tone === "warning" ? "alert" : "status"}
      data-testid="notice"
      data-tone={toast.tone}
      onMouseEnter={() => setResting(true)}
      onMouseLeave={() => setResting(false)}
    >
      <p>{toast.text}</p>
      <button type="button" className="ghost" onClick={() => onDismiss(toast.id)} aria-label="Dismiss this message" data-testid="dismiss-notice">
        ×
      </button>
    </div>
  );
}
