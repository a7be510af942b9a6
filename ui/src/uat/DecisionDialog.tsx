import { useState } from "react";
import { useMutation } from "@tanstack/react-query";
import type { CycleDetail, IssueDecision, IssueStatus, UatIssue } from "../bindings";
import { api } from "../api";
import { Modal } from "../shared/Modal";
import { ErrorBanner } from "../shared/ErrorBanner";
import { STATUS_LABELS } from "./labels";

type Kind = IssueDecision["kind"];
const MANUAL: IssueStatus[] = ["open", "fixed", "closed"];

// Seed 000's three decisions on a critical issue, each told to the
// recipients of upgrade information; and the status changes by hand.
export function DecisionDialog({ issue, onSaved, onClose }: { issue: UatIssue; onSaved: (d: CycleDetail, said?: string) => void; onClose: () => void }) {
  const [kind, setKind] = useState<Kind>(issue.decision?.kind ?? "hotfix");
  const [version, setVersion] = useState(issue.decision?.kind === "hotfix" ? issue.decision.version : "");
  const [what, setWhat] = useState(issue.decision?.kind === "workaround" ? issue.decision.what : "");
  const [acceptedBy, setAcceptedBy] = useState(issue.decision?.kind === "workaround" ? issue.decision.acceptedBy : "");
  const [until, setUntil] = useState("");
  const decision = (): IssueDecision =>
    kind === "hotfix" ? { kind, version } : kind === "workaround" ? { kind, what, acceptedBy } : { kind: "delay", until: until || null };
  const decide = useMutation({
    mutationFn: () => api.decideUatIssue(issue.id, decision()),
    onSuccess: (d) => (onSaved(d, d.history[d.history.length - 1]?.text), onClose()),
  });
  const status = useMutation({
    mutationFn: (s: IssueStatus) => api.setUatIssueStatus(issue.id, s),
    onSuccess: (d, s) => (onSaved(d, `Issue “${issue.title}” is now ${STATUS_LABELS[s].toLowerCase()}.`), onClose()),
  });
  const busy = decide.isPending || status.isPending;
  return (
    <Modal title={issue.title} onClose={onClose} busy={busy} wide>
      <div className="form" data-testid="decision-dialog">
        {issue.detail && <p>{issue.detail}</p>}
        <fieldset className="waves">
          <legend>Decision{issue.severity === "critical" ? " (needed before the sign-off and production's data upgrade)" : ""}</legend>
          <label className="check" data-testid="decision" data-kind="hotfix">
            <input type="radio" name="decision" checked={kind === "hotfix"} onChange={() => setKind("hotfix")} />
            Wait for a hotfix from the vendor
          </label>
          {kind === "hotfix" && (
            <label>
              Hotfix version awaited (when its package is imported, the issue goes to retest)
              <input value={version} onChange={(e) => setVersion(e.target.value)} placeholder="10.0.3" data-testid="hotfix-version" />
            </label>
          )}
          <label className="check" data-testid="decision" data-kind="workaround">
            <input type="radio" name="decision" checked={kind === "workaround"} onChange={() => setKind("workaround")} />
            Go live with a workaround
          </label>
          {kind === "workaround" && (
            <div className="record-fields">
              <label>
                The workaround
                <textarea value={what} onChange={(e) => setWhat(e.target.value)} rows={2} data-testid="workaround-what" />
              </label>
              <label>
                Accepted by
                <input value={acceptedBy} onChange={(e) => setAcceptedBy(e.target.value)} placeholder="Finance director" data-testid="workaround-by" />
              </label>
            </div>
          )}
          <label className="check" data-testid="decision" data-kind="delay">
            <input type="radio" name="decision" checked={kind === "delay"} onChange={() => setKind("delay")} />
            Delay production
          </label>
          {kind === "delay" && (
            <label>
              To a later wave or date (the notice rule applies); leave empty for "until it is fixed"
              <input type="date" value={until} onChange={(e) => setUntil(e.target.value)} data-testid="delay-until" />
            </label>
          )}
        </fieldset>
        {decide.isError && <ErrorBanner error={decide.error} onDismiss={() => decide.reset()} />}
        {status.isError && <ErrorBanner error={status.error} onDismiss={() => status.reset()} />}
        <div className="actions">
          {MANUAL.filter((s) => s !== issue.status).map((s) => (
            <button key={s} type="button" className="ghost" disabled={busy} onClick={() => status.mutate(s)} data-testid={`issue-${s}`}>
              Mark {STATUS_LABELS[s].toLowerCase()}
            </button>
          ))}
          <span className="grow" />
          <button type="button" className="secondary" onClick={onClose} disabled={busy}>
            Close
          </button>
          <button type="button" className="primary" onClick={() => decide.mutate()} disabled={busy} data-testid="save-decision">
            Record the decision
          </button>
        </div>
      </div>
    </Modal>
  );
}
