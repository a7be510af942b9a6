import { useState } from "react";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import type { ReleaseSummary, ScheduledUpgrade } from "../bindings";
import { api } from "../api";
import { Modal } from "../shared/Modal";
import { ErrorBanner } from "../shared/ErrorBanner";
import { both, localDay, longDay } from "../calendar/time";

// Schedules production's upgrade to a release on one of the waves it
// offers (or a date, when it offers none). The backend enforces notice,
// maintenance windows and freezes and says why it refuses.
export function ScheduleDialog({ release, timeZone, current, onClose }: { release: ReleaseSummary; timeZone: string; current?: ScheduledUpgrade; onClose: () => void }) {
  const queryClient = useQueryClient();
  const [date, setDate] = useState(release.waves[0]?.date ?? "");
  const schedule = useMutation({ mutationFn: () => api.scheduleUpgrade(release.id, date), onSuccess: () => queryClient.invalidateQueries() });
  const plan = schedule.data ?? current;
  return (
    <Modal title={`Schedule production's upgrade to ${release.version}`} onClose={onClose} busy={schedule.isPending} wide>
      <div className="form" data-testid="schedule-dialog">
        <p className="hint" data-testid="schedule-rule">
          {release.releaseType === "maintenance"
            ? "A maintenance release goes in on one of the vendor's weekend waves, inside a maintenance window and outside freezes. It needs no UAT and none of the notice minor and major upgrades need."
            : release.releaseType === "hotfix"
              ? "A hotfix goes in inside a maintenance window, outside freezes, with the account's minimum notice; it needs no UAT window."
              : "A minor or major upgrade needs the account's minimum notice and a UAT window before it: UAT is refreshed the week before and tested for the business days up to the upgrade."}
        </p>
        {release.waves.length > 0 ? (
          <fieldset className="waves">
            <legend>Waves offered by the vendor</legend>
            {release.waves.map((w) => (
              <label key={w.date} className="check" data-testid="wave" data-date={w.date}>
                <input type="radio" name="wave" checked={date === w.date} onChange={() => setDate(w.date)} />
                {w.name}: {longDay(w.date)}
              </label>
            ))}
          </fieldset>
        ) : (
          <label>
            Upgrade date (a maintenance window must open that day)
            <input type="date" value={date} onChange={(e) => setDate(e.target.value)} data-testid="upgrade-date" />
          </label>
        )}
        {schedule.isError && <ErrorBanner error={schedule.error} onDismiss={() => schedule.reset()} />}
        {plan && (
          <div className="notice" role="status" data-testid="plan">
            <strong>
              {schedule.data ? "Scheduled" : "Currently scheduled"}: {plan.wave ? `${plan.wave}, ` : ""}
              {longDay(localDay(plan.slot.start, timeZone))}, {both(plan.slot.start, timeZone)} – {both(plan.slot.end, timeZone)}.
            </strong>
            {plan.uatStart && plan.uatEnd && plan.uatRefresh && (
              <p>
                UAT is refreshed from production on {longDay(plan.uatRefresh)} and tested from {longDay(plan.uatStart)} to {longDay(plan.uatEnd)}.
              </p>
            )}
            <p>Sandboxes left behind must be upgraded or recreated by {longDay(plan.sandboxDeadline)}.</p>
            <p className="muted">Reminders: {plan.reminders.map((r) => `${r.kind.replace(/_/g, " ")} ${both(r.dueAt, timeZone)} on ${longDay(localDay(r.dueAt, timeZone))}`).join("; ") || "none left"}.</p>
          </div>
        )}
        <div className="actions">
          <button type="button" className="secondary" onClick={onClose}>
            Close
          </button>
          <button type="button" className="primary" disabled={!date || schedule.isPending} onClick={() => schedule.mutate()} data-testid="schedule">
            {current ? "Reschedule" : "Schedule"}
          </button>
        </div>
      </div>
    </Modal>
  );
}
