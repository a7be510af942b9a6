import type { CopyProgress } from "../bindings";

type Props = {
  /** The latest progress reported, or null before the first. */
  progress: CopyProgress | null;
  /** The environment the job works on, named in the stage's words. */
  envName: string;
  /** What the copying stage copies, when it is not the environment itself
   * ("Copying Production"); a backup says "% copied". */
  copying?: string;
  /** Stops the job; offered while the backend says stopping is safe. */
  onCancel?: () => void;
  stopping?: boolean;
};

function stageText(p: CopyProgress | null, envName: string, copying?: string): string {
  if (!p || p.totalPages === 0) return "Starting…";
  const percent = Math.floor((100 * p.donePages) / p.totalPages);
  switch (p.stage) {
    case "backing_up":
      return `Backing up ${envName} first: ${percent}%`;
    case "replacing":
      return `Replacing ${envName}: ${percent}% (this last step cannot be stopped)`;
    default:
      return copying ? `${copying}: ${percent}%` : `${percent}% copied`;
  }
}

// One progress bar for every job that copies an environment (backup,
// refresh, restore): its stage in words, and Cancel only while the backend
// reports that stopping leaves the environment as it was.
export function CopyProgressBar({ progress, envName, copying, onCancel, stopping = false }: Props) {
  const cancellable = onCancel != null && (progress?.cancellable ?? true);
  return (
    <div className="progress" role="status" data-testid="copy-progress" data-stage={progress?.stage ?? "starting"}>
      <progress max={progress?.totalPages || 1} value={progress?.donePages ?? 0} aria-label="Done so far" />
      <span>{stageText(progress, envName, copying)}</span>
      {cancellable && (
        <button type="button" className="secondary" disabled={stopping} onClick={onCancel} data-testid="cancel-copy">
          {stopping ? "Cancelling…" : "Cancel"}
        </button>
      )}
    </div>
  );
}
