import { useState } from "react";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import type { Category } from "../bindings";
import { api } from "../api";
import { ErrorBanner } from "../shared/ErrorBanner";

const CATEGORIES: [Category, "upgradeInfo" | "systemHealth" | "reminders", string][] = [
  ["upgrade_info", "upgradeInfo", "Upgrade information"],
  ["system_health", "systemHealth", "System health"],
  ["reminders", "reminders", "Reminders"],
];

// Who is told what: every notice stays in the inbox; the desktop shows a
// reminder to the current admin only if they opted in.
export function Recipients({ accountId }: { accountId: number }) {
  const queryClient = useQueryClient();
  const list = useQuery({ queryKey: ["recipients", accountId], queryFn: () => api.recipients(accountId) });
  const refresh = () => queryClient.invalidateQueries({ queryKey: ["recipients", accountId] });
  const toggle = useMutation({ mutationFn: (a: { id: number; c: Category; on: boolean }) => api.setRecipientCategory(a.id, a.c, a.on), onSettled: refresh });
  const [name, setName] = useState("");
  const [email, setEmail] = useState("");
  const add = useMutation({ mutationFn: () => api.addContact(accountId, name, email), onSuccess: () => (setName(""), setEmail(""), refresh()) });
  return (
    <div className="stack" data-testid="recipients">
      <h3>Who is notified</h3>
      {list.isError && <ErrorBanner error={list.error} />}
      {toggle.isError && <ErrorBanner error={toggle.error} onDismiss={() => toggle.reset()} />}
      {add.isError && <ErrorBanner error={add.error} onDismiss={() => add.reset()} />}
      <table className="grid">
        <thead>
          <tr>
            <th>Recipient</th>
            {CATEGORIES.map(([, , label]) => (
              <th key={label}>{label}</th>
            ))}
          </tr>
        </thead>
        <tbody>
          {(list.data ?? []).map((r) => (
            <tr key={r.id} data-testid="recipient">
              <td className="strong">
                {r.name} <span className="muted">{r.adminId != null ? "admin" : (r.email ?? "contact")}</span>
              </td>
              {CATEGORIES.map(([c, field]) => (
                <td key={c}>
                  <input type="checkbox" checked={r[field]} disabled={toggle.isPending} onChange={(e) => toggle.mutate({ id: r.id, c, on: e.target.checked })} aria-label={`${r.name}: ${c}`} />
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
      <form
        className="filters"
        onSubmit={(e) => {
          e.preventDefault();
          add.mutate();
        }}
      >
        <label>
          Contact
          <input value={name} onChange={(e) => setName(e.target.value)} placeholder="e.g. Dana Fox (IT lead)" />
        </label>
        <label>
          Email (optional)
          <input value={email} onChange={(e) => setEmail(e.target.value)} placeholder="dana@example.com" />
        </label>
        <button type="submit" className="secondary align-end" disabled={add.isPending}>
          Add contact
        </button>
      </form>
    </div>
  );
}
