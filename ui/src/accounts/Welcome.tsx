import { useState } from "react";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { api } from "../api";
import { ErrorBanner } from "../shared/ErrorBanner";
import { NewAccountDialog } from "./NewAccountDialog";

// The first start: nothing is made until the admin chooses their own
// account or the demo.
export function Welcome({ onNotice }: { onNotice: (text: string) => void }) {
  const [creating, setCreating] = useState(false);
  const demo = useAddDemo(onNotice);
  return (
    <section className="welcome" data-testid="welcome">
      <h1>Welcome to Cutover</h1>
      <p className="muted">
        Cutover runs your platform's vendor upgrades and promotes sandbox changes to production, with a verified backup
        before every risky step. Start with your own account, or look around a demo first; the other stays available
        from the dashboard.
      </p>
      <div className="welcome-choices">
        <div className="welcome-choice">
          <h2>Set up your account</h2>
          <p>Name your platform, its version and time zone, and trust your vendor's signing key. Production starts empty, or from a SQLite database or CSV files you already have.</p>
          <button type="button" className="primary" onClick={() => setCreating(true)} data-testid="welcome-own">
            Set up your account
          </button>
        </div>
        <div className="welcome-choice">
          <h2>Explore the demo account</h2>
          <p>Northwind Foods: a production with 1,000 records, UAT, a sandbox, releases and extensions to try everything on.</p>
          <button type="button" className="secondary" onClick={() => demo.mutate()} disabled={demo.isPending} data-testid="welcome-demo">
            {demo.isPending ? "Making the demo…" : "Explore the demo account"}
          </button>
        </div>
      </div>
      {demo.isError && <ErrorBanner error={demo.error} />}
      {creating && (
        <NewAccountDialog
          onClose={() => setCreating(false)}
          onNotice={onNotice}
        />
      )}
    </section>
  );
}

export function useAddDemo(onNotice: (text: string) => void) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: api.addDemoAccount,
    onSuccess: async () => {
      await queryClient.invalidateQueries();
      onNotice("Added the demo account, Northwind Foods. Everything in it is made up; delete it when you no longer need it.");
    },
  });
}
