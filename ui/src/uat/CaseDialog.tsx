import { useState } from "react";
import { useMutation, useQuery } from "@tanstack/react-query";
import { open } from "@tauri-apps/plugin-dialog";
import type { CaseResult, CycleDetail, Evidence, UatCase } from "../bindings";
import { api, toAppError, type AppError } from "../api";
import { Modal } from "../shared/Modal";
import { ErrorBanner } from "../shared/ErrorBanner";
import { formatInstant } from "../format";
import { RESULT_LABELS, formatSize } from "./labels";

const RESULTS: CaseResult[] = ["not_run", "passed", "failed", "blocked", "waived"];

// An image evidence, fetched as a data URL once its checksum is checked.
function EvidenceImage({ evidence }: { evidence: Evidence }) {
  const image = useQuery({ queryKey: ["evidence-image", evidence.id], queryFn: () => api.uatEvidenceImage(evidence.id), staleTime: Infinity });
  if (image.isError) return <ErrorBanner error={image.error} />;
  if (!image.data) return <span className="muted">Loading {evidence.fileName}…</span>;
  return <img className="evidence-image" src={image.data} alt={`Evidence ${evidence.fileName}`} data-testid="evidence-image" />;
}

// Records a case's result with its notes, tester and evidence; a failed
// case can raise an upgrade issue from here.
export function CaseDialog({ item, timeZone, onSaved, onRaise, onClose }: { item: UatCase; timeZone: string; onSaved: (d: CycleDetail, said?: string) => void; onRaise: () => void; onClose: () => void }) {
  const [result, setResult] = useState<CaseResult>(item.result);
  const [reason, setReason] = useState(item.reason);
  const [notes, setNotes] = useState(item.notes);
  const [tester, setTester] = useState(item.tester);
  const [path, setPath] = useState("");
  const [error, setError] = useState<AppError | null>(null);
  const save = useMutation({
    mutationFn: () => api.recordUatResult(item.id, { result, reason, notes, tester }),
    onSuccess: (d) => (onSaved(d, `“${item.title}”: ${RESULT_LABELS[result].toLowerCase()}.`), onClose()),
  });
  const attach = useMutation({
    mutationFn: () => api.attachUatEvidence(item.id, path.trim()),
    onSuccess: (d) => (onSaved(d), setPath("")),
  });
  const openFile = useMutation({ mutationFn: (id: number) => api.openUatEvidence(id) });
  const browse = async () => {
    try {
      const chosen = await open({ multiple: false, directory: false });
      if (typeof chosen === "string") setPath(chosen);
    } catch (e) {
      setError(toAppError(e));
    }
  };
  const busy = save.isPending || attach.isPending;
  return (
    <Modal title={item.title} onClose={onClose} busy={busy} wide>
      <div className="form" data-testid="case-dialog">
        {item.steps && <p className="case-steps">{item.steps}</p>}
        <fieldset className="choices" aria-label="Result">
          {RESULTS.map((r) => (
            <label key={r} className="check" data-testid="result" data-result={r}>
              <input type="radio" name="result" checked={result === r} onChange={() => setResult(r)} />
              {RESULT_LABELS[r]}
            </label>
          ))}
        </fieldset>
        {result === "waived" && (
          <label>
            Why it is waived (required: who agreed, and why it need not be run)
            <textarea value={reason} onChange={(e) => setReason(e.target.value)} rows={2} data-testid="waive-reason" />
          </label>
        )}
        <div className="record-fields">
          <label>
            Tester
            <input value={tester} onChange={(e) => setTester(e.target.value)} data-testid="case-tester" />
          </label>
          <label>
            Notes
            <textarea value={notes} onChange={(e) => setNotes(e.target.value)} rows={2} data-testid="case-notes" />
          </label>
        </div>
        {save.isError && <ErrorBanner error={save.error} onDismiss={() => save.reset()} />}
        <div className="actions">
          {(result === "failed" || result === "blocked") && item.result === result && (
            <button type="button" className="secondary" onClick={onRaise} data-testid="raise-from-case">
              Raise an issue from this case
            </button>
          )}
          <span className="grow" />
          <button type="button" className="secondary" onClick={onClose} disabled={busy}>
            Close
          </button>
          <button type="button" className="primary" onClick={() => save.mutate()} disabled={busy} data-testid="save-result">
            Save result
          </button>
        </div>
        <h3>Evidence</h3>
        {item.evidence.length === 0 && <p className="muted">No evidence attached. Screenshots are shown here; other files open with their application.</p>}
        <ul className="evidence-list">
          {item.evidence.map((e) => (
            <li key={e.id} data-testid="evidence" data-name={e.fileName}>
              {e.imageType ? <EvidenceImage evidence={e} /> : null}
              <div className="evidence-meta">
                <strong>{e.fileName}</strong> <span className="muted">{formatSize(e.bytes)}</span>
                <div className="sub mono" title="SHA-256 of the file as attached">
                  SHA-256 {e.sha256}
                </div>
                <div className="sub">
                  Attached by {e.addedBy}, {formatInstant(e.addedAt, timeZone)}
                </div>
              </div>
              <button type="button" className="ghost" onClick={() => openFile.mutate(e.id)}>
                Open
              </button>
            </li>
          ))}
        </ul>
        {openFile.isError && <ErrorBanner error={openFile.error} onDismiss={() => openFile.reset()} />}
        <form
          className="file-row"
          onSubmit={(e) => {
            e.preventDefault();
            attach.mutate();
          }}
        >
          <label className="grow">
            Attach a file (up to 25 MB)
            <input value={path} onChange={(e) => setPath(e.target.value)} placeholder="/home/you/Pictures/screenshot.png" data-testid="evidence-path" />
          </label>
          <button type="button" className="secondary" onClick={browse} disabled={busy}>
            Browse…
          </button>
          <button type="submit" className="secondary" disabled={!path.trim() || busy} data-testid="attach-evidence">
            {attach.isPending ? "Attaching…" : "Attach"}
          </button>
        </form>
        {attach.isError && <ErrorBanner error={attach.error} onDismiss={() => attach.reset()} />}
        {error && <ErrorBanner error={error} onDismiss={() => setError(null)} />}
      </div>
    </Modal>
  );
}
