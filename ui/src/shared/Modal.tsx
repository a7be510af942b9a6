import { createPortal } from "react-dom";
import { useEffect, type ReactNode } from "react";

// A modal dialog: Escape and the backdrop cancel unless an action is running.
export function Modal({ title, children, onClose, busy, wide }: { title: string; children: ReactNode; onClose: () => void; busy?: boolean; wide?: boolean }) {
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.key === "Escape" && !busy) onClose();
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, [onClose, busy]);
  // On <body>, whichever component opens it (a top-bar button, say), so it
  // inherits nothing from where it was declared.
  return createPortal(
    <div className="backdrop" onMouseDown={(e) => e.target === e.currentTarget && !busy && onClose()}>
      <div className={wide ? "modal wide" : "modal"} role="dialog" aria-modal="true" aria-label={title}>
        <h2>{title}</h2>
        {children}
      </div>
    </div>,
    document.body,
  );
}
