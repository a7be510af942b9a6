import { useEffect } from "react";
import { Modal } from "../shared/Modal";

// The keyboard shortcuts: Ctrl+1…4 for the main screens, Ctrl+I for the
// inbox, ? for this list. Keys typed into a field stay the field's.
export type ShortcutAction = "environments" | "releases" | "calendar" | "uat" | "inbox" | "help";

export const SHORTCUTS: { keys: string; action: ShortcutAction; what: string }[] = [
  { keys: "Ctrl+1", action: "environments", what: "Environments (the dashboard)" },
  { keys: "Ctrl+2", action: "releases", what: "Releases" },
  { keys: "Ctrl+3", action: "calendar", what: "Calendar" },
  { keys: "Ctrl+4", action: "uat", what: "UAT" },
  { keys: "Ctrl+I", action: "inbox", what: "Open or close the inbox" },
  { keys: "?", action: "help", what: "This list of shortcuts" },
];

// The action a key press asks for, if any.
export function shortcutOf(e: Pick<KeyboardEvent, "key" | "ctrlKey" | "metaKey" | "altKey">, typing: boolean): ShortcutAction | null {
  const ctrl = e.ctrlKey || e.metaKey;
  if (ctrl && !e.altKey) {
    const byKey: Record<string, ShortcutAction> = { "1": "environments", "2": "releases", "3": "calendar", "4": "uat", i: "inbox", I: "inbox" };
    return byKey[e.key] ?? null;
  }
  if (!ctrl && !e.altKey && !typing && e.key === "?") return "help";
  return null;
}

export function useShortcuts(run: (action: ShortcutAction) => void) {
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const target = e.target as HTMLElement | null;
      const typing = !!target && (target.isContentEditable || ["INPUT", "TEXTAREA", "SELECT"].includes(target.tagName));
      const action = shortcutOf(e, typing);
      if (action) {
        e.preventDefault();
        run(action);
      }
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, [run]);
}

export function ShortcutsDialog({ onClose }: { onClose: () => void }) {
  return (
    <Modal title="Keyboard shortcuts" onClose={onClose}>
      <table className="grid shortcuts" data-testid="shortcuts">
        <tbody>
          {SHORTCUTS.map((s) => (
            <tr key={s.keys}>
              <td>
                <kbd>{s.keys}</kbd>
              </td>
              <td>{s.what}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <div className="actions">
        <button type="button" className="secondary" onClick={onClose}>
          Close
        </button>
      </div>
    </Modal>
  );
}
