import { useIsFetching } from "@tanstack/react-query";
import { Dashboard } from "./components/Dashboard";

export function App() {
  const fetching = useIsFetching();
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
      </header>
      <main>
        <Dashboard />
      </main>
    </div>
  );
}
