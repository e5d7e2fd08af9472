import type { Theme } from "@/generated/prisma/enums";

/**
 * The colour theme: follow the system setting (`prefers-color-scheme`), or always light or dark.
 * The root layout writes the effective choice into `<html data-theme>` on the server, and
 * app/globals.css swaps the colour variables for it, so the first paint is already right and
 * no inline script is needed.
 */
export const THEME_PREFERENCES = ["system", "light", "dark"] as const;
export type ThemePreference = (typeof THEME_PREFERENCES)[number];

/** This browser's choice (also what the login page shows); a signed-in user's saved choice wins. */
export const THEME_COOKIE = "medpref-theme";
/** 400 days, the longest a browser keeps a cookie. */
export const THEME_COOKIE_MAX_AGE_SECONDS = 400 * 24 * 60 * 60;

export const THEME_LABELS: Record<ThemePreference, string> = { system: "System", light: "Light", dark: "Dark" };

export function parseThemePreference(value: unknown): ThemePreference | null {
  return typeof value === "string" && (THEME_PREFERENCES as readonly string[]).includes(value) ? (value as ThemePreference) : null;
}

export function themeFromDatabase(value: Theme | null | undefined): ThemePreference | null {
  return value ? (value.toLowerCase() as ThemePreference) : null;
}

export function themeForDatabase(value: ThemePreference): Theme {
  return value.toUpperCase() as Theme;
}

/** What a page is drawn in: the signed-in user's saved choice, else this browser's cookie, else the system's. */
export function effectiveTheme(saved: ThemePreference | null, cookie: string | undefined): ThemePreference {
  return saved ?? parseThemePreference(cookie) ?? "system";
}

/** The cookie as `document.cookie` takes it (the server action sets the same attributes). */
export function themeCookieAssignment(theme: ThemePreference, secure: boolean): string {
  return `${THEME_COOKIE}=${theme}; Path=/; Max-Age=${THEME_COOKIE_MAX_AGE_SECONDS}; SameSite=Lax${secure ? "; Secure" : ""}`;
}
