import { useQuery } from "@tanstack/react-query";
import type { Account, Environment, PromotionState } from "../bindings";
import { api } from "../api";
import { formatDuration, formatInstant } from "../format";
import { ErrorBanner } from "../components/ErrorBanner";

const OUTCOMES: Record<PromotionState, string> = { running: "Running", committed: "Promoted", failed: "Failed" };

// The promotions into a production environment: who, when, how long
// production was locked, and how each ended.
export function PromotionsPanel({ env, account }: { env: Environment; account: Account }) {
  const list = useQuery({ queryKey: ["promotions", env.id], queryFn: () => api.promotions(env.id), staleTime: 0 });
  if (list.isError) return <ErrorBanner error={list.error} />;
  if (!list.data) return <p className="muted">Loading…</p>;
  if (list.data.length === 0) return <p className="empty">No promotions yet. Promote a promotable sandbox from the dashboard.</p>;
  return (
    <div className="grid-scroll" data-testid="promotions">
      <table className="grid">
        <thead>
          <tr>
            <th>Started</th>
            <th>From</th>
            <th>By</th>
            <th>Outcome</th>
            <th className="num">Locked</th>
            <th>Details</th>
          </tr>
        </thead>
        <tbody>
          {list.data.map((p) => {
            const locked = p.lockedAt && p.unlockedAt ? formatDuration(p.lockedAt, p.unlockedAt) : "—";
            return (
              <tr key={p.id} data-testid="promotion-row" data-state={p.state}>
                <td className="nowrap">{formatInstant(p.startedAt, account.timeZone, true)}</td>
                <td>{p.sandboxName}</td>
                <td>{p.author}</td>
                <td className={p.state === "failed" ? "nowrap danger-text strong" : "nowrap strong"}>
                  {OUTCOMES[p.state]}
                  {p.state === "failed" && ` at ${p.step.replace("_", " ")}`}
                </td>
                <td className="num">{locked}</td>
                <td>{p.reason ?? (p.backupId ? `Backup #${p.backupId} holds the state before.` : "")}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
