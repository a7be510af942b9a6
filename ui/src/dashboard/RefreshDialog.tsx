import { useState } from "react";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import type { CopyProgress, EnvironmentOverview } from "../bindings";
import { api, toAppError } from "../api";
import { useNotify } from "../feedback/Feedback";
import { formatCount } from "../format";
import { CopyProgressBar } from "../shared/CopyProgressBar";
import { ErrorBanner } from "../shared/ErrorBanner";
import { Modal } from "../shared/Modal";

type Props = { target: EnvironmentOverview; onClose: () => void; onNotice: (text: string) => void };

// Refresh overwrites everything in the target: say exactly what is lost
// (unpromoted changes and by whom, records) before anything happens, and
// say where the automatic backup is afterwards.
export function RefreshDialog({ target, onClose, onNotice }: Props) {
  const env = target.environment;
  const queryClient = useQueryClient();
  const preview = useQuery({ queryKey: ["refresh-preview", env.id], queryFn: () => api.refreshPreview(env.id), staleTime: 0 });
  const [progress, setProgress] = useState<CopyProgress | null>(null);
  const [stopping, setStopping] = useState(false);
  const notify = useNotify();
  const refresh = useMutation({
    mutationFn: () => {
      setProgress(null);
      return api.refreshEnvironment(env.id, setProgress);
    },
    onSettled: () => {
      setStopping(false);
      return queryClient.invalidateQueries();
    },
    onSuccess: () => {
      onClose();
      onNotice(`${env.name} was refreshed from production. Its previous state is in Backups (reason "Before refresh").`);
    },
    onError: (e) => {
      // Stopped on request: not a failure; the dialog says what was kept.
      if (toAppError(e).kind === "cancelled") {
        onClose();
        onNotice(toAppError(e).message);
      }
    },
  });
  const cancel = () => {
    setStopping(true);
    api.cancelCopy(env.id).catch((e) => {
      setStopping(false);
      notify(toAppError(e).message, { tone: "warning" });
    });
  };
  const lost = preview.data?.unpromoted ?? [];
  const lostCount = lost.reduce((n, a) => n + a.entries, 0);
  return (
    <Modal title={`Refresh ${env.name} from production`} onClose={onClose} busy={refresh.isPending}>
      <div className="form" data-testid="refresh-dialog">
        {preview.isError && <ErrorBanner error={preview.error} />}
        {refresh.isError && <ErrorBanner error={refresh.error} />}
        {preview.isPending && <p className="muted">Checking what a refresh would overwrite…</p>}
        {preview.data && (
          <div className="confirm" data-testid="refresh-warning">
            <strong>
              Everything in {preview.data.targetName} will be replaced by a copy of {preview.data.sourceName}.
            </strong>
            {lostCount === 0 ? (
              <p>It has no unpromoted changes.</p>
            ) : (
              <>
                <p>
                  {lostCount} unpromoted change{lostCount === 1 ? "" : "s"} will be lost:
                </p>
                <ul className="lost" data-testid="lost-changes">
                  {lost.map((a) => (
                    <li key={a.author}>
                      {a.entries} by {a.author}
                    </li>
                  ))}
                </ul>
              </>
            )}
            <p>
              Its {formatCount(preview.data.targetRecords)} records will be replaced by production's {formatCount(preview.data.sourceRecords)}.
            </p>
            <p className="hint">A backup of {preview.data.targetName} is taken first; you can restore it from Backups.</p>
          </div>
        )}
        {refresh.isPending && (
          <CopyProgressBar
            progress={progress}
            envName={env.name}
            copying={`Copying ${preview.data?.sourceName ?? "production"}`}
            onCancel={cancel}
            stopping={stopping}
          />
        )}
        <div className="actions">
          {!refresh.isPending && (
            <button type="button" className="secondary" onClick={onClose}>
              Cancel
            </button>
          )}
          <button
            type="button"
            className="danger"
            disabled={!preview.data || refresh.isPending}
            onClick={() => refresh.mutate()}
            data-testid="confirm-refresh"
          >
            {refresh.isPending ? "Refreshing…" : "Back up and refresh"}
          </button>
        </div>
      </div>
    </Modal>
  );
}
