import { useMutation } from "@tanstack/react-query";
import type { Note } from "../bindings";
import { api } from "../api";
import { formatInstant } from "../format";
import { ErrorBanner } from "../shared/ErrorBanner";
import { NoteBody } from "./NoteBody";
import { NOTE_KINDS } from "./labels";

// One release-note item with its review mark for the current admin.
export function NoteItem({ note, timeZone, showVersion, onChanged }: { note: Note; timeZone: string; showVersion?: boolean; onChanged: () => void }) {
  const review = useMutation({ mutationFn: (reviewed: boolean) => api.setNoteReviewed(note.id, reviewed), onSuccess: onChanged });
  return (
    <article className={`note ${note.actionRequired ? "action" : ""}`} data-testid="note" data-title={note.title}>
      <header className="note-head">
        <h4>{note.title}</h4>
        <div className="note-tags">
          {note.actionRequired && <span className="pill pill-danger">Action required</span>}
          {showVersion && <span className="pill">{note.version}</span>}
          <span className="pill">{note.area}</span>
          <span className={`pill kind-${note.kind}`}>{NOTE_KINDS[note.kind]}</span>
        </div>
      </header>
      <NoteBody html={note.html} />
      {review.isError && <ErrorBanner error={review.error} onDismiss={() => review.reset()} />}
      <label className="review">
        <input type="checkbox" checked={note.reviewedAt != null} disabled={review.isPending} onChange={(e) => review.mutate(e.target.checked)} data-testid="review" />
        {note.reviewedAt != null ? `Reviewed ${formatInstant(note.reviewedAt, timeZone)}` : "Mark reviewed"}
      </label>
    </article>
  );
}
