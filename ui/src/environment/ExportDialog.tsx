import { useState } from "react";
import { useMutation } from "@tanstack/react-query";
import { save } from "@tauri-apps/plugin-dialog";
import { api, toAppError, type AppError } from "../api";
import type { Environment } from "../bindings";
import { ErrorBanner } from "../shared/ErrorBanner";
import { Modal } from "../shared/Modal";

type Props = { env: Environment; accountName: string; onClose: () => void };

// Writing an environment to a standalone SQLite file: its apps, tables,
// fields, views and records, readable in any SQLite tool, and chosen again
// as a new account's production ("From a SQLite database") it comes back
// exactly. The environment stays online meanwhile.
export function ExportDialog({ env, accountName, onClose }: Props) {
  const [path, setPath] = useState("");
  const [error, setError] = useState<AppError | null>(null);
  const exportIt = useMutation({ mutationFn: () => api.exportEnvironment(env.id, path.trim()) });
  const suggested = `${accountName} ${env.name}.sqlite`.replace(/[\\/:*?"<>|]/g, "-");
  const browse = async () => {
    try {
      const chosen = await save({ defaultPath: suggested, filters: [{ name: "SQLite database", extensions: ["sqlite"] }] });
      if (typeof chosen === "string") setPath(chosen);
    } catch (e) {
      setError(toAppError(e));
    }
  };
  return (
    <Modal title={`Export ${env.name} to a file`} onClose={onClose} busy={exportIt.isPending}>
      <form
        className="form"
        data-testid="export-dialog"
        onSubmit={(e) => {
          e.preventDefault();
          exportIt.mutate();
        }}
      >
        <p className="muted">
          A standalone SQLite file with {env.name}'s apps, tables, fields, views and records (not its changelog or backups),
          for archiving or handing to a colleague. Any SQLite tool opens it; in Cutover, a new account's production can be made
          from it exactly. An existing file of that name is replaced.
        </p>
        <div className="file-row">
          <label>
            File
            <input value={path} onChange={(e) => setPath(e.target.value)} placeholder={`/home/you/${suggested}`} disabled={exportIt.isPending} data-testid="export-path" />
          </label>
          <button type="button" className="secondary" onClick={browse} disabled={exportIt.isPending}>
            Browse…
          </button>
        </div>
        {exportIt.isPending && <p className="hint" role="status">Writing {env.name}…</p>}
        {exportIt.isSuccess && (
          <p className="hint" role="status" data-testid="export-done">
            Exported {env.name} to {path.trim()}.
          </p>
        )}
        {exportIt.isError && <ErrorBanner error={exportIt.error} />}
        {error && <ErrorBanner error={error} onDismiss={() => setError(null)} />}
        <div className="actions">
          <button type="button" className="secondary" onClick={onClose} disabled={exportIt.isPending} data-testid="export-close">
            Close
          </button>
          <button type="submit" className="primary" disabled={!path.trim() || exportIt.isPending} data-testid="export-submit">
            {exportIt.isPending ? "Exporting…" : "Export"}
          </button>
        </div>
      </form>
    </Modal>
  );
}
