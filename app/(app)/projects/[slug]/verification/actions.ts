"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import { action } from "@/lib/actions/action";
import { formField } from "@/lib/actions/form-data";
import { idSchema } from "@/lib/core/ids";
import { adjudicatePair } from "@/lib/verification/adjudicate-pair";
import { startQueue } from "@/lib/jobs/queue";
import { createVerificationSet } from "@/lib/verification/create-verification-set";
import { createVerifiedExport } from "@/lib/verification/create-verified-export";
import type { VerificationConfigInput } from "@/lib/verification/verification-config";

const createForm = z.object({
  name: formField.optional(),
  source: formField.trimmed(),
  pairs: formField.trimmed(),
  strategy: formField.optional(),
  sampling: formField.optional(),
  raters: formField.optional(),
  agree: formField.optional(),
  seed: formField.optional(),
  disputed: formField.optional(),
});

export async function createVerificationSetAction(slug: string, _: unknown, form: FormData) {
  return action({ roles: ["ADMIN"], schema: createForm, form }, async ({ user, input }) => {
    const set = await createVerificationSet(slug, input as VerificationConfigInput, user.id);
    revalidatePath(`/projects/${slug}/verification`);
    return { message: `Created "${set.name}" version ${set.version} with ${set.pairCount} pairs.`, data: { id: set.id } };
  });
}

const adjudicateForm = z.object({ decision: formField.as(z.enum(["VERIFIED", "OVERTURNED"], { error: "choose uphold or overturn" })) });

export async function adjudicatePairAction(slug: string, setId: string, pairId: string, _: unknown, form: FormData) {
  return action({ roles: ["ADMIN"], schema: adjudicateForm, form }, async ({ user, input }) => {
    await adjudicatePair(idSchema("a set").parse(setId), idSchema("a pair").parse(pairId), input.decision, user.id);
    revalidatePath(`/projects/${slug}/verification/${setId}`);
    return { message: input.decision === "VERIFIED" ? "Upheld the judge's verdict." : "Overturned the judge's verdict." };
  });
}

const exportForm = z.object({ fileType: formField.as(z.enum(["jsonl", "parquet"], { error: "jsonl or parquet" })) });

/** Queues the set's verified benchmark package; the export's own page shows its progress and files. */
export async function exportVerificationSetAction(setId: string, _: unknown, form: FormData) {
  return action({ roles: ["ADMIN", "RESEARCHER"], schema: exportForm, form }, async ({ user, input }) => {
    const id = await createVerifiedExport(
      await startQueue(),
      { set: idSchema("a set").parse(setId), fileType: input.fileType },
      { actorId: user.id },
    );
    revalidatePath("/exports");
    return { message: "Benchmark export queued.", data: { id } };
  });
}
