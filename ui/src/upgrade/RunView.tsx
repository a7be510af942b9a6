import { useState } from "react";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import type { Account, RollbackImpact, UpgradeRun } from "../bindings";
import { api, toAppError } from "../api";
import { formatInstant, counted } from "../format";
import { ErrorBanner } from "../shared/ErrorBanner";
import { Confirm } from "../shared/Confirm";
import { GuardedButton } from "../people/allowed";
import { useNotify } from "../feedback/Feedback";
import { PackagesStep } from "./PackagesStep";
import { DATA_STEPS, STATE_LABELS, dataStepStatus, downtime, duration, timeLeft } from "./labels";

type Props = { run: UpgradeRun; account: Account; nowOffset: number; setBusy: (busy: boolean) => void };

const MARK = { done: "✓", running: "…", failed: "✗", waiting: "" } as const;

// One open run as its steps: the copy, the packages, the gate, the data
// upgrade with its live progress, and validation (commit or roll back).
export function RunView({ run, account, nowOffset, setBusy }: Props) {
  const queryClient = useQueryClient();
  const now = Date.now() + nowOffset;
  const when = (iso: string) => formatInstant(iso, account.timeZone);
  const notify = useNotify();
  // An action, and what to say once it has worked (the run's new state
  // shows too; the message says it in words, above any dialog).
  const act = useMutation({
    mutationFn: async (f: () => Promise<unknown>) => {
      setBusy(true);
      return f();
    },
    onSettled: () => (setBusy(false), queryClient.invalidateQueries()),
  });
  const [asking, setAsking] = useState<"start" | "commit" | "cancel" | null>(null);
  const perform = (f: () => Promise<unknown>, said: string) => (setAsking(null), act.mutate(f, { onSuccess: () => notify(said, { sticky: true }) }));
  const signedOff = run.packages.filter((p) => p.signedOffBy).length;
  const [impact, setImpact] = useState<RollbackImpact | null>(null);
  const askImpact = useMutation({ mutationFn: () => api.upgradeRollbackImpact(run.id), onSuccess: setImpact });
  const down = downtime(run, now);
  // The log line that tells the whole outcome (what was restored, the next
  // date); a failed action's error says the same, so it is shown once, here.
  const outcome = run.reason ? ([...run.log].reverse().find((l) => l.message.includes(run.reason ?? ""))?.message ?? run.reason) : null;
  const actError = act.isError && toAppError(act.error).message !== outcome;
  const windowLeft = run.windowEnd ? new Date(run.windowEnd).getTime() - now : null;
  return (
    <section className="upgrade-run" data-testid="upgrade-run" data-state={run.state}>
      <div className="detail-head">
        <h3>
          Upgrade of {run.environmentName}: {run.fromVersion} → {run.toVersion}
        </h3>
        <span className={run.state === "failed" || run.state === "rolled_back" ? "pill pill-danger" : "pill"} data-testid="upgrade-state">
          {STATE_LABELS[run.state]}
        </span>
      </div>
      <p className="timer" data-testid="upgrade-timer">
        Timer: <strong>{timeLeft(run.deadline, now)}</strong> (the copy is kept until {when(run.deadline)}). Started by {run.author} on {when(run.startedAt)}.
      </p>
      {actError && <ErrorBanner error={act.error} onDismiss={() => act.reset()} />}
      {askImpact.isError && <ErrorBanner error={askImpact.error} onDismiss={() => askImpact.reset()} />}
      {outcome && (
        <div className="banner banner-refusal" role="alert" data-testid="upgrade-reason">
          <div>
            <strong>{run.state === "failed" ? "Stopped — resume or roll back" : "Rolled back"}</strong>
            <p>{outcome}</p>
            {run.nextWindow && (
              <p data-testid="next-attempt">
                {run.nextWave ? `Next wave that can still be scheduled: ${run.nextWave}, ${when(run.nextWindow)}. Reschedule it under Releases.` : `Next valid date for another attempt: ${when(run.nextWindow)}.`}
              </p>
            )}
          </div>
        </div>
      )}
      <ol className="run-steps">
        <li className={run.state === "preparing" ? "current" : "done"}>
          <h4>Parallel copy {run.state !== "preparing" && "✓"}</h4>
          <div className="progress">
            <progress max={100} value={run.copyPercent} data-testid="copy-progress" />
            <span>{run.copyPercent}%</span>
          </div>
          {run.state === "preparing" && !act.isPending && (
            <button type="button" onClick={() => act.mutate(() => api.prepareUpgrade(run.id))} data-testid="prepare-upgrade">
              Make the copy
            </button>
          )}
        </li>
        <li className={run.state === "packages" ? "current" : run.state === "preparing" ? "" : "done"}>
          <PackagesStep run={run} act={(f) => act.mutate(f)} pending={act.isPending} />
        </li>
        <li className={run.state === "data_upgrade" || run.state === "failed" ? "current" : ""}>
          <h4>Data upgrade (downtime)</h4>
          <p className="hint">
            Predicted downtime from the rehearsal: <strong data-testid="predicted">{run.predictedMs === null ? "after the packages" : duration(run.predictedMs)}</strong>
            {run.production ? ". Production is upgraded only inside a maintenance window, and only if the prediction with a 50% margin fits in what is left of it." : "."}
          </p>
          {down !== null && (
            <p data-testid="downtime">
              Downtime {run.dataFinishedAt ? "was" : "so far"}: <strong>{duration(down)}</strong>
              {run.windowEnd && windowLeft !== null && ` — window ends ${when(run.windowEnd)}${run.dataFinishedAt ? "" : ` (${duration(Math.max(0, windowLeft))} left)`}`}
            </p>
          )}
          <ul className="data-steps" data-testid="data-steps">
            {DATA_STEPS.map(([step, label]) => {
              const status = dataStepStatus(run, step);
              return (
                <li key={step} className={`data-step ${status}`} data-step={step} data-status={status}>
                  <span className="mark">{MARK[status]}</span> {label}
                </li>
              );
            })}
          </ul>
          {(run.state === "packages" || (run.state === "rolled_back" && run.hasCopy && !run.finishedAt)) &&
            (asking === "start" ? (
              <Confirm
                testid="confirm-data-upgrade"
                title={`Take ${run.environmentName} offline and upgrade its data?`}
                action="Start the downtime"
                cancel="Not yet"
                busy={act.isPending}
                onCancel={() => setAsking(null)}
                onConfirm={() =>
                  perform(() => api.startDataUpgrade(run.id), `The data upgrade of ${run.environmentName} to ${run.toVersion} finished. Check the business on it, then commit or roll back.`)
                }
              >
                <p>
                  Users and integrations are locked out of {run.environmentName} now
                  {run.predictedMs === null ? "" : ` for about ${duration(run.predictedMs)} (the rehearsal's time)`}. A verified restore point is taken first;
                  if any step fails, {run.environmentName} is restored to it and opened again.
                </p>
              </Confirm>
            ) : (
              <GuardedButton type="button" className="primary" disabled={act.isPending} refusal={run.dataUpgradeRefusal} onClick={() => setAsking("start")} data-testid="start-data-upgrade">
                {run.state === "rolled_back" ? "Try the data upgrade again…" : "Start the data upgrade…"}
              </GuardedButton>
            ))}
          {run.state === "failed" && (
            <div className="actions">
              {run.resumable && (
                <button type="button" className="primary" disabled={act.isPending} onClick={() => act.mutate(() => api.resumeUpgrade(run.id))} data-testid="resume-upgrade">
                  Resume from the failed step
                </button>
              )}
              <button type="button" className="danger" disabled={act.isPending} onClick={() => act.mutate(() => api.rollBackUpgrade(run.id))} data-testid="roll-back-failed">
                Roll back to the restore point
              </button>
            </div>
          )}
        </li>
        <li className={run.state === "validating" ? "current" : run.state === "committed" ? "done" : ""}>
          <h4>Validate, then commit or roll back</h4>
          {run.state === "validating" && (
            <>
              <p className="hint">Ask users to check the business on {run.environmentName}. Committing deletes the parallel copy; rolling back restores the restore point.</p>
              {impact ? (
                <div className="confirm" data-testid="rollback-impact">
                  <p>
                    Rolling back discards {counted(impact.recordsChanged, "record change", "record changes")} and{" "}
                    {counted(impact.definitionsChanged, "definition change", "definition changes")} made since the restore point.
                  </p>
                  <button type="button" className="danger" disabled={act.isPending} onClick={() => (setImpact(null), act.mutate(() => api.rollBackUpgrade(run.id)))} data-testid="confirm-roll-back">
                    Discard them and roll back
                  </button>
                  <button type="button" onClick={() => setImpact(null)}>
                    Keep the upgrade
                  </button>
                </div>
              ) : asking === "commit" ? (
                <Confirm
                  testid="confirm-commit"
                  title={`Commit ${run.environmentName} on ${run.toVersion}?`}
                  action="Commit and delete the copy"
                  cancel="Keep validating"
                  danger={false}
                  busy={act.isPending}
                  onCancel={() => setAsking(null)}
                  onConfirm={() =>
                    perform(
                      () => api.commitUpgrade(run.id),
                      `${run.environmentName} is committed on ${run.toVersion}. The parallel copy was deleted${run.restoreBackupId === null ? "" : ` and the restore point (backup #${run.restoreBackupId}) went to the backup retention`}.`,
                    )
                  }
                >
                  <p>
                    Committing deletes the parallel copy
                    {run.restoreBackupId === null ? "" : ` and releases the restore point (backup #${run.restoreBackupId}) to the backup retention, where newer backups may prune it`}.
                    Rolling back is then no longer one click: only a restore from Backups brings the old version back.
                  </p>
                </Confirm>
              ) : (
                <div className="actions">
                  <button type="button" className="primary" disabled={act.isPending} onClick={() => setAsking("commit")} data-testid="commit-upgrade">
                    Commit the upgrade…
                  </button>
                  <button type="button" className="danger" disabled={askImpact.isPending} onClick={() => askImpact.mutate()} data-testid="roll-back-upgrade">
                    Roll back…
                  </button>
                </div>
              )}
            </>
          )}
        </li>
      </ol>
      {(run.state === "preparing" || run.state === "packages" || run.state === "rolled_back") &&
        (asking === "cancel" ? (
          <Confirm
            testid="confirm-cancel"
            title={run.state === "rolled_back" ? "Close the run?" : "Cancel the upgrade?"}
            action={run.state === "rolled_back" ? "Close and delete the copy" : "Cancel the upgrade"}
            cancel="Keep the run"
            busy={act.isPending}
            onCancel={() => setAsking(null)}
            onConfirm={() => perform(() => api.cancelUpgradeRun(run.id), `The upgrade run of ${run.environmentName} was closed; its copy was deleted. ${run.environmentName} was not touched.`)}
          >
            <p>
              The parallel copy is deleted{signedOff > 0 ? ` with the sign-offs of ${counted(signedOff, "package", "packages")}, which a new run asks for again` : ""}.{" "}
              {run.environmentName} is not touched.
            </p>
          </Confirm>
        ) : (
          <button
            type="button"
            className="ghost"
            disabled={act.isPending}
            onClick={() => (signedOff > 0 || run.state === "rolled_back" ? setAsking("cancel") : perform(() => api.cancelUpgradeRun(run.id), `The upgrade run of ${run.environmentName} was cancelled. ${run.environmentName} was not touched.`))}
            data-testid="cancel-upgrade"
          >
            {run.state === "rolled_back" ? "Close the run and delete the copy…" : `Cancel the upgrade (${run.environmentName} is not touched)`}
          </button>
        ))}
      <details className="run-log" open={run.state === "data_upgrade"}>
        <summary>Log ({run.log.length} lines)</summary>
        <ol data-testid="upgrade-log">
          {run.log.map((l, i) => (
            <li key={i}>
              <span className="muted">{formatInstant(l.at, account.timeZone, true)}</span> {l.message}
            </li>
          ))}
        </ol>
      </details>
    </section>
  );
}
