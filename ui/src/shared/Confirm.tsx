import type { ReactNode } from "react";

// An inline question before an action that cannot be taken back in one
// click: what happens, then the action (named for what it does) and a way
// out. One style for every such question in the app.
type Props = {
  testid: string;
  title: string;
  children?: ReactNode;
  action: string;
  onConfirm: () => void;
  onCancel: () => void;
  cancel?: string;
  busy?: boolean;
  danger?: boolean;
};

export function Confirm({ testid, title, children, action, onConfirm, onCancel, cancel = "Cancel", busy = false, danger = true }: Props) {
  return (
    <div className="confirm" role="alertdialog" aria-label={title} data-testid={testid}>
      <strong>{title}</strong>
      {children}
      <div className="actions">
        <button type="button" className="secondary" onClick={onCancel} disabled={busy}>
          {cancel}
        </button>
        <button type="button" className={danger ? "danger" : "primary"} onClick={onConfirm} disabled={busy} data-testid={`${testid}-submit`}>
          {action}
        </button>
      </div>
    </div>
  );
}
