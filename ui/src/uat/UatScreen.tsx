import { useState } from "react";
import { useQuery } from "@tanstack/react-query";
import { api } from "../api";
import { ErrorBanner } from "../shared/ErrorBanner";
import { longDay } from "../calendar/time";
import { CycleView } from "./CycleView";
import { STATE_LABELS, tone } from "./labels";

// UAT cycles across accounts: one per scheduled minor or major release.
// Choosing one opens its test plan, issues and history.
export function UatScreen({ initial = null }: { initial?: number | null }) {
  const overview = useQuery({ queryKey: ["overview"], queryFn: api.overview });
  const accounts = overview.data?.map((o) => o.account) ?? [];
  const [accountId, setAccountId] = useState(0);
  const [open, setOpen] = useState<number | null>(initial);
  const cycles = useQuery({ queryKey: ["uat-cycles", accountId], queryFn: () => api.uatCycles(accountId) });
  if (open !== null) return <CycleView cycleId={open} onBack={() => setOpen(null)} />;
  return (
    <div className="page" data-testid="uat-screen">
      <div className="screen-head">
        <h2>UAT</h2>
        <select value={accountId} onChange={(e) => setAccountId(Number(e.target.value))} aria-label="Account" data-testid="uat-account">
          <option value={0}>All accounts</option>
          {accounts.map((a) => (
            <option key={a.id} value={a.id}>
              {a.name}
            </option>
          ))}
        </select>
      </div>
      {cycles.isError && <ErrorBanner error={cycles.error} />}
      {cycles.isPending && <p className="muted">Loading UAT cycles…</p>}
      {cycles.data?.length === 0 && (
        <div className="empty-state" data-testid="uat-empty">
          <strong>No UAT cycle yet.</strong>
          <p className="muted">A cycle starts when a minor or major release is scheduled for production (Releases → Schedule): UAT is refreshed the week before and tested for the business days before the upgrade.</p>
        </div>
      )}
      <ul className="cycle-list">
        {cycles.data?.map((c) => (
          <li key={c.id}>
            <button type="button" className="cycle-card" onClick={() => setOpen(c.id)} data-testid="uat-cycle" data-version={c.version} data-state={c.state}>
              <span className="cycle-title">
                <strong>
                  {c.accountName} → {c.version}
                </strong>
                <span className={`badge tone-${tone(c.state)}`}>{STATE_LABELS[c.state]}</span>
              </span>
              <span className="muted">
                {c.testStart && c.testEnd && c.refresh
                  ? `Refresh ${longDay(c.refresh)} · testing ${longDay(c.testStart)} – ${longDay(c.testEnd)} (${c.businessDays} business days)${c.wave ? ` · production ${c.wave}` : ""}`
                  : c.state === "delayed"
                    ? "Production's upgrade is off the calendar until a fix is known."
                    : "Not scheduled: schedule the release under Releases to plan its UAT window."}
              </span>
              <span className="muted">
                {c.progress.cases === 0
                  ? "No test plan yet"
                  : `${c.progress.passed} passed, ${c.progress.failed} failed, ${c.progress.blocked} blocked, ${c.progress.waived} waived, ${c.progress.notRun} not run of ${c.progress.cases}`}
                {c.progress.openIssues[0] > 0 && ` · ${c.progress.openIssues[0]} open critical issue${c.progress.openIssues[0] === 1 ? "" : "s"}`}
              </span>
            </button>
          </li>
        ))}
      </ul>
    </div>
  );
}
