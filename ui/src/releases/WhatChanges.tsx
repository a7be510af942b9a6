import { useState } from "react";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { save } from "@tauri-apps/plugin-dialog";
import type { Catalog } from "../bindings";
import { api, toAppError, type AppError } from "../api";
import { ErrorBanner } from "../shared/ErrorBanner";
import { NoteItem } from "./NoteItem";

// "What changes for me": every item of every version between an
// environment's version and a target, for the areas it uses, with
// action-required items and deprecations first (seed 002's 7.3 → 10.0.2).
export function WhatChanges({ catalog, timeZone }: { catalog: Catalog; timeZone: string }) {
  const queryClient = useQueryClient();
  const production = catalog.environments.find((e) => e.kind === "production") ?? catalog.environments[0];
  const [envId, setEnvId] = useState<number | undefined>(production?.id);
  const env = catalog.environments.find((e) => e.id === envId);
  const targets = catalog.releases.filter((r) => env && compare(r.version, env.version) > 0);
  const [target, setTarget] = useState<string>(targets[0]?.version ?? "");
  const chosen = targets.some((t) => t.version === target) ? target : (targets[0]?.version ?? "");
  const view = useQuery({
    queryKey: ["cumulative", envId, chosen],
    queryFn: () => api.cumulativeNotes(envId ?? 0, chosen),
    enabled: envId !== undefined && chosen !== "",
  });
  const [error, setError] = useState<AppError | null>(null);
  const [saved, setSaved] = useState<string | null>(null);
  const exporting = useMutation({
    mutationFn: async () => {
      const path = await save({ defaultPath: `what-changes-${env?.name ?? "env"}-${chosen}.html`, filters: [{ name: "HTML", extensions: ["html"] }] });
      return path ? api.exportCumulative(envId ?? 0, chosen, path) : null;
    },
    onSuccess: setSaved,
    onError: (e) => setError(toAppError(e)),
  });
  const changed = () => queryClient.invalidateQueries({ queryKey: ["cumulative"] }).then(() => queryClient.invalidateQueries({ queryKey: ["catalog"] }));
  return (
    <div className="stack" data-testid="what-changes">
      <div className="filters">
        <label>
          Environment
          <select value={envId} onChange={(e) => setEnvId(Number(e.target.value))} data-testid="cumulative-env">
            {catalog.environments.map((e) => (
              <option key={e.id} value={e.id}>
                {e.name} ({e.version})
              </option>
            ))}
          </select>
        </label>
        <label>
          Target version
          <select value={chosen} onChange={(e) => setTarget(e.target.value)} data-testid="cumulative-target">
            {targets.map((t) => (
              <option key={t.id} value={t.version}>
                {t.version}
                {t.selectable === "yes" ? "" : " (not selectable)"}
              </option>
            ))}
          </select>
        </label>
        <button type="button" className="secondary align-end" disabled={!view.data || exporting.isPending} onClick={() => exporting.mutate()} data-testid="export-cumulative">
          Export as HTML…
        </button>
      </div>
      {targets.length === 0 && <p className="muted">No imported release is newer than {env?.name ?? "this environment"}'s {env?.version}.</p>}
      {view.isError && <ErrorBanner error={view.error} />}
      {error && <ErrorBanner error={error} onDismiss={() => setError(null)} />}
      {saved && (
        <div className="notice" role="status">
          Saved {saved}. Open it in a browser to print it or save it as PDF.
        </div>
      )}
      {view.data && (
        <>
          <p className="strong" data-testid="cumulative-summary">
            {view.data.environmentName}: {view.data.fromVersion} → {view.data.toVersion} spans {view.data.versions.join(", ")}. {view.data.notes.length} items for{" "}
            {view.data.areas.join(", ")} ({view.data.leftOut} of other areas left out); {view.data.reviewedCount} of {view.data.notes.length} reviewed.
          </p>
          {view.data.notes.map((n) => (
            <NoteItem key={n.id} note={n} timeZone={timeZone} showVersion onChanged={changed} />
          ))}
        </>
      )}
    </div>
  );
}

/** Orders dotted versions by their numbers (10.0.10 after 10.0.9). */
export function compare(a: string, b: string): number {
  const x = a.split(".").map(Number);
  const y = b.split(".").map(Number);
  for (let i = 0; i < Math.max(x.length, y.length); i++) {
    const d = (x[i] ?? 0) - (y[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}
