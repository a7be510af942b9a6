import { useEffect, useState } from "react";
import type { AccountOverview, EnvironmentOverview } from "../bindings";
import { CreateEnvironmentDialog } from "./CreateEnvironmentDialog";
import { BackupsDialog } from "../backups/BackupsDialog";
import { DeleteEnvironmentDialog } from "./DeleteEnvironmentDialog";
import { EnvironmentTable } from "./EnvironmentTable";
import { RefreshDialog } from "./RefreshDialog";
import { PromoteDialog } from "../promotion/PromoteDialog";
import { DeleteAccountDialog } from "../accounts/DeleteAccountDialog";
import { EditAccountDialog } from "../accounts/EditAccountDialog";
import { MoveEnvironmentsDialog } from "../accounts/MoveEnvironmentsDialog";
import { AccountServerStrip } from "../accounts/AccountServerStrip";
import type { Open } from "../App";
import { UatSummary } from "../uat/UatSummary";
import { GuardedButton, useAllowed } from "../people/allowed";

type Props = {
  overview: AccountOverview;
  onNotice: (text: string) => void;
  onOpen: Open;
  onOpenUat?: (cycleId: number) => void;
  // An environment whose Backups to open (from "what needs you"), and how
  // to say it was opened.
  backupsOf?: number | null;
  onBackupsShown?: () => void;
};

export function AccountSection({ overview, onNotice, onOpen, onOpenUat, backupsOf, onBackupsShown }: Props) {
  const { account, environments } = overview;
  const [creating, setCreating] = useState(false);
  const [deletingAccount, setDeletingAccount] = useState(false);
  const [editing, setEditing] = useState(false);
  const [moving, setMoving] = useState(false);
  const [deleting, setDeleting] = useState<EnvironmentOverview | null>(null);
  const [backingUp, setBackingUp] = useState<EnvironmentOverview | null>(null);
  useEffect(() => {
    const asked = overview.environments.find((e) => e.environment.id === backupsOf);
    if (asked) {
      setBackingUp(asked);
      onBackupsShown?.();
    }
    // Only a new request opens it; the overview refreshing must not.
  }, [backupsOf]);
  const [refreshing, setRefreshing] = useState<EnvironmentOverview | null>(null);
  const [promoting, setPromoting] = useState<EnvironmentOverview | null>(null);
  const production = environments.find((e) => e.environment.kind === "production");
  const may = useAllowed();
  return (
    <section className="account actions-room" data-testid="account" aria-label={account.name}>
      <header className="account-head">
        <div>
          <h2>
            {account.name}
            {account.isDemo && (
              <span className="badge demo" title="Made on first start with generated data, so you can try Cutover safely.">
                Demo account
              </span>
            )}
          </h2>
          <p className="sub">
            {account.platform} · {production ? `version ${production.environment.version}` : "no production"} · time zone {account.timeZone} ·{" "}
            {environments.length} {environments.length === 1 ? "environment" : "environments"}
          </p>
        </div>
        <div className="head-actions">
          <GuardedButton type="button" className="ghost" refusal={may.account(account.id, "edit")} onClick={() => setEditing(true)} data-testid="edit-account">
            Edit account…
          </GuardedButton>
          <GuardedButton type="button" className="ghost danger-text" refusal={may.account(account.id, "delete")} onClick={() => setDeletingAccount(true)} data-testid="delete-account">
            Delete account…
          </GuardedButton>
          <button type="button" className="primary" onClick={() => setCreating(true)} data-testid="new-env">
            New sandbox
          </button>
        </div>
      </header>
      {overview.server && <AccountServerStrip accountId={account.id} server={overview.server} />}
      <UatSummary accountId={account.id} onOpen={onOpenUat} />
      {editing && (
        <EditAccountDialog
          account={account}
          server={overview.server}
          onClose={() => setEditing(false)}
          onNotice={onNotice}
          onMove={() => {
            setEditing(false);
            setMoving(true);
          }}
        />
      )}
      {moving && (
        <MoveEnvironmentsDialog
          account={account}
          server={overview.server}
          stopVia={environments[0]?.environment.id ?? null}
          onClose={() => setMoving(false)}
          onNotice={onNotice}
        />
      )}
      {deletingAccount && <DeleteAccountDialog account={account} onClose={() => setDeletingAccount(false)} onNotice={onNotice} />}
      <EnvironmentTable
        account={account}
        locked={overview.server !== null && !overview.server.unlocked}
        environments={environments}
        onDelete={setDeleting}
        onBackups={setBackingUp}
        onRefresh={setRefreshing}
        onPromote={setPromoting}
        onOpen={onOpen}
      />
      {promoting && <PromoteDialog sandbox={promoting} onClose={() => setPromoting(null)} onNotice={onNotice} />}
      {refreshing && <RefreshDialog target={refreshing} onClose={() => setRefreshing(null)} onNotice={onNotice} />}
      {backingUp && <BackupsDialog account={account} target={backingUp} onClose={() => setBackingUp(null)} />}
      {creating && (
        <CreateEnvironmentDialog
          account={overview}
          onClose={() => setCreating(false)}
          onCreated={(env) => {
            setCreating(false);
            onNotice(`${env.name} was created as a copy.`);
          }}
        />
      )}
      {deleting && (
        <DeleteEnvironmentDialog
          target={deleting}
          onServer={overview.server !== null}
          onClose={() => setDeleting(null)}
          onDeleted={(name) => {
            setDeleting(null);
            onNotice(
              overview.server
                ? `${name} was deleted; its data is kept aside on the server.`
                : `${name} was deleted; its data file is kept in the retired folder.`,
            );
          }}
        />
      )}
    </section>
  );
}
