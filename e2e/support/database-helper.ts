// Owns the e2e database for the run: connects (starting the embedded server when DATABASE_URL
// is empty), migrates, creates the e2e users and project through the app's code, then waits
// for SIGTERM from global teardown.
export {};
const { connectDatabase } = await import("@/lib/db/connect");
const { createUser } = await import("@/lib/users/manage-users");
const { createProject } = await import("@/lib/projects/create-project");
const { E2E_ANNOTATE_PROJECT, E2E_PASSWORD, E2E_PROJECT, E2E_TIES_PROJECT, E2E_USERS, E2E_XSS_PROJECT } = await import("./constants");
const { annotationPrompts, critiquePrompts, xssPrompt } = await import("./annotation-data");
const { importPrompts } = await import("@/lib/import/import-prompts");
const { DEFAULT_IMPORT_LIMITS } = await import("@/lib/import/types");
const { CLI_IMPORT_HINTS } = await import("@/lib/cli/import-hints");
const { E2E_JUDGE_PROJECT } = await import("./constants");
const { startFakeOpenAI } = await import("../../tests/support/fake-openai-server");
// The local OpenAI-compatible server the e2e worker's judge calls go to (no hosted LLM is reachable).
const fakeOpenAI = await startFakeOpenAI({ delayMs: 20 });
// The OpenID provider institutional sign-in goes to (a real one, run here on 127.0.0.1).
const { startOidcProvider } = await import("./oidc-provider");
const oidcProvider = await startOidcProvider();
/** Prompts whose candidates carry hidden qualities the fake judge ranks by (m1 best, then m3, m0, m2). */
const judgePrompts = Array.from({ length: 6 }, (_, i) => ({
  id: `judge-${i}`,
  prompt: `Which test confirms diagnosis ${i}?`,
  // m2 holds a planted fault a judge asked for critiques quotes (tests/support/fake-openai-server.ts).
  completions: [3, 9, 1, 6].map((q, j) => ({
    model: `m${j}`,
    text: `Answer ${j} for ${i}.${j === 2 ? " Give [[bad wrong-dose critical:10 g of ceftriaxone]] at once." : ""} [[q=${q}]]`,
  })),
}));

