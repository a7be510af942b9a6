import { useEffect, useRef, useState, type ReactNode } from "react";

// A row's actions: shown as buttons where the table has room, folded into
// an "Actions" menu where it has not (a container query on the nearest
// `.actions-room` decides, so the same buttons serve both and keep their
// test ids). Escape, a click outside and choosing an action close the menu.
export function RowActions({ label, children }: { label: string; children: ReactNode }) {
  const [open, setOpen] = useState(false);
  const box = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (!open) return;
    const onKey = (e: KeyboardEvent) => e.key === "Escape" && (e.stopPropagation(), setOpen(false));
    const onDown = (e: MouseEvent) => box.current && !box.current.contains(e.target as Node) && setOpen(false);
    window.addEventListener("keydown", onKey, true);
    window.addEventListener("mousedown", onDown);
    return () => (window.removeEventListener("keydown", onKey, true), window.removeEventListener("mousedown", onDown));
  }, [open]);
  return (
    <div className={open ? "row-menu open" : "row-menu"} ref={box}>
      <button type="button" className="ghost row-menu-toggle" aria-haspopup="true" aria-expanded={open} onClick={() => setOpen(!open)} data-testid="row-menu">
        Actions <span className="sr-only">for {label}</span> <span aria-hidden="true">▾</span>
      </button>
      <div className="row-menu-list" onClick={() => setOpen(false)}>
        {children}
      </div>
    </div>
  );
}
