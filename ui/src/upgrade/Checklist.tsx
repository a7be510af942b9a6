import { useMutation, useQueryClient } from "@tanstack/react-query";
import { counted } from "../format";
import type { UpgradeRun } from "../bindings";
import { api } from "../api";
import { ErrorBanner } from "../shared/ErrorBanner";

// After a commit: the release's post-upgrade actions, ticked off one by one.
export function Checklist({ run }: { run: UpgradeRun }) {
  const queryClient = useQueryClient();
  const tick = useMutation({
    mutationFn: ({ index, done }: { index: number; done: boolean }) => api.tickUpgradeAction(run.id, index, done),
    onSettled: () => queryClient.invalidateQueries({ queryKey: ["upgrade-history", run.environmentId] }),
  });
  const left = run.postUpgradeActions.length - run.actionsDone.length;
  return (
    <section className="upgrade-start" data-testid="post-upgrade-actions">
      <h3>After the upgrade to {run.toVersion}</h3>
      <p className="hint">{left === 0 ? "Every post-upgrade action is done." : `${counted(left, "post-upgrade action", "post-upgrade actions")} from the release still to do:`}</p>
      {tick.isError && <ErrorBanner error={tick.error} onDismiss={() => tick.reset()} />}
      <ul className="checklist">
        {run.postUpgradeActions.map((action, index) => {
          const done = run.actionsDone.includes(index);
          return (
            <li key={index}>
              <label>
                <input type="checkbox" checked={done} disabled={tick.isPending} onChange={() => tick.mutate({ index, done: !done })} data-testid="post-upgrade-action" />{" "}
                <span className={done ? "muted" : ""}>{action}</span>
              </label>
            </li>
          );
        })}
      </ul>
    </section>
  );
}
