import { useState } from "react";
import { GuardedButton, useAllowed } from "../people/allowed";
import { useQuery } from "@tanstack/react-query";
import { api } from "../api";
import { ErrorBanner } from "../shared/ErrorBanner";
import { KIND_LABELS } from "../shared/labels";
import { DesignerPanel } from "../designer/DesignerPanel";
import { RecordsPanel } from "../records/RecordsPanel";
import { ChangelogPanel } from "../changelog/ChangelogPanel";
import { ActivityPanel } from "./ActivityPanel";
import { IntegrationsPanel } from "./IntegrationsPanel";
import { ExtensionsPanel } from "./ExtensionsPanel";
import { ExportDialog } from "./ExportDialog";
import { PromotionsPanel } from "../promotion/PromotionsPanel";
import { UpgradePanel } from "../upgrade/UpgradePanel";

export type Tab = "designer" | "records" | "changelog" | "activity" | "integrations" | "extensions" | "upgrade" | "promotions";

const TABS: { id: Tab; label: string }[] = [
  { id: "designer", label: "Designer" },
  { id: "records", label: "Records" },
  { id: "changelog", label: "Changelog" },
  { id: "activity", label: "Activity" },
  { id: "integrations", label: "Integrations" },
  { id: "extensions", label: "Extensions" },
  { id: "upgrade", label: "Upgrade" },
  { id: "promotions", label: "Promotions" },
];

type Props = { environmentId: number; tab: Tab; onTab: (tab: Tab) => void; onBack: () => void };

// One environment: its definitions, its records, its changelog and who did what.
export function EnvironmentScreen({ environmentId, tab, onTab, onBack }: Props) {
  const may = useAllowed();
  const overview = useQuery({ queryKey: ["overview"], queryFn: api.overview });
  const [exporting, setExporting] = useState(false);
  if (overview.isError) return <ErrorBanner error={overview.error} />;
  if (!overview.data) return <div className="placeholder">Loading…</div>;
  const account = overview.data.find((a) => a.environments.some((e) => e.environment.id === environmentId));
  const row = account?.environments.find((e) => e.environment.id === environmentId);
  if (!account || !row) {
    return (
      <div className="page">
        <div className="banner banner-refusal" role="alert">
          <div>
            <strong>Not found</strong>
            <p>This environment no longer exists.</p>
          </div>
        </div>
        <button type="button" className="secondary align-start" onClick={onBack}>
          Back to environments
        </button>
      </div>
    );
  }
  const env = row.environment;
  return (
    <div className="page" data-testid="environment-screen" data-env-name={env.name}>
      <div className="screen-head">
        <button type="button" className="ghost" onClick={onBack} data-testid="back">
          ← Environments
        </button>
        <h1>{env.name}</h1>
        <span className={`kind kind-${env.kind}`}>{KIND_LABELS[env.kind]}</span>
        <span className="muted mono">{env.version}</span>
        <span className="muted">{account.account.name}</span>
        {row.runningImport && <span className="status status-busy">Importing {row.runningImport.fileName}…</span>}
        <GuardedButton type="button" className="secondary push-right" refusal={may.environment(env.id, "export")} onClick={() => setExporting(true)} data-testid="export-environment">
          Export to a file…
        </GuardedButton>
      </div>
      {exporting && <ExportDialog env={env} accountName={account.account.name} onClose={() => setExporting(false)} />}
      {env.kind === "production" && (
        <div className="banner banner-refusal" data-testid="production-warning">
          <div>
            <strong>This is production.</strong>
            <p>Changes here apply to live users at once; each one asks you to confirm. Prefer a sandbox and promote.</p>
          </div>
        </div>
      )}
      <div className="tabs" role="tablist">
        {TABS.filter((t) => t.id !== "promotions" || env.kind === "production").map((t) => (
          <button
            key={t.id}
            type="button"
            role="tab"
            aria-selected={tab === t.id}
            className={tab === t.id ? "tab active" : "tab"}
            onClick={() => onTab(t.id)}
            data-testid={`tab-${t.id}`}
          >
            {t.label}
          </button>
        ))}
      </div>
      {tab === "designer" && <DesignerPanel env={env} />}
      {tab === "records" && <RecordsPanel env={env} />}
      {tab === "changelog" && <ChangelogPanel env={env} account={account.account} />}
      {tab === "activity" && <ActivityPanel env={env} account={account.account} />}
      {tab === "promotions" && <PromotionsPanel env={env} account={account.account} />}
      {tab === "integrations" && <IntegrationsPanel env={env} onServer={account.server != null} />}
      {tab === "extensions" && <ExtensionsPanel env={env} account={account.account} />}
      {tab === "upgrade" && <UpgradePanel env={env} account={account.account} />}
    </div>
  );
}
