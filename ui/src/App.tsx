import { useState } from "react";
import { useIsFetching, useQueryClient } from "@tanstack/react-query";
import { Dashboard } from "./components/Dashboard";
import { AdminSwitcher } from "./components/AdminSwitcher";
import { InboxButton } from "./components/InboxButton";
import { EnvironmentScreen, type Tab } from "./components/EnvironmentScreen";

export type Open = (environmentId: number, tab?: Tab) => void;

export function App() {
  const fetching = useIsFetching();
  const queryClient = useQueryClient();
  const [opened, setOpened] = useState<{ id: number; tab: Tab } | null>(null);
  const open: Open = (id, tab = "designer") => setOpened({ id, tab });
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
          <button type="button" className={`nav-item ${opened ? "" : "active"}`} onClick={() => setOpened(null)} data-testid="nav-environments">
            Environments
          </button>
        </nav>
        <div className={`sync ${fetching ? "on" : ""}`} aria-live="polite">
          {fetching ? "Refreshing…" : ""}
        </div>
        <InboxButton />
        <AdminSwitcher />
        <button type="button" className="topbar-button" onClick={() => queryClient.invalidateQueries()} data-testid="refresh">
          Reload
        </button>
      </header>
      <main>
        {opened ? (
          <EnvironmentScreen
            environmentId={opened.id}
            tab={opened.tab}
            onTab={(tab) => setOpened({ id: opened.id, tab })}
            onBack={() => setOpened(null)}
          />
        ) : (
          <Dashboard onOpen={open} />
        )}
      </main>
    </div>
  );
}
