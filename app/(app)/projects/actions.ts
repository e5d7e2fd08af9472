"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import { action } from "@/lib/actions/action";
import { formField } from "@/lib/actions/form-data";
import { createProject } from "@/lib/projects/create-project";

const createProjectForm = z.object({
  slug: formField.text(),
  name: formField.text(),
  overlapK: formField.optionalNumber(),
  allowTies: formField.checkbox(),
  showReference: formField.checkbox(),
  guidelines: formField.text(),
});

export async function createProjectAction(_: unknown, form: FormData) {
  return action({ roles: ["ADMIN"], schema: createProjectForm, form }, async ({ user, input }) => {
    const project = await createProject(input, user.id);
    revalidatePath("/projects");
    return { message: `Created project ${project.name}.` };
  });
}
