import { useState } from "react";
import { useQuery } from "@tanstack/react-query";
import { api } from "../api";
import { ErrorBanner } from "../shared/ErrorBanner";
import { ReleaseCatalog } from "./ReleaseCatalog";
import { ReleaseReader } from "./ReleaseReader";
import { NotesSearch } from "./NotesSearch";
import { WhatChanges } from "./WhatChanges";
import { TrustedKeys } from "./TrustedKeys";

type Tab = "catalog" | "search" | "changes" | "keys";
const TABS: [Tab, string][] = [
  ["catalog", "Catalog"],
  ["search", "Search notes"],
  ["changes", "What changes for me"],
  ["keys", "Trusted keys"],
];

// The Releases screen of one account: everything works offline, from the
// packages imported into Cutover's own database.
export function ReleasesScreen({ initialAccount, initialRelease }: { initialAccount?: number; initialRelease?: number }) {
  const overview = useQuery({ queryKey: ["overview"], queryFn: api.overview });
  const accounts = overview.data?.map((o) => o.account) ?? [];
  const [accountId, setAccountId] = useState<number | null>(initialAccount ?? null);
  const [tab, setTab] = useState<Tab>("catalog");
  const [reading, setReading] = useState<number | null>(initialRelease ?? null);
  const account = accounts.find((a) => a.id === accountId) ?? accounts[0];
  const catalog = useQuery({ queryKey: ["catalog", account?.id], queryFn: () => api.releaseCatalog(account?.id ?? 0), enabled: account !== undefined });
  const openRelease = (id: number) => {
    setReading(id);
    setTab("catalog");
  };
  return (
    <div className="page" data-testid="releases-screen">
      <div className="screen-head">
        <h2>Releases</h2>
        {accounts.length > 1 && (
          <select value={account?.id} onChange={(e) => (setAccountId(Number(e.target.value)), setReading(null))} aria-label="Account">
            {accounts.map((a) => (
              <option key={a.id} value={a.id}>
                {a.name}
              </option>
            ))}
          </select>
        )}
        {account && (
          <span className="muted">
            {account.name} · {account.platform}
          </span>
        )}
      </div>
      {overview.isError && <ErrorBanner error={overview.error} />}
      {catalog.isError && <ErrorBanner error={catalog.error} />}
      <div className="tabs" role="tablist">
        {TABS.map(([t, label]) => (
          <button key={t} type="button" role="tab" aria-selected={tab === t} className={`tab ${tab === t ? "active" : ""}`} onClick={() => (setTab(t), setReading(null))} data-testid={`releases-tab-${t}`}>
            {label}
          </button>
        ))}
      </div>
      {account && catalog.data && (
        <>
          {tab === "catalog" &&
            (reading !== null ? (
              <ReleaseReader releaseId={reading} timeZone={account.timeZone} onBack={() => setReading(null)} />
            ) : (
              <ReleaseCatalog catalog={catalog.data} timeZone={account.timeZone} onOpen={openRelease} />
            ))}
          {tab === "search" && <NotesSearch accountId={account.id} onOpen={openRelease} />}
          {tab === "changes" && <WhatChanges catalog={catalog.data} timeZone={account.timeZone} />}
          {tab === "keys" && <TrustedKeys catalog={catalog.data} timeZone={account.timeZone} />}
        </>
      )}
    </div>
  );
}
