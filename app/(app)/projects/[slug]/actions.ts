"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import { actionResult } from "@/lib/actions/action-result";
import { assignBatch, sendBackForRankings, setReferenceRanking } from "@/lib/annotation/admin-annotation";
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
      .object({
        clinicians: z.array(z.uuid()).min(1, "choose at least one clinician"),
        count: z.coerce.number().int().min(1, "at least 1 prompt").max(1000),
      })
      .parse({ clinicians: form.getAll("clinicians").map(String), count: form.get("count") });
    const { assigned } = await assignBatch({ projectSlug: slug, clinicianIds: clinicians, count, actorId: admin.id });
    revalidatePath(`/projects/${slug}`);
    const total = Object.values(assigned).reduce((a, b) => a + b, 0);
    return {
      message: `Assigned ${total} prompt${total === 1 ? "" : "s"} (${Object.values(assigned).join(", ")} per clinician; fewer where the pool ran out).`,
    };
  });
}

export async function setReferenceRankingAction(slug: string, promptId: string, kind: "GOLD" | "ADJUDICATED", submission: SubmissionInput) {
  const admin = await requireRole("ADMIN");
  return actionResult(async () => {
    const parsed = submissionSchema.parse(submission);
    const { revision } = await setReferenceRanking({
      promptId: z.uuid().parse(promptId),
      kind: z.enum(["GOLD", "ADJUDICATED"]).parse(kind),
      submission: parsed,
      actorId: admin.id,
    });
    revalidatePath(`/projects/${slug}/prompts/${promptId}`);
    if (kind === "ADJUDICATED")
      return {
        message:
          revision === 1 ? "Adjudicated ranking saved beside the raw rankings." : `Adjudicated ranking revised (revision ${revision}).`,
      };
    return {
      message: revision === 1 ? "Gold ranking saved: this prompt is now a gold item." : `Gold ranking revised (revision ${revision}).`,
    };
  });
}

export async function sendBackAction(slug: string, promptId: string, _: unknown, form: FormData) {
  const admin = await requireRole("ADMIN");
  return actionResult(async () => {
    const extra = z.coerce
      .number({ error: "a number of rankings" })
      .int("a whole number")
      .min(1, "at least 1")
      .max(10, "at most 10 at a time")
      .parse(form.get("extra"));
    const { extraRankings } = await sendBackForRankings({ promptId: z.uuid().parse(promptId), extra, actorId: admin.id });
    revalidatePath(`/projects/${slug}/prompts/${promptId}`);
    return {
      message: `Sent back: the queue now wants ${extraRankings} more ranking${extraRankings === 1 ? "" : "s"} of this prompt than the project's k.`,
    };
  });
}
