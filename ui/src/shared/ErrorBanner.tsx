import type { ErrorKind } from "../bindings";
import { toAppError } from "../api";

// The UI switches on the error's kind for the heading and tone; the message
// from the backend says what happened and what to do.
const HEADINGS: Record<ErrorKind, string> = {
  not_found: "Not found",
  invalid: "Check what you entered",
  conflict: "Conflict",
  forbidden: "Not allowed",
  locked: "Locked",
  unconfirmed: "Confirmation needed",
  internal: "Something went wrong",
  cancelled: "Cancelled",
};

export function ErrorBanner({ error, onDismiss }: { error: unknown; onDismiss?: () => void }) {
  const e = toAppError(error);
  return (
    <div className={`banner banner-${e.kind === "internal" ? "fault" : "refusal"}`} role="alert" data-testid="error" data-kind={e.kind}>
      <div>
        <strong>{HEADINGS[e.kind]}</strong>
        {e.fields.length > 0 ? (
          <p>{e.fields.length === 1 ? "One field needs a change; it is marked below." : `${e.fields.length} fields need a change; each is marked below.`}</p>
        ) : (
          <p>{e.message}</p>
        )}
        {e.kind === "internal" && <p className="muted">The details are in Cutover's log, in the logs folder of its data directory.</p>}
      </div>
      {onDismiss && (
        <button type="button" className="ghost" onClick={onDismiss} aria-label="Dismiss">
          ×
        </button>
      )}
    </div>
  );
}
