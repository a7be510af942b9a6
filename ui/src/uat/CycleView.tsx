import { useState } from "react";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import type { CycleDetail, IssueDecision, UatCase, UatIssue } from "../bindings";
import { api } from "../api";
import { ErrorBanner } from "../shared/ErrorBanner";
import { both, localDay, longDay } from "../calendar/time";
import { formatInstant } from "../format";
import { CaseDialog } from "./CaseDialog";
import { AddCaseDialog, IssueDialog, TextDialog } from "./Forms";
import { DecisionDialog } from "./DecisionDialog";
import { RefreshDialog } from "../dashboard/RefreshDialog";
import { PackDialog } from "./PackDialog";
import { RESULT_LABELS, SEVERITY_LABELS, STATE_LABELS, STATUS_LABELS, tone } from "./labels";

type Dialog =
  | { kind: "case"; id: number }
  | { kind: "add-case" }
  | { kind: "issue"; from?: UatCase }
  | { kind: "decide"; issue: UatIssue }
  | { kind: "check-in" }
  | { kind: "override" }
  | { kind: "refresh" }
  | { kind: "pack" };

export function describeDecision(d: IssueDecision): string {
  switch (d.kind) {
    case "hotfix":
      return `Wait for hotfix ${d.version}`;
    case "workaround":
      return `Workaround accepted by ${d.acceptedBy}: ${d.what}`;
    case "delay":
      return d.until ? `Delay production to ${longDay(d.until)}` : "Delay production until fixed";
  }
}

