// What a user would see as broken layout on the page as it stands: the page
// or any container scrolling sideways, a control outside the window or cut
// by a container that hides its overflow, and text cut with an ellipsis that
// has no tooltip to read it whole. Returns one line per fault.
const faults = [];
const label = (e) => {
  const id = e.dataset && e.dataset.testid ? `[data-testid=${e.dataset.testid}]` : "";
  const cls = typeof e.className === "string" && e.className ? "." + e.className.trim().split(/\s+/).join(".") : "";
  const text = (e.innerText || e.value || e.getAttribute("aria-label") || "").trim().replace(/\s+/g, " ").slice(0, 40);
  return `${e.tagName.toLowerCase()}${id}${cls} "${text}"`;
};
const shown = (e) => {
  const r = e.getBoundingClientRect();
  // Zero-sized, or visually hidden for screen readers only (1×1, clipped).
  if (r.width <= 1 && r.height <= 1) return false;
  const s = getComputedStyle(e);
  return s.visibility !== "hidden" && s.display !== "none";
};
const root = document.documentElement;
if (root.scrollWidth > root.clientWidth + 1) {
  faults.push(`the page scrolls sideways by ${root.scrollWidth - root.clientWidth}px`);
}
for (const e of document.querySelectorAll("body *")) {
  if (!shown(e)) continue;
  const s = getComputedStyle(e);
  const sideways = e.scrollWidth - e.clientWidth;
  if (s.overflowX !== "visible" && e.clientWidth > 0 && sideways > 1) {
    if (s.textOverflow === "ellipsis") {
      if (!e.title && !e.closest("[title]")) faults.push(`${label(e)} is cut with no tooltip to read it`);
    } else if (e.scrollWidth > 0 && !(e instanceof HTMLInputElement) && !(e instanceof HTMLTextAreaElement) && !(e instanceof HTMLSelectElement)) {
      faults.push(`${label(e)} scrolls sideways by ${sideways}px`);
    }
  }
}
const controls = "button, a[href], select, input:not([type=hidden]), textarea, [role=button], [role=tab]";
for (const b of document.querySelectorAll(controls)) {
  if (!shown(b)) continue;
  const r = b.getBoundingClientRect();
  if (r.left < -1 || r.right > innerWidth + 1) {
    faults.push(`${label(b)} is outside the window sideways (${Math.round(r.left)}..${Math.round(r.right)} of ${innerWidth})`);
    continue;
  }
  // Containers above a fixed box (a dialog) do not clip it.
  for (let a = b; a && a !== document.body && getComputedStyle(a).position !== "fixed"; a = a.parentElement) {
    if (a === b) continue;
    const s = getComputedStyle(a);
    if (s.overflowX === "visible" && s.overflowY === "visible") continue;
    const c = a.getBoundingClientRect();
    const cutX = r.left < c.left - 1 || r.right > c.right + 1;
    // A control below the fold of a container that scrolls up and down is
    // reachable; one under a container that hides its overflow is not.
    const cutY = (s.overflowY === "hidden" || s.overflowY === "clip") && (r.top < c.top - 1 || r.bottom > c.bottom + 1);
    if (cutX || cutY) {
      faults.push(`${label(b)} is cut by ${label(a)}`);
      break;
    }
  }
}
return faults;
