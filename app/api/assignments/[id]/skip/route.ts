// POST /api/assignments/:id/skip - skip a prompt, with a reason; it returns to the pool.
import { z } from "zod";
import { skipAssignment } from "@/lib/annotation/manage-assignment";
import { authorizeApi } from "@/lib/auth/guard";
import { errorResponse } from "@/lib/http/error-response";
import { readJson } from "@/lib/http/read-json";
import { skipSchema } from "@/lib/ranking/submission-schema";

export const dynamic = "force-dynamic";

export async function POST(request: Request, { params }: { params: Promise<{ id: string }> }) {
  const auth = await authorizeApi("CLINICIAN");
  if (!auth.ok) return auth.response;
  try {
    const id = z.uuid("not an assignment id").parse((await params).id);
    const { reason } = await readJson(request, skipSchema, 8 * 1024);
    await skipAssignment({ userId: auth.user.id, assignmentId: id, reason });
    return Response.json({ skipped: true });
  } catch (error) {
    return errorResponse(error);
  }
}
