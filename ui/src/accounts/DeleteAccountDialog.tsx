import { useState, type FormEvent } from "react";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { api } from "../api";
import type { Account, CopyProgress } from "../bindings";
import { formatCount } from "../format";
import { ErrorBanner } from "../shared/ErrorBanner";
import { KIND_LABELS } from "../shared/labels";
import { Modal } from "../shared/Modal";

type Props = { account: Account; onClose: () => void; onNotice: (text: string) => void };

// Deleting an account lists what goes, asks for its name, and says what is
// kept: production is backed up first, and the environments' data and
// backups stay in Storage for the retention, restorable while there.
export function DeleteAccountDialog({ account, onClose, onNotice }: Props) {
  const [typed, setTyped] = useState("");
  const [progress, setProgress] = useState<CopyProgress | null>(null);
  const what = useQuery({ queryKey: ["account-deletion", account.id], queryFn: () => api.accountDeletion(account.id), staleTime: 0 });
  const queryClient = useQueryClient();
  const remove = useMutation({
    mutationFn: () => api.deleteAccount(account.id, typed, setProgress),
    onSuccess: async () => {
      await queryClient.invalidateQueries();
      onClose();
      onNotice(`Deleted ${account.name}. Its production was backed up first; its data and backups are kept in Storage for the retention.`);
    },
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    remove.mutate();
  };
  return (
    <Modal title={`Delete the account ${account.name}?`} onClose={onClose} busy={remove.isPending}>
      <form onSubmit={submit} className="form" data-testid="delete-account-dialog">
        {what.isError && <ErrorBanner error={what.error} />}
        {what.data && (
          <>
            <p>This takes away, from this computer's Cutover:</p>
            <ul className="checklist" data-testid="delete-account-list">
              {what.data.environments.map(([name, kind, records]) => (
                <li key={name}>
                  {name} ({KIND_LABELS[kind]}), {formatCount(records)} records
                </li>
              ))}
              <li>{formatCount(what.data.backups)} backups, {formatCount(what.data.releases)} imported releases, the calendar, scheduled upgrades, reminders and promotion history</li>
            </ul>
            <p className="hint">
              A verified backup of production is taken first. The environments' data files and all their backups are kept in
              Storage (on the dashboard) for the retention you set there, so a mistaken deletion can still be undone.
            </p>
          </>
        )}
        <label>
          <span>
            Type <code>{account.name}</code> to confirm
          </span>
          <input autoFocus value={typed} onChange={(e) => setTyped(e.target.value)} disabled={remove.isPending} data-testid="delete-account-name" />
        </label>
        {remove.isPending && (
          <div className="progress" role="status">
            <span>Backing up production…</span>
            <progress max={progress?.totalPages || 1} value={progress?.donePages ?? 0} />
          </div>
        )}
        {remove.isError && <ErrorBanner error={remove.error} />}
        <div className="actions">
          <button type="button" className="secondary" onClick={onClose} disabled={remove.isPending}>
            Cancel
          </button>
          <button type="submit" className="danger" disabled={typed.trim() !== account.name || remove.isPending || !what.data} data-testid="delete-account-submit">
            {remove.isPending ? "Deleting…" : "Delete account"}
          </button>
        </div>
      </form>
    </Modal>
  );
}
