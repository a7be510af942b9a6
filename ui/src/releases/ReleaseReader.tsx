import { useQuery, useQueryClient } from "@tanstack/react-query";
import type { Note } from "../bindings";
import { api } from "../api";
import { formatDate, formatInstant } from "../format";
import { ErrorBanner } from "../shared/ErrorBanner";
import { NoteItem } from "./NoteItem";
import { NOTE_KINDS, RELEASE_TYPES, SELECTABLE } from "./labels";

// One release's notes, grouped by area and kind, with the manifest's facts.
export function ReleaseReader({ releaseId, timeZone, onBack }: { releaseId: number; timeZone: string; onBack: () => void }) {
  const queryClient = useQueryClient();
  const notes = useQuery({ queryKey: ["release-notes", releaseId], queryFn: () => api.releaseNotes(releaseId) });
  const changed = () => queryClient.invalidateQueries({ queryKey: ["release-notes"] }).then(() => queryClient.invalidateQueries({ queryKey: ["catalog"] }));
  if (notes.isError) return <ErrorBanner error={notes.error} />;
  if (!notes.data) return <p className="muted">Loading…</p>;
  const { release } = notes.data;
  const groups = new Map<string, Note[]>();
  for (const n of notes.data.notes) groups.set(n.area, [...(groups.get(n.area) ?? []), n]);
  return (
    <div className="stack" data-testid="release-reader">
      <div className="screen-head">
        <button type="button" className="ghost" onClick={onBack} data-testid="back-to-catalog">
          ← Catalog
        </button>
        <h3>
          Release {release.version} <span className="pill">{RELEASE_TYPES[release.releaseType]}</span>
        </h3>
        <span className="muted">{SELECTABLE[release.selectable]}</span>
        <span className="strong" data-testid="review-progress">
          {release.reviewedCount} of {release.noteCount} reviewed
        </span>
      </div>
      <dl className="facts">
        <dt>Published</dt>
        <dd>{formatDate(release.published, "UTC")}</dd>
        <dt>Generally available</dt>
        <dd>{formatDate(release.generalAvailability, "UTC")}</dd>
        <dt>Imported</dt>
        <dd data-testid="imported">
          {formatInstant(release.importedAt, timeZone)} by {release.importedBy}
        </dd>
        {release.waves.length > 0 && (
          <>
            <dt>Waves offered</dt>
            <dd>{release.waves.map((w) => `${w.name} (${formatDate(w.date, "UTC")})`).join(", ")}</dd>
          </>
        )}
        {release.requiredHotfixes.length > 0 && (
          <>
            <dt>Requires hotfixes</dt>
            <dd>{release.requiredHotfixes.join(", ")}</dd>
          </>
        )}
        {release.fixesVersions.length > 0 && (
          <>
            <dt>Fixes</dt>
            <dd>
              {release.fixesAreas.join(", ")} in {release.fixesVersions.join(", ")}
            </dd>
          </>
        )}
        {release.postUpgradeActions.length > 0 && (
          <>
            <dt>After upgrading</dt>
            <dd>
              <ul>
                {release.postUpgradeActions.map((a) => (
                  <li key={a}>{a}</li>
                ))}
              </ul>
            </dd>
          </>
        )}
      </dl>
      {[...groups.entries()].map(([area, items]) => (
        <section key={area} className="note-group">
          <h3>{area}</h3>
          {items.map((n, i) => (
            <div key={n.id}>
              {(i === 0 || items[i - 1].kind !== n.kind) && <h5 className="kind-heading">{NOTE_KINDS[n.kind]}s</h5>}
              <NoteItem note={n} timeZone={timeZone} onChanged={changed} />
            </div>
          ))}
        </section>
      ))}
    </div>
  );
}
