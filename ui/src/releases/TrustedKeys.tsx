import { useState } from "react";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import type { Catalog } from "../bindings";
import { api } from "../api";
import { formatInstant } from "../format";
import { ErrorBanner } from "../shared/ErrorBanner";

// The vendor keys whose signatures this account accepts on packages.
export function TrustedKeys({ catalog, timeZone }: { catalog: Catalog; timeZone: string }) {
  const queryClient = useQueryClient();
  const [name, setName] = useState("");
  const [key, setKey] = useState("");
  const refresh = () => queryClient.invalidateQueries({ queryKey: ["catalog"] });
  const add = useMutation({ mutationFn: () => api.trustKey(catalog.accountId, name, key), onSuccess: () => (setName(""), setKey(""), refresh()) });
  const remove = useMutation({ mutationFn: (id: number) => api.distrustKey(catalog.accountId, id), onSuccess: refresh });
  return (
    <div className="stack" data-testid="trusted-keys">
      <p className="hint">Cutover imports a package only when it is signed by one of these keys. Add a key only when it comes from your vendor through a channel you trust.</p>
      {add.isError && <ErrorBanner error={add.error} onDismiss={() => add.reset()} />}
      {remove.isError && <ErrorBanner error={remove.error} onDismiss={() => remove.reset()} />}
      <table className="grid">
        <thead>
          <tr>
            <th>Name</th>
            <th>Fingerprint</th>
            <th>Added</th>
            <th aria-label="Actions" />
          </tr>
        </thead>
        <tbody>
          {catalog.trustedKeys.map((k) => (
            <tr key={k.id} data-testid="trusted-key">
              <td className="strong">{k.name}</td>
              <td>
                <code title={k.publicKey}>{k.fingerprint}</code>
              </td>
              <td className="muted">
                {formatInstant(k.addedAt, timeZone)} by {k.addedBy}
              </td>
              <td className="row-actions">
                <button type="button" className="ghost" disabled={remove.isPending} onClick={() => remove.mutate(k.id)}>
                  Remove
                </button>
              </td>
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
          Name
          <input value={name} onChange={(e) => setName(e.target.value)} placeholder="e.g. Northwind release signing" />
        </label>
        <label className="grow">
          Public key (base64)
          <input value={key} onChange={(e) => setKey(e.target.value)} placeholder="44 characters ending in =" />
        </label>
        <button type="submit" className="secondary align-end" disabled={add.isPending}>
          Trust key
        </button>
      </form>
    </div>
  );
}
