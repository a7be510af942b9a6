import { useState } from "react";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { api } from "../api";
import type { KeptItem } from "../bindings";
import { formatBytes } from "../format";
import { ErrorBanner } from "../shared/ErrorBanner";
import { Modal } from "../shared/Modal";

type Props = { onClose: () => void; onNotice: (text: string) => void };

function day(iso: string): string {
  return new Date(iso).toLocaleDateString(undefined, { year: "numeric", month: "short", day: "numeric" });
}

// What deletions kept aside on this computer: deleted environments' data
// files and their backups, with what they weigh. A deleted environment
// comes back into its account while kept; anything can be purged (asked
// first), and everything goes on its own after the retention.
export function StorageDialog({ onClose, onNotice }: Props) {
  const view = useQuery({ queryKey: ["storage"], queryFn: api.storageView, staleTime: 0 });
  const queryClient = useQueryClient();
  const [confirming, setConfirming] = useState<{ item: KeptItem; label: string } | null>(null);
  const [days, setDays] = useState<string | null>(null);
  const done = async (text: string) => {
    await queryClient.invalidateQueries();
    onNotice(text);
  };
  const purge = useMutation({
    mutationFn: (item: KeptItem) => api.purgeKept(item),
    onSuccess: async () => {
      const label = confirming?.label ?? "it";
      setConfirming(null);
      await done(`Purged ${label}.`);
    },
  });
  const restore = useMutation({
    mutationFn: (file: string) => api.restoreRetired(file),
    onSuccess: () => done("The environment is back on the dashboard."),
  });
  const retention = useMutation({
    mutationFn: () => api.setStorageRetention(Number(days)),
    onSuccess: async () => {
      setDays(null);
      await done("Saved how long deleted data is kept.");
    },
  });
  const busy = purge.isPending || restore.isPending || retention.isPending;
  const data = view.data;
  return (
    <Modal title="Storage: what deletions kept aside" onClose={onClose} busy={busy} wide>
      <div className="form" data-testid="storage-dialog">
        {view.isError && <ErrorBanner error={view.error} />}
        {!data && !view.isError && <p className="muted">Loading…</p>}
        {data && (
          <>
            <p className="hint" data-testid="storage-total">
              {formatBytes(data.totalBytes)} kept aside. Deleted data is purged {data.retentionDays} days after its deletion, at Cutover's next start.
            </p>
            <div className="retention-row">
              <label>
                Keep deleted data for (days)
                <input type="number" min={1} max={3650} value={days ?? String(data.retentionDays)} onChange={(e) => setDays(e.target.value)} disabled={busy} data-testid="storage-retention" />
              </label>
              <button type="button" className="secondary" onClick={() => retention.mutate()} disabled={days === null || busy} data-testid="storage-retention-save">
                Save
              </button>
            </div>
            {retention.isError && <ErrorBanner error={retention.error} />}
            <h3>Deleted environments</h3>
            {data.retired.length === 0 ? (
              <p className="empty">No deleted environment is kept.</p>
            ) : (
              <table className="backups" data-testid="storage-retired">
                <thead>
                  <tr>
                    <th>Environment</th>
                    <th>Deleted</th>
                    <th className="num">Size</th>
                    <th />
                  </tr>
                </thead>
                <tbody>
                  {data.retired.map((r) => {
                    const label = r.environmentName ? `${r.environmentName} of ${r.accountName}` : r.file;
                    return (
                      <tr key={r.file} data-testid="storage-retired-row">
                        <td>
                          {r.environmentName ? (
                            <>
                              <strong>{r.environmentName}</strong> <span className="muted">of {r.accountName}{r.version ? ` · ${r.version}` : ""}</span>
                            </>
                          ) : (
                            <span className="muted" title="Retired before Cutover recorded where stores came from, or by a start-up recovery">
                              {r.file} (origin unknown)
                            </span>
                          )}
                        </td>
                        <td>{day(r.retiredAt)}</td>
                        <td className="num">{formatBytes(r.sizeBytes)}</td>
                        <td className="row-actions">
                          <button
                            type="button"
                            className="ghost"
                            disabled={!r.restorable || busy}
                            title={r.restorable ? undefined : "Its account no longer exists (or where it came from is unknown): it can only be purged."}
                            onClick={() => restore.mutate(r.file)}
                          >
                            Restore
                          </button>
                          <button type="button" className="ghost danger-text" disabled={busy} onClick={() => setConfirming({ item: { kind: "retired", file: r.file }, label })}>
                            Purge
                          </button>
                        </td>
                      </tr>
                    );
                  })}
                </tbody>
              </table>
            )}
            {restore.isError && <ErrorBanner error={restore.error} />}
            <h3>Backups of deleted environments</h3>
            {data.keptBackups.length === 0 ? (
              <p className="empty">No backup of a deleted environment is kept.</p>
            ) : (
              <table className="backups" data-testid="storage-backups">
                <thead>
                  <tr>
                    <th>Backup of</th>
                    <th>Taken</th>
                    <th>Deleted</th>
                    <th className="num">Size</th>
                    <th />
                  </tr>
                </thead>
                <tbody>
                  {data.keptBackups.map((b) => {
                    const label = `the backup of ${b.environmentName} (${b.accountName}) taken ${day(b.takenAt)}`;
                    return (
                      <tr key={b.id} data-testid="storage-backup-row">
                        <td>
                          <strong>{b.environmentName}</strong> <span className="muted">of {b.accountName}{b.platformVersion ? ` · ${b.platformVersion}` : ""}</span>
                        </td>
                        <td>{day(b.takenAt)}</td>
                        <td>{day(b.keptAt)}</td>
                        <td className="num">{formatBytes(b.sizeBytes)}</td>
                        <td className="row-actions">
                          <button type="button" className="ghost danger-text" disabled={busy} onClick={() => setConfirming({ item: { kind: "backup", id: b.id }, label })}>
                            Purge
                          </button>
                        </td>
                      </tr>
                    );
                  })}
                </tbody>
              </table>
            )}
            {confirming && (
              <div className="banner banner-refusal" role="alertdialog" data-testid="storage-confirm">
                <div>
                  <strong>Purge {confirming.label}?</strong>
                  <p>It is deleted from this computer for good; it cannot be restored afterwards.</p>
                  <div className="actions-inline">
                    <button type="button" className="secondary" onClick={() => setConfirming(null)} disabled={purge.isPending}>
                      Keep it
                    </button>
                    <button type="button" className="danger" onClick={() => purge.mutate(confirming.item)} disabled={purge.isPending} data-testid="storage-confirm-purge">
                      {purge.isPending ? "Purging…" : "Purge for good"}
                    </button>
                  </div>
                </div>
              </div>
            )}
            {purge.isError && <ErrorBanner error={purge.error} />}
          </>
        )}
        <div className="actions">
          <button type="button" className="secondary" onClick={onClose} disabled={busy} data-testid="storage-close">
            Close
          </button>
        </div>
      </div>
    </Modal>
  );
}
