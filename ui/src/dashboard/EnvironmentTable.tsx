import type { Account, EnvironmentOverview } from "../bindings";
import { counted, formatBytes, formatCount, formatDate, formatInstant } from "../format";
import { KIND_LABELS } from "../shared/labels";
import type { Open } from "../App";
import { RowActions } from "../shared/RowActions";
import { GuardedButton, useAllowed } from "../people/allowed";
import { STATE_LABELS, timeLeft } from "../upgrade/labels";
import { useAppNowOffset } from "../upgrade/useAppNow";

type Props = {
  account: Account;
  environments: EnvironmentOverview[];
  onDelete: (env: EnvironmentOverview) => void;
  onBackups: (env: EnvironmentOverview) => void;
  onRefresh: (env: EnvironmentOverview) => void;
  onPromote: (env: EnvironmentOverview) => void;
  onOpen: Open;
  // The account's server password is not given yet: every store waits for
  // it, which the account's strip above already says.
  locked?: boolean;
};

export function EnvironmentTable({ account, environments, onDelete, onBackups, onRefresh, onPromote, onOpen, locked = false }: Props) {
  const offset = useAppNowOffset();
  const may = useAllowed();
  if (environments.length === 0) {
    return <p className="empty">This account has no environments yet.</p>;
  }
  const byId = new Map(environments.map((e) => [e.environment.id, e.environment.name]));
  return (
    <table className="environments">
      <thead>
        <tr>
          <th>Environment</th>
          <th>Kind</th>
          <th>Version</th>
          <th>Status</th>
          <th className="num">Records</th>
          <th className="num">Data size</th>
          <th>Last backup</th>
          <th aria-label="Actions" />
        </tr>
      </thead>
      <tbody>
        {environments.map((row) => {
          const env = row.environment;
          const origin = env.copiedFrom == null ? null : byId.get(env.copiedFrom);
          return (
            <tr key={env.id} data-testid="env-row" data-env-name={env.name} data-env-kind={env.kind}>
              <td>
                <button type="button" className="env-name link" onClick={() => onOpen(env.id)} data-testid="open-env" title="Open its designer, records and changelog">
                  {env.name}
                </button>
                {row.storeError && locked && (
                  <div className="row-waiting" data-testid="store-error" data-kind={row.storeError.kind}>
                    Waiting for the server's password
                  </div>
                )}
                {row.storeError && !locked && (
                  <div className="row-error" role="alert" data-testid="store-error" data-kind={row.storeError.kind}>
                    Data store unavailable: {row.storeError.message}
                  </div>
                )}
                <div className="sub" title={`Created ${formatInstant(env.createdAt, account.timeZone)}`}>
                  {row.storeError ? "" : `${counted(row.appCount, "app", "apps")} · ${counted(row.tableCount, "table", "tables")} · `}
                  {origin ? `copied from ${origin}` : "created"} {formatDate(env.createdAt, account.timeZone)}
                </div>
              </td>
              <td>
                <span className={`kind kind-${env.kind}`}>{KIND_LABELS[env.kind]}</span>
              </td>
              <td>
                <span className="mono">{env.version}</span>
                {row.hotfixes.map((h) => (
                  <div key={h.version}>
                    <span
                      className="pill pill-danger hotfix-pill"
                      data-testid="env-hotfix"
                      title={`Hotfix ${h.version} fixes ${h.areas.join(", ") || "problems"} in ${env.version}. Read its notes under Releases.`}
                    >
                      Hotfix {h.version}
                    </span>
                  </div>
                ))}
              </td>
              <td className="status-cell">
                {row.runningImport ? (
                  <span className="status status-busy" data-testid="env-status" title={`${row.runningImport.fileName}, started by ${row.runningImport.author}`}>
                    Importing…
                  </span>
                ) : (
                  <span className={`status status-${env.status}`} data-testid="env-status">
                    {env.status === "ready" ? "Ready" : "Locked"}
                  </span>
                )}
                {row.upgrade && (
                  <div className="sub" data-testid="env-upgrade" title="Follow it on the environment's Upgrade tab">
                    <div>Upgrading to {row.upgrade.toVersion}</div>
                    <div>{STATE_LABELS[row.upgrade.state]}</div>
                    <div>{timeLeft(row.upgrade.deadline, Date.now() + offset)}</div>
                  </div>
                )}
              </td>
              <td
                className="num"
                data-testid="records"
                data-estimated={row.recordCountEstimated || undefined}
                title={row.recordCountEstimated ? "An estimate from the server's statistics, updated as the server gathers them" : undefined}
              >
                {row.storeError ? "—" : `${row.recordCountEstimated ? "≈ " : ""}${formatCount(row.recordCount)}`}
              </td>
              <td className="num">{row.storeError ? "—" : formatBytes(row.dataSizeBytes)}</td>
              <td data-testid="last-backup">
                {row.lastBackupAt ? (
                  formatInstant(row.lastBackupAt, account.timeZone)
                ) : env.kind === "production" ? (
                  <span className="danger-text strong" title="Production has no backup to restore: take one from Backups." data-alarm="no-backup">
                    None yet
                  </span>
                ) : (
                  <span className="muted">None yet</span>
                )}
              </td>
              <td className="row-actions">
                <RowActions label={env.name}>
                {env.kind === "promotable" && (
                  <GuardedButton type="button" className="ghost strong-text" refusal={may.environment(env.id, "promote")} onClick={() => onPromote(row)} data-testid="promote-env">
                    Promote
                  </GuardedButton>
                )}
                {env.kind !== "production" && (
                  <GuardedButton type="button" className="ghost" refusal={may.environment(env.id, "refresh")} onClick={() => onRefresh(row)} data-testid="refresh-env">
                    Refresh
                  </GuardedButton>
                )}
                <button type="button" className="ghost" onClick={() => onBackups(row)} data-testid="open-backups">
                  Backups
                </button>
                <GuardedButton type="button" className="ghost danger-text" refusal={may.environment(env.id, "delete")} onClick={() => onDelete(row)} data-testid="delete-env">
                  Delete
                </GuardedButton>
                </RowActions>
              </td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}
