import { useState } from "react";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import type { CopyProgress, Decision, EnvironmentOverview, PlanStep, Resolution, } from "../bindings";
import { api } from "../api";
import { formatDuration, counted } from "../format";
import { ErrorBanner } from "../shared/ErrorBanner";
import { Modal } from "../shared/Modal";

const INTERNAL = new Set(["id", "tableId", "appId"]);
// Properties by the names the designer uses.
const PROPERTIES: Record<string, string> = { name: "Name", fieldType: "Type", options: "Options", apps: "Apps", fields: "Fields", filter: "Filter", sort: "Sort" };
const property = (p: string) => PROPERTIES[p] ?? p;

// The step's verb, the same the changelog uses for what it compacts: a
// step that only renames is a "Rename", one that changes a type a
// "Change type".
function verb(step: PlanStep): string {
  if (step.action === "create") return "Create";
  if (step.action === "delete") return "Delete";
  const changed = step.diff.map((d) => d.property).filter((p) => !INTERNAL.has(p));
  if (changed.length === 1 && changed[0] === "name") return "Rename";
  if (changed.includes("fieldType")) return "Change type";
  if (changed.length === 1 && changed[0] === "options") return "Edit options";
  return "Edit";
}

/** A property's value as a person reads it: field types by name, not JSON. */
function readable(property: string, value: string | null): string {
  if (value == null) return "—";
  if (property !== "fieldType") return value;
  try {
    const t = JSON.parse(value) as { type: string; options?: string[] };
    return t.options ? `${t.type} (${t.options.join(", ")})` : t.type;
  } catch {
    return value;
  }
}

function describe(step: PlanStep): string {
  if (step.action === "delete") return `Removes the ${step.entityKind}${step.entityKind === "field" ? " and its values" : ""}.`;
  return step.diff
    .filter((d) => !INTERNAL.has(d.property))
    .map((d) =>
      d.before == null ? `${property(d.property)}: ${readable(d.property, d.after)}` : `${property(d.property)}: ${readable(d.property, d.before)} → ${readable(d.property, d.after)}`,
    )
    .join(" · ");
}

type Props = { sandbox: EnvironmentOverview; onClose: () => void; onNotice: (text: string) => void };

