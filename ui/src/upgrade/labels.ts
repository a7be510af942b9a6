// Words and small computations of the Upgrade tab, kept apart so they can be
// tested without the app.
import type { DataStep, PackageState, UpgradeRun, UpgradeState } from "../bindings";

export const STATE_LABELS: Record<UpgradeState, string> = {
  preparing: "Preparing the copy",
  packages: "Packages on the copy",
  data_upgrade: "Data upgrade running",
  failed: "Stopped — resume or roll back",
  validating: "Validating",
  committed: "Committed",
  rolled_back: "Rolled back",
  cancelled: "Cancelled",
  expired: "Expired (10 days ran out)",
};

export const PACKAGE_LABELS: Record<PackageState, string> = {
  pending: "Not applied",
  missing: "Missing from the catalog",
  applied: "Applied — awaiting sign-off",
  signed_off: "Signed off",
};

// The Rust DataStep::label texts, in order.
export const DATA_STEPS: [DataStep, string][] = [
  ["pause_integrations", "Pause integrations"],
  ["lock", "Lock the environment (reads allowed)"],
  ["restore_point", "Take the restore point"],
  ["remove_extensions", "Remove incompatible extensions"],
  ["migrations", "Apply the platform package and hotfixes"],
  ["checks", "Run the release's checks"],
  ["reinstall", "Install the compatible extensions"],
  ["set_version", "Change the environment's version"],
  ["unlock", "Unlock and resume integrations"],
];

export type StepStatus = "done" | "running" | "failed" | "waiting";

/** Where each data-upgrade step stands for a run. */
export function dataStepStatus(run: UpgradeRun, step: DataStep): StepStatus {
  const order = DATA_STEPS.map(([s]) => s);
  const at = run.step ? order.indexOf(run.step) : -1;
  const mine = order.indexOf(step);
  if (run.state === "validating" || run.state === "committed") return "done";
  if (run.state === "packages" || run.state === "preparing" || at < 0) return "waiting";
  if (mine < at) return "done";
  if (mine > at) return "waiting";
  return run.state === "data_upgrade" ? "running" : "failed";
}

/** "9 days 23 h left", "3 h 05 min left", "time is up". */
export function timeLeft(deadline: string, nowMs: number): string {
  const ms = new Date(deadline).getTime() - nowMs;
  if (ms <= 0) return "time is up";
  const minutes = Math.floor(ms / 60000);
  const days = Math.floor(minutes / 1440);
  const hours = Math.floor((minutes % 1440) / 60);
  if (days > 0) return `${days} day${days === 1 ? "" : "s"} ${hours} h left`;
  return `${hours} h ${String(minutes % 60).padStart(2, "0")} min left`;
}

/** "850 ms", "2.4 s", "3 min 05 s". */
export function duration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60000) return `${(ms / 1000).toFixed(1)} s`;
  const s = Math.floor(ms / 1000);
  return `${Math.floor(s / 60)} min ${String(s % 60).padStart(2, "0")} s`;
}

/** How long the downtime lasted (or has lasted so far). */
export function downtime(run: UpgradeRun, nowMs: number): number | null {
  if (!run.dataStartedAt) return null;
  const end = run.dataFinishedAt ? new Date(run.dataFinishedAt).getTime() : nowMs;
  return Math.max(0, end - new Date(run.dataStartedAt).getTime());
}
