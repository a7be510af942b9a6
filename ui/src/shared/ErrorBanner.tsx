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
  unavailable: "Server unavailable",
};

// A refusal about a form's fields marks each at its field and says so in
// one line; a long form whose fields are out of view (`listFields`) also
// lists them all here.
export function ErrorBanner({ error, onDismiss, listFields = false }: { error: unknown; onDismiss?: () => void; listFields?: boolean }) {
  const e = toAppError(error);
  return (
    <div className={`banner banner-${e.kind === "internal" ? "fault" : "refusal"}`} role="alert" data-testid="error" data-kind={e.kind}>
      <div>
        <strong>{HEADINGS[e.kind]}</strong>
        {e.fields.length > 0 && !listFields ? (
          <p>{e.fields.length === 1 ? "One field needs a change; it is marked at the field." : `${e.fields.length} fields need a change; each is marked at its field.`}</p>
        ) : (
          <p>{e.message}</p>
        )}
        {e.fields.length > 0 && listFields && <p className="muted">Each is also marked at its field.</p>}
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
