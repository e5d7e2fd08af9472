// GET /api/assignments/:id - the ranking screen's data for one of the clinician's own assignments.
import { z } from "zod";
import { assignmentPayload } from "@/lib/annotation/assignment-payload";
import { authorizeApi } from "@/lib/auth/guard";
import { pool } from "@/lib/db/pool";
import { errorResponse } from "@/lib/http/error-response";

export const dynamic = "force-dynamic";

export async function GET(_: Request, { params }: { params: Promise<{ id: string }> }) {
  const auth = await authorizeApi("CLINICIAN");
  if (!auth.ok) return auth.response;
  try {
    const id = z.uuid("not an assignment id").parse((await params).id);
    return Response.json(await assignmentPayload(pool(), id, auth.user.id), { headers: { "cache-control": "no-store" } });
  } catch (error) {
    return errorResponse(error);
  }
}
