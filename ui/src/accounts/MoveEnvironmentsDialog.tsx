import { useState, type FormEvent } from "react";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { api } from "../api";
import { counted } from "../format";
import type { Account, AccountServer, MoveProgress, MoveReport, ServerChoice } from "../bindings";
import { ErrorBanner } from "../shared/ErrorBanner";
import { Modal } from "../shared/Modal";
import { EMPTY_SERVER, NewAccountServer } from "./NewAccountServer";

type Props = {
  account: Account;
  server: AccountServer | null;
  // The account's first environment (production): cancelling its copy job
  // stops the move.
  stopVia: number | null;
  onClose: () => void;
  onNotice: (text: string) => void;
};

const NO_PROBLEM = { attrs: {}, note: null };

export function progressText(p: MoveProgress | null): string {
  if (!p) return "Checking the new place…";
  const records = p.records > 0 ? ` — ${counted(p.records, "record", "records")}` : "";
  return `Copying ${p.what} (${p.step} of ${p.steps})${records}`;
}

export function reportText(r: MoveReport): string {
  const envs = counted(r.environments, "environment", "environments");
  const backups = counted(r.backups, "backup", "backups");
  return `Moved ${envs} and ${backups} to ${r.nowOn}.${r.leftBehind.length > 0 ? ` ${r.leftBehind.join(" ")}` : ""}`;
}

// Moves every environment of an account, with its backups, to the other
// place: this computer or a PostgreSQL server. Cutover copies and checks
// everything at the new place before it switches the account, so a failure
// or a stop leaves the account where it was.
export function MoveEnvironmentsDialog({ account, server, stopVia, onClose, onNotice }: Props) {
  // The other place is the likely choice.
  const [to, setTo] = useState<ServerChoice | null>(server ? null : EMPTY_SERVER);
  const [progress, setProgress] = useState<MoveProgress | null>(null);
  const [stopping, setStopping] = useState(false);
  const [stopError, setStopError] = useState<unknown>(null);
  const queryClient = useQueryClient();
  const move = useMutation({
    mutationFn: () => api.moveAccountEnvironments(account.id, to, setProgress),
    onSuccess: async (report) => {
      await queryClient.invalidateQueries();
      onClose();
      onNotice(reportText(report));
    },
    onSettled: () => {
      setProgress(null);
      setStopping(false);
    },
  });
  const here = server ? `on the PostgreSQL server ${server.address}` : "on this computer";
  const submit = (e: FormEvent) => {
    e.preventDefault();
    move.mutate();
  };
  const change = (next: ServerChoice | null) => {
    move.reset();
    setTo(next);
  };
  const same = to === null && server === null;
  const stop = async () => {
    if (stopVia === null) return;
    setStopping(true);
    setStopError(null);
    try {
      await api.cancelCopy(stopVia);
    } catch (e) {
      setStopping(false);
      setStopError(e);
    }
  };
  return (
    <Modal title={`Move ${account.name}'s environments`} onClose={onClose} busy={move.isPending} wide>
      <form onSubmit={submit} className="form" data-testid="move-environments-form">
        <p className="hint" data-testid="move-now">
          They are {here} now. Cutover copies every environment and every backup to the new place and checks them there; only then does the
          account switch. The copies at the old place are kept aside there, not deleted: on this computer under Storage, on a server as
          schemas named retired_… that its administrator can drop.
        </p>
        <NewAccountServer value={to} onChange={change} disabled={move.isPending} problem={NO_PROBLEM} />
        <p className="hint">
          While it runs, nothing of this account can be changed. If another application writes to an environment meanwhile, the move stops and
          nothing changes: pause it and move again. Extensions must be uninstalled first; their scripts are written for one database engine.
        </p>
        {move.isPending && (
          <div className="progress" role="status" data-testid="move-progress">
            <progress max={progress?.steps ?? 1} value={progress ? progress.step - 1 : 0} aria-label="Moved so far" />
            <span>{progressText(progress)}</span>
            {stopVia !== null && (
              <button type="button" className="secondary" disabled={stopping} onClick={() => void stop()} data-testid="cancel-move">
                {stopping ? "Stopping…" : "Stop"}
              </button>
            )}
          </div>
        )}
        {stopError !== null && <ErrorBanner error={stopError} onDismiss={() => setStopError(null)} />}
        {move.isError && <ErrorBanner error={move.error} />}
        <div className="actions">
          <button type="button" className="secondary" onClick={onClose} disabled={move.isPending}>
            Cancel
          </button>
          <button type="submit" className="primary" disabled={move.isPending || same || (to !== null && !to.url.trim())} data-testid="move-submit">
            {move.isPending ? "Moving…" : "Move environments"}
          </button>
        </div>
      </form>
    </Modal>
  );
}
