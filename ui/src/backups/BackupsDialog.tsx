import { useState } from "react";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import type { Account, Backup, BackupReason, CopyProgress, EnvironmentOverview } from "../bindings";
import { useNotify, type Tone } from "../feedback/Feedback";
import { api, toAppError } from "../api";
import { formatBytes, formatInstant } from "../format";
import { CopyProgressBar } from "../shared/CopyProgressBar";
import { ErrorBanner } from "../shared/ErrorBanner";
import { Modal } from "../shared/Modal";
import { RetentionSetting } from "./RetentionSetting";
import { GuardedButton, useAllowed } from "../people/allowed";
import { Chart } from "../charts/Chart";
import { backupSeries } from "../charts/series";

const REASONS: Record<BackupReason, string> = {
  manual: "Manual",
  before_refresh: "Before refresh",
  before_restore: "Before restore",
  before_promotion: "Before promotion",
  before_uninstall: "Before uninstalling an extension",
  before_account_deletion: "Before deleting the account",
  before_upgrade: "Before upgrade",
};

type Props = { account: Account; target: EnvironmentOverview; onClose: () => void };

// What an action reports: a routine line, or a message with its tone.
type Said = string | { text: string; tone?: Tone; sticky?: boolean };

// Backup & Restore for one environment. A restore asks first and says that
// the current state is backed up before it is replaced. Outcomes go to the
// notification area, above this dialog; backups are named by number there
// and in the list.
export function BackupsDialog({ account, target, onClose }: Props) {
  const env = target.environment;
  const queryClient = useQueryClient();
  const notify = useNotify();
  const may = useAllowed();
  const backups = useQuery({ queryKey: ["backups", env.id], queryFn: () => api.listBackups(env.id) });
  const [restoring, setRestoring] = useState<Backup | null>(null);
  // What the chosen backup would also change about the platform (asked
  // before the confirmation is offered).
  const platformChange = useQuery({
    queryKey: ["restore-platform-change", restoring?.id],
    queryFn: () => api.restorePlatformChange(restoring?.id ?? 0),
    enabled: restoring != null,
  });
  const [confirmDelete, setConfirmDelete] = useState<number | null>(null);
  const [progress, setProgress] = useState<CopyProgress | null>(null);
  // A backup, or a restore while it backs up, may be stopped (nothing is
  // kept, the environment is as it was).
  const [copying, setCopying] = useState(false);
  const [stopping, setStopping] = useState(false);
  // A restore changes everything shown of the environment: reload it all.
  const refresh = () => queryClient.invalidateQueries();
  const act = useMutation({
    mutationFn: async (action: () => Promise<Said>) => {
      setProgress(null);
      return action();
    },
    onSettled: () => setProgress(null),
    onSuccess: async (notice) => {
      setRestoring(null);
      setConfirmDelete(null);
      await refresh();
      if (typeof notice === "string") notify(notice);
      else notify(notice.text, notice);
    },
    onError: async (e) => {
      await refresh();
      // Stopped on request: say so calmly, it is not a failure.
      if (toAppError(e).kind === "cancelled") {
        act.reset();
        setRestoring(null);
        notify(`Cancelled. ${toAppError(e).message}`, { tone: "info" });
      }
    },
  });
  const when = (iso: string) => formatInstant(iso, account.timeZone, true);
  const remove = (b: Backup, confirmed: boolean) =>
    act.mutate(async () => {
      try {
        await api.deleteBackup(b.id, confirmed);
      } catch (e) {
        // The newest backup guarding an operation needs an explicit second yes.
        if (toAppError(e).kind === "conflict" && !confirmed) setConfirmDelete(b.id);
        throw e;
      }
      return `Backup #${b.id} (${when(b.takenAt)}) was deleted.`;
    });

  return (
    <Modal title={`Backups of ${env.name}`} onClose={onClose} busy={act.isPending} wide>
      <div className="backups-head">
        <p className="muted">
          Verified copies of this environment's data store. Restoring one replaces the environment's data; a backup of the current state is taken first.
        </p>
        <button
          type="button"
          className="primary"
          disabled={act.isPending}
          onClick={() =>
            act.mutate(async () => {
              setCopying(true);
              try {
                const taken = await api.takeBackup(env.id, setProgress);
                return `Backup #${taken.id} of ${env.name} taken at ${when(taken.takenAt)} and verified.`;
              } finally {
                setCopying(false);
                setStopping(false);
              }
            })
          }
          data-testid="take-backup"
        >
          {act.isPending ? "Working…" : "Take backup"}
        </button>
      </div>
      {act.isPending && (progress != null || copying) && (
        <CopyProgressBar
          progress={progress}
          envName={env.name}
          stopping={stopping}
          onCancel={() => {
            setStopping(true);
            api.cancelCopy(env.id).catch((e) => notify(toAppError(e).message, { tone: "warning" }));
          }}
        />
      )}
      {act.isError && <ErrorBanner error={act.error} onDismiss={() => act.reset()} />}
      {restoring && platformChange.isPending && <p className="muted">Checking what the backup holds…</p>}
      {restoring && platformChange.isError && <ErrorBanner error={platformChange.error} onDismiss={() => setRestoring(null)} />}
      {restoring && platformChange.isSuccess && (
        <div className="confirm" role="alertdialog" data-testid="restore-confirm">
          <p>
            Restore <strong>{env.name}</strong> to backup #{restoring.id}, its state of {when(restoring.takenAt)}? Changes made since then are replaced; they are kept in a
            new “Before restore” backup, from which this restore can be undone.
          </p>
          {platformChange.data && (
            <p className="warning" data-testid="restore-platform-change">
              <strong>{platformChange.data}.</strong> The backup was taken on another platform than {env.name} runs now.
            </p>
          )}
          <div className="actions">
            <button type="button" className="secondary" onClick={() => setRestoring(null)} disabled={act.isPending}>
              Cancel
            </button>
            <button
              type="button"
              className="danger"
              disabled={act.isPending}
              data-testid="restore-confirm-submit"
              onClick={() =>
                act.mutate(async () => {
                  setCopying(true);
                  try {
                    const safety = await api.restoreBackup(restoring.id, platformChange.data != null, setProgress);
                    return {
                      text: `${env.name} was restored to backup #${restoring.id} (${when(restoring.takenAt)}). Its previous state is in backup #${safety.id}, from which this restore can be undone.`,
                      sticky: true,
                    };
                  } finally {
                    setCopying(false);
                    setStopping(false);
                  }
                })
              }
            >
              {platformChange.data ? "Restore and change the platform" : "Restore"}
            </button>
          </div>
        </div>
      )}
      {backups.isPending && <p className="muted">Loading backups…</p>}
      {backups.isError && <ErrorBanner error={backups.error} />}
      {backups.isSuccess && backups.data.length === 0 && (
        <p className="empty" data-testid="no-backups">
          No backups yet. Take one before any risky change.
        </p>
      )}
      {backups.isSuccess && backups.data.length > 0 && (
        <table className="backups">
          <thead>
            <tr>
              <th className="num">#</th>
              <th>Taken</th>
              <th>Reason</th>
              <th>By</th>
              <th>Platform</th>
              <th className="num">Size</th>
              <th>Check</th>
              <th aria-label="Actions" />
            </tr>
          </thead>
          <tbody>
            {backups.data.map((b) => (
              <tr key={b.id} data-testid="backup-row" data-reason={b.reason}>
                <td className="num muted" data-testid="backup-id">
                  #{b.id}
                </td>
                <td className="nowrap">{when(b.takenAt)}</td>
                <td title={b.releasedAt ? "Its upgrade was committed: kept under the retention like a manual backup" : undefined}>
                  {REASONS[b.reason]}
                  {b.releasedAt && " (released)"}
                </td>
                <td>{b.author || "—"}</td>
                <td className="mono" data-testid="backup-platform">{b.platformVersion ?? "—"}</td>
                <td className="num">{formatBytes(b.sizeBytes)}</td>
                <td className="nowrap">
                  {b.problem ? (
                    <span className="check-bad" title={b.problem}>
                      Damaged: {b.problem}
                    </span>
                  ) : b.verifiedAt ? (
                    <span className="check-ok" title={`Verified ${when(b.verifiedAt)} · SHA-256 ${b.sha256}`}>
                      ✓ Verified
                    </span>
                  ) : (
                    <span className="muted">Not verified</span>
                  )}
                </td>
                <td className="row-actions">
                  <button type="button" className="ghost" disabled={act.isPending} onClick={() => act.mutate(async () => {
                    const checked = await api.verifyBackup(b.id);
                    return checked.problem
                      ? { text: `Backup #${b.id} (${when(b.takenAt)}) is damaged: ${checked.problem}. Do not rely on it; take a new backup.`, tone: "warning" as const }
                      : `Backup #${b.id} (${when(b.takenAt)}) is intact: its checksum matches.`;
                  })}>
                    Verify
                  </button>
                  <GuardedButton type="button" className="ghost" disabled={act.isPending} refusal={may.environment(env.id, "restore")} onClick={() => setRestoring(b)} data-testid="restore-backup">
                    Restore…
                  </GuardedButton>
                  <button type="button" className="ghost danger-text" disabled={act.isPending} onClick={() => remove(b, confirmDelete === b.id)} data-testid="delete-backup">
                    {confirmDelete === b.id ? "Delete anyway" : "Delete"}
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {backups.isSuccess && backups.data.length > 1 && (
        <Chart kind="lines-two-axes" data={backupSeries(backups.data, account.timeZone)} title={`${env.name}'s size and records at each backup`} testid="backup-chart" />
      )}
      <div className="actions spread">
        <RetentionSetting />
        <button type="button" className="secondary" onClick={onClose} disabled={act.isPending} data-testid="close-backups">
          Close
        </button>
      </div>
    </Modal>
  );
}
