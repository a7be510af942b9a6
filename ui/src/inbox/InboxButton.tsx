import { useEffect, useRef, useState } from "react";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import type { Category, Target } from "../bindings";
import type { Go } from "../App";
import { api } from "../api";
import { formatInstant } from "../format";
import { ErrorBanner } from "../shared/ErrorBanner";

const CATEGORIES: Record<Category, string> = {
  upgrade_info: "Upgrade information",
  system_health: "System health",
  reminders: "Reminders",
};

// The inbox: what Cutover reported on its own (promotions, upgrades,
// hotfixes, UAT decisions, reminders), also sent to the desktop. Each
// notice stays unread until marked; read ones can be cleared. A notice's
// time is shown in its account's zone, like the rest of the app.
// What a notice's "Open" button says, by the kind of place it opens.
const OPENS: Record<Target["kind"], string> = {
  backups: "Open its backups",
  promotions: "Open the promotions",
  integrations: "Open the integrations",
  upgrade: "Open the upgrade",
  release: "Open the release",
  catalog: "Open the catalog",
  uat: "Open the UAT cycle",
  calendar: "Open the calendar",
};

// `toggles` counts Ctrl+I presses: each one opens or closes the inbox.
export function InboxButton({ go, toggles = 0 }: { go: Go; toggles?: number }) {
  const queryClient = useQueryClient();
  const inbox = useQuery({ queryKey: ["inbox"], queryFn: api.inbox, refetchInterval: 30_000 });
  const overview = useQuery({ queryKey: ["overview"], queryFn: api.overview });
  const [open, setOpen] = useState(false);
  const [account, setAccount] = useState(0);
  const [category, setCategory] = useState<Category | "">("");
  const refresh = () => queryClient.invalidateQueries({ queryKey: ["inbox"] });
  const markOne = useMutation({ mutationFn: api.markNoticeRead, onSuccess: refresh });
  const markAll = useMutation({ mutationFn: api.markInboxRead, onSuccess: refresh });
  const clear = useMutation({ mutationFn: api.clearReadNotices, onSuccess: refresh });
  const box = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (toggles > 0) setOpen((o) => !o);
  }, [toggles]);
  // Escape or a click outside closes it, as any popover.
  useEffect(() => {
    if (!open) return;
    const onKey = (e: KeyboardEvent) => e.key === "Escape" && setOpen(false);
    const onDown = (e: MouseEvent) => box.current && !box.current.contains(e.target as Node) && setOpen(false);
    window.addEventListener("keydown", onKey);
    window.addEventListener("mousedown", onDown);
    return () => (window.removeEventListener("keydown", onKey), window.removeEventListener("mousedown", onDown));
  }, [open]);
  const accounts = overview.data?.map((o) => o.account) ?? [];
  const zoneOf = (id: number | null) => accounts.find((a) => a.id === id)?.timeZone ?? Intl.DateTimeFormat().resolvedOptions().timeZone;
  const all = inbox.data ?? [];
  const unread = all.filter((n) => !n.read).length;
  const shown = all.filter((n) => (account === 0 || n.accountId === account) && (category === "" || n.category === category));
  const error = markOne.error ?? markAll.error ?? clear.error;
  return (
    <div className="inbox" ref={box}>
      <button type="button" className="topbar-button" onClick={() => setOpen(!open)} aria-expanded={open} aria-keyshortcuts="Control+I" title="Inbox (Ctrl+I)" data-testid="inbox-button">
        Inbox
        {unread > 0 && (
          <span className="count" data-testid="inbox-unread">
            {unread}
            <span className="sr-only"> unread</span>
          </span>
        )}
      </button>
      {open && (
        <div className="inbox-panel" role="dialog" aria-label="Inbox" data-testid="inbox-panel">
          <div className="inbox-tools">
            <select value={account} onChange={(e) => setAccount(Number(e.target.value))} aria-label="Account" data-testid="inbox-account">
              <option value={0}>All accounts</option>
              {accounts.map((a) => (
                <option key={a.id} value={a.id}>
                  {a.name}
                </option>
              ))}
            </select>
            <select value={category} onChange={(e) => setCategory(e.target.value as Category | "")} aria-label="Category" data-testid="inbox-category">
              <option value="">Every kind</option>
              {(Object.keys(CATEGORIES) as Category[]).map((c) => (
                <option key={c} value={c}>
                  {CATEGORIES[c]}
                </option>
              ))}
            </select>
            <button type="button" className="ghost" disabled={unread === 0} onClick={() => markAll.mutate()} data-testid="inbox-read-all">
              Mark all read
            </button>
            <button type="button" className="ghost" disabled={!all.some((n) => n.read)} onClick={() => clear.mutate()} data-testid="inbox-clear">
              Clear read
            </button>
          </div>
          {inbox.isError && <ErrorBanner error={inbox.error} />}
          {error && <ErrorBanner error={error} />}
          {all.length === 0 && <p className="muted">Nothing yet. Promotions, upgrades, hotfixes, UAT decisions and reminders report here.</p>}
          {all.length > 0 && shown.length === 0 && <p className="muted">Nothing of that kind.</p>}
          {shown.map((n) => (
            <div key={n.id} className={n.read ? "notice-item" : "notice-item unread"} data-testid="inbox-item" data-read={n.read} data-category={n.category}>
              <div className="notice-head">
                <strong>{n.title}</strong>
                <span className="muted nowrap">{formatInstant(n.at, zoneOf(n.accountId))}</span>
              </div>
              <p>{n.body}</p>
              {n.undelivered && <p className="hint">{n.undelivered}</p>}
              <div className="notice-actions">
                {n.target && (
                  <button
                    type="button"
                    className="secondary small"
                    onClick={() => {
                      const target = n.target;
                      if (!n.read) markOne.mutate(n.id);
                      setOpen(false);
                      if (target) go(target);
                    }}
                    data-testid="inbox-open"
                  >
                    {OPENS[n.target.kind]}
                  </button>
                )}
                {!n.read && (
                  <button type="button" className="ghost small" onClick={() => markOne.mutate(n.id)} data-testid="inbox-mark-read">
                    Mark read
                  </button>
                )}
              </div>
            </div>
          ))}
        </div>
      )}
    </div>
  );
}
