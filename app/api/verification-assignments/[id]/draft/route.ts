// PUT /api/verification-assignments/:id/draft - autosave of the pair screen (also extends the lease).
import { idParam, route } from "@/lib/http/route";
import { savePairDraft } from "@/lib/verification/manage-pair-assignment";
import { PAIR_DRAFT_BODY } from "@/lib/verification/pair-answer";

export const dynamic = "force-dynamic";

export const PUT = route<{ id: string }, typeof PAIR_DRAFT_BODY>(
  { roles: ["CLINICIAN"], body: PAIR_DRAFT_BODY },
  async ({ params, user, body }) => {
    const assignmentId = idParam(params.id, "a pair assignment");
    return Response.json(await savePairDraft({ userId: user.id, assignmentId, draft: body }));
  },
);
