// Desktop settings: what belongs to this computer rather than an account
// (start at login; the theme has its own button in the top bar).
import { useState } from "react";
import { Modal } from "../shared/Modal";
import { StartAtLoginSetting } from "./StartAtLogin";

export function DesktopSettingsButton() {
  const [open, setOpen] = useState(false);
  return (
    <>
      <button type="button" className="topbar-button icon" onClick={() => setOpen(true)} aria-label="Desktop settings" title="Desktop settings" data-testid="desktop-settings">
        <span aria-hidden="true">⚙</span>
      </button>
      {open && (
        <Modal title="Desktop settings" onClose={() => setOpen(false)}>
          <div className="form" data-testid="desktop-settings-dialog">
            <StartAtLoginSetting />
            <p className="hint">Closing the window keeps Cutover running in the tray, so reminders still fire; quit it from the tray icon&apos;s menu.</p>
            <div className="actions">
              <button type="button" className="primary" onClick={() => setOpen(false)} data-testid="desktop-settings-close">
                Done
              </button>
            </div>
          </div>
        </Modal>
      )}
    </>
  );
}
