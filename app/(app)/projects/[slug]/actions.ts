"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import { actionResult } from "@/lib/actions/action-result";
import { assignBatch, setGoldRanking } from "@/lib/annotation/admin-annotation";
import { requireRole } from "@/lib/auth/guard";
import { updateProjectSettings } from "@/lib/projects/update-project";
import { submissionSchema, type SubmissionInput } from "@/lib/ranking/submission-schema";

export async function updateSettingsAction(slug: string, _: unknown, form: FormData) {
  const admin = await requireRole("ADMIN");
  return actionResult(async () => {
    const { changed } = await updateProjectSettings(
      slug,
      {
        name: String(form.get("name") ?? ""),
        guidelines: String(form.get("guidelines") ?? ""),
        overlapK: String(form.get("overlapK") ?? ""),
        allowTies: form.get("allowTies") === "on",
        showReference: form.get("showReference") === "on",
        editWindowMinutes: String(form.get("editWindowMinutes") ?? ""),
        leaseMinutes: String(form.get("leaseMinutes") ?? ""),
        goldRate: String(form.get("goldRate") ?? ""),
        specialtyMatching: form.get("specialtyMatching") === "on",
      },
      admin.id,
    );
    revalidatePath(`/projects/${slug}`);
    return { message: changed.length ? `Saved: ${changed.join(", ")}.` : "Nothing changed." };
  });
}

export async function assignBatchAction(slug: string, _: unknown, form: FormData) {
  const admin = await requireRole("ADMIN");
  return actionResult(async () => {
    const { clinicians, count } = z
      .object({ clinicians: z.array(z.uuid()).min(1, "choose at least one clinician"), count: z.coerce.number().int().min(1, "at least 1 prompt").max(1000) })
      .parse({ clinicians: form.getAll("clinicians").map(String), count: form.get("count") });
    const { assigned } = await assignBatch({ projectSlug: slug, clinicianIds: clinicians, count, actorId: admin.id });
    revalidatePath(`/projects/${slug}`);
    const total = Object.values(assigned).reduce((a, b) => a + b, 0);
    return { message: `Assigned ${total} prompt${total === 1 ? "" : "s"} (${Object.values(assigned).join(", ")} per clinician; fewer where the pool ran out).` };
  });
}

export async function setGoldAction(slug: string, promptId: string, submission: SubmissionInput) {
  const admin = await requireRole("ADMIN");
  return actionResult(async () => {
    const parsed = submissionSchema.parse(submission);
    const { revision } = await setGoldRanking({ promptId: z.uuid().parse(promptId), submission: parsed, actorId: admin.id });
    revalidatePath(`/projects/${slug}/prompts/${promptId}`);
    return { message: revision === 1 ? "Gold ranking saved: this prompt is now a gold item." : `Gold ranking revised (revision ${revision}).` };
  });
}
