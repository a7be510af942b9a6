import { useState } from "react";
import { GuardedButton, useAllowed } from "../people/allowed";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import type { Account, Environment } from "../bindings";
import { AppError, api } from "../api";
import { formatInstant } from "../format";
import { ErrorBanner } from "../shared/ErrorBanner";
import { compare } from "../releases/WhatChanges";
import { Checklist } from "./Checklist";
import { RunView } from "./RunView";
import { STATE_LABELS, downtime, duration } from "./labels";
import { useAppNowOffset } from "./useAppNow";
import { Chart } from "../charts/Chart";
import { downtimeSeries } from "../charts/series";

// The Upgrade tab: start a run to a version of the window, follow it step by
// step (the RunView), and the history of past runs with their outcome.
export function UpgradePanel({ env, account }: { env: Environment; account: Account }) {
  const may = useAllowed();
  const queryClient = useQueryClient();
  const [busy, setBusy] = useState(false);
  // While a long step runs the screen polls the run for its live progress.
  const open = useQuery({ queryKey: ["upgrade-open", env.id], queryFn: () => api.openUpgrade(env.id), refetchInterval: busy ? 400 : false });
  const history = useQuery({ queryKey: ["upgrade-history", env.id], queryFn: () => api.upgradeHistory(env.id) });
  const releases = useQuery({ queryKey: ["releases", account.id], queryFn: () => api.releaseCatalog(account.id) });
  const offset = useAppNowOffset();
  const refresh = () => queryClient.invalidateQueries();
  const targets = (releases.data?.releases ?? []).filter((r) => r.selectable === "yes" && compare(r.version, env.version) > 0);
  const [target, setTarget] = useState("");
  const chosen = target || targets[0]?.version || "";
  // Production's run to a scheduled release asks first before its wave's
  // day (the backend says why, as `unconfirmed`).
  const start = useMutation({
    mutationFn: async (beforeWave: boolean) => {
      setBusy(true);
      const run = await api.startUpgrade(env.id, chosen, beforeWave);
      await refresh();
      return api.prepareUpgrade(run.id);
    },
    onSettled: () => (setBusy(false), refresh()),
  });
  const early = start.error instanceof AppError && start.error.kind === "unconfirmed" ? start.error.message : null;
  const run = open.data;
  const lastCommitted = history.data?.[0]?.state === "committed" && history.data[0].postUpgradeActions.length > 0 ? history.data[0] : null;
  return (
    <div className="stack" data-testid="upgrade">
      {[open, history, releases].map((q, i) => q.isError && <ErrorBanner key={i} error={q.error} />)}
      {start.isError && !early && <ErrorBanner error={start.error} onDismiss={() => start.reset()} />}
      {early && (
        <div className="confirm" role="alertdialog" aria-label="Start before the wave" data-testid="before-wave">
          <p>{early}</p>
          <div className="actions-inline">
            <button type="button" className="secondary" onClick={() => start.reset()}>
              Wait for the wave
            </button>
            <button type="button" className="primary" onClick={() => start.mutate(true)} data-testid="start-before-wave">
              Start now anyway
            </button>
          </div>
        </div>
      )}
      {!run && lastCommitted && <Checklist run={lastCommitted} />}
      {run ? (
        <RunView run={run} account={account} nowOffset={offset} setBusy={setBusy} />
      ) : (
        <section className="upgrade-start" data-testid="upgrade-start">
          <h3>Upgrade {env.name}</h3>
          <p className="hint">
            {env.name} runs {env.version}. A run makes a parallel copy (no downtime), applies the packages to it for you to sign off, and only then upgrades {env.name} itself under a restore point.
            {env.kind === "production" && " Production may only go to a version a sandbox has committed, inside a maintenance window."} The copy is kept for 10 calendar days.
          </p>
          {targets.length === 0 ? (
            <p className="empty">No newer version is inside the version window. Import a release under Releases.</p>
          ) : (
            <div className="form-row">
              <label>
                Target version{" "}
                <select value={chosen} onChange={(e) => setTarget(e.target.value)} data-testid="upgrade-target">
                  {targets.map((r) => (
                    <option key={r.id} value={r.version}>
                      {r.version} ({r.releaseType})
                    </option>
                  ))}
                </select>
              </label>
              <GuardedButton type="button" className="primary" disabled={start.isPending || !chosen} refusal={may.environment(env.id, "upgrade")} onClick={() => start.mutate(false)} data-testid="start-upgrade">
                {start.isPending ? "Starting…" : "Start the upgrade"}
              </GuardedButton>
            </div>
          )}
        </section>
      )}
      <h3>History</h3>
      {(history.data ?? []).length === 0 ? (
        <p className="empty">No upgrade has been run on {env.name} yet.</p>
      ) : (
        <table className="grid" data-testid="upgrade-history">
          <thead>
            <tr>
              <th>Started</th>
              <th>Versions</th>
              <th>By</th>
              <th>Outcome</th>
              <th>Downtime</th>
              <th>Reason</th>
            </tr>
          </thead>
          <tbody>
            {(history.data ?? []).map((h) => {
              const down = downtime(h, Date.now() + offset);
              return (
                <tr key={h.id} data-testid="upgrade-history-row" data-state={h.state}>
                  <td className="nowrap">{formatInstant(h.startedAt, account.timeZone)}</td>
                  <td className="nowrap">
                    {h.fromVersion} → {h.toVersion}
                  </td>
                  <td>{h.author}</td>
                  <td>
                    <span className={h.state === "rolled_back" || h.state === "failed" ? "pill pill-danger" : "pill"}>{STATE_LABELS[h.state]}</span>
                  </td>
                  <td className="num">{down === null ? "none" : duration(down)}</td>
                  <td className="muted">{h.reason ?? ""}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
      {(() => {
        const down = downtimeSeries(history.data ?? [], account.timeZone);
        return down.labels.length > 0 && <Chart kind="bars" data={down} title={`Downtime of ${env.name}'s upgrades: predicted and actual`} testid="downtime-chart" />;
      })()}
    </div>
  );
}
