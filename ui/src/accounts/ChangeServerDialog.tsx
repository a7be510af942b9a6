import { useState, type FormEvent } from "react";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { api } from "../api";
import type { AccountServer, ServerChoice, TlsMode } from "../bindings";
import { ErrorBanner } from "../shared/ErrorBanner";
import { Modal } from "../shared/Modal";
import { TLS } from "./NewAccountServer";

type Props = { accountId: number; server: AccountServer; onClose: () => void };

// How Cutover reaches an account's server, when the server moved or its
// settings changed. Saved only if the new connection reaches a database
// that holds every one of the account's environments.
export function ChangeServerDialog({ accountId, server, onClose }: Props) {
  const [choice, setChoice] = useState<ServerChoice>({ url: `postgresql://${server.address}`, tls: server.tls, caFile: null, password: "", remember: server.remembered });
  const queryClient = useQueryClient();
  const save = useMutation({
    mutationFn: () => api.changeAccountServer(accountId, choice),
    onSuccess: async () => {
      await queryClient.invalidateQueries();
      onClose();
    },
  });
  const set = (patch: Partial<ServerChoice>) => {
    save.reset();
    setChoice({ ...choice, ...patch });
  };
  const submit = (e: FormEvent) => {
    e.preventDefault();
    save.mutate();
  };
  return (
    <Modal title="Change the server connection" onClose={onClose} busy={save.isPending}>
      <form onSubmit={submit} className="form" data-testid="change-server-form">
        <p className="hint">
          For a server that moved, or whose user, encryption or password changed. The environments stay where they are: Cutover checks that the
          database holds every one of them before it saves.
        </p>
        <label>
          Connection URL
          <input autoFocus value={choice.url} onChange={(e) => set({ url: e.target.value })} spellCheck={false} autoComplete="off" data-testid="change-server-url" />
        </label>
        <label>
          Password
          <input type="password" value={choice.password ?? ""} onChange={(e) => set({ password: e.target.value })} autoComplete="off" data-testid="change-server-password" />
        </label>
        <label>
          Encryption
          <select value={choice.tls} onChange={(e) => set({ tls: e.target.value as TlsMode })} data-testid="change-server-tls">
            {TLS.map((t) => (
              <option key={t.mode} value={t.mode}>
                {t.label}
              </option>
            ))}
          </select>
        </label>
        {choice.tls === "verify_full" && (
          <label>
            Certificate authority (only if the server's certificate is signed by your own)
            <input value={choice.caFile ?? ""} onChange={(e) => set({ caFile: e.target.value || null })} placeholder="/etc/ssl/our-ca.pem" data-testid="change-server-ca" />
          </label>
        )}
        <label className="check">
          <input type="checkbox" checked={choice.remember ?? false} onChange={(e) => set({ remember: e.target.checked })} />
          Remember the password in this computer's secret store
        </label>
        {save.isError && <ErrorBanner error={save.error} />}
        <div className="actions">
          <button type="button" className="secondary" onClick={onClose} disabled={save.isPending}>
            Cancel
          </button>
          <button type="submit" className="primary" disabled={save.isPending || !choice.url.trim()} data-testid="change-server-submit">
            {save.isPending ? "Checking the server…" : "Check and save"}
          </button>
        </div>
      </form>
    </Modal>
  );
}
