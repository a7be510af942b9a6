import { useState } from "react";
import { useQuery } from "@tanstack/react-query";
import { api } from "../api";
import { ErrorBanner } from "../components/ErrorBanner";
import { NOTE_KINDS } from "./labels";

// Full-text search across every imported note, offline. The highlighted
// HTML is built in Rust from escaped text with <mark> around matches.
export function NotesSearch({ accountId, onOpen }: { accountId: number; onOpen: (releaseId: number) => void }) {
  const [text, setText] = useState("");
  const [asked, setAsked] = useState("");
  const hits = useQuery({ queryKey: ["search-notes", accountId, asked], queryFn: () => api.searchNotes(accountId, asked), enabled: asked !== "" });
  return (
    <div className="stack" data-testid="notes-search">
      <form
        className="filters"
        onSubmit={(e) => {
          e.preventDefault();
          setAsked(text);
        }}
      >
        <label className="grow">
          Search all release notes
          <input value={text} onChange={(e) => setText(e.target.value)} placeholder="e.g. webhook, timesheet, API" data-testid="search-text" autoFocus />
        </label>
        <button type="submit" className="primary align-end" data-testid="search">
          Search
        </button>
      </form>
      {hits.isError && <ErrorBanner error={hits.error} />}
      {hits.data && (
        <p className="muted" data-testid="hit-count">
          {hits.data.length === 0 ? `Nothing matches “${asked}”.` : `${hits.data.length} item${hits.data.length === 1 ? "" : "s"} match “${asked}”.`}
        </p>
      )}
      <ul className="hits">
        {(hits.data ?? []).map((h) => (
          <li key={h.noteId} data-testid="hit">
            <button type="button" className="link strong" onClick={() => onOpen(h.releaseId)} dangerouslySetInnerHTML={{ __html: h.titleHtml }} />
            <span className="pill">{h.version}</span>
            <span className="pill">{h.area}</span>
            <span className="pill">{NOTE_KINDS[h.kind]}</span>
            <p dangerouslySetInnerHTML={{ __html: h.snippetHtml }} />
          </li>
        ))}
      </ul>
    </div>
  );
}
