import { useState, type FormEvent } from "react";
import { TimeZoneInput } from "../shared/TimeZoneInput";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { api } from "../api";
import type { Account, AccountServer } from "../bindings";
import { ErrorBanner } from "../shared/ErrorBanner";
import { Modal } from "../shared/Modal";

type Props = {
  account: Account;
  // Where its environments live; null on this computer.
  server: AccountServer | null;
  onClose: () => void;
  onNotice: (text: string) => void;
  // Opens the move of its environments to another place.
  onMove: () => void;
};

// An account's name, platform name and time zone, and where its
// environments live. Trusted keys are kept in Releases and business days,
// holidays and windows in Calendar.
export function EditAccountDialog({ account, server, onClose, onNotice, onMove }: Props) {
  const [name, setName] = useState(account.name);
  const [platform, setPlatform] = useState(account.platform);
  const [timeZone, setTimeZone] = useState(account.timeZone);
  const queryClient = useQueryClient();
  const save = useMutation({
    mutationFn: () => api.editAccount(account.id, { name, platform, timeZone }),
    onSuccess: async () => {
      await queryClient.invalidateQueries();
      onClose();
      onNotice(`Saved ${name.trim()}.`);
    },
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    save.mutate();
  };
  return (
    <Modal title={`Edit ${account.name}`} onClose={onClose} busy={save.isPending}>
      <form onSubmit={submit} className="form" data-testid="edit-account-form">
        <label>
          Account name
          <input autoFocus value={name} onChange={(e) => setName(e.target.value)} maxLength={200} data-testid="edit-account-name" />
        </label>
        <label>
          Platform
          <input value={platform} onChange={(e) => setPlatform(e.target.value)} maxLength={200} data-testid="edit-account-platform" />
        </label>
        <p className="hint">The platform's name as the vendor's packages give it; once a release is imported it must stay that name.</p>
        <label>
          Time zone
          <TimeZoneInput value={timeZone} onChange={setTimeZone} testid="edit-account-time-zone" />
        </label>
        <p className="hint">
          Scheduled upgrades, backups and reminders keep their moment and are shown in the new zone; maintenance windows and
          business days are read in it. The vendor's keys are under Releases; business days, holidays and windows under Calendar.
        </p>
        <div className="place-row" data-testid="edit-account-place">
          <span>
            Environments live <strong>{server ? `on the PostgreSQL server ${server.address}` : "on this computer"}</strong>.
          </span>
          <button type="button" className="secondary" onClick={onMove} disabled={save.isPending} data-testid="move-environments">
            Move environments…
          </button>
        </div>
        {save.isError && <ErrorBanner error={save.error} />}
        <div className="actions">
          <button type="button" className="secondary" onClick={onClose} disabled={save.isPending}>
            Cancel
          </button>
          <button type="submit" className="primary" disabled={save.isPending} data-testid="edit-account-submit">
            {save.isPending ? "Saving…" : "Save"}
          </button>
        </div>
      </form>
    </Modal>
  );
}
