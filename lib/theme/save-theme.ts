import "server-only";
import { pool } from "@/lib/db/pool";
import { execute, sql } from "@/lib/db/sql";
import { themeForDatabase, type ThemePreference } from "@/lib/theme/theme";

/**
 * Saves a user's colour theme. Plain SQL on purpose: it leaves `updated_at` alone, which the
 * agreement reports' data version watches (a display preference must not invalidate them).
 */
export async function saveUserTheme(userId: string, theme: ThemePreference): Promise<void> {
  await execute(pool(), sql`UPDATE users SET theme = ${themeForDatabase(theme)}::theme WHERE id = ${userId}`);
}
