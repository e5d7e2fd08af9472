"use server";

import { revalidatePath } from "next/cache";
import { actionResult } from "@/lib/actions/action-result";
import { requireRole } from "@/lib/auth/guard";
import { createProject } from "@/lib/projects/create-project";

export async function createProjectAction(_: unknown, form: FormData) {
  const admin = await requireRole("ADMIN");
  return actionResult(async () => {
    const project = await createProject(
      {
        slug: String(form.get("slug") ?? ""),
        name: String(form.get("name") ?? ""),
        overlapK: form.get("overlapK") ? Number(form.get("overlapK")) : undefined,
        allowTies: form.get("allowTies") === "on",
        showReference: form.get("showReference") === "on",
        guidelines: String(form.get("guidelines") ?? ""),
      },
      admin.id,
    );
    revalidatePath("/projects");
    return { message: `Created project ${project.name}.` };
  });
}
