import type { CaseResult, CycleState, IssueStatus, Severity } from "../bindings";

export const STATE_LABELS: Record<CycleState, string> = {
  planned: "Planned",
  refresh_due: "Refresh due",
  testing: "Testing",
  sign_off_due: "Sign-off due",
  signed_off: "Signed off",
  blocked: "Blocked",
  delayed: "Delayed until fixed",
  unscheduled: "Not scheduled",
};

export const RESULT_LABELS: Record<CaseResult, string> = {
  not_run: "Not run",
  passed: "Passed",
  failed: "Failed",
  blocked: "Blocked",
  waived: "Waived",
};

export const SEVERITY_LABELS: Record<Severity, string> = {
  critical: "Critical",
  high: "High",
  medium: "Medium",
  low: "Low",
};

export const STATUS_LABELS: Record<IssueStatus, string> = {
  open: "Open",
  workaround: "Workaround",
  waiting_for_hotfix: "Waiting for hotfix",
  retest: "Retest",
  fixed: "Fixed",
  closed: "Closed",
};

/** The tone of a badge: good, warning, bad or neutral. */
export function tone(value: CycleState | CaseResult | IssueStatus | Severity): string {
  switch (value) {
    case "signed_off":
    case "passed":
    case "fixed":
    case "closed":
      return "good";
    case "blocked":
    case "failed":
    case "critical":
    case "delayed":
      return "bad";
    case "refresh_due":
    case "sign_off_due":
    case "waived":
    case "retest":
    case "high":
    case "waiting_for_hotfix":
    case "workaround":
      return "warn";
    default:
      return "neutral";
  }
}

export function formatSize(bytes: number): string {
  return bytes >= 1024 * 1024 ? `${(bytes / 1048576).toFixed(1)} MB` : `${Math.ceil(bytes / 1024)} KB`;
}
