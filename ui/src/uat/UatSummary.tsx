import { useQuery } from "@tanstack/react-query";
import { api } from "../api";
import { STATE_LABELS, tone } from "./labels";

// The account's UAT cycles on the dashboard, each a link to its screen.
export function UatSummary({ accountId, onOpen }: { accountId: number; onOpen?: (cycleId: number) => void }) {
  const cycles = useQuery({ queryKey: ["uat-cycles", accountId], queryFn: () => api.uatCycles(accountId) });
  if (!cycles.data?.length) return null;
  return (
    <ul className="uat-summary" aria-label="UAT cycles">
      {cycles.data.map((c) => {
        const run = c.progress.cases - c.progress.notRun;
        const critical = c.progress.openIssues[0];
        return (
          <li key={c.id} data-testid="uat-summary" data-state={c.state}>
            <strong>UAT of {c.version}</strong>
            <span className={`badge tone-${tone(c.state)}`}>{STATE_LABELS[c.state]}</span>
            <span className="muted">
              {c.progress.cases === 0 ? "no test plan yet" : `${run} of ${c.progress.cases} cases run`}
              {critical > 0 && ` · ${critical} critical issue${critical === 1 ? "" : "s"} open`}
            </span>
            {onOpen && (
              <button type="button" className="ghost" onClick={() => onOpen(c.id)} data-testid="open-uat-cycle">
                Open
              </button>
            )}
          </li>
        );
      })}
    </ul>
  );
}
