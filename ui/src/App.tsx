import { useIsFetching, useQueryClient } from "@tanstack/react-query";
import { Dashboard } from "./components/Dashboard";

export function App() {
  const fetching = useIsFetching();
  const queryClient = useQueryClient();
  return (
    <div className="shell">
      <header className="topbar">
        <div className="brand">
          <span className="logo" aria-hidden="true">
            ⇄
          </span>
          Cutover
        </div>
        <nav>
          <span className="nav-item active">Environments</span>
        </nav>
        <div className={`sync ${fetching ? "on" : ""}`} aria-live="polite">
          {fetching ? "Refreshing…" : ""}
        </div>
        <button type="button" className="topbar-button" onClick={() => queryClient.invalidateQueries()} data-testid="refresh">
          Refresh
        </button>
      </header>
      <main>
        <Dashboard />
      </main>
    </div>
  );
}
