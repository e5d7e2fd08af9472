import fs from "node:fs/promises";
import { z } from "zod";
import { parseFlags, parseValues, UsageError, type Command } from "@/lib/cli/command";
import { createProject } from "@/lib/projects/create-project";
import { assignmentsByStatus } from "@/lib/projects/project-counts";
import { getProjectBySlug, getProjectSummary } from "@/lib/projects/queries";
import { projectListing } from "@/lib/api/listings";
import { projectSlug } from "@/lib/projects/schema";

export const projectCommand: Command = {
  name: "project",
  usage: [
    "project create --slug S --name N [--overlap K] [--allow-ties] [--show-reference] [--guidelines-file F]",
    "project list [--json]",
    "project show SLUG [--json]",
  ].join("\n       "),
  needsDatabase: true,
  async run(args, io) {
    const [sub, ...rest] = args;
    if (sub === "create") {
      const { values } = parseFlags(rest, {
        slug: { type: "string" },
        name: { type: "string" },
        overlap: { type: "string" },
        "allow-ties": { type: "boolean" },
        "show-reference": { type: "boolean" },
        "guidelines-file": { type: "string" },
      });
      const input = parseValues(
        z.object({
          slug: projectSlug,
          name: z.string({ error: "required" }).trim().min(1, "required"),
          overlap: z.coerce.number().int().min(1).max(100).optional(),
        }),
        values,
      );
      const guidelines = values["guidelines-file"] ? await fs.readFile(values["guidelines-file"], "utf8") : "";
      const project = await createProject(
        {
          slug: input.slug,
          name: input.name,
          overlapK: input.overlap,
          allowTies: Boolean(values["allow-ties"]),
          showReference: Boolean(values["show-reference"]),
          guidelines,
        },
        null,
      );
      io.out(
        `Created project ${project.slug} (${project.name}), ${project.overlapK} rankings per prompt, ties ${project.allowTies ? "allowed" : "not allowed"}.`,
      );
      return;
    }
    if (sub === "list") {
      const { values } = parseFlags(rest, { json: { type: "boolean" } });
      const projects = await projectListing();
      if (values.json) {
        io.out(JSON.stringify(projects));
      } else if (projects.length === 0) {
        io.out("No projects yet. Create one with: project create --slug S --name N");
      } else {
        for (const p of projects) io.out(`${p.slug.padEnd(24)} ${String(p.prompts).padStart(7)} prompts  k=${p.overlapK}  ${p.name}`);
      }
      return;
    }
    if (sub === "show") {
      const { values, positionals } = parseFlags(rest, { json: { type: "boolean" } }, true);
      if (positionals.length !== 1) throw new UsageError("project show takes one SLUG");
      const project = await getProjectBySlug(positionals[0]!);
      const summary = { ...(await getProjectSummary(project.slug)), assignments: await assignmentsByStatus(project.id) };
      if (values.json) {
        io.out(JSON.stringify(summary));
      } else {
        io.out(`${summary.name} (${summary.slug})`);
        io.out(`  prompts: ${summary.prompts}, completions: ${summary.completions}`);
        io.out(`  rankings: ${summary.rankings.human} human, ${summary.rankings.judge} judge`);
        io.out(
          `  assignments: ${
            Object.entries(summary.assignments)
              .map(([k, v]) => `${k.toLowerCase()} ${v}`)
              .join(", ") || "none"
          }`,
        );
      }
      return;
    }
    throw new UsageError(`unknown subcommand "project ${sub ?? ""}"; expected:\n       ${this.usage}`);
  },
};
