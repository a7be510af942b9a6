import { useEffect, useState } from "react";

// Light or dark: the system's choice (prefers-color-scheme) unless the
// admin picks one; the pick is kept in this desktop's web storage and set
// on <html data-theme>, which the style sheet reads.
export type Theme = "system" | "light" | "dark";
const KEY = "cutover.theme";
const NEXT: Record<Theme, Theme> = { system: "light", light: "dark", dark: "system" };
const LABEL: Record<Theme, string> = { system: "Theme: as the system", light: "Theme: light", dark: "Theme: dark" };
const ICON: Record<Theme, string> = { system: "◐", light: "☀", dark: "☾" };

export function storedTheme(): Theme {
  const t = window.localStorage.getItem(KEY);
  return t === "light" || t === "dark" ? t : "system";
}

export function applyTheme(theme: Theme) {
  if (theme === "system") document.documentElement.removeAttribute("data-theme");
  else document.documentElement.setAttribute("data-theme", theme);
}

export function ThemeButton() {
  const [theme, setTheme] = useState<Theme>(storedTheme);
  useEffect(() => {
    applyTheme(theme);
    window.localStorage.setItem(KEY, theme);
  }, [theme]);
  return (
    <button type="button" className="topbar-button icon" onClick={() => setTheme(NEXT[theme])} aria-label={LABEL[theme]} title={`${LABEL[theme]} (click to change)`} data-testid="theme" data-theme={theme}>
      <span aria-hidden="true">{ICON[theme]}</span>
    </button>
  );
}
