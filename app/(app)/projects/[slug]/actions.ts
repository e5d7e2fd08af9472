"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import { action } from "@/lib/actions/action";
import { formField } from "@/lib/actions/form-data";
import { assignBatch, sendBackForRankings, setReferenceRanking } from "@/lib/annotation/admin-annotation";
import { idSchema } from "@/lib/core/ids";
import { projectSettingsInput, updateProjectSettings } from "@/lib/projects/update-project";
import { submissionSchema, type SubmissionInput } from "@/lib/ranking/submission-schema";
import { saveTaxonomy } from "@/lib/critiques/project-taxonomy";
import { taxonomyFromLines } from "@/lib/critiques/taxonomy-lines";
import { AppError } from "@/lib/errors/app-error";
import { getProjectBySlug } from "@/lib/projects/queries";

const settingsForm = z.object({
  name: formField.text(),
  guidelines: formField.text(),
  overlapK: formField.text(),
  allowTies: formField.checkbox(),
  showReference: formField.checkbox(),
  editWindowMinutes: formField.text(),
  leaseMinutes: formField.text(),
  goldRate: formField.text(),
  specialtyMatching: formField.checkbox(),
  queueOrder: formField.as(projectSettingsInput.shape.queueOrder),
});

const assignBatchForm = z.object({
  clinicians: formField.all().pipe(z.array(idSchema("a clinician")).min(1, "choose at least one clinician")),
  count: formField.as(z.coerce.number().int().min(1, "at least 1 prompt").max(1000)),
});

const sendBackForm = z.object({
  extra: formField.as(
    z.coerce.number({ error: "a number of rankings" }).int("a whole number").min(1, "at least 1").max(10, "at most 10 at a time"),
  ),
});

const promptId = idSchema("a prompt");

const taxonomyForm = z.object({ lines: formField.text() });

/** Saves the project's critique taxonomy as its next version (spans keep the version they were marked under). */
export async function saveTaxonomyAction(slug: string, _: unknown, form: FormData) {
  return action({ roles: ["ADMIN"], schema: taxonomyForm, form }, async ({ user, input }) => {
    const read = taxonomyFromLines(input.lines);
    if (!read.ok) throw new AppError("INVALID_INPUT", read.message, "lines");
    const project = await getProjectBySlug(slug);
    const saved = await saveTaxonomy(project.id, { tags: read.tags }, user.id);
    revalidatePath(`/projects/${slug}`);
    return {
      message: `Saved as version ${saved.version} (${saved.taxonomy.tags.length} tags). New marks use it; earlier marks keep theirs.`,
    };
  });
}

export async function updateSettingsAction(slug: string, _: unknown, form: FormData) {
  return action({ roles: ["ADMIN"], schema: settingsForm, form }, async ({ user, input }) => {
    const { changed } = await updateProjectSettings(slug, input, user.id);
    revalidatePath(`/projects/${slug}`);
    return { message: changed.length ? `Saved: ${changed.join(", ")}.` : "Nothing changed." };
  });
}

export async function assignBatchAction(slug: string, _: unknown, form: FormData) {
  return action({ roles: ["ADMIN"], schema: assignBatchForm, form }, async ({ user, input }) => {
    const { assigned } = await assignBatch({ projectSlug: slug, clinicianIds: input.clinicians, count: input.count, actorId: user.id });
    revalidatePath(`/projects/${slug}`);
    const total = Object.values(assigned).reduce((a, b) => a + b, 0);
    return {
      message: `Assigned ${total} prompt${total === 1 ? "" : "s"} (${Object.values(assigned).join(", ")} per clinician; fewer where the pool ran out).`,
    };
  });
}

export async function setReferenceRankingAction(slug: string, prompt: string, kind: "GOLD" | "ADJUDICATED", submission: SubmissionInput) {
  return action({ roles: ["ADMIN"] }, async ({ user }) => {
    const parsed = submissionSchema.parse(submission);
    const { revision } = await setReferenceRanking({
      promptId: promptId.parse(prompt),
      kind: z.enum(["GOLD", "ADJUDICATED"]).parse(kind),
      submission: parsed,
      actorId: user.id,
    });
    revalidatePath(`/projects/${slug}/prompts/${prompt}`);
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

export async function sendBackAction(slug: string, prompt: string, _: unknown, form: FormData) {
  return action({ roles: ["ADMIN"], schema: sendBackForm, form }, async ({ user, input }) => {
    const { extraRankings } = await sendBackForRankings({ promptId: promptId.parse(prompt), extra: input.extra, actorId: user.id });
    revalidatePath(`/projects/${slug}/prompts/${prompt}`);
    return {
      message: `Sent back: the queue now wants ${extraRankings} more ranking${extraRankings === 1 ? "" : "s"} of this prompt than the project's k.`,
    };
  });
}
