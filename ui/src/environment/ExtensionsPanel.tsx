import { useState } from "react";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import type { Account, Environment, ExtensionSummary } from "../bindings";
import { api } from "../api";
import { formatInstant } from "../format";
import { ErrorBanner } from "../shared/ErrorBanner";
import { GuardedButton } from "../people/allowed";

const range = (from: string, before: string | null) => (before ? `${from} up to ${before} (not included)` : `${from} and newer`);

// The customizations installed in an environment, and the account's catalog
// of extension packages to install from. Installing checks the platform
// version and dependencies; uninstalling takes a verified backup first.
export function ExtensionsPanel({ env, account }: { env: Environment; account: Account }) {
  const queryClient = useQueryClient();
  const installed = useQuery({ queryKey: ["extensions", env.id], queryFn: () => api.environmentExtensions(env.id) });
  const catalog = useQuery({ queryKey: ["extension-catalog", account.id], queryFn: () => api.extensionCatalog(account.id) });
  // Why each catalog extension cannot be installed here, if it cannot.
  const offers = useQuery({ queryKey: ["extension-offers", env.id], queryFn: () => api.extensionOffers(env.id) });
  const refusalOf = (e: ExtensionSummary) => offers.data?.find((o) => o.extensionId === e.id)?.refusal ?? null;
  const refresh = () => queryClient.invalidateQueries();
  const install = useMutation({ mutationFn: (e: ExtensionSummary) => api.installExtension(env.id, e.id), onSuccess: refresh });
  const uninstall = useMutation({ mutationFn: (name: string) => api.uninstallExtension(env.id, name), onSuccess: refresh });
  const [confirming, setConfirming] = useState<string | null>(null);
  const [path, setPath] = useState("");
  const importing = useMutation({ mutationFn: () => api.importExtension(account.id, path), onSuccess: () => (setPath(""), refresh()) });
  const busy = install.isPending || uninstall.isPending;
  const isInstalled = (e: ExtensionSummary) => installed.data?.some((i) => i.name === e.name && i.version === e.version);
  return (
    <div className="stack" data-testid="extensions">
      <p className="hint">
        Customizations of {env.name} (platform {env.version}). An upgrade removes the ones that do not support the target version and reinstalls their newest compatible version.
      </p>
      {[installed, catalog, offers].map((q, i) => q.isError && <ErrorBanner key={i} error={q.error} />)}
      {install.isError && <ErrorBanner error={install.error} onDismiss={() => install.reset()} />}
      {uninstall.isError && <ErrorBanner error={uninstall.error} onDismiss={() => uninstall.reset()} />}
      {importing.isError && <ErrorBanner error={importing.error} onDismiss={() => importing.reset()} />}
      <h3>Installed</h3>
      <table className="grid" data-testid="installed-extensions">
        <thead>
          <tr>
            <th>Extension</th>
            <th>Supports platform</th>
            <th>Needs</th>
            <th>Installed</th>
            <th aria-label="Actions" />
          </tr>
        </thead>
        <tbody>
          {(installed.data ?? []).map((x) => (
            <tr key={x.name} data-testid="installed-extension" data-name={x.name}>
              <td className="strong">
                {x.name} {x.version}
              </td>
              <td>{range(x.platformFrom, x.platformBefore)}</td>
              <td>{x.dependsOn.join(", ") || "—"}</td>
              <td className="muted">
                {formatInstant(x.installedAt, account.timeZone)} by {x.installedBy}
              </td>
              <td className="row-actions">
                {confirming === x.name ? (
                  <>
                    <button type="button" className="danger" disabled={busy} onClick={() => (setConfirming(null), uninstall.mutate(x.name))} data-testid="confirm-uninstall">
                      Back up, then uninstall
                    </button>
                    <button type="button" className="ghost" onClick={() => setConfirming(null)}>
                      Keep
                    </button>
                  </>
                ) : (
                  <button type="button" className="ghost" disabled={busy} onClick={() => setConfirming(x.name)} data-testid="uninstall">
                    Uninstall…
                  </button>
                )}
              </td>
            </tr>
          ))}
          {installed.data?.length === 0 && (
            <tr>
              <td colSpan={5} className="muted">
                No extension installed.
              </td>
            </tr>
          )}
        </tbody>
      </table>
      <h3>Catalog</h3>
      <table className="grid" data-testid="extension-catalog">
        <tbody>
          {(catalog.data ?? []).map((e) => (
            <tr key={e.id} data-testid="catalog-extension" data-name={e.name} data-version={e.version}>
              <td className="strong">
                {e.name} {e.version}
              </td>
              <td>{e.description}</td>
              <td>{range(e.platformFrom, e.platformBefore)}</td>
              <td className="row-actions">
                {isInstalled(e) ? (
                  <span className="muted">Installed</span>
                ) : (
                  <GuardedButton type="button" className="secondary" disabled={busy || !offers.isSuccess} refusal={refusalOf(e)} onClick={() => install.mutate(e)} data-testid="install">
                    Install
                  </GuardedButton>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <form
        className="filters"
        onSubmit={(e) => {
          e.preventDefault();
          importing.mutate();
        }}
      >
        <label className="grow">
          Import an extension package (a signed .zip)
          <input value={path} onChange={(e) => setPath(e.target.value)} placeholder="/home/you/Downloads/project-export-2.1.zip" />
        </label>
        <button type="submit" className="secondary align-end" disabled={!path.trim() || importing.isPending}>
          Import
        </button>
      </form>
    </div>
  );
}
