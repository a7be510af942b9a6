import { useQuery } from "@tanstack/react-query";
import type { Account, Attention, Urgency } from "../bindings";
import { api } from "../api";
import { formatInstant } from "../format";
import { ErrorBanner } from "../shared/ErrorBanner";
import type { Go } from "../App";

const URGENCY: Record<Urgency, string> = { now: "Now", soon: "Soon", planned: "Planned" };

// "What needs you": the backend's list of what to act on or know, most
// urgent first, each opening the place that deals with it.
export function NeedsYou({ accounts, go }: { accounts: Account[]; go: Go }) {
  const list = useQuery({ queryKey: ["needs-you"], queryFn: api.needsYou });
  const zone = (a: Attention) => accounts.find((x) => x.id === a.accountId)?.timeZone ?? "UTC";
  const several = accounts.length > 1;
  return (
    <section className="needs-you" aria-labelledby="needs-you-title" data-testid="needs-you">
      <h2 id="needs-you-title">What needs you</h2>
      {list.isError && <ErrorBanner error={list.error} />}
      {list.isPending && <p className="muted">Looking…</p>}
      {list.isSuccess && list.data.length === 0 && (
        <p className="muted" data-testid="needs-nothing">
          Nothing needs you now: production is backed up, no run awaits you and nothing is scheduled.
        </p>
      )}
      {list.isSuccess && list.data.length > 0 && (
        <ul>
          {list.data.map((a, i) => (
            <li key={i} className={`attention attention-${a.urgency}`} data-testid="attention" data-urgency={a.urgency} data-target={a.target.kind}>
              <span className={`urgency urgency-${a.urgency}`}>{URGENCY[a.urgency]}</span>
              <div className="attention-text">
                <button type="button" className="link strong" onClick={() => go(a.target)} data-testid="attention-open">
                  {a.title}
                  {a.at && ` · ${formatInstant(a.at, zone(a))}`}
                </button>
                <span className="muted">
                  {several && `${a.accountName}: `}
                  {a.detail}
                </span>
              </div>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