// One cycle: its dates and state, the test plan with results and evidence,
// upgrade issues and decisions, check-ins, and the sign-off.
export function CycleView({ cycleId, onBack }: { cycleId: number; onBack: () => void }) {
  const queryClient = useQueryClient();
  const detail = useQuery({ queryKey: ["uat-cycle", cycleId], queryFn: () => api.uatCycle(cycleId) });
  const overview = useQuery({ queryKey: ["overview"], queryFn: api.overview });
  const [dialog, setDialog] = useState<Dialog | null>(null);
  const [saved, setSaved] = useState<string | null>(null);
  const done = (d: CycleDetail, said?: string) => {
    queryClient.setQueryData(["uat-cycle", cycleId], d);
    queryClient.invalidateQueries({ queryKey: ["uat-cycles"] });
    if (said) setSaved(said);
  };
  const generate = useMutation({ mutationFn: () => api.generateUatPlan(cycleId), onSuccess: (d) => done(d, d.history[d.history.length - 1]?.text) });
  const signOff = useMutation({ mutationFn: () => api.uatSignOff(cycleId), onSuccess: (d) => done(d, "Signed off: production may take the upgrade.") });
  // One click when the account has no UAT: a copy of production.
  const createUat = useMutation({
    mutationFn: (sourceId: number) => api.createEnvironment({ sourceId, name: "UAT", kind: "uat" }),
    onSuccess: () => (queryClient.invalidateQueries({ queryKey: ["overview"] }), setSaved("UAT created as a copy of production.")),
  });
  const d = detail.data;
  if (detail.isError) return <ErrorBanner error={detail.error} />;
  if (!d) return <p className="muted">Loading the UAT cycle…</p>;
  const c = d.cycle;
  const tz = c.timeZone;
  const busy = generate.isPending || signOff.isPending;
  const openCase = dialog?.kind === "case" ? d.cases.find((x) => x.id === dialog.id) : undefined;
  const accountEnvs = overview.data?.find((o) => o.account.id === c.accountId)?.environments;
  const uat = accountEnvs?.find((e) => e.environment.kind === "uat");
  const production = accountEnvs?.find((e) => e.environment.kind === "production");
  const beforeTesting = c.state === "planned" || c.state === "refresh_due";
  return (
    <div className="page" data-testid="uat-cycle-view" data-state={c.state}>
      <div className="screen-head">
        <button type="button" className="ghost" onClick={onBack} data-testid="uat-back">
          ← All cycles
        </button>
        <h2>
          UAT of {c.version} — {c.accountName}
        </h2>
        <span className={`badge tone-${tone(c.state)}`} data-testid="uat-state">
          {STATE_LABELS[c.state]}
        </span>
      </div>
      <dl className="facts" data-testid="uat-dates">
        {c.refresh && c.testStart && c.testEnd ? (
          <>
            <dt>UAT refresh</dt>
            <dd>{longDay(c.refresh)} (a fresh copy of production)</dd>
            <dt>Testing</dt>
            <dd>
              {longDay(c.testStart)} – {longDay(c.testEnd)}, {c.businessDays} business days
            </dd>
          </>
        ) : (
          <>
            <dt>Schedule</dt>
            <dd>{c.state === "delayed" ? "Production's upgrade is off the calendar until a fix is known." : "Not scheduled: schedule the release under Releases to plan its UAT window."}</dd>
          </>
        )}
        {c.productionAt && (
          <>
            <dt>Production</dt>
            <dd>
              {c.wave ? `${c.wave}, ` : ""}
              {longDay(localDay(c.productionAt, tz))}, {both(c.productionAt, tz)}
            </dd>
          </>
        )}
        <dt>Progress</dt>
        <dd data-testid="uat-progress">
          {c.progress.cases} cases: {c.progress.passed} passed, {c.progress.failed} failed, {c.progress.blocked} blocked, {c.progress.waived} waived, {c.progress.notRun} not run
        </dd>
        {c.signedOffAt && (
          <>
            <dt>Signed off</dt>
            <dd data-testid="uat-signed-off">
              by {c.signedOffBy}, {formatInstant(c.signedOffAt, tz)}
            </dd>
          </>
        )}
        {c.overrideReason && (
          <>
            <dt>Override</dt>
            <dd>Production cleared without a sign-off: {c.overrideReason}</dd>
          </>
        )}
      </dl>
      {beforeTesting && (
        <div className={c.state === "refresh_due" ? "banner banner-refusal" : "notice"} role="status" data-testid="uat-refresh">
          <div>
            {uat ? (
              <p>
                {c.state === "refresh_due" ? "Refresh week: " : ""}
                {uat.environment.name} must hold a fresh copy of production before testing starts{c.refresh ? ` (refresh on ${longDay(c.refresh)})` : ""}. On that day Cutover refreshes it on its own if it has no unpromoted work, and reminds you otherwise.
              </p>
            ) : (
              <p>This account has no UAT environment: create it as a copy of production before testing starts.</p>
            )}
          </div>
          {uat && (
            <button type="button" className="secondary" onClick={() => setDialog({ kind: "refresh" })} data-testid="refresh-uat">
              Refresh {uat.environment.name} now…
            </button>
          )}
          {!uat && production && (
            <button type="button" className="secondary" disabled={createUat.isPending} onClick={() => createUat.mutate(production.environment.id)} data-testid="create-uat">
              {createUat.isPending ? "Copying production…" : "Create UAT from production"}
            </button>
          )}
        </div>
      )}
      <div className="detail-actions wrap">
        <button type="button" className="secondary" onClick={() => generate.mutate()} disabled={busy} data-testid="generate-plan">
          {d.cases.length ? "Add new cases from the notes" : "Generate the test plan"}
        </button>
        <button type="button" className="secondary" onClick={() => setDialog({ kind: "add-case" })} data-testid="add-case">
          Add a case
        </button>
        <button type="button" className="secondary" onClick={() => setDialog({ kind: "issue" })} data-testid="raise-issue">
          Raise an issue
        </button>
        <button type="button" className="secondary" onClick={() => setDialog({ kind: "check-in" })} data-testid="check-in">
          Check in
        </button>
        <button type="button" className="secondary" onClick={() => setDialog({ kind: "pack" })} data-testid="open-pack">
          Evidence pack…
        </button>
        <span className="grow" />
        {!c.signedOffAt && !c.overrideReason && (
          <button type="button" className="ghost" onClick={() => setDialog({ kind: "override" })} data-testid="override">
            Override…
          </button>
        )}
        {!c.signedOffAt && (
          <button
            type="button"
            className="primary"
            disabled={busy || d.signOffRefusal !== null}
            title={d.signOffRefusal ?? "Record that the business is happy to take the upgrade to live"}
            aria-describedby={d.signOffRefusal ? "sign-off-refusal" : undefined}
            onClick={() => signOff.mutate()}
            data-testid="sign-off"
          >
            Sign off
          </button>
        )}
      </div>
      {!c.signedOffAt && d.signOffRefusal && (
        <p className="hint" id="sign-off-refusal" data-testid="sign-off-refusal">
          {d.signOffRefusal}
        </p>
      )}
      {generate.isError && <ErrorBanner error={generate.error} onDismiss={() => generate.reset()} />}
      {signOff.isError && <ErrorBanner error={signOff.error} onDismiss={() => signOff.reset()} />}
      {createUat.isError && <ErrorBanner error={createUat.error} onDismiss={() => createUat.reset()} />}
      {saved && (
        <div className="notice" role="status" data-testid="uat-saved">
          {saved}
        </div>
      )}
      <section className="account">
        <div className="account-head">
          <h3>Test plan</h3>
        </div>
        {d.cases.length === 0 ? (
          <p className="empty">No cases yet. Generate the plan from the release notes of the areas this account uses, or add cases by hand.</p>
        ) : (
          <table className="uat-table">
            <thead>
              <tr>
                <th>Case</th>
                <th>Tester</th>
                <th>Result</th>
                <th className="num">Evidence</th>
                <th />
              </tr>
            </thead>
            <tbody>
              {d.cases.map((x) => (
                <tr key={x.id} data-testid="uat-case" data-title={x.title} data-result={x.result}>
                  <td className="wrap-cell">
                    <div className="strong">{x.title}</div>
                    <div className="sub">
                      {x.area || "No area"} · {x.origin === "note" ? "from the release notes" : x.origin === "regression" ? "regression case" : "added by hand"}
                    </div>
                  </td>
                  <td>{x.tester || x.runBy || <span className="muted">—</span>}</td>
                  <td>
                    <span className={`badge tone-${tone(x.result)}`}>{RESULT_LABELS[x.result]}</span>
                  </td>
                  <td className="num">{x.evidence.length || ""}</td>
                  <td className="row-actions">
                    <button type="button" className="secondary" onClick={() => setDialog({ kind: "case", id: x.id })} data-testid="open-case">
                      Record…
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
      <section className="account">
        <div className="account-head">
          <h3>Upgrade issues</h3>
        </div>
        {d.issues.length === 0 ? (
          <p className="empty">No upgrade issues. Raise one from a failed case, or directly.</p>
        ) : (
          <table className="uat-table">
            <thead>
              <tr>
                <th>Issue</th>
                <th>Severity</th>
                <th>Status</th>
                <th>Decision</th>
                <th />
              </tr>
            </thead>
            <tbody>
              {d.issues.map((i) => (
                <tr key={i.id} data-testid="uat-issue" data-title={i.title} data-status={i.status}>
                  <td className="wrap-cell">
                    <div className="strong">{i.title}</div>
                    <div className="sub">
                      {i.area || "No area"} · raised by {i.raisedBy}, {formatInstant(i.raisedAt, tz)}
                      {i.caseIds.length > 0 && ` · ${i.caseIds.length} case${i.caseIds.length === 1 ? "" : "s"}`}
                    </div>
                  </td>
                  <td>
                    <span className={`badge tone-${tone(i.severity)}`}>{SEVERITY_LABELS[i.severity]}</span>
                  </td>
                  <td>
                    <span className={`badge tone-${tone(i.status)}`}>{STATUS_LABELS[i.status]}</span>
                  </td>
                  <td className="wrap-cell" data-testid="issue-decision">
                    {i.decision ? describeDecision(i.decision) : i.severity === "critical" ? <span className="danger-text">Needs a decision</span> : <span className="muted">—</span>}
                  </td>
                  <td className="row-actions">
                    <button type="button" className="secondary" onClick={() => setDialog({ kind: "decide", issue: i })} data-testid="decide-issue">
                      {i.severity === "critical" ? "Decide…" : "Update…"}
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
      <section className="account">
        <div className="account-head">
          <h3>History</h3>
        </div>
        {d.history.length === 0 ? (
          <p className="empty">Nothing recorded yet.</p>
        ) : (
          <ol className="history" data-testid="uat-history">
            {[...d.history].reverse().map((h, n) => (
              <li key={n}>
                <span className="muted nowrap">{formatInstant(h.at, tz)}</span> <strong>{h.author}</strong> {h.text}
              </li>
            ))}
          </ol>
        )}
      </section>
      {openCase && <CaseDialog item={openCase} timeZone={tz} onSaved={done} onRaise={() => setDialog({ kind: "issue", from: openCase })} onClose={() => setDialog(null)} />}
      {dialog?.kind === "pack" && <PackDialog cycleId={cycleId} onClose={() => setDialog(null)} />}
      {dialog?.kind === "refresh" && uat && <RefreshDialog target={uat} onClose={() => setDialog(null)} onNotice={(text) => setSaved(text)} />}
      {dialog?.kind === "add-case" && <AddCaseDialog cycleId={cycleId} onSaved={done} onClose={() => setDialog(null)} />}
      {dialog?.kind === "issue" && <IssueDialog cycleId={cycleId} from={dialog.from} onSaved={done} onClose={() => setDialog(null)} />}
      {dialog?.kind === "decide" && <DecisionDialog issue={dialog.issue} onSaved={done} onClose={() => setDialog(null)} />}
      {dialog?.kind === "check-in" && (
        <TextDialog
          title="Weekly check-in"
          label="Note for the record (optional): who tested what, what is waiting"
          action="Check in"
          optional
          testId="check-in-note"
          send={(note) => api.uatCheckIn(cycleId, note)}
          onSaved={(x) => done(x, "Check-in recorded in the history.")}
          onClose={() => setDialog(null)}
        />
      )}
      {dialog?.kind === "override" && (
        <TextDialog
          title="Clear production without a sign-off"
          label="Why production may take the upgrade without UAT's sign-off (kept with the cycle and in its record)"
          action="Record the override"
          testId="override-reason"
          send={(reason) => api.uatOverride(cycleId, reason)}
          onSaved={(x) => done(x, "Override recorded: production may take the upgrade.")}
          onClose={() => setDialog(null)}
        />
      )}
    </div>
  );
}
