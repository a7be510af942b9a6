import { useState, type FormEvent } from "react";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { api } from "../api";
import type { AccountServer, TlsMode } from "../bindings";
import { ErrorBanner } from "../shared/ErrorBanner";
import { ChangeServerDialog } from "./ChangeServerDialog";

const TLS_WORDS: Record<TlsMode, string> = {
  verify_full: "encrypted, certificate verified",
  require: "encrypted, certificate not checked",
  disable: "not encrypted",
};

// Where an account on a PostgreSQL server keeps its environments, and,
// when Cutover does not have its password this session, the place to give
// it: until then none of its environments can be read.
export function AccountServerStrip({ accountId, server }: { accountId: number; server: AccountServer }) {
  const [password, setPassword] = useState("");
  const [remember, setRemember] = useState(server.remembered);
  const [changing, setChanging] = useState(false);
  const queryClient = useQueryClient();
  const unlock = useMutation({
    mutationFn: () => api.unlockAccount(accountId, password, remember),
    onSuccess: async () => {
      setPassword("");
      await queryClient.invalidateQueries();
    },
  });
  const where = `PostgreSQL server ${server.address} (${TLS_WORDS[server.tls]})`;
  const change = (
    <button type="button" className="ghost" onClick={() => setChanging(true)} data-testid="change-server">
      Change connection…
    </button>
  );
  // Outside the unlock form: a portal's events still bubble to the
  // components around it, and its submit is not the unlock's.
  const dialog = changing && <ChangeServerDialog accountId={accountId} server={server} onClose={() => setChanging(false)} />;
  if (server.unlocked) {
    return (
      <p className="sub server-line" data-testid="account-server">
        Environments on {where}
        {server.remembered ? " · password kept in this computer's secret store" : ""} {change}
        {dialog}
      </p>
    );
  }
  const submit = (e: FormEvent) => {
    e.preventDefault();
    unlock.mutate();
  };
  return (
    <>
      <form className="banner banner-refusal server-unlock form" onSubmit={submit} data-testid="account-unlock">
        <p>
          <strong>Password needed.</strong> This account's environments are on {where}. Cutover keeps the password in memory only, so it asks
          after each start.
        </p>
        <div className="unlock-row">
          <label>
            Password for {server.address}
            <input type="password" value={password} onChange={(e) => setPassword(e.target.value)} autoComplete="off" data-testid="unlock-password" />
          </label>
          <label className="check">
            <input type="checkbox" checked={remember} onChange={(e) => setRemember(e.target.checked)} data-testid="unlock-remember" />
            Remember it in this computer's secret store
          </label>
          <button type="submit" className="primary" disabled={unlock.isPending} data-testid="unlock-submit">
            {unlock.isPending ? "Connecting…" : "Connect"}
          </button>
          {change}
        </div>
        {unlock.isError && <ErrorBanner error={unlock.error} />}
      </form>
      {dialog}
    </>
  );
}
