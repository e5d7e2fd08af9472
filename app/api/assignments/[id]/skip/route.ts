// POST /api/assignments/:id/skip - skip a prompt, with a reason; it returns to the pool.
import { skipAssignment } from "@/lib/annotation/manage-assignment";
import { readJson } from "@/lib/http/read-json";
import { idParam, route } from "@/lib/http/route";
import { skipSchema } from "@/lib/ranking/submission-schema";

export const dynamic = "force-dynamic";

export const POST = route<{ id: string }>({ roles: ["CLINICIAN"] }, async ({ request, params, user }) => {
  const assignmentId = idParam(params.id, "an assignment");
  const { reason } = await readJson(request, skipSchema, 8 * 1024);
  await skipAssignment({ userId: user.id, assignmentId, reason });
  return Response.json({ skipped: true });
});
