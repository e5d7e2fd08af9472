// GET /api/verification-assignments/:id - the pair screen's data for one of the clinician's own pair assignments.
import { idParam, noStore, route } from "@/lib/http/route";
import { ownPairAssignmentPayload } from "@/lib/verification/task-queries";

export const dynamic = "force-dynamic";

export const GET = route<{ id: string }>({ roles: ["CLINICIAN"] }, async ({ params, user }) =>
  Response.json(await ownPairAssignmentPayload(idParam(params.id, "a pair assignment"), user.id), noStore),
);
