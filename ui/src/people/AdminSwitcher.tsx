import { useState } from "react";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import type { Role } from "../bindings";
import { api } from "../api";
import { ErrorBanner } from "../shared/ErrorBanner";
import { Modal } from "../shared/Modal";

export const ROLE_LABELS: Record<Role, string> = { super_admin: "super-admin", app_admin: "app-admin" };

// The title bar's "acting as": every change and operation is recorded for
// the admin chosen here. Switching refreshes everything that depends on who
// is acting (the changelog's other-author banner).
export function AdminSwitcher() {
  const queryClient = useQueryClient();
  const admins = useQuery({ queryKey: ["admins"], queryFn: api.admins });
  const [adding, setAdding] = useState(false);
  const switcher = useMutation({
    mutationFn: (id: number) => api.switchAdmin(id),
    onSuccess: (data) => {
      queryClient.setQueryData(["admins"], data);
      // What the new admin may do and what needs them differ.
      for (const key of ["changelog", "allowed", "needs-you"]) void queryClient.invalidateQueries({ queryKey: [key] });
    },
  });
  if (admins.isError) return <span className="admin-error" title={admins.error.message}>Admins unavailable</span>;
  if (!admins.data) return null;
  const { current } = admins.data;
  return (
    <div className="admin-switcher">
      <label htmlFor="admin-select">Acting as</label>
      <select
        id="admin-select"
        data-testid="admin-select"
        value={current.id}
        disabled={switcher.isPending}
        onChange={(e) => {
          if (e.target.value === "add") setAdding(true);
          else switcher.mutate(Number(e.target.value));
        }}
      >
        {admins.data.admins.map((a) => (
          <option key={a.id} value={a.id}>
            {a.name} ({ROLE_LABELS[a.role]})
          </option>
        ))}
        <option value="add">Add an admin…</option>
      </select>
      {switcher.isError && <span className="admin-error" role="alert">{switcher.error.message}</span>}
      {adding && <AddAdminDialog onClose={() => setAdding(false)} />}
    </div>
  );
}

function AddAdminDialog({ onClose }: { onClose: () => void }) {
  const queryClient = useQueryClient();
  const [name, setName] = useState("");
  const [role, setRole] = useState<Role>("app_admin");
  const add = useMutation({
    mutationFn: () => api.addAdmin(name, role),
    onSuccess: (data) => {
      queryClient.setQueryData(["admins"], data);
      onClose();
    },
  });
  return (
    <Modal title="Add an admin" onClose={onClose} busy={add.isPending}>
      <form
        className="form"
        onSubmit={(e) => {
          e.preventDefault();
          add.mutate();
        }}
      >
        {add.isError && <ErrorBanner error={add.error} />}
        <label>
          Name
          <input value={name} onChange={(e) => setName(e.target.value)} autoFocus data-testid="admin-name" />
        </label>
        <label>
          Role
          <select value={role} onChange={(e) => setRole(e.target.value as Role)} data-testid="admin-role">
            <option value="super_admin">Super-admin: may also refresh, restore and promote</option>
            <option value="app_admin">App-admin: designs and edits data</option>
          </select>
        </label>
        <div className="actions">
          <button type="button" className="secondary" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className="primary" disabled={add.isPending} data-testid="add-admin-submit">
            Add admin
          </button>
        </div>
      </form>
    </Modal>
  );
}
