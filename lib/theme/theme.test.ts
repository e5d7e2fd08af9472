import { describe, expect, it } from "vitest";
import {
  effectiveTheme,
  parseThemePreference,
  THEME_COOKIE_MAX_AGE_SECONDS,
  themeCookieAssignment,
  themeForDatabase,
  themeFromDatabase,
} from "@/lib/theme/theme";

describe("theme preference", () => {
  it("accepts exactly system, light and dark", () => {
    expect(["system", "light", "dark"].map(parseThemePreference)).toEqual(["system", "light", "dark"]);
    expect(["Dark", "", "auto", " dark", undefined, 1].map(parseThemePreference)).toEqual([null, null, null, null, null, null]);
  });

  it("maps to and from the database enum", () => {
    expect(themeForDatabase("dark")).toBe("DARK");
    expect(themeFromDatabase("LIGHT")).toBe("light");
    expect(themeFromDatabase(null)).toBeNull();
  });

  it("draws the saved choice first, then the browser's cookie, then the system's", () => {
    expect(effectiveTheme("light", "dark")).toBe("light");
    expect(effectiveTheme(null, "dark")).toBe("dark");
    expect(effectiveTheme(null, "purple")).toBe("system");
    expect(effectiveTheme(null, undefined)).toBe("system");
  });

  it("writes a site-wide cookie for 400 days, Secure over HTTPS", () => {
    expect(THEME_COOKIE_MAX_AGE_SECONDS).toBe(34_560_000);
    expect(themeCookieAssignment("dark", false)).toBe("medpref-theme=dark; Path=/; Max-Age=34560000; SameSite=Lax");
    expect(themeCookieAssignment("light", true)).toBe("medpref-theme=light; Path=/; Max-Age=34560000; SameSite=Lax; Secure");
  });
});
