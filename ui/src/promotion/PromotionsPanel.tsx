import { useState } from "react";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import type { Account, Environment, PromotionState } from "../bindings";
import { useNotify } from "../feedback/Feedback";
import { api } from "../api";
import { formatDuration, formatInstant, counted } from "../format";
import { ErrorBanner } from "../shared/ErrorBanner";

const OUTCOMES: Record<PromotionState, string> = { running: "Running", committed: "Promoted", failed: "Failed", undone: "Undone" };

// The promotions into a production environment: who, when, how long
// production was locked, and how each ended.
export function PromotionsPanel({ env, account }: { env: Environment; account: Account }) {
  const queryClient = useQueryClient();
  const list = useQuery({ queryKey: ["promotions", env.id], queryFn: () => api.promotions(env.id), staleTime: 0 });
  const [undoing, setUndoing] = useState<number | null>(null);
  const preview = useQuery({ queryKey: ["undo-preview", undoing], queryFn: () => api.undoPreview(undoing ?? 0), enabled: undoing != null, staleTime: 0 });
  const notify = useNotify();
  const undo = useMutation({
    mutationFn: (id: number) => api.undoPromotion(id),
    onSettled: () => queryClient.invalidateQueries(),
    onSuccess: (safety) => {
      const from = preview.data?.promotion.sandboxName ?? "the sandbox";
      setUndoing(null);
      notify(`The promotion from ${from} was undone: ${env.name} is back to its state before it. What it held just before the undo is in backup #${safety.id}.`, {
        sticky: true,
      });
    },
  });
  if (list.isError) return <ErrorBanner error={list.error} />;
  if (!list.data) return <p className="muted">Loading…</p>;
  if (list.data.length === 0) return <p className="empty">No promotions yet. Promote a promotable sandbox from the dashboard.</p>;
  return (
    <div className="stack" data-testid="promotions">
      {undo.isError && <ErrorBanner error={undo.error} onDismiss={() => undo.reset()} />}
      {preview.isError && <ErrorBanner error={preview.error} />}
      {undoing != null && preview.data && (
        <div className="confirm" role="alertdialog" data-testid="undo-confirm">
          <strong>
            Undo the promotion from {preview.data.promotion.sandboxName}? {env.name} goes back to its state before it (backup #{preview.data.promotion.backupId}).
          </strong>
          <p>
            Since then, {counted(preview.data.definitionChanges, "definition change", "definition changes")} and{" "}
            {counted(preview.data.dataChanges, "data change", "data changes")} were made in {env.name}; they
            will be discarded (kept in a new “Before restore” backup).
          </p>
          <div className="actions">
            <button type="button" className="secondary" onClick={() => setUndoing(null)} disabled={undo.isPending}>
              Cancel
            </button>
            <button type="button" className="danger" onClick={() => undo.mutate(undoing)} disabled={undo.isPending} data-testid="undo-submit">
              Undo promotion
            </button>
          </div>
        </div>
      )}
      <div className="grid-scroll">
      <table className="grid">
        <thead>
          <tr>
            <th>Started</th>
            <th>From</th>
            <th>By</th>
            <th>Outcome</th>
            <th className="num">Locked</th>
            <th>Details</th>
            <th aria-label="Actions" />
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
                <td>
                  <details data-testid="promotion-plan">
                    <summary>
                      {p.plan.length} change{p.plan.length === 1 ? "" : "s"}
                      {p.pausedIntegrations.length > 0 && ` · paused ${p.pausedIntegrations.join(", ")}`}
                    </summary>
                    <ol className="plan-list">
                      {p.plan.map((c, i) => (
                        <li key={i}>
                          {c.action === "create" ? "Add" : c.action === "modify" ? "Change" : "Delete"} {c.entityKind} “{c.entityName}” ({c.authors.join(", ")})
                        </li>
                      ))}
                    </ol>
                  </details>
                  {p.reason ?? (p.backupId ? `Backup #${p.backupId} holds the state before.` : "")}
                </td>
                <td className="row-actions">
                  {p.state === "committed" && (
                    <button type="button" className="ghost danger-text" onClick={() => setUndoing(p.id)} data-testid="undo-promotion">
                      Undo…
                    </button>
                  )}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
      </div>
    </div>
  );
}
