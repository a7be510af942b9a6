import { useState, type FormEvent } from "react";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import type { AccountOverview, CopyProgress, Environment, EnvironmentKind } from "../bindings";
import { api, toAppError } from "../api";
import { useNotify } from "../feedback/Feedback";
import { CopyProgressBar } from "../shared/CopyProgressBar";
import { ErrorBanner } from "../shared/ErrorBanner";
import { Modal } from "../shared/Modal";
import { CREATABLE_KINDS, KIND_LABELS } from "../shared/labels";
import { counted, formatRecords } from "../format";

type Props = { account: AccountOverview; onClose: () => void; onCreated: (env: Environment) => void };

export function CreateEnvironmentDialog({ account, onClose, onCreated }: Props) {
  const production = account.environments.find((e) => e.environment.kind === "production");
  const [name, setName] = useState("");
  const [kind, setKind] = useState<EnvironmentKind>("sandbox");
  const [sourceId, setSourceId] = useState<number>(production?.environment.id ?? account.environments[0]?.environment.id ?? 0);
  const queryClient = useQueryClient();
  const notify = useNotify();
  const [progress, setProgress] = useState<CopyProgress | null>(null);
  const [stopping, setStopping] = useState(false);
  const create = useMutation({
    mutationFn: () => {
      setProgress(null);
      return api.createEnvironment({ sourceId, name, kind }, setProgress);
    },
    onSettled: () => setStopping(false),
    onSuccess: async (env) => {
      await queryClient.invalidateQueries({ queryKey: ["overview"] });
      onCreated(env);
    },
    onError: (e) => {
      // Stopped on request: nothing was made; say so calmly and stay.
      if (toAppError(e).kind === "cancelled") {
        create.reset();
        notify(toAppError(e).message, { tone: "info" });
      }
    },
  });
  const cancel = () => {
    setStopping(true);
    api.cancelCopy(sourceId).catch((e) => {
      setStopping(false);
      notify(toAppError(e).message, { tone: "warning" });
    });
  };
  const source = account.environments.find((e) => e.environment.id === sourceId);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    create.mutate();
  };
  return (
    <Modal title="New environment" onClose={onClose} busy={create.isPending}>
      <form onSubmit={submit} className="form">
        <p className="muted">
          A consistent copy of the source's definitions and records, taken while it stays online. Nothing in the source changes.
        </p>
        <label>
          Name
          <input autoFocus name="name" value={name} onChange={(e) => setName(e.target.value)} placeholder="e.g. HR sandbox" maxLength={80} data-testid="new-env-name" />
        </label>
        <label>
          Kind
          <select name="kind" value={kind} onChange={(e) => setKind(e.target.value as EnvironmentKind)} data-testid="new-env-kind">
            {CREATABLE_KINDS.map((k) => (
              <option key={k} value={k}>
                {KIND_LABELS[k]}
              </option>
            ))}
          </select>
        </label>
        <label>
          Copy from
          <select name="source" value={sourceId} onChange={(e) => setSourceId(Number(e.target.value))} data-testid="new-env-source">
            {account.environments.map(({ environment: env }) => (
              <option key={env.id} value={env.id}>
                {env.name} ({KIND_LABELS[env.kind]})
              </option>
            ))}
          </select>
        </label>
        {source && (
          <p className="hint">
            Copies {formatRecords(source.recordCount, source.recordCountEstimated)} records in {counted(source.tableCount, "table", "tables")} at version {source.environment.version}.
          </p>
        )}
        {create.isPending && (
          <CopyProgressBar progress={progress} envName={name} copying={`Copying ${source?.environment.name ?? "the source"}`} onCancel={cancel} stopping={stopping} />
        )}
        {create.isError && <ErrorBanner error={create.error} />}
        <div className="actions">
          {!create.isPending && (
            <button type="button" className="secondary" onClick={onClose}>
              Cancel
            </button>
          )}
          <button type="submit" className="primary" disabled={create.isPending} data-testid="create-env-submit">
            {create.isPending ? "Copying…" : "Create"}
          </button>
        </div>
      </form>
    </Modal>
  );
}
