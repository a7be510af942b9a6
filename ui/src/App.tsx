import { useCallback, useEffect, useRef, useState } from "react";
import { listen } from "@tauri-apps/api/event";
import type { Target } from "./bindings";
import { useIsFetching, useQueryClient } from "@tanstack/react-query";
import { Dashboard } from "./dashboard/Dashboard";
import { AdminSwitcher } from "./people/AdminSwitcher";
import { InboxButton } from "./inbox/InboxButton";
import { ThemeButton } from "./theme/ThemeButton";
import { DesktopSettingsButton } from "./settings/DesktopSettings";
import { StartAtLoginOffer } from "./settings/StartAtLogin";
import { ShortcutsDialog, useShortcuts, type ShortcutAction } from "./shortcuts/Shortcuts";
import { EnvironmentScreen, type Tab } from "./environment/EnvironmentScreen";
import { ReleasesScreen } from "./releases/ReleasesScreen";
import { CalendarScreen } from "./calendar/CalendarScreen";
import { UatScreen } from "./uat/UatScreen";

export type Open = (environmentId: number, tab?: Tab) => void;
// Opens the place an attention item, a notice or a link is about.
export type Go = (target: Target) => void;

export function App() {
  const fetching = useIsFetching();
  const queryClient = useQueryClient();
  const [opened, setOpened] = useState<{ id: number; tab: Tab } | null>(null);
  const [screen, setScreen] = useState<"environments" | "releases" | "calendar" | "uat">("environments");
  const open: Open = (id, tab = "designer") => (setScreen("environments"), setOpened({ id, tab }));
  const [uatCycle, setUatCycle] = useState<number | null>(null);
  const openUat = (cycleId: number | null) => (setUatCycle(cycleId), setScreen("uat"));
  // Where Releases opens (an account's catalog, or one release's notes; a
  // new value remounts it) and which environment's Backups the dashboard opens.
  const [releasesAt, setReleasesAt] = useState<{ accountId?: number; releaseId?: number; n: number }>({ n: 0 });
  // Cleared once shown, so coming back to the dashboard does not reopen it.
  const [backupsOf, setBackupsOf] = useState<number | null>(null);
  const [help, setHelp] = useState(false);
  const [inboxToggles, setInboxToggles] = useState(0);
  const onShortcut = useCallback((a: ShortcutAction) => {
    if (a === "help") return setHelp(true);
    if (a === "inbox") return setInboxToggles((n) => n + 1);
    if (a === "environments") setOpened(null);
    if (a === "uat") setUatCycle(null);
    setScreen(a);
  }, []);
  useShortcuts(onShortcut);
  // A desktop notification clicked: the backend names what it is about.
  const goRef = useRef<Go>(() => undefined);
  useEffect(() => {
    const stop = listen<Target>("open-target", (e) => goRef.current(e.payload));
    return () => void stop.then((unlisten) => unlisten());
  }, []);
  const go: Go = (t) => {
    switch (t.kind) {
      case "backups":
        return (setScreen("environments"), setOpened(null), setBackupsOf(t.environment_id));
      case "upgrade":
        return open(t.environment_id, "upgrade");
      case "promotions":
        return open(t.environment_id, "promotions");
      case "integrations":
        return open(t.environment_id, "integrations");
      case "release":
        return (setReleasesAt({ accountId: t.account_id, releaseId: t.release_id, n: releasesAt.n + 1 }), setScreen("releases"));
      case "catalog":
        return (setReleasesAt({ accountId: t.account_id, n: releasesAt.n + 1 }), setScreen("releases"));
      case "uat":
        return openUat(t.cycle_id);
      case "calendar":
        return setScreen("calendar");
    }
  };
  goRef.current = go;
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
            data-testid="nav-environments" title="Ctrl+1" aria-keyshortcuts="Control+1"
          >
            Environments
          </button>
          <button type="button" className={`nav-item ${screen === "releases" ? "active" : ""}`} onClick={() => setScreen("releases")} data-testid="nav-releases" title="Ctrl+2" aria-keyshortcuts="Control+2">
            Releases
          </button>
          <button type="button" className={`nav-item ${screen === "calendar" ? "active" : ""}`} onClick={() => setScreen("calendar")} data-testid="nav-calendar" title="Ctrl+3" aria-keyshortcuts="Control+3">
            Calendar
          </button>
          <button type="button" className={`nav-item ${screen === "uat" ? "active" : ""}`} onClick={() => openUat(null)} data-testid="nav-uat" title="Ctrl+4" aria-keyshortcuts="Control+4">
            UAT
          </button>
        </nav>
        <div className={`sync ${fetching ? "on" : ""}`} aria-live="polite">
          {fetching ? "Refreshing…" : ""}
        </div>
        <InboxButton go={go} toggles={inboxToggles} />
        <AdminSwitcher />
        <ThemeButton />
        <DesktopSettingsButton />
        <button type="button" className="topbar-button" onClick={() => queryClient.invalidateQueries()} data-testid="refresh">
          Reload
        </button>
      </header>
      <main>
        <StartAtLoginOffer />
        {screen === "releases" ? (
          <ReleasesScreen key={releasesAt.n} initialAccount={releasesAt.accountId} initialRelease={releasesAt.releaseId} />
        ) : screen === "calendar" ? (
          <CalendarScreen go={go} />
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
          <Dashboard onOpen={open} onOpenUat={openUat} go={go} backupsOf={backupsOf} onBackupsShown={() => setBackupsOf(null)} />
        )}
      </main>
      {help && <ShortcutsDialog onClose={() => setHelp(false)} />}
    </div>
  );
}
