import { useEffect, useState } from "react";
import { GuardedButton, useAllowed } from "../people/allowed";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { open } from "@tauri-apps/plugin-dialog";
import { getCurrentWebview } from "@tauri-apps/api/webview";
import type { Catalog, ReleaseImported, ReleaseSummary } from "../bindings";
import { api, toAppError, type AppError } from "../api";
import { formatDate, formatInstant } from "../format";
import { ErrorBanner } from "../shared/ErrorBanner";
import { RELEASE_TYPES, SELECTABLE } from "./labels";
import { ScheduleDialog } from "./ScheduleDialog";
import { compare } from "./WhatChanges";
import { localDay, longDay } from "../calendar/time";

// The catalog: every imported release against the version window, the
// environments' versions and hotfix marks, and importing a package by
// choosing or dropping its file.
export function ReleaseCatalog({ catalog, timeZone, onOpen }: { catalog: Catalog; timeZone: string; onOpen: (releaseId: number) => void }) {
  const may = useAllowed();
  const queryClient = useQueryClient();
  const [path, setPath] = useState("");
  const [error, setError] = useState<AppError | null>(null);
  const [done, setDone] = useState<ReleaseImported | null>(null);
  const [size, setSize] = useState(String(catalog.windowSize));
  const [scheduling, setScheduling] = useState<ReleaseSummary | null>(null);
  const scheduled = useQuery({ queryKey: ["scheduled", catalog.accountId], queryFn: () => api.scheduledUpgrades(catalog.accountId) });
  const production = catalog.environments.find((e) => e.kind === "production");
  const planOf = (releaseId: number) => scheduled.data?.find((p) => p.releaseId === releaseId);
  const refresh = () => queryClient.invalidateQueries();
  const importing = useMutation({
    mutationFn: (file: string) => api.importRelease(catalog.accountId, file),
    onMutate: () => (setError(null), setDone(null)),
    onSuccess: (imported) => (setDone(imported), setPath(""), refresh()),
    onError: (e) => setError(toAppError(e)),
  });
  const windowSize = useMutation({ mutationFn: () => api.setVersionWindow(catalog.accountId, Number(size)), onSuccess: refresh });
  useEffect(() => {
    // A package file dropped anywhere on the window is imported here.
    const unlisten = getCurrentWebview()
      .onDragDropEvent((event) => {
        if (event.payload.type === "drop" && event.payload.paths.length > 0) importing.mutate(event.payload.paths[0]);
      })
      .catch((e) => (setError(toAppError(e)), () => undefined));
    return () => void unlisten.then((stop) => stop());
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [catalog.accountId]);
  const browse = async () => {
    try {
      const chosen = await open({ multiple: false, directory: false, filters: [{ name: "Release package", extensions: ["zip"] }] });
      if (typeof chosen === "string") importing.mutate(chosen);
    } catch (e) {
      setError(toAppError(e));
    }
  };
  return (
    <div className="stack" data-testid="release-catalog">
      <form
        className="filters"
        onSubmit={(e) => {
          e.preventDefault();
          importing.mutate(path);
        }}
      >
        <label className="grow">
          Release package (a signed .zip from the vendor) — or drop the file on this window
          <input value={path} onChange={(e) => setPath(e.target.value)} placeholder="/home/you/Downloads/northwind-10.0.4.zip" data-testid="package-path" />
        </label>
        <button type="button" className="secondary" onClick={browse} disabled={importing.isPending}>
          Browse…
        </button>
        <button type="submit" className="primary" disabled={!path.trim() || importing.isPending} data-testid="import-package">
          {importing.isPending ? "Checking…" : "Import"}
        </button>
      </form>
      {error && <ErrorBanner error={error} onDismiss={() => setError(null)} />}
      {windowSize.isError && <ErrorBanner error={windowSize.error} onDismiss={() => windowSize.reset()} />}
      {done && (
        <div className="notice" role="status" data-testid="import-done">
          Imported {RELEASE_TYPES[done.releaseType].toLowerCase()} release {done.version} with {done.noteCount} notes.
          {done.dropped.length > 0 && ` ${done.dropped.join(", ")} dropped out of the version window.`}
          {done.affected.length > 0 && ` This hotfix concerns ${done.affected.join(", ")}: see the inbox.`}
        </div>
      )}
      {catalog.blocked.map((b) => (
        <div key={b} className="banner banner-refusal" role="alert" data-testid="blocked">
          <div>
            <strong>Production cannot follow</strong>
            <p>{b}</p>
          </div>
        </div>
      ))}
      <div className="grid-scroll actions-room">
        <table className="grid catalog" data-testid="releases">
          <thead>
            <tr>
              <th>Version</th>
              <th>Type</th>
              <th>Published</th>
              <th>Generally available</th>
              <th>Runs in</th>
              <th>Upgrade target</th>
              <th>Notes reviewed</th>
              <th>Production upgrade</th>
            </tr>
          </thead>
          <tbody>
            {catalog.releases.map((r) => (
              <tr key={r.id} data-testid="release-row" data-version={r.version} data-selectable={r.selectable}>
                <td>
                  <button
                    type="button"
                    className="link strong"
                    onClick={() => onOpen(r.id)}
                    data-testid="open-release"
                    title={`Imported ${formatInstant(r.importedAt, timeZone)} by ${r.importedBy}. Open its notes.`}
                  >
                    {r.version}
                  </button>
                </td>
                <td>{RELEASE_TYPES[r.releaseType]}</td>
                <td className="nowrap">{formatDate(r.published, "UTC")}</td>
                <td className="nowrap">{formatDate(r.generalAvailability, "UTC")}</td>
                <td>{r.runningIn.join(", ") || <span className="muted">—</span>}</td>
                <td>
                  <span className={`status ${r.selectable === "yes" ? "status-ready" : "status-locked"}`} data-testid="selectable">
                    {SELECTABLE[r.selectable]}
                  </span>
                </td>
                <td className="num">
                  {r.reviewedCount} of {r.noteCount}
                  {r.actionRequiredCount > 0 && (
                    <div>
                      <span className="pill pill-danger">{r.actionRequiredCount} need action</span>
                    </div>
                  )}
                </td>
                <td data-testid="production-upgrade">
                  {planOf(r.id) && <div>{longDay(localDay(planOf(r.id)?.slot.start ?? "", timeZone))}</div>}
                  {r.selectable === "yes" && production && compare(r.version, production.version) > 0 && (
                    <GuardedButton type="button" className="ghost" refusal={may.account(catalog.accountId, "schedule")} onClick={() => setScheduling(r)} data-testid="schedule-release">
                      {planOf(r.id) ? "Reschedule…" : "Schedule…"}
                    </GuardedButton>
                  )}
                </td>
              </tr>
            ))}
            {catalog.releases.length === 0 && (
              <tr>
                <td colSpan={8} className="muted">
                  No release imported yet. Import the vendor's package to read its notes and plan an upgrade.
                </td>
              </tr>
            )}
          </tbody>
        </table>
      </div>
      <form
        className="filters"
        onSubmit={(e) => {
          e.preventDefault();
          windowSize.mutate();
        }}
      >
        <label>
          Version window
          <input type="number" min={1} max={12} value={size} onChange={(e) => setSize(e.target.value)} data-testid="window-size" />
        </label>
        <p className="hint align-end">
          Only the newest {catalog.windowSize} generally available versions are upgrade targets: {catalog.window.join(", ") || "none yet"}.
        </p>
        <button type="submit" className="secondary align-end" disabled={windowSize.isPending || size === String(catalog.windowSize)}>
          Save
        </button>
      </form>
      {scheduling && <ScheduleDialog release={scheduling} timeZone={timeZone} current={planOf(scheduling.id)} onClose={() => setScheduling(null)} />}
      <h3>Environments</h3>
      <div className="grid-scroll">
      <table className="grid" data-testid="environment-versions">
        <tbody>
          {catalog.environments.map((e) => (
            <tr key={e.id}>
              <td className="strong">{e.name}</td>
              <td>{e.version}</td>
              <td>
                {e.hotfixes.map((h) => (
                  <span key={h.version} className="pill pill-danger" data-testid="hotfix-mark">
                    Hotfix {h.version} fixes {h.areas.join(", ") || "problems"} in {e.version}
                  </span>
                ))}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      </div>
    </div>
  );
}
