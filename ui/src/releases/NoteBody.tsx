import { useState } from "react";
import { useMutation } from "@tanstack/react-query";
import { api } from "../api";
import { useNotify } from "../feedback/Feedback";
import { ErrorBanner } from "../shared/ErrorBanner";

// A note's HTML, already sanitised in Rust (no script, handler or remote
// content). Links are shown but never followed inside Cutover: a click says
// where the link goes, to copy it or, on request, open it in the system's
// browser (web addresses only; the backend checks).
export function NoteBody({ html }: { html: string }) {
  const [link, setLink] = useState<string | null>(null);
  const notify = useNotify();
  const openLink = useMutation({ mutationFn: api.openNoteLink, onSuccess: () => notify("Opened in your browser.") });
  const copy = (href: string) =>
    navigator.clipboard.writeText(href).then(
      () => notify("Link copied."),
      (e: unknown) => notify(`The link could not be copied (${String(e)}); select it in the text above instead.`, { tone: "warning" }),
    );
  return (
    <div
      className="note-body"
      onClick={(e) => {
        const anchor = (e.target as HTMLElement).closest("a");
        if (anchor) {
          e.preventDefault();
          setLink(anchor.getAttribute("href"));
        }
      }}
    >
      <div dangerouslySetInnerHTML={{ __html: html }} />
      {link && (
        <div className="hint note-link" data-testid="link-not-followed">
          <span>
            Links are not opened inside Cutover. This one goes to <code>{link}</code>.
          </span>
          <button type="button" className="ghost small" onClick={() => copy(link)} data-testid="copy-link">
            Copy link
          </button>
          <button type="button" className="ghost small" onClick={() => openLink.mutate(link)} disabled={openLink.isPending} data-testid="open-link">
            Open in browser
          </button>
        </div>
      )}
      {openLink.isError && <ErrorBanner error={openLink.error} onDismiss={() => openLink.reset()} />}
    </div>
  );
}
