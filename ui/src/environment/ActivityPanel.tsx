import { useQuery } from "@tanstack/react-query";
import type { Account, ActivityAction, Environment } from "../bindings";
import { api } from "../api";
import { formatInstant } from "../format";
import { ErrorBanner } from "../shared/ErrorBanner";

const LABELS: Record<ActivityAction, string> = {
  created_environment: "Created",
  deleted_environment: "Deleted",
  took_backup: "Backup",
  restored_backup: "Restore",
  deleted_backup: "Deleted backup",
  refreshed: "Refresh",
  promoted: "Promotion",
  imported: "Import",
  added_record: "Added record",
  edited_record: "Edited record",
  deleted_record: "Deleted record",
  changed_settings: "Settings",
  upgraded: "Upgrade",
  exported: "Export",
};

// Who did what to this environment outside the designer: copies, backups,
// restores, refreshes, imports and record edits, newest first.
export function ActivityPanel({ env, account }: { env: Environment; account: Account }) {
  const activity = useQuery({ queryKey: ["activity", env.id], queryFn: () => api.activity(env.id), staleTime: 0 });
  if (activity.isError) return <ErrorBanner error={activity.error} />;
  if (!activity.data) return <p className="muted">Loading…</p>;
  if (activity.data.length === 0) return <p className="empty">Nothing has been done to {env.name} yet. Designer changes are under Changelog.</p>;
  return (
    <div className="grid-scroll" data-testid="activity">
      <table className="grid">
        <thead>
          <tr>
            <th>When</th>
            <th>Who</th>
            <th>What</th>
            <th>Details</th>
          </tr>
        </thead>
        <tbody>
          {activity.data.map((a) => (
            <tr key={a.id} data-testid="activity-row" data-action={a.action}>
              <td className="nowrap">{formatInstant(a.at, account.timeZone, true)}</td>
              <td>{a.author}</td>
              <td className="nowrap strong">{LABELS[a.action]}</td>
              <td>{a.detail}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
