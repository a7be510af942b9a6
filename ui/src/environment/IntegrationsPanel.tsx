import { useState } from "react";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import type { Environment, Integration, IntegrationKind } from "../bindings";
import { api } from "../api";
import { ErrorBanner } from "../shared/ErrorBanner";

const KINDS: Record<IntegrationKind, string> = { crm_sync: "CRM sync", webhook: "Webhook", data_feed: "Data feed", other: "Other" };

function stateOf(i: Integration): string {
  if (i.active) return "Active";
  const held = i.roleHeld ? " — login and writes revoked" : "";
  if (i.pausedByPromotion != null) return `Paused by a promotion${held}`;
  if (i.pausedByUpgrade != null) return `Paused by an upgrade run${held}`;
  return `Paused${held}`;
}

// The external systems connected to an environment. A promotion or an
// upgrade pauses the active ones before it locks the environment and
// resumes them after; on a server, pausing one with a database role takes
// that role's login and write privileges and ends its sessions.
export function IntegrationsPanel({ env, onServer }: { env: Environment; onServer: boolean }) {
  const queryClient = useQueryClient();
  const list = useQuery({ queryKey: ["integrations", env.id], queryFn: () => api.integrations(env.id) });
  const [name, setName] = useState("");
  const [kind, setKind] = useState<IntegrationKind>("webhook");
  const [role, setRole] = useState("");
  const refresh = () => queryClient.invalidateQueries({ queryKey: ["integrations", env.id] });
  const add = useMutation({
    mutationFn: () => api.addIntegration(env.id, name, kind, onServer && role.trim() ? role.trim() : null),
    onSuccess: () => (setName(""), setRole(""), refresh()),
  });
  const toggle = useMutation({ mutationFn: ({ id, active }: { id: number; active: boolean }) => api.setIntegrationActive(id, active), onSettled: refresh });
  return (
    <div className="stack" data-testid="integrations">
      <p className="hint">
        Promotions and upgrades pause these integrations before locking {env.name} and resume them afterwards.
        {onServer && " An integration with a database role is paused on the server itself: the role cannot log in or write until it is resumed."}
      </p>
      {list.isError && <ErrorBanner error={list.error} />}
      {add.isError && <ErrorBanner error={add.error} onDismiss={() => add.reset()} />}
      {toggle.isError && <ErrorBanner error={toggle.error} onDismiss={() => toggle.reset()} />}
      <div className="grid-scroll">
        <table className="grid">
          <thead>
            <tr>
              <th>Integration</th>
              <th>Kind</th>
              {onServer && <th>Database role</th>}
              <th>State</th>
              <th aria-label="Actions" />
            </tr>
          </thead>
          <tbody>
            {(list.data ?? []).map((i) => (
              <tr key={i.id} data-testid="integration-row" data-name={i.name}>
                <td className="strong">{i.name}</td>
                <td>{KINDS[i.kind]}</td>
                {onServer && <td className="mono">{i.dbRole ?? <span className="muted">none</span>}</td>}
                <td data-testid="integration-state">{stateOf(i)}</td>
                <td className="row-actions">
                  <button
                    type="button"
                    className="ghost"
                    disabled={toggle.isPending || i.pausedByPromotion != null || i.pausedByUpgrade != null}
                    onClick={() => toggle.mutate({ id: i.id, active: !i.active })}
                    data-testid="toggle-integration"
                  >
                    {toggle.isPending && toggle.variables?.id === i.id ? (i.active ? "Pausing…" : "Resuming…") : i.active ? "Pause" : "Resume"}
                  </button>
                </td>
              </tr>
            ))}
            {list.isPending && (
              <tr>
                <td colSpan={onServer ? 5 : 4} className="muted">
                  Loading integrations…
                </td>
              </tr>
            )}
            {list.data?.length === 0 && (
              <tr>
                <td colSpan={onServer ? 5 : 4} className="muted">
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
        {onServer && (
          <label title="The user name its application logs in to the server with. Leave empty if it does not write to the database.">
            Database role (optional)
            <input value={role} onChange={(e) => setRole(e.target.value)} placeholder="e.g. crm_writer" spellCheck={false} autoComplete="off" data-testid="integration-role" />
          </label>
        )}
        <button type="submit" className="secondary align-end" disabled={add.isPending} data-testid="add-integration">
          {add.isPending ? (onServer && role.trim() ? "Checking the role…" : "Adding…") : "Add integration"}
        </button>
      </form>
    </div>
  );
}
