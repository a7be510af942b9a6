// Starting Cutover at login. Reminders fire only while Cutover runs, so
// once one is pending the admin is asked, once (the offer); the setting
// itself lives in Desktop settings. The desktop's autostart entry is the
// truth: the backend reads it each time.
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { api } from "../api";
import { ErrorBanner } from "../shared/ErrorBanner";
import { useNotify } from "../feedback/Feedback";

export const START_AT_LOGIN_KEY = ["start-at-login"];

function useStartAtLogin() {
  const queryClient = useQueryClient();
  const notify = useNotify();
  const status = useQuery({ queryKey: START_AT_LOGIN_KEY, queryFn: api.startAtLogin });
  const set = useMutation({
    mutationFn: (enabled: boolean) => api.setStartAtLogin(enabled),
    onSuccess: (now) => {
      queryClient.setQueryData(START_AT_LOGIN_KEY, now);
      notify(now.enabled ? "Cutover will start when you log in, in the tray." : "Cutover will no longer start when you log in.");
    },
  });
  const decline = useMutation({
    mutationFn: api.declineStartAtLogin,
    onSuccess: (now) => queryClient.setQueryData(START_AT_LOGIN_KEY, now),
  });
  return { status, set, decline };
}

/// The one-time offer, a banner above the current screen.
export function StartAtLoginOffer() {
  const { status, set, decline } = useStartAtLogin();
  if (!status.data?.offerDue) return null;
  const busy = set.isPending || decline.isPending;
  return (
    <section className="offer" role="region" aria-label="Start Cutover at login?" data-testid="start-at-login-offer">
      <h2>Start Cutover when you log in?</h2>
      <p>Reminders are sent only while Cutover runs (closing the window keeps it in the tray). Starting it at login means none is missed after a restart.</p>
      {set.isError && <ErrorBanner error={set.error} onDismiss={() => set.reset()} />}
      {decline.isError && <ErrorBanner error={decline.error} onDismiss={() => decline.reset()} />}
      <div className="actions">
        <button type="button" className="ghost" disabled={busy} onClick={() => decline.mutate()} data-testid="start-at-login-decline">
          Not now
        </button>
        <button type="button" className="primary" disabled={busy} onClick={() => set.mutate(true)} data-testid="start-at-login-accept">
          Start at login
        </button>
      </div>
    </section>
  );
}

/// The setting, for Desktop settings.
export function StartAtLoginSetting() {
  const { status, set } = useStartAtLogin();
  return (
    <fieldset className="setting" data-testid="start-at-login-setting">
      <legend>Start at login</legend>
      {status.isError && <ErrorBanner error={status.error} />}
      {set.isError && <ErrorBanner error={set.error} onDismiss={() => set.reset()} />}
      <label className="check">
        <input
          type="checkbox"
          checked={status.data?.enabled ?? false}
          disabled={!status.data || set.isPending}
          onChange={(e) => set.mutate(e.target.checked)}
          data-testid="start-at-login"
        />
        Start Cutover when I log in to this computer
      </label>
      <p className="hint">Reminders are sent only while Cutover runs. Off by default; it adds Cutover to the desktop's startup applications.</p>
    </fieldset>
  );
}
