import "server-only";
import { demoCandidates } from "@/lib/demo/demo-candidates";
import { CLI_IMPORT_HINTS } from "@/lib/cli/import-hints";
import { seedDemoJudgeRun } from "@/lib/demo/demo-judge-run";
import { DEMO_PROMPTS } from "@/lib/demo/demo-prompts";
import { db } from "@/lib/db/prisma";
import { importPrompts } from "@/lib/import/import-prompts";
import { DEFAULT_IMPORT_LIMITS } from "@/lib/import/types";
import { createProject } from "@/lib/projects/create-project";
import { createUser } from "@/lib/users/manage-users";

export const DEMO_PROJECT_SLUG = "demo-medqa";

export const DEMO_ACCOUNTS = [
  { email: "admin@medpref.local", name: "Ada Admin", role: "ADMIN", specialties: [] },
  { email: "clinician1@medpref.local", name: "Dr. Chen", role: "CLINICIAN", specialties: ["cardiology", "emergency-medicine"] },
  { email: "clinician2@medpref.local", name: "Dr. Okafor", role: "CLINICIAN", specialties: ["obstetrics", "pediatrics"] },
  { email: "researcher@medpref.local", name: "Rui Researcher", role: "RESEARCHER", specialties: [] },
] as const;

const GUIDELINES = `# How to rank

Rank the candidate answers from **best (1)** to **worst**. Judge them as you would a colleague's answer:

1. **Correctness** comes first: a wrong answer ranks below any correct one.
2. **Safety**: advice that could harm a patient ranks last; flag it *unsafe or harmful*.
3. **Completeness and reasoning**: the key facts and why they matter.
4. **Clarity**: concise beats verbose when both are correct.

Flag invented citations as *hallucinated reference*. Scores (optional) follow the UltraMedical rubric:
1 Inadequate · 2 Partially adequate · 3 Acceptable · 4 Good · 5 Excellent.
`;

export interface DemoSeedResult {
  created: boolean;
  credentials: { email: string; role: string; password: string }[];
  prompts: number;
}

/** Seeds the demo project and accounts once; later calls change nothing. */
export async function seedDemo(): Promise<DemoSeedResult> {
  const existing = await db().project.findUnique({ where: { slug: DEMO_PROJECT_SLUG }, select: { id: true } });
  if (existing) return { created: false, credentials: [], prompts: 0 };
  const credentials: DemoSeedResult["credentials"] = [];
  for (const account of DEMO_ACCOUNTS) {
    const found = await db().user.findUnique({ where: { email: account.email }, select: { id: true } });
    if (found) continue;
    const { user, password } = await createUser({ ...account, specialties: [...account.specialties] }, null);
    credentials.push({ email: user.email, role: user.role, password: password! });
  }
  const project = await createProject(
    {
      slug: DEMO_PROJECT_SLUG,
      name: "Demo: medical QA preference ranking",
      guidelines: GUIDELINES,
      overlapK: 2,
      showReference: true,
      allowTies: true,
    },
    null,
  );
  const lines = DEMO_PROMPTS.map((p, i) =>
    JSON.stringify({
      id: p.id,
      prompt: p.question,
      reference: p.reference,
      source: p.source,
      type: p.type,
      tags: p.tags,
      metadata: { demo: true },
      completions: demoCandidates(p, i),
    }),
  );
  const summary = await importPrompts({
    projectId: project.id,
    input: [Buffer.from(lines.join("\n") + "\n")],
    fileName: "demo-prompts.jsonl",
    bytesTotal: 0,
    format: "jsonl",
    skipInvalid: false,
    limits: DEFAULT_IMPORT_LIMITS,
    actorId: null,
    hints: CLI_IMPORT_HINTS,
  });
  if (!summary.ok) throw new Error(`Demo data failed to import: ${summary.message}`);
  // A synthetic judge's rankings, stored like a real run's (two permutations, each in its own
  // shuffled shown order), so the agreement dashboard and exports have data before anyone ranks.
  const stored = await db().prompt.findMany({
    where: { projectId: project.id },
    select: { id: true, externalId: true, completions: { select: { id: true, position: true } } },
  });
  const byExternalId = new Map(stored.map((p) => [p.externalId, p]));
  await seedDemoJudgeRun(
    project.id,
    DEMO_PROMPTS.map((p) => {
      const prompt = byExternalId.get(p.id)!;
      // Candidates are imported best first (demoCandidates lists them by intended quality).
      return { id: prompt.id, byQuality: [...prompt.completions].sort((a, b) => a.position - b.position).map((c) => c.id) };
    }),
  );
  return { created: true, credentials, prompts: summary.promptsAdded };
}

export function formatCredentials(credentials: DemoSeedResult["credentials"]): string[] {
  if (credentials.length === 0) return [];
  return [
    "Demo accounts (passwords are shown only this once; reset with `npm run medpref -- user reset-password --email E`):",
    ...credentials.map((c) => `  ${c.role.toLowerCase().padEnd(10)} ${c.email.padEnd(28)} ${c.password}`),
  ];
}
