import { useState, type FormEvent } from "react";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import type { EnvironmentOverview } from "../bindings";
import { api } from "../api";
import { ErrorBanner } from "../shared/ErrorBanner";
import { Modal } from "../shared/Modal";
import { KIND_LABELS } from "../shared/labels";
import { formatRecords } from "../format";

type Props = {
  target: EnvironmentOverview;
  /** The account keeps its environments on a PostgreSQL server. */
  onServer: boolean;
  onClose: () => void;
  onDeleted: (name: string) => void;
};

// Deleting asks the user to type the environment's name, so that a slip of
// the mouse cannot take an environment out of service.
export function DeleteEnvironmentDialog({ target, onServer, onClose, onDeleted }: Props) {
  const env = target.environment;
  const [typed, setTyped] = useState("");
  const queryClient = useQueryClient();
  const remove = useMutation({
    mutationFn: () => api.deleteEnvironment(env.id),
    onSuccess: async () => {
      await queryClient.invalidateQueries({ queryKey: ["overview"] });
      onDeleted(env.name);
    },
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    remove.mutate();
  };
  return (
    <Modal title={`Delete ${env.name}?`} onClose={onClose} busy={remove.isPending}>
      <form onSubmit={submit} className="form">
        <p>
          <strong>{env.name}</strong> ({KIND_LABELS[env.kind]}) holds {formatRecords(target.recordCount, target.recordCountEstimated)} records. Deleting takes it out
          of service;{" "}
          {onServer
            ? "its schema is kept aside on the server (renamed, not dropped), and the database roles of its paused integrations get their login and rights back first."
            : "its data file is moved to the retired folder of Cutover's data directory, not erased."}
        </p>
        <label>
          <span>
            Type <code>{env.name}</code> to confirm
          </span>
          <input autoFocus value={typed} onChange={(e) => setTyped(e.target.value)} data-testid="delete-confirm-name" />
        </label>
        {remove.isError && <ErrorBanner error={remove.error} />}
        <div className="actions">
          <button type="button" className="secondary" onClick={onClose} disabled={remove.isPending}>
            {remove.isError ? "Close" : "Cancel"}
          </button>
          <button type="submit" className="danger" disabled={typed.trim() !== env.name || remove.isPending} data-testid="delete-confirm-submit">
            {remove.isPending ? "Deleting…" : "Delete environment"}
          </button>
        </div>
      </form>
    </Modal>
  );
}
