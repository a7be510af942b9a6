import { useState } from "react";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { api } from "../api";
import { formatInstant } from "../format";

// The inbox: what Cutover reported about operations that finished on their
// own (promotions and their automatic restores), also sent to the desktop.
// Instants are shown in this computer's zone: notices span accounts.
export function InboxButton() {
  const queryClient = useQueryClient();
  const inbox = useQuery({ queryKey: ["inbox"], queryFn: api.inbox, refetchInterval: 30_000 });
  const [open, setOpen] = useState(false);
  const markRead = useMutation({ mutationFn: api.markInboxRead, onSuccess: () => queryClient.invalidateQueries({ queryKey: ["inbox"] }) });
  const unread = inbox.data?.filter((n) => !n.read).length ?? 0;
  const zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  return (
    <div className="inbox">
      <button
        type="button"
        className="topbar-button"
        onClick={() => {
          setOpen(!open);
          if (!open && unread > 0) markRead.mutate();
        }}
        data-testid="inbox-button"
        aria-label={`Inbox, ${unread} unread`}
      >
        Inbox{unread > 0 && <span className="count" data-testid="inbox-unread">{unread}</span>}
      </button>
      {open && (
        <div className="inbox-panel" role="dialog" aria-label="Inbox" data-testid="inbox-panel">
          {inbox.isError && <p className="row-error">{inbox.error.message}</p>}
          {inbox.data?.length === 0 && <p className="muted">Nothing yet. Promotions report here when they finish.</p>}
          {inbox.data?.map((n) => (
            <div key={n.id} className={n.read ? "notice-item" : "notice-item unread"} data-testid="inbox-item">
              <div className="notice-head">
                <strong>{n.title}</strong>
                <span className="muted">{formatInstant(n.at, zone)}</span>
              </div>
              <p>{n.body}</p>
              {n.undelivered && <p className="hint">Not shown on the desktop: {n.undelivered}</p>}
            </div>
          ))}
        </div>
      )}
    </div>
  );
}
