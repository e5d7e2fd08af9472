import "server-only";
import { cookies } from "next/headers";
import type { SignedInUser } from "@/lib/auth/guard";
import { effectiveTheme, parseThemePreference, THEME_COOKIE, themeFromDatabase, type ThemePreference } from "@/lib/theme/theme";

/** The theme this request's page is drawn in, and whether the browser's cookie lags the user's saved one. */
export async function requestTheme(user: SignedInUser | null): Promise<{ theme: ThemePreference; cookieIsStale: boolean }> {
  const saved = themeFromDatabase(user?.theme);
  const cookie = parseThemePreference((await cookies()).get(THEME_COOKIE)?.value);
  return { theme: effectiveTheme(saved, cookie ?? undefined), cookieIsStale: saved !== null && saved !== cookie };
}
