import { useState } from "react";
import { useMutation } from "@tanstack/react-query";
import type { CycleDetail, Severity, UatCase } from "../bindings";
import { api } from "../api";
import { Modal } from "../shared/Modal";
import { ErrorBanner } from "../shared/ErrorBanner";
import { SEVERITY_LABELS } from "./labels";

type Saved = (d: CycleDetail, said?: string) => void;

// A case added by hand; kept as a regression case, it joins every later cycle.
export function AddCaseDialog({ cycleId, onSaved, onClose }: { cycleId: number; onSaved: Saved; onClose: () => void }) {
  const [title, setTitle] = useState("");
  const [steps, setSteps] = useState("");
  const [area, setArea] = useState("");
  const [tester, setTester] = useState("");
  const [regression, setRegression] = useState(false);
  const add = useMutation({
    mutationFn: () => api.addUatCase(cycleId, { title, steps, area, tester, regression }),
    onSuccess: (d) => (onSaved(d, `Case “${title.trim()}” added.`), onClose()),
  });
  return (
    <Modal title="Add a test case" onClose={onClose} busy={add.isPending}>
      <form
        className="form"
        data-testid="add-case-dialog"
        onSubmit={(e) => {
          e.preventDefault();
          add.mutate();
        }}
      >
        <label>
          Title
          <input value={title} onChange={(e) => setTitle(e.target.value)} data-testid="case-title" autoFocus />
        </label>
        <label>
          Steps
          <textarea value={steps} onChange={(e) => setSteps(e.target.value)} rows={3} data-testid="case-steps" />
        </label>
        <div className="record-fields">
          <label>
            Area
            <input value={area} onChange={(e) => setArea(e.target.value)} placeholder="Integrations" data-testid="case-area" />
          </label>
          <label>
            Tester
            <input value={tester} onChange={(e) => setTester(e.target.value)} data-testid="case-new-tester" />
          </label>
        </div>
        <label className="check">
          <input type="checkbox" checked={regression} onChange={(e) => setRegression(e.target.checked)} data-testid="case-regression" />
          Keep it as a regression case for the next upgrades
        </label>
        {add.isError && <ErrorBanner error={add.error} onDismiss={() => add.reset()} />}
        <div className="actions">
          <button type="button" className="secondary" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className="primary" disabled={add.isPending} data-testid="save-case">
            Add case
          </button>
        </div>
      </form>
    </Modal>
  );
}

const SEVERITIES: Severity[] = ["critical", "high", "medium", "low"];

// An upgrade issue, raised directly or from a failed case.
export function IssueDialog({ cycleId, from, onSaved, onClose }: { cycleId: number; from?: UatCase; onSaved: Saved; onClose: () => void }) {
  const [title, setTitle] = useState(from ? `${from.title}: ` : "");
  const [detail, setDetail] = useState(from?.notes ?? "");
  const [area, setArea] = useState(from?.area ?? "");
  const [severity, setSeverity] = useState<Severity>("high");
  const raise = useMutation({
    mutationFn: () => api.raiseUatIssue(cycleId, { title, detail, area, severity, caseIds: from ? [from.id] : [], noteId: from?.noteId ?? null }),
    onSuccess: (d) => (onSaved(d, `Issue “${title.trim()}” raised.`), onClose()),
  });
  return (
    <Modal title={from ? `Raise an issue from “${from.title}”` : "Raise an upgrade issue"} onClose={onClose} busy={raise.isPending}>
      <form
        className="form"
        data-testid="issue-dialog"
        onSubmit={(e) => {
          e.preventDefault();
          raise.mutate();
        }}
      >
        <label>
          Title
          <input value={title} onChange={(e) => setTitle(e.target.value)} data-testid="issue-title" autoFocus />
        </label>
        <label>
          What happens
          <textarea value={detail} onChange={(e) => setDetail(e.target.value)} rows={3} data-testid="issue-detail" />
        </label>
        <div className="record-fields">
          <label>
            Area
            <input value={area} onChange={(e) => setArea(e.target.value)} data-testid="issue-area" />
          </label>
          <label>
            Severity
            <select value={severity} onChange={(e) => setSeverity(e.target.value as Severity)} data-testid="issue-severity">
              {SEVERITIES.map((s) => (
                <option key={s} value={s}>
                  {SEVERITY_LABELS[s]}
                </option>
              ))}
            </select>
          </label>
        </div>
        {severity === "critical" && <p className="hint">A critical issue blocks the sign-off and production's data upgrade until you record a decision: wait for a hotfix, accept a workaround, or delay.</p>}
        {raise.isError && <ErrorBanner error={raise.error} onDismiss={() => raise.reset()} />}
        <div className="actions">
          <button type="button" className="secondary" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className="primary" disabled={raise.isPending} data-testid="save-issue">
            Raise issue
          </button>
        </div>
      </form>
    </Modal>
  );
}

// One text and one action: a check-in note, an override's reason.
export function TextDialog(props: {
  title: string;
  label: string;
  action: string;
  optional?: boolean;
  testId: string;
  send: (text: string) => Promise<CycleDetail>;
  onSaved: (d: CycleDetail) => void;
  onClose: () => void;
}) {
  const [text, setText] = useState("");
  const run = useMutation({ mutationFn: () => props.send(text), onSuccess: (d) => (props.onSaved(d), props.onClose()) });
  return (
    <Modal title={props.title} onClose={props.onClose} busy={run.isPending}>
      <form
        className="form"
        onSubmit={(e) => {
          e.preventDefault();
          run.mutate();
        }}
      >
        <label>
          {props.label}
          <textarea value={text} onChange={(e) => setText(e.target.value)} rows={3} data-testid={props.testId} autoFocus />
        </label>
        {run.isError && <ErrorBanner error={run.error} onDismiss={() => run.reset()} />}
        <div className="actions">
          <button type="button" className="secondary" onClick={props.onClose}>
            Cancel
          </button>
          <button type="submit" className="primary" disabled={run.isPending || (!props.optional && !text.trim())} data-testid={`${props.testId}-save`}>
            {props.action}
          </button>
        </div>
      </form>
    </Modal>
  );
}
