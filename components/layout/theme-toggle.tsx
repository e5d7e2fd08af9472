"use client";

import { useEffect, useState, useTransition } from "react";
import { saveThemeAction } from "@/app/theme-actions";
import { THEME_LABELS, THEME_PREFERENCES, themeCookieAssignment, type ThemePreference } from "@/lib/theme/theme";

function setBrowserTheme(theme: ThemePreference) {
  document.documentElement.dataset.theme = theme;
  document.cookie = themeCookieAssignment(theme, window.location.protocol === "https:");
}

const ICONS: Record<ThemePreference, string> = {
  // A monitor, a sun, a moon (24 × 24 outlines).
  system: "M3 5h18v11H3zM8 20h8M12 16v4",
  light:
    "M12 8a4 4 0 1 0 0 8 4 4 0 0 0 0-8zM12 2v2M12 20v2M4.9 4.9l1.4 1.4M17.7 17.7l1.4 1.4M2 12h2M20 12h2M4.9 19.1l1.4-1.4M17.7 6.3l1.4-1.4",
  dark: "M20 14.5A8 8 0 0 1 9.5 4a8 8 0 1 0 10.5 10.5z",
};

/**
 * System / Light / Dark. Applies at once (the `<html data-theme>` the CSS keys on) and sets the
 * browser's cookie; for a signed-in user the choice is also saved, so it follows them to other devices.
 */
export function ThemeToggle({ initial, signedIn }: { initial: ThemePreference; signedIn: boolean }) {
  const [theme, setTheme] = useState(initial);
  const [, startTransition] = useTransition();
  // The root layout is not drawn again on a client-side navigation (signing in, say): the page's
  // own theme, decided on the server for this user, is applied to <html> here.
  useEffect(() => {
    if (document.documentElement.dataset.theme !== initial) setBrowserTheme(initial);
  }, [initial]);

  function choose(next: ThemePreference) {
    setTheme(next);
    setBrowserTheme(next);
    if (signedIn) startTransition(() => void saveThemeAction(next));
  }

  return (
    <fieldset className="flex items-center rounded-md border border-slate-300 p-0.5 text-xs">
      <legend className="sr-only">Theme</legend>
      {THEME_PREFERENCES.map((option) => (
        <label
          key={option}
          className="flex cursor-pointer items-center gap-1 rounded px-2 py-1 text-slate-700 hover:bg-slate-100 has-checked:bg-slate-200 has-checked:font-semibold has-checked:text-slate-900 has-focus-visible:outline-2 has-focus-visible:outline-brand-600"
        >
          <input
            type="radio"
            name="medpref-theme"
            value={option}
            checked={theme === option}
            onChange={() => choose(option)}
            className="sr-only"
          />
          <svg
            aria-hidden="true"
            viewBox="0 0 24 24"
            className="h-3.5 w-3.5 fill-none stroke-current"
            strokeWidth={2}
            strokeLinecap="round"
            strokeLinejoin="round"
          >
            <path d={ICONS[option]} />
          </svg>
          {THEME_LABELS[option]}
        </label>
      ))}
    </fieldset>
  );
}

/** Writes a signed-in user's saved theme into this browser's cookie (a new device, or changed elsewhere). */
export function ThemeCookieSync({ theme }: { theme: ThemePreference }) {
  useEffect(() => {
    document.cookie = themeCookieAssignment(theme, window.location.protocol === "https:");
  }, [theme]);
  return null;
}
