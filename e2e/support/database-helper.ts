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

const connection = await connectDatabase();
for (const u of Object.values(E2E_USERS)) {
  await createUser({ email: u.email, role: u.role, name: `E2E ${u.role.toLowerCase()}`, password: E2E_PASSWORD }, null);
}
await createProject({ slug: E2E_PROJECT, name: "E2E project", overlapK: 3 }, null);
for (const [slug, records] of [[E2E_ANNOTATE_PROJECT, annotationPrompts], [E2E_XSS_PROJECT, [xssPrompt]]] as const) {
  const project = await createProject({ slug, name: slug === E2E_XSS_PROJECT ? "E2E hostile candidates" : "E2E annotation", overlapK: 4, showReference: true }, null);
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
process.stdout.write(`READY ${JSON.stringify({ url: connection.url })}\n`);

const stop = async () => {
  await connection.close();
  process.exit(0);
};
process.on("SIGTERM", stop);
process.on("SIGINT", stop);
setInterval(() => undefined, 1 << 30);
