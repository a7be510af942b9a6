import { useEffect, useRef, useState } from "react";
import { useQuery } from "@tanstack/react-query";
import { api } from "../api";
import { AccountSection } from "./AccountSection";
import { ErrorBanner } from "../shared/ErrorBanner";
import { NewAccountDialog } from "../accounts/NewAccountDialog";
import { StorageDialog } from "../storage/StorageDialog";
import { useAddDemo, Welcome } from "../accounts/Welcome";
import type { Go, Open } from "../App";
import { NeedsYou } from "./NeedsYou";
import { useNotify } from "../feedback/Feedback";

type Props = { onOpen: Open; onOpenUat?: (cycleId: number) => void; go: Go; backupsOf?: number | null; onBackupsShown?: () => void };

export function Dashboard({ onOpen, onOpenUat, go, backupsOf, onBackupsShown }: Props) {
  const overview = useQuery({ queryKey: ["overview"], queryFn: api.overview });
  const notify = useNotify();
  const setNotice = (text: string) => notify(text);
  const [creating, setCreating] = useState(false);
  const [storage, setStorage] = useState(false);
  const demo = useAddDemo(setNotice);
  const reported = useRef(false);

  useEffect(() => {
    if (overview.isSuccess && !reported.current) {
      reported.current = true;
      // Start-up timing goes to the log; a failure here must not disturb the user.
      api.reportInteractive().catch(() => undefined);
    }
  }, [overview.isSuccess]);

  if (overview.isPending) {
    return (
      <div className="placeholder" data-testid="loading">
        Loading environments…
      </div>
    );
  }
  if (overview.isError) {
    return (
      <div className="page">
        <ErrorBanner error={overview.error} />
        <button type="button" className="secondary align-start" onClick={() => overview.refetch()}>
          Try again
        </button>
      </div>
    );
  }
  return (
    <div className="page" data-testid="dashboard">
      {overview.data.length === 0 ? (
        <>
          <Welcome onNotice={setNotice} />
          <div className="page-head">
            <button type="button" className="ghost" onClick={() => setStorage(true)} data-testid="storage">
              Storage: what deletions kept aside
            </button>
          </div>
        </>
      ) : (
        <>
          <div className="page-head">
            {!overview.data.some((a) => a.account.isDemo) && (
              <button type="button" className="ghost" onClick={() => demo.mutate()} disabled={demo.isPending} data-testid="add-demo">
                {demo.isPending ? "Adding the demo…" : "Add the demo account"}
              </button>
            )}
            <button type="button" className="ghost" onClick={() => setStorage(true)} data-testid="storage">
              Storage
            </button>
            <button type="button" className="secondary" onClick={() => setCreating(true)} data-testid="new-account">
              New account
            </button>
          </div>
          {demo.isError && <ErrorBanner error={demo.error} />}
          <NeedsYou accounts={overview.data.map((a) => a.account)} go={go} />
          {overview.data.map((a) => (
            <AccountSection key={a.account.id} overview={a} onNotice={setNotice} onOpen={onOpen} onOpenUat={onOpenUat} backupsOf={backupsOf} onBackupsShown={onBackupsShown} />
          ))}
        </>
      )}
      {storage && <StorageDialog onClose={() => setStorage(false)} onNotice={setNotice} />}
      {creating && (
        <NewAccountDialog
          onClose={() => setCreating(false)}
          onNotice={setNotice}
        />
      )}
    </div>
  );
}
