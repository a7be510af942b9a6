import { useState } from "react";

// A note's HTML, already sanitised in Rust (no script, handler or remote
// content). Links are shown but never followed inside Cutover: a click says
// where the link goes so the admin can open it elsewhere.
export function NoteBody({ html }: { html: string }) {
  const [link, setLink] = useState<string | null>(null);
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
        <p className="hint" data-testid="link-not-followed">
          Links are not opened inside Cutover. This one goes to <code>{link}</code>.
        </p>
      )}
    </div>
  );
}