const connection = await connectDatabase();
for (const u of Object.values(E2E_USERS)) {
  await createUser({ email: u.email, role: u.role, name: `E2E ${u.role.toLowerCase()}`, password: E2E_PASSWORD }, null);
}
await createProject({ slug: E2E_PROJECT, name: "E2E project", overlapK: 3 }, null);
const { E2E_HYGIENE_PROJECT, E2E_CRITIQUE_PROJECT } = await import("./constants");
const hygienePrompts = Array.from({ length: 3 }, (_, i) => ({
  id: `hygiene-${i}`,
  prompt: `Hygiene question ${i}?`,
  completions: [
    { model: "a", text: `A${i}` },
    { model: "b", text: `B${i}` },
  ],
}));
const projectNames: Record<string, string> = {
  [E2E_ANNOTATE_PROJECT]: "E2E annotation",
  [E2E_XSS_PROJECT]: "E2E hostile candidates",
  [E2E_JUDGE_PROJECT]: "E2E judge",
  [E2E_TIES_PROJECT]: "E2E ties",
  [E2E_HYGIENE_PROJECT]: "E2E hygiene",
  [E2E_CRITIQUE_PROJECT]: "E2E critiques",
};
for (const [slug, records] of [
  [E2E_ANNOTATE_PROJECT, annotationPrompts],
  [E2E_XSS_PROJECT, [xssPrompt]],
  [E2E_JUDGE_PROJECT, judgePrompts],
  [E2E_TIES_PROJECT, annotationPrompts],
  [E2E_HYGIENE_PROJECT, hygienePrompts],
  [E2E_CRITIQUE_PROJECT, critiquePrompts],
] as const) {
  const project = await createProject(
    { slug, name: projectNames[slug]!, overlapK: 4, showReference: true, allowTies: slug === E2E_TIES_PROJECT },
    null,
  );
  const summary = await importPrompts({
    projectId: project.id,
    input: [Buffer.from(records.map((r) => JSON.stringify(r)).join("\n"))],
    fileName: `${slug}.jsonl`,
    bytesTotal: 0,
    format: "jsonl",
    skipInvalid: false,
    limits: DEFAULT_IMPORT_LIMITS,
    actorId: null,
    hints: CLI_IMPORT_HINTS,
  });
  if (!summary.ok) throw new Error(summary.message);
}
// The agreement dashboard's data: 12 prompts ranked by three (external) annotators and one judge.
{
  const { importRankings } = await import("@/lib/import/rankings/import-rankings");
  const { E2E_AGREEMENT_PROJECT, E2E_AGREEMENT_ANNOTATORS, E2E_AGREEMENT_MODELS } = await import("./constants");
  // Real model names, long ones included: the dashboard must print them whole.
  const models = E2E_AGREEMENT_MODELS;
  const project = await createProject({ slug: E2E_AGREEMENT_PROJECT, name: "E2E agreement", overlapK: 3 }, null);
  const prompts = Array.from({ length: 12 }, (_, i) => ({
    id: `agree-${i}`,
    prompt: `Agreement question ${i}?`,
    source: i % 2 ? "PubMedQA" : "MedQA",
    type: "exam",
    completions: models.map((model, j) => ({ model, text: `Answer ${j} to ${i}. ${"Detail. ".repeat(j * 4)}` })),
  }));
  const summary = await importPrompts({
    projectId: project.id,
    input: [Buffer.from(prompts.map((r) => JSON.stringify(r)).join("\n"))],
    fileName: "agreement.jsonl",
    bytesTotal: 0,
    format: "jsonl",
    skipInvalid: false,
    limits: DEFAULT_IMPORT_LIMITS,
    actorId: null,
    hints: CLI_IMPORT_HINTS,
  });
  if (!summary.ok) throw new Error(summary.message);
  // Mostly the same order, each annotator swapping a different pair now and then; the third disagrees most.
  const rotate = (i: number, a: number) => {
    const order = [...models];
    if ((i + a) % 3 === 0) [order[a % 3], order[(a % 3) + 1]] = [order[(a % 3) + 1]!, order[a % 3]!];
    if (a === 2 && i % 2 === 0) order.reverse();
    return order;
  };
  const human = prompts.flatMap((p, i) =>
    E2E_AGREEMENT_ANNOTATORS.map((annotator, a) => ({ prompt_id: p.id, annotator, ranking: rotate(i, a) })),
  );
  const judge = prompts.map((p, i) => ({ prompt_id: p.id, ranking: rotate(i, 1) }));
  for (const [kind, lines, annotator] of [
    ["human", human, null],
    ["judge", judge, "gpt-4o"],
  ] as const) {
    const result = await importRankings({
      projectId: project.id,
      input: [Buffer.from(lines.map((l) => JSON.stringify(l)).join("\n"))],
      fileName: `${kind}.jsonl`,
      kind,
      annotator,
      actorId: null,
    });
    if (!result.ok) throw new Error(result.message);
  }
  // A gold ranking of agree-1 (the models in file order), so the annotators' agreement with gold shows.
  const { setReferenceRanking } = await import("@/lib/annotation/admin-annotation");
  const { pool } = await import("@/lib/db/pool");
  const { rows: admins } = await pool().query<{ id: string }>(`SELECT id FROM users WHERE email = $1`, [E2E_USERS.admin.email]);
  const { rows: gold } = await pool().query<{ prompt_id: string; id: string }>(
    `SELECT c.prompt_id, c.id FROM completions c JOIN prompts p ON p.id = c.prompt_id WHERE p.project_id = $1 AND p.external_id = 'agree-1' ORDER BY c.position`,
    [project.id],
  );
  await setReferenceRanking({
    promptId: gold[0]!.prompt_id,
    kind: "GOLD",
    submission: { tiers: gold.map((c) => [c.id]), details: {}, rationale: null, timeOnTaskMs: 0 },
    actorId: admins[0]!.id,
  });
}
// Rankings by a named clinician account and a named external rater, and a researcher's export of them.
{
  const { E2E_PSEUDONYM_PROJECT, E2E_NAMED_CLINICIAN, E2E_NAMED_EXTERNAL_RATER } = await import("./constants");
  const { claimNextAssignment } = await import("@/lib/annotation/claim-next-assignment");
  const { submitRanking } = await import("@/lib/annotation/submit-ranking");
  const { importRankings } = await import("@/lib/import/rankings/import-rankings");
  const { createExport } = await import("@/lib/export/export-jobs");
  const { startQueue, stopQueue } = await import("@/lib/jobs/queue");
  const { db } = await import("@/lib/db/prisma");
  const project = await createProject({ slug: E2E_PSEUDONYM_PROJECT, name: "E2E pseudonyms", overlapK: 2 }, null);
  const prompts = Array.from({ length: 3 }, (_, i) => ({
    id: `pseudo-${i}`,
    prompt: `Pseudonym question ${i}?`,
    completions: ["m-a", "m-b", "m-c"].map((model, j) => ({ model, text: `Answer ${j} to pseudonym question ${i}.` })),
  }));
  const summary = await importPrompts({
    projectId: project.id,
    input: [Buffer.from(prompts.map((r) => JSON.stringify(r)).join("\n"))],
    fileName: "pseudonyms.jsonl",
    bytesTotal: 0,
    format: "jsonl",
    skipInvalid: false,
    limits: DEFAULT_IMPORT_LIMITS,
    actorId: null,
    hints: CLI_IMPORT_HINTS,
  });
  if (!summary.ok) throw new Error(summary.message);
  const { user } = await createUser(
    { email: E2E_NAMED_CLINICIAN.email, name: E2E_NAMED_CLINICIAN.name, role: "clinician", password: E2E_PASSWORD },
    null,
  );
  for (let i = 0; i < prompts.length; i++) {
    const next = await claimNextAssignment({ id: user.id, specialties: [] }, E2E_PSEUDONYM_PROJECT);
    if (!next) throw new Error("no prompt left to rank");
    const result = await submitRanking({
      userId: user.id,
      assignmentId: next.assignment.id,
      submission: {
        tiers: next.candidates.map((c) => [c.id]),
        details: {},
        rationale: "Ranked for the pseudonym test.",
        timeOnTaskMs: 1000,
      },
      idempotencyKey: `seed-pseudonym-${i}`,
    });
    if (result.status !== 201) throw new Error(`seed ranking refused: ${JSON.stringify(result.body)}`);
  }
  const external = prompts.map((p) => ({ prompt_id: p.id, annotator: E2E_NAMED_EXTERNAL_RATER, ranking: ["m-c", "m-a", "m-b"] }));
  const imported = await importRankings({
    projectId: project.id,
    input: [Buffer.from(external.map((l) => JSON.stringify(l)).join("\n"))],
    fileName: "external.jsonl",
    kind: "human",
    annotator: null,
    actorId: null,
  });
  if (!imported.ok) throw new Error(imported.message);
  const researcher = await db().user.findUniqueOrThrow({ where: { email: E2E_USERS.researcher.email }, select: { id: true } });
  process.env.MEDPREF_PROCESS = "web"; // this process only enqueues the export; the e2e worker builds it
  const boss = await startQueue();
  await createExport(
    boss,
    { projects: [E2E_PSEUDONYM_PROJECT], format: "rankings", minHumanRankings: 1 },
    { name: "E2E pseudonym export", actorId: researcher.id },
  );
  await stopQueue();
}
// Span critiques: marked spans on two clinicians' and a judge's rankings (the prompt page and the dashboard show them).
{
  const { seedCritiques } = await import("./critiques-seed");
  await seedCritiques();
}
process.stdout.write(`READY ${JSON.stringify({ url: connection.url, fakeOpenAIUrl: fakeOpenAI.url, oidcIssuer: oidcProvider.issuer })}\n`);

const stop = async () => {
  await fakeOpenAI.close();
  await oidcProvider.close();
  await connection.close();
  process.exit(0);
};
process.on("SIGTERM", stop);
process.on("SIGINT", stop);
setInterval(() => undefined, 1 << 30);
