// GET /api/assignments/:id - the ranking screen's data for one of the clinician's own assignments.
import { ownAssignmentPayload } from "@/lib/annotation/queries";
import { idParam, noStore, route } from "@/lib/http/route";

export const dynamic = "force-dynamic";

export const GET = route<{ id: string }>({ roles: ["CLINICIAN"] }, async ({ params, user }) =>
  Response.json(await ownAssignmentPayload(idParam(params.id, "an assignment"), user.id), noStore),
);
