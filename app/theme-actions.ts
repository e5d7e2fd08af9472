"use server";

import { action } from "@/lib/actions/action";
import { AppError } from "@/lib/errors/app-error";
import { saveUserTheme } from "@/lib/theme/save-theme";
import { parseThemePreference, THEME_LABELS } from "@/lib/theme/theme";

/** Saves the signed-in user's theme (any role), so it follows them to other devices. */
export async function saveThemeAction(theme: string) {
  return action({ roles: [] }, async ({ user }) => {
    const preference = parseThemePreference(theme);
    if (!preference) throw new AppError("INVALID_INPUT", "theme: choose system, light or dark.", "theme");
    await saveUserTheme(user.id, preference);
    return { message: `Theme: ${THEME_LABELS[preference]}.` };
  });
}
