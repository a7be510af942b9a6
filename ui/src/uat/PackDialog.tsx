import { useState } from "react";
import { useMutation } from "@tanstack/react-query";
import { open } from "@tauri-apps/plugin-dialog";
import { api, toAppError, type AppError } from "../api";
import { Modal } from "../shared/Modal";
import { ErrorBanner } from "../shared/ErrorBanner";

// Writes the cycle's evidence pack (report, evidence, SHA256SUMS) into a
// new folder, and says whether the logs' hash chains held.
export function PackDialog({ cycleId, onClose }: { cycleId: number; onClose: () => void }) {
  const [folder, setFolder] = useState("");
  const [error, setError] = useState<AppError | null>(null);
  const exporting = useMutation({ mutationFn: () => api.exportUatPack(cycleId, folder.trim()) });
  const browse = async () => {
    try {
      const chosen = await open({ directory: true, multiple: false });
      if (typeof chosen === "string") setFolder(chosen);
    } catch (e) {
      setError(toAppError(e));
    }
  };
  const done = exporting.data;
  return (
    <Modal title="Export the evidence pack" onClose={onClose} busy={exporting.isPending}>
      <form
        className="form"
        data-testid="pack-dialog"
        onSubmit={(e) => {
          e.preventDefault();
          exporting.mutate();
        }}
      >
        <p className="muted">
          One offline HTML report (plan, results and testers, evidence with checksums, issues and decisions, check-ins, sign-off, production's run), the evidence files, and SHA256SUMS so a change board can check nothing was altered
          afterwards.
        </p>
        <div className="file-row">
          <label className="grow">
            Folder to write it in
            <input value={folder} onChange={(e) => setFolder(e.target.value)} placeholder="/home/you/Documents" data-testid="pack-folder" />
          </label>
          <button type="button" className="secondary" onClick={browse}>
            Browse…
          </button>
        </div>
        {exporting.isError && <ErrorBanner error={exporting.error} onDismiss={() => exporting.reset()} />}
        {error && <ErrorBanner error={error} onDismiss={() => setError(null)} />}
        {done && (
          <div className="notice" role="status" data-testid="pack-done">
            Wrote {done.files} files to {done.folder}.
          </div>
        )}
        {done && done.chainProblems.length > 0 && (
          <div className="banner banner-fault" role="alert" data-testid="pack-chain">
            <div>
              <strong>The record was altered</strong>
              {done.chainProblems.map((p) => (
                <p key={p}>{p}</p>
              ))}
              <p>The report says so too.</p>
            </div>
          </div>
        )}
        <div className="actions">
          <button type="button" className="secondary" onClick={onClose} disabled={exporting.isPending}>
            Close
          </button>
          <button type="submit" className="primary" disabled={!folder.trim() || exporting.isPending} data-testid="export-pack">
            {exporting.isPending ? "Writing…" : "Export"}
          </button>
        </div>
      </form>
    </Modal>
  );
}
