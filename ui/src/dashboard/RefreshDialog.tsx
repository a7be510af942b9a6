import { useState } from "react";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import type { CopyProgress, EnvironmentOverview } from "../bindings";
import { api } from "../api";
import { formatCount } from "../format";
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
  const refresh = useMutation({
    mutationFn: () => api.refreshEnvironment(env.id, setProgress),
    onSettled: () => queryClient.invalidateQueries(),
    onSuccess: () => {
      onClose();
      onNotice(`${env.name} was refreshed from production. Its previous state is in Backups (reason "Before refresh").`);
    },
  });
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
          <div className="progress" role="status">
            <span>{progress ? "Copying…" : "Backing up, then copying…"}</span>
            {progress && <progress max={progress.totalPages} value={progress.donePages} />}
          </div>
        )}
        <div className="actions">
          <button type="button" className="secondary" onClick={onClose} disabled={refresh.isPending}>
            Cancel
          </button>
          <button
            type="button"
            className="danger"
            disabled={!preview.data || refresh.isPending}
            onClick={() => refresh.mutate()}
            data-testid="confirm-refresh"
          >
            Back up and refresh
          </button>
        </div>
      </div>
    </Modal>
  );
}
