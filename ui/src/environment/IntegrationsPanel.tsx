import { useState } from "react";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import type { Environment, IntegrationKind } from "../bindings";
import { api } from "../api";
import { ErrorBanner } from "../shared/ErrorBanner";

const KINDS: Record<IntegrationKind, string> = { crm_sync: "CRM sync", webhook: "Webhook", data_feed: "Data feed", other: "Other" };

// The external systems connected to an environment. A promotion pauses the
// active ones before it locks production and resumes them after.
export function IntegrationsPanel({ env }: { env: Environment }) {
  const queryClient = useQueryClient();
  const list = useQuery({ queryKey: ["integrations", env.id], queryFn: () => api.integrations(env.id) });
  const [name, setName] = useState("");
  const [kind, setKind] = useState<IntegrationKind>("webhook");
  const refresh = () => queryClient.invalidateQueries({ queryKey: ["integrations", env.id] });
  const add = useMutation({ mutationFn: () => api.addIntegration(env.id, name, kind), onSuccess: () => (setName(""), refresh()) });
  const toggle = useMutation({ mutationFn: ({ id, active }: { id: number; active: boolean }) => api.setIntegrationActive(id, active), onSettled: refresh });
  return (
    <div className="stack" data-testid="integrations">
      <p className="hint">Promotions pause these integrations before locking {env.name} and resume them afterwards.</p>
      {list.isError && <ErrorBanner error={list.error} />}
      {add.isError && <ErrorBanner error={add.error} onDismiss={() => add.reset()} />}
      {toggle.isError && <ErrorBanner error={toggle.error} onDismiss={() => toggle.reset()} />}
      <div className="grid-scroll">
        <table className="grid">
          <thead>
            <tr>
              <th>Integration</th>
              <th>Kind</th>
              <th>State</th>
              <th aria-label="Actions" />
            </tr>
          </thead>
          <tbody>
            {(list.data ?? []).map((i) => (
              <tr key={i.id} data-testid="integration-row" data-name={i.name}>
                <td className="strong">{i.name}</td>
                <td>{KINDS[i.kind]}</td>
                <td data-testid="integration-state">{i.active ? "Active" : i.pausedByPromotion != null ? "Paused by a promotion" : "Paused"}</td>
                <td className="row-actions">
                  <button type="button" className="ghost" disabled={toggle.isPending || i.pausedByPromotion != null} onClick={() => toggle.mutate({ id: i.id, active: !i.active })} data-testid="toggle-integration">
                    {i.active ? "Pause" : "Resume"}
                  </button>
                </td>
              </tr>
            ))}
            {list.data?.length === 0 && (
              <tr>
                <td colSpan={4} className="muted">
                  No integrations registered.
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
          add.mutate();
        }}
      >
        <label>
          Name
          <input value={name} onChange={(e) => setName(e.target.value)} placeholder="e.g. Payroll export" data-testid="integration-name" />
        </label>
        <label>
          Kind
          <select value={kind} onChange={(e) => setKind(e.target.value as IntegrationKind)}>
            {Object.entries(KINDS).map(([k, label]) => (
              <option key={k} value={k}>
                {label}
              </option>
            ))}
          </select>
        </label>
        <button type="submit" className="secondary align-end" disabled={add.isPending} data-testid="add-integration">
          Add integration
        </button>
      </form>
    </div>
  );
}
