import { useState } from "react";
import { useQuery } from "@tanstack/react-query";
import { api } from "../api";
import { ErrorBanner } from "../shared/ErrorBanner";
import { NOTE_KINDS } from "./labels";

/** Hits per page: the backend's page size. */
const PAGE = 50;

// Full-text search across every imported note, offline. The highlighted
// HTML is built in Rust from escaped text with <mark> around matches.
export function NotesSearch({ accountId, onOpen }: { accountId: number; onOpen: (releaseId: number) => void }) {
  const [text, setText] = useState("");
  const [asked, setAsked] = useState("");
  const [offset, setOffset] = useState(0);
  const page = useQuery({ queryKey: ["search-notes", accountId, asked, offset], queryFn: () => api.searchNotes(accountId, asked, offset), enabled: asked !== "" });
  const data = page.data;
  return (
    <div className="stack" data-testid="notes-search">
      <form
        className="filters"
        onSubmit={(e) => {
          e.preventDefault();
          setAsked(text);
          setOffset(0);
        }}
      >
        <label className="grow">
          Search all release notes
          <input
            value={text}
            onChange={(e) => setText(e.target.value)}
            placeholder='e.g. webhook, timesheet, "Power BI" (quotes: that exact phrase)'
            data-testid="search-text"
            autoFocus
          />
        </label>
        <button type="submit" className="primary align-end" data-testid="search">
          Search
        </button>
      </form>
      {page.isError && <ErrorBanner error={page.error} />}
      {data && (
        <p className="muted" data-testid="hit-count">
          {data.total === 0
            ? `Nothing matches “${asked}”.`
            : data.total <= data.hits.length
              ? `${data.total} item${data.total === 1 ? "" : "s"} match “${asked}”, newest version first.`
              : `${data.total} items match “${asked}”; showing ${data.offset + 1}–${data.offset + data.hits.length}, newest version first.`}
        </p>
      )}
      <ul className="hits">
        {(data?.hits ?? []).map((h) => (
          <li key={h.noteId} data-testid="hit">
            <button type="button" className="link strong" onClick={() => onOpen(h.releaseId)} dangerouslySetInnerHTML={{ __html: h.titleHtml }} />
            <span className="pill">{h.version}</span>
            <span className="pill">{h.area}</span>
            <span className="pill">{NOTE_KINDS[h.kind]}</span>
            <p dangerouslySetInnerHTML={{ __html: h.snippetHtml }} />
          </li>
        ))}
      </ul>
      {data && data.total > data.hits.length && (
        <div className="actions" data-testid="search-pages">
          <button type="button" className="secondary" disabled={data.offset === 0} onClick={() => setOffset(Math.max(0, data.offset - PAGE))}>
            Newer matches
          </button>
          <button type="button" className="secondary" disabled={data.offset + data.hits.length >= data.total} onClick={() => setOffset(data.offset + data.hits.length)} data-testid="search-older">
            Older matches
          </button>
        </div>
      )}
    </div>
  );
}
