// Owns the e2e database for the run: connects (starting the embedded server when DATABASE_URL
// is empty), migrates, creates the e2e users and project through the app's code, then waits
// for SIGTERM from global teardown.
export {};
const { connectDatabase } = await import("@/lib/db/connect");
const { createUser } = await import("@/lib/users/manage-users");
const { createProject } = await import("@/lib/projects/create-project");
const { E2E_ANNOTATE_PROJECT, E2E_PASSWORD, E2E_PROJECT, E2E_USERS, E2E_XSS_PROJECT } = await import("./constants");
const { annotationPrompts, xssPrompt } = await import("./annotation-data");
const { importPrompts } = await import("@/lib/import/import-prompts");
const { DEFAULT_IMPORT_LIMITS } = await import("@/lib/import/types");
const { E2E_JUDGE_PROJECT } = await import("./constants");
const { startFakeOpenAI } = await import("../../tests/support/fake-openai-server");
// The local OpenAI-compatible server the e2e worker's judge calls go to (no hosted LLM is reachable).
const fakeOpenAI = await startFakeOpenAI({ delayMs: 20 });
/** Prompts whose candidates carry hidden qualities the fake judge ranks by (m1 best, then m3, m0, m2). */
const judgePrompts = Array.from({ length: 6 }, (_, i) => ({ id: `judge-${i}`, prompt: `Which test confirms diagnosis ${i}?`, completions: [3, 9, 1, 6].map((q, j) => ({ model: `m${j}`, text: `Answer ${j} for ${i}. [[q=${q}]]` })) }));

const connection = await connectDatabase();
for (const u of Object.values(E2E_USERS)) {
  await createUser({ email: u.email, role: u.role, name: `E2E ${u.role.toLowerCase()}`, password: E2E_PASSWORD }, null);
}
await createProject({ slug: E2E_PROJECT, name: "E2E project", overlapK: 3 }, null);
const projectNames: Record<string, string> = { [E2E_ANNOTATE_PROJECT]: "E2E annotation", [E2E_XSS_PROJECT]: "E2E hostile candidates", [E2E_JUDGE_PROJECT]: "E2E judge" };
for (const [slug, records] of [[E2E_ANNOTATE_PROJECT, annotationPrompts], [E2E_XSS_PROJECT, [xssPrompt]], [E2E_JUDGE_PROJECT, judgePrompts]] as const) {
  const project = await createProject({ slug, name: projectNames[slug]!, overlapK: 4, showReference: true }, null);
  const summary = await importPrompts({
    projectId: project.id,
    input: [Buffer.from(records.map((r) => JSON.stringify(r)).join("\n"))],
    fileName: `${slug}.jsonl`,
    bytesTotal: 0,
    format: "jsonl",
    skipInvalid: false,
    limits: DEFAULT_IMPORT_LIMITS,
    actorId: null,
  });
  if (!summary.ok) throw new Error(summary.message);
}
process.stdout.write(`READY ${JSON.stringify({ url: connection.url, fakeOpenAIUrl: fakeOpenAI.url })}\n`);

const stop = async () => {
  await fakeOpenAI.close();
  await connection.close();
  process.exit(0);
};
process.on("SIGTERM", stop);
process.on("SIGINT", stop);
setInterval(() => undefined, 1 << 30);