// The promotion review: every step with its authors and data impact, the
// conflicts to decide, then the production name typed to confirm. Nothing
// is locked until the pre-checks and the dry run have passed.
export function PromoteDialog({ sandbox, onClose, onNotice }: Props) {
  const env = sandbox.environment;
  const queryClient = useQueryClient();
  const plan = useQuery({ queryKey: ["promotion-plan", env.id], queryFn: () => api.promotionPlan(env.id), staleTime: 0 });
  const integrations = useQuery({
    queryKey: ["integrations", plan.data?.productionId],
    queryFn: () => api.integrations(plan.data?.productionId ?? 0),
    enabled: plan.data != null,
  });
  const toPause = (integrations.data ?? []).filter((i) => i.active).map((i) => i.name);
  const [decisions, setDecisions] = useState<Decision[]>([]);
  const [typed, setTyped] = useState("");
  const [progress, setProgress] = useState<CopyProgress | null>(null);
  const promote = useMutation({
    mutationFn: () => api.promote(env.id, decisions, typed, setProgress),
    onSettled: () => queryClient.invalidateQueries(),
    onSuccess: (p) => {
      const locked = p.lockedAt && p.unlockedAt ? formatDuration(p.lockedAt, p.unlockedAt) : null;
      onClose();
      onNotice(
        `Promoted ${counted(plan.data?.steps.length ?? 0, "change", "changes")} from ${env.name} to ${plan.data?.productionName}.` +
          (locked != null ? ` Production was locked for ${locked}.` : "") +
          (p.pausedIntegrations.length > 0 ? ` Paused and resumed: ${p.pausedIntegrations.join(", ")}.` : "") +
          ` Its state before is backup #${p.backupId} in Backups.`,
      );
    },
  });
  const decide = (entityKind: Decision["entityKind"], entityId: number, resolution: Resolution) =>
    setDecisions([...decisions.filter((d) => !(d.entityKind === entityKind && d.entityId === entityId)), { entityKind, entityId, resolution }]);
  const chosen = (kind: Decision["entityKind"], id: number) => decisions.find((d) => d.entityKind === kind && d.entityId === id)?.resolution;
  const data = plan.data;
  const undecided = data ? data.conflicts.filter((c) => !chosen(c.entityKind, c.entityId)).length : 0;
  return (
    <Modal title={`Promote changes from ${env.name} to production`} onClose={onClose} busy={promote.isPending} wide>
      <div className="form" data-testid="promote-dialog">
        {plan.isError && <ErrorBanner error={plan.error} />}
        {promote.isError && <ErrorBanner error={promote.error} />}
        {plan.isPending && <p className="muted">Building the plan…</p>}
        {data && data.steps.length === 0 && <p className="empty">{env.name} has no unpromoted changes.</p>}
        {data && data.steps.length > 0 && (
          <>
            <p className="hint">
              {data.steps.length} change{data.steps.length === 1 ? "" : "s"} to apply to {data.productionName}, in this order, in one transaction, after a dry
              run on a copy and a backup.
            </p>
            <table className="grid" data-testid="plan">
              <thead>
                <tr>
                  <th>#</th>
                  <th>Change</th>
                  <th>Details</th>
                  <th>By</th>
                </tr>
              </thead>
              <tbody>
                {data.steps.map((s, i) => (
                  <tr key={`${s.entityKind}-${s.entityId}`} data-testid="plan-step" data-entity={s.entityName}>
                    <td className="num muted">{i + 1}</td>
                    <td className="nowrap strong">
                      {verb(s)} {s.entityKind} “{s.entityName}”
                    </td>
                    <td>
                      <div>{describe(s)}</div>
                      {s.impact && (
                        <div className="impact" data-testid="impact">
                          {s.impact}
                        </div>
                      )}
                    </td>
                    <td>{s.authors.join(", ")}</td>
                  </tr>
                ))}
              </tbody>
            </table>
            {data.conflicts.map((c) => (
              <div key={`${c.entityKind}-${c.entityId}`} className="confirm" data-testid="conflict" data-entity={c.entityName}>
                <strong>
                  Conflict: {c.productionAuthors.join(", ")} also changed {c.entityKind} “{c.entityName}” in production since {env.name} was copied.
                </strong>
                <div className="choices">
                  <label className="check">
                    <input
                      type="radio"
                      name={`c-${c.entityKind}-${c.entityId}`}
                      checked={chosen(c.entityKind, c.entityId) === "keep_sandbox"}
                      onChange={() => decide(c.entityKind, c.entityId, "keep_sandbox")}
                      data-testid="keep-sandbox"
                    />
                    Keep the sandbox's version
                  </label>
                  <label className="check">
                    <input
                      type="radio"
                      name={`c-${c.entityKind}-${c.entityId}`}
                      checked={chosen(c.entityKind, c.entityId) === "keep_production"}
                      onChange={() => decide(c.entityKind, c.entityId, "keep_production")}
                      data-testid="keep-production"
                    />
                    Keep production's version (skip this change)
                  </label>
                </div>
              </div>
            ))}
            {toPause.length > 0 && (
              <p className="hint" data-testid="to-pause">
                Paused during the promotion, resumed after: {toPause.join(", ")}.
              </p>
            )}
            <label>
              Type {data.productionName} to confirm
              <input value={typed} onChange={(e) => setTyped(e.target.value)} disabled={promote.isPending} data-testid="confirm-name" />
            </label>
          </>
        )}
        {promote.isPending && (
          <div className="progress" role="status">
            <span>Dry run, lock, backup, apply…</span>
            {progress && <progress max={progress.totalPages} value={progress.donePages} />}
          </div>
        )}
        <div className="actions">
          <button type="button" className="secondary" onClick={onClose} disabled={promote.isPending}>
            Cancel
          </button>
          <button
            type="button"
            className="danger"
            // The name must match as the backend checks it (trimmed, exact);
            // the backend checks again.
            disabled={!data || data.steps.length === 0 || undecided > 0 || typed.trim() !== data.productionName || promote.isPending}
            onClick={() => promote.mutate()}
            data-testid="promote-submit"
          >
            Promote to {data?.productionName ?? "production"}
          </button>
        </div>
      </div>
    </Modal>
  );
}
