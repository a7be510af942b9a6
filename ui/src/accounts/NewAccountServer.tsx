import { useState } from "react";
import { useMutation } from "@tanstack/react-query";
import { open } from "@tauri-apps/plugin-dialog";
import { api, toAppError } from "../api";
import type { ServerChoice, TlsMode } from "../bindings";
import { ErrorBanner } from "../shared/ErrorBanner";
import type { FieldProblemView } from "../shared/FieldProblem";

type Props = {
  value: ServerChoice | null;
  onChange: (server: ServerChoice | null) => void;
  disabled: boolean;
  // The form's refusal at the "server" field, if any.
  problem: FieldProblemView;
};

export const TLS: { mode: TlsMode; label: string }[] = [
  { mode: "verify_full", label: "Encrypted, server's certificate verified" },
  { mode: "require", label: "Encrypted, certificate not checked" },
  { mode: "disable", label: "Not encrypted (this computer or a private network only)" },
];

export const EMPTY_SERVER: ServerChoice = { url: "", tls: "verify_full", caFile: null, password: "", remember: false };

// Where a new account's environments live: this computer (SQLite files in
// the data folder) or a PostgreSQL server, tested before anything is made.
export function NewAccountServer({ value, onChange, disabled, problem }: Props) {
  const test = useMutation({ mutationFn: (server: ServerChoice) => api.checkServer(server) });
  const [browseError, setBrowseError] = useState<unknown>(null);
  const set = (patch: Partial<ServerChoice>) => {
    test.reset();
    onChange({ ...(value ?? EMPTY_SERVER), ...patch });
  };
  const browseCa = async () => {
    setBrowseError(null);
    try {
      const chosen = await open({ multiple: false, directory: false, filters: [{ name: "PEM certificate", extensions: ["pem", "crt"] }, { name: "Any file", extensions: ["*"] }] });
      if (typeof chosen === "string") set({ caFile: chosen });
    } catch (e) {
      setBrowseError(toAppError(e));
    }
  };
  return (
    <fieldset className="choices" disabled={disabled} data-testid="account-store">
      <legend>Environments live</legend>
      <label className="check">
        <input type="radio" name="account-store" checked={value === null} onChange={() => onChange(null)} data-testid="store-local" />
        On this computer (in Cutover's data folder)
      </label>
      <label className="check">
        <input type="radio" name="account-store" checked={value !== null} onChange={() => set({})} data-testid="store-server" />
        On a PostgreSQL server (production, copies and backups stay on the server)
      </label>
      {value && (
        <div className="server-fields">
          <label className={problem.message ? "has-problem" : undefined}>
            Connection URL
            <input
              value={value.url}
              onChange={(e) => set({ url: e.target.value })}
              placeholder="postgresql://cutover@db.example.com:5432/contoso"
              spellCheck={false}
              autoComplete="off"
              data-testid="server-url"
              {...problem.attrs}
            />
          </label>
          <p className="hint">One database per account, which Cutover's user may create schemas and roles in. Each environment is a schema of it.</p>
          <label>
            Password
            <input type="password" value={value.password ?? ""} onChange={(e) => set({ password: e.target.value })} autoComplete="off" data-testid="server-password" />
          </label>
          <label>
            Encryption
            <select value={value.tls} onChange={(e) => set({ tls: e.target.value as TlsMode })} data-testid="server-tls">
              {TLS.map((t) => (
                <option key={t.mode} value={t.mode}>
                  {t.label}
                </option>
              ))}
            </select>
          </label>
          {value.tls === "verify_full" && (
            <div className="file-row">
              <label>
                Certificate authority (only if your server's certificate is signed by your own)
                <input value={value.caFile ?? ""} onChange={(e) => set({ caFile: e.target.value || null })} placeholder="/etc/ssl/our-ca.pem" data-testid="server-ca" />
              </label>
              <button type="button" className="secondary" onClick={() => void browseCa()}>
                Browse…
              </button>
            </div>
          )}
          <label className="check">
            <input type="checkbox" checked={value.remember ?? false} onChange={(e) => set({ remember: e.target.checked })} data-testid="server-remember" />
            Remember the password in this computer's secret store (otherwise Cutover asks for it at each start)
          </label>
          <div className="file-row">
            <button type="button" className="secondary" onClick={() => test.mutate(value)} disabled={!value.url.trim() || test.isPending} data-testid="server-test">
              {test.isPending ? "Connecting…" : "Test connection"}
            </button>
            {test.isSuccess && (
              <p className="hint ok" role="status" data-testid="server-ok">
                Connected: PostgreSQL {test.data.version}, {test.data.encrypted ? "encrypted" : "not encrypted"}
                {test.data.superuser ? ", as a superuser (a user with only the privileges Cutover needs is safer)" : ""}.
              </p>
            )}
          </div>
          {test.isError && <ErrorBanner error={test.error} />}
          {browseError !== null && <ErrorBanner error={browseError} onDismiss={() => setBrowseError(null)} />}
          {problem.note}
        </div>
      )}
    </fieldset>
  );
}
