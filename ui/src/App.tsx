import { useState } from "react";
import { useIsFetching, useQueryClient } from "@tanstack/react-query";
import { Dashboard } from "./dashboard/Dashboard";
import { AdminSwitcher } from "./people/AdminSwitcher";
import { InboxButton } from "./inbox/InboxButton";
import { EnvironmentScreen, type Tab } from "./environment/EnvironmentScreen";
import { ReleasesScreen } from "./releases/ReleasesScreen";
import { CalendarScreen } from "./calendar/CalendarScreen";
import { UatScreen } from "./uat/UatScreen";

export type Open = (environmentId: number, tab?: Tab) => void;

export function App() {
  const fetching = useIsFetching();
  const queryClient = useQueryClient();
  const [opened, setOpened] = useState<{ id: number; tab: Tab } | null>(null);
  const [screen, setScreen] = useState<"environments" | "releases" | "calendar" | "uat">("environments");
  const open: Open = (id, tab = "designer") => (setScreen("environments"), setOpened({ id, tab }));
  const [uatCycle, setUatCycle] = useState<number | null>(null);
  const openUat = (cycleId: number | null) => (setUatCycle(cycleId), setScreen("uat"));
  return (
    <div className="shell">
      <header className="topbar">
        <div className="brand">
          <span className="logo" aria-hidden="true">
            ⇄
          </span>
          <span className="brand-name">Cutover</span>
        </div>
        <nav>
          <button
            type="button"
            className={`nav-item ${screen === "environments" && !opened ? "active" : ""}`}
            onClick={() => (setScreen("environments"), setOpened(null))}
            data-testid="nav-environments"
          >
            Environments
          </button>
          <button type="button" className={`nav-item ${screen === "releases" ? "active" : ""}`} onClick={() => setScreen("releases")} data-testid="nav-releases">
            Releases
          </button>
          <button type="button" className={`nav-item ${screen === "calendar" ? "active" : ""}`} onClick={() => setScreen("calendar")} data-testid="nav-calendar">
            Calendar
          </button>
          <button type="button" className={`nav-item ${screen === "uat" ? "active" : ""}`} onClick={() => openUat(null)} data-testid="nav-uat">
            UAT
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
        {screen === "releases" ? (
          <ReleasesScreen />
        ) : screen === "calendar" ? (
          <CalendarScreen />
        ) : screen === "uat" ? (
          <UatScreen key={uatCycle ?? 0} initial={uatCycle} />
        ) : opened ? (
          <EnvironmentScreen
            environmentId={opened.id}
            tab={opened.tab}
            onTab={(tab) => setOpened({ id: opened.id, tab })}
            onBack={() => setOpened(null)}
          />
        ) : (
          <Dashboard onOpen={open} onOpenUat={openUat} />
        )}
      </main>
    </div>
  );
}
