import "server-only";
import { AppError } from "@/lib/errors/app-error";
import { getExport, type ExportView } from "@/lib/export/export-views";

/** Who may read exports: researchers and admins, by session or by an API token with the exports:read scope. */
export const EXPORT_READERS = { roles: ["ADMIN", "RESEARCHER"], tokenScope: "exports:read" } as const;

/** The export an export route serves; a 404 NOT_FOUND when there is none. */
export async function exportToRead(id: string): Promise<ExportView> {
  const exp = await getExport(id);
  if (!exp) throw new AppError("NOT_FOUND", "No such export.");
  return exp;
}
