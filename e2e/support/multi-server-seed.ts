// Seeds the database of the multi-server test (e2e/multiple-servers.spec.ts) through the app's own
// code, then exits: accounts, a project to claim prompts in, one to upload into, and a judge run
// (started: its units wait in the queue for the test's two workers) against the test's local
// OpenAI-compatible server. Prints `READY {json}` on stdout.
export {};
process.env.MEDPREF_PROCESS = "web"; // enqueues only: the test's workers run the units
const { connectDatabase } = await import("@/lib/db/connect");
const { createUser } = await import("@/lib/users/manage-users");
const { createProject } = await import("@/lib/projects/create-project");
const { importPrompts } = await import("@/lib/import/import-prompts");
const { DEFAULT_IMPORT_LIMITS } = await import("@/lib/import/types");
const { CLI_IMPORT_HINTS } = await import("@/lib/cli/import-hints");
const { createEndpoint } = await import("@/lib/judge/endpoints");
const { ensureBuiltInTemplates, latestTemplates } = await import("@/lib/judge/judge-templates");
const { createJudgeRun } = await import("@/lib/judge/runs/create-judge-run");
const { startJudgeRun } = await import("@/lib/judge/runs/judge-queue");
const { startQueue, stopQueue } = await import("@/lib/jobs/queue");
const { MULTI_SERVER } = await import("./multi-server");
const { E2E_PASSWORD } = await import("./constants");

const fakeOpenAIUrl = process.env.MEDPREF_E2E_FAKE_OPENAI_URL;
if (!fakeOpenAIUrl) throw new Error("MEDPREF_E2E_FAKE_OPENAI_URL is not set");

const connection = await connectDatabase();
for (const email of [MULTI_SERVER.admin, ...MULTI_SERVER.clinicians]) {
  await createUser({ email, role: email === MULTI_SERVER.admin ? "admin" : "clinician", name: email, password: E2E_PASSWORD }, null);
}

async function importRecords(projectId: string, records: unknown[]) {
  const summary = await importPrompts({
    projectId,
    input: [Buffer.from(records.map((r) => JSON.stringify(r)).join("\n"))],
    fileName: "seed.jsonl",
    bytesTotal: 0,
    format: "jsonl",
    skipInvalid: false,
    limits: DEFAULT_IMPORT_LIMITS,
    actorId: null,
    hints: CLI_IMPORT_HINTS,
  });
  if (!summary.ok) throw new Error(summary.message);
}

const claims = await createProject({ slug: MULTI_SERVER.claimProject, name: "Multi-server claims", overlapK: MULTI_SERVER.k }, null);
await importRecords(
  claims.id,
  Array.from({ length: MULTI_SERVER.claimPrompts }, (_, i) => ({
    id: `claim-${i}`,
    prompt: `Claim question ${i}?`,
    completions: ["a", "b", "c"].map((model) => ({ model, text: `Answer ${model} to claim question ${i}.` })),
  })),
);
await createProject({ slug: MULTI_SERVER.uploadProject, name: "Multi-server uploads", overlapK: 1 }, null);

const judged = await createProject({ slug: MULTI_SERVER.judgeProject, name: "Multi-server judge", overlapK: 1 }, null);
await importRecords(
  judged.id,
  Array.from({ length: MULTI_SERVER.judgePrompts }, (_, i) => ({
    id: `judge-${i}`,
    prompt: `Which test confirms diagnosis ${i}?`,
    completions: [3, 9, 1, 6].map((q, j) => ({ model: `m${j}`, text: `Answer ${j} for ${i}. [[q=${q}]]` })),
  })),
);
const endpoint = await createEndpoint(
  {
    name: "Multi-server judge",
    baseUrl: fakeOpenAIUrl,
    apiKeyEnv: MULTI_SERVER.keyEnv,
    supportsBatch: false,
    supportsStructuredOutput: false,
  },
  null,
);
await ensureBuiltInTemplates();
const template = (await latestTemplates()).find((t) => t.key === "open-ended")!;
const run = await createJudgeRun(
  {
    projectSlug: MULTI_SERVER.judgeProject,
    name: "Spread over two workers",
    endpointId: endpoint.id,
    model: "judge",
    templateId: template.id,
    permutations: MULTI_SERVER.permutations,
    maxConcurrency: 8,
  },
  null,
);
const boss = await startQueue();
await startJudgeRun(boss, run.id, null);
await stopQueue();
await connection.close();
process.stdout.write(`READY ${JSON.stringify({ runId: run.id })}\n`);
process.exit(0);
