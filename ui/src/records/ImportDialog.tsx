import { useState } from "react";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { open, save } from "@tauri-apps/plugin-dialog";
import type { CsvPreview, Environment, ImportJob, ImportProgress, ImportReport, RejectedRow, TableDef } from "../bindings";
import { api, toAppError } from "../api";
import { counted, formatCount } from "../format";
import { useNotify } from "../feedback/Feedback";
import { ErrorBanner } from "../shared/ErrorBanner";
import { Modal } from "../shared/Modal";

type Props = { env: Environment; table: TableDef; onClose: () => void };

const OUTCOMES: Record<ImportReport["outcome"], string> = {
  committed: "Import finished",
  cancelled: "Import cancelled",
  failed: "Import failed",
};

// CSV import: pick a file, map its columns to fields, run it in the
// background with progress and a cancel button, then show what was
// rejected and why. All accepted rows commit together, or none.
export function ImportDialog({ env, table, onClose }: Props) {
  const queryClient = useQueryClient();
  const [path, setPath] = useState("");
  const [preview, setPreview] = useState<CsvPreview | null>(null);
  const [mapping, setMapping] = useState<(number | null)[]>([]);
  const [job, setJob] = useState<ImportJob | null>(null);
  const [progress, setProgress] = useState<ImportProgress | null>(null);
  // Where the rejected rows go, to correct and import again.
  const [rejectedTo, setRejectedTo] = useState("");
  const notify = useNotify();
  const [report, setReport] = useState<ImportReport | null>(null);
  const [error, setError] = useState<unknown>(null);
  const refresh = () =>
    Promise.all(["records", "overview"].map((k) => queryClient.invalidateQueries({ queryKey: k === "overview" ? [k] : [k, env.id] })));
  const load = useMutation({
    mutationFn: () => api.previewCsv(env.id, table.id, path),
    onSuccess: (p) => {
      setPreview(p);
      setMapping(p.suggested);
    },
  });
  const start = useMutation({
    mutationFn: () =>
      api.startImport(env.id, table.id, path, mapping, (event) => {
        if (event.event === "progress") setProgress(event);
        else {
          setReport(event);
          setJob(null);
          void refresh();
        }
      }),
    onSuccess: (j) => {
      setJob(j);
      void refresh();
    },
  });
  const cancel = useMutation({ mutationFn: () => api.cancelImport(job?.id ?? 0), onError: setError });
  const browse = async () => {
    try {
      const chosen = await open({ multiple: false, directory: false, filters: [{ name: "CSV", extensions: ["csv", "txt"] }] });
      if (typeof chosen === "string") setPath(chosen);
    } catch (e) {
      setError(toAppError(e));
    }
  };
  const running = job !== null && report === null;
  return (
    <Modal title={`Import CSV into ${table.name}`} onClose={onClose} busy={running} wide>
      <div className="form" data-testid="import-dialog">
        {load.isError && <ErrorBanner error={load.error} />}
        {start.isError && <ErrorBanner error={start.error} />}
        {error != null && <ErrorBanner error={error} onDismiss={() => setError(null)} />}
        {!report && (
          <div className="file-row">
            <label>
              CSV file (first line names the columns)
              <input value={path} onChange={(e) => setPath(e.target.value)} placeholder="/home/you/people.csv" disabled={running} data-testid="csv-path" />
            </label>
            <button type="button" className="secondary" onClick={browse} disabled={running}>
              Browse…
            </button>
            <button type="button" className="secondary" onClick={() => load.mutate()} disabled={!path.trim() || running || load.isPending} data-testid="csv-preview">
              Preview
            </button>
          </div>
        )}
        {preview && !report && (
          <>
            <p className="hint">
              {formatCount(preview.rows)} rows. Choose the field each column goes into; unmapped columns are skipped. Rows with a bad value are rejected and
              listed; the rest are committed together when the whole file has been read. Cancelling imports nothing.
            </p>
            <table className="grid">
              <thead>
                <tr>
                  <th>Column</th>
                  <th>First values</th>
                  <th>Goes into</th>
                </tr>
              </thead>
              <tbody>
                {preview.headers.map((h, i) => (
                  <tr key={`${i}-${h}`}>
                    <td className="strong">{h}</td>
                    <td className="muted">{preview.sample.map((row) => row[i] ?? "").join(" · ")}</td>
                    <td>
                      <select
                        value={mapping[i] ?? ""}
                        onChange={(e) => setMapping(mapping.map((m, j) => (j === i ? (e.target.value ? Number(e.target.value) : null) : m)))}
                        disabled={running}
                        data-testid="map-column"
                      >
                        <option value="">(skip)</option>
                        {table.fields.map((f) => (
                          <option key={f.id} value={f.id}>
                            {f.name}
                          </option>
                        ))}
                      </select>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </>
        )}
        {running && (
          <div className="progress" role="status" data-testid="import-progress">
            <span>
              {progress ? `${formatCount(progress.rowsRead)} of ${formatCount(progress.rowsTotal)} rows · ${formatCount(progress.rejected)} rejected` : "Starting…"}
            </span>
            <progress max={progress?.rowsTotal ?? 1} value={progress?.rowsRead ?? 0} />
            <button type="button" className="secondary" onClick={() => cancel.mutate()} disabled={cancel.isPending} data-testid="cancel-import">
              Cancel import
            </button>
          </div>
        )}
        {report && (
          <div className={report.outcome === "committed" ? "notice" : "confirm"} data-testid="import-report" data-outcome={report.outcome}>
            <strong>{OUTCOMES[report.outcome]}</strong>
            <p>
              {report.outcome === "committed"
                ? `${formatCount(report.accepted)} rows imported; ${formatCount(report.rejected.length)} rejected and not imported.`
                : report.problem}
            </p>
            {report.rejected.length > 0 && (
              <table className="grid" data-testid="rejected-rows">
                <thead>
                  <tr>
                    <th className="num">Line</th>
                    <th>Why it was rejected</th>
                  </tr>
                </thead>
                <tbody>
                  {report.rejected.map((r) => (
                    <tr key={r.line}>
                      <td className="num">{r.line}</td>
                      <td>{r.reason}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            )}
            {report.rejected.length > 0 && (
              <RejectedExport source={path} rejected={report.rejected} dest={rejectedTo} setDest={setRejectedTo} onDone={notify} />
            )}
          </div>
        )}
        <div className="actions">
          <button type="button" className="secondary" onClick={onClose} disabled={running} data-testid="close-import">
            {report ? "Close" : "Cancel"}
          </button>
          {!report && (
            <button type="button" className="primary" onClick={() => start.mutate()} disabled={!preview || running || start.isPending} data-testid="start-import">
              Import
            </button>
          )}
        </div>
      </div>
    </Modal>
  );
}

// Writes the rejected rows (as they were, with the reason in a last
// column) to a CSV file chosen here, to correct and import again.
function RejectedExport(props: { source: string; rejected: RejectedRow[]; dest: string; setDest: (d: string) => void; onDone: (text: string) => void }) {
  const suggested = props.source.replace(/(\.csv)?$/i, " rejected.csv");
  const dest = props.dest.trim() || suggested;
  const write = useMutation({
    mutationFn: () => api.exportRejectedRows(props.source, props.rejected, dest),
    onSuccess: (n) => props.onDone(`${counted(n, "rejected row", "rejected rows")} written to ${dest}. Correct them there and import that file.`),
  });
  const browse = async () => {
    const chosen = await save({ defaultPath: suggested, filters: [{ name: "CSV", extensions: ["csv"] }] });
    if (typeof chosen === "string") props.setDest(chosen);
  };
  return (
    <div className="stack" data-testid="rejected-export">
      <div className="form-row">
        <label className="grow">
          Rejected rows to
          <input value={props.dest} placeholder={suggested} onChange={(e) => props.setDest(e.target.value)} data-testid="rejected-path" />
        </label>
        <button type="button" className="secondary" onClick={browse}>
          Browse…
        </button>
        <button type="button" className="secondary" onClick={() => write.mutate()} disabled={write.isPending} data-testid="export-rejected">
          Export rejected rows
        </button>
      </div>
      {write.isError && <ErrorBanner error={write.error} onDismiss={() => write.reset()} />}
    </div>
  );
}
