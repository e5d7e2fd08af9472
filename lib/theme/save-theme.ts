import "server-only";
import { pool } from "@/lib/db/pool";
import { themeForDatabase, type ThemePreference } from "@/lib/theme/theme";

/**
 * Saves a user's colour theme. Plain SQL on purpose: it leaves `updated_at` alone, which the
 * agreement reports' data version watches (a display preference must not invalidate them).
 */
export async function saveUserTheme(userId: string, theme: ThemePreference): Promise<void> {
  await pool().query(`UPDATE users SET theme = $2::theme WHERE id = $1`, [userId, themeForDatabase(theme)]);
}
