// `npm run bench:agreement [-- --prompts 10000] [--json]`: a project of N prompts × 8 candidates
// with 3 clinician rankings each and one judge run (2 permutations) on a throwaway database; times
// the full agreement report (load + compute, no cache) and the dashboard's answer (cached report).
export {};
process.env.LOG_LEVEL ??= "warn";
import { benchArgs, benchDatabase } from "./support";

const args = benchArgs({ prompts: "10000", repeats: "3" });
const promptCount = Number(args.prompts);
const repeats = Number(args.repeats);
const log = (line: string) => {
  if (!args.json) process.stdout.write(line + "\n");
};

const database = await benchDatabase();
process.env.MEDPREF_DATABASE_URL = database.url;
const { pool, closePool } = await import("@/lib/db/pool");
const { disconnectPrisma } = await import("@/lib/db/prisma");
const { loadReportData } = await import("@/lib/agreement/load-report-data");
const { agreementReport } = await import("@/lib/agreement/agreement-report");
const { projectAgreement } = await import("@/lib/agreement/project-agreement");

log(`Generating ${promptCount} prompts × 8 candidates × 3 clinician rankings + 1 judge run (P = 2)…`);
const generated = performance.now();
const client = await pool().connect();
let projectId: string;
try {
  await client.query("BEGIN");
  projectId = (await client.query<{ id: string }>(`INSERT INTO projects (slug, name) VALUES ('bench-agreement', 'Agreement benchmark') RETURNING id`)).rows[0]!.id;
  await client.query(`INSERT INTO users (email, name, role, pseudonym) SELECT 'bench-c' || i || '@medpref.test', 'Clinician ' || i, 'CLINICIAN', 'bench-c' || i FROM generate_series(0, 11) i`);
  await client.query(
    `INSERT INTO prompts (project_id, external_id, messages, source, prompt_type, content_hash)
     SELECT $1, 'q' || i, jsonb_build_array(jsonb_build_object('role', 'user', 'content', 'Benchmark question ' || i || ': what is the next step?')),
            (ARRAY['MedQA', 'PubMedQA', 'MedMCQA', 'ChatDoctor'])[1 + i % 4], (ARRAY['exam', 'literature', 'open-ended'])[1 + i % 3], encode(sha256(('q' || i)::bytea), 'hex')
       FROM generate_series(0, $2 - 1) i`,
    [projectId, promptCount],
  );
  await client.query(
    `INSERT INTO completions (prompt_id, model, text, position, content_hash)
     SELECT p.id, (ARRAY['gpt-4', 'llama-3-70b', 'mixtral-8x7b', 'qwen-72b', 'gpt-3.5', 'llama-3-8b', 'mistral-7b', 'biomistral-7b'])[j + 1],
            repeat('Answer text. ', 20 + (random() * 200)::int), j, encode(sha256((p.id || ':' || j)::bytea), 'hex')
       FROM prompts p, generate_series(0, 7) j WHERE p.project_id = $1`,
    [projectId],
  );
  // Hidden quality: better models (lower position) tend to be better; raters see it through noise.
  await client.query(`CREATE TEMP TABLE quality AS SELECT c.id, c.prompt_id, c.position + random() * 4 AS q FROM completions c JOIN prompts p ON p.id = c.prompt_id WHERE p.project_id = $1`, [projectId]);
  await client.query(`CREATE INDEX ON quality (prompt_id)`);
  await client.query(
    `INSERT INTO rankings (prompt_id, kind, rater_id)
     SELECT p.id, 'HUMAN', (u.ids)[1 + (p.rn + h * 4) % 12]
       FROM (SELECT id, row_number() OVER (ORDER BY id) AS rn FROM prompts WHERE project_id = $1) p,
            generate_series(0, 2) h, (SELECT array_agg(id ORDER BY email) AS ids FROM users WHERE email LIKE 'bench-c%') u`,
    [projectId],
  );
  const run = await client.query<{ id: string }>(`INSERT INTO judge_runs (project_id, name, model, status, permutations) VALUES ($1, 'Benchmark judge', 'gpt-4o', 'COMPLETED', 2) RETURNING id`, [projectId]);
  await client.query(
    `INSERT INTO rankings (prompt_id, kind, judge_run_id, permutation_index) SELECT p.id, 'JUDGE', $2, k FROM prompts p, generate_series(0, 1) k WHERE p.project_id = $1`,
    [projectId, run.rows[0]!.id],
  );
  await client.query(
    `INSERT INTO ranking_revisions (ranking_id, revision, author_id, time_on_task_ms, shown_order)
     SELECT r.id, 1, r.rater_id, CASE WHEN r.kind = 'HUMAN' THEN 30000 + (random() * 120000)::int END, '{}'
       FROM rankings r JOIN prompts p ON p.id = r.prompt_id WHERE p.project_id = $1`,
    [projectId],
  );
  await client.query(
    `INSERT INTO ranking_entries (revision_id, completion_id, rank, shown_position)
     SELECT rr.id, q.id, row_number() OVER (PARTITION BY rr.id ORDER BY q.q + random() * CASE WHEN r.kind = 'HUMAN' THEN 3 ELSE 2 END),
            row_number() OVER (PARTITION BY rr.id ORDER BY random()) - 1
       FROM ranking_revisions rr JOIN rankings r ON r.id = rr.ranking_id JOIN quality q ON q.prompt_id = r.prompt_id`,
  );
  await client.query("COMMIT");
  await client.query("ANALYZE");
} finally {
  client.release();
}
log(`  generated in ${((performance.now() - generated) / 1000).toFixed(1)} s`);

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const loads: number[] = [];
const computes: number[] = [];
let summary = "";
for (let i = 0; i < repeats; i++) {
  const t0 = performance.now();
  const data = await loadReportData(projectId);
  const t1 = performance.now();
  const report = agreementReport(data, { seed: projectId });
  const t2 = performance.now();
  loads.push((t1 - t0) / 1000);
  computes.push((t2 - t1) / 1000);
  summary = `humans: pairwise agreement ${report.humanHuman.pairwiseAgreement?.toFixed(3)}, alpha ${report.humanHuman.krippendorffAlphaOrdinal?.toFixed(3)}, W ${report.humanHuman.kendallW?.toFixed(3)}; judge vs consensus tau-b ${report.judges[0]?.vsConsensus.kendallTauB?.toFixed(3)}`;
  log(`  report ${i + 1}: load ${loads.at(-1)!.toFixed(2)} s + compute ${computes.at(-1)!.toFixed(2)} s`);
}
const reportSeconds = median(loads.map((l, i) => l + computes[i]!));

// The dashboard: the first request computes and stores the report; later ones are served from it.
const cold = performance.now();
await projectAgreement("bench-agreement");
const coldMs = performance.now() - cold;
const warm: number[] = [];
for (let i = 0; i < 10; i++) {
  const t = performance.now();
  const answer = await projectAgreement("bench-agreement");
  if (!answer.fromCache) throw new Error("the dashboard's second request was not served from the cache");
  warm.push(performance.now() - t);
}
const dashboardMs = median(warm);

await closePool();
await disconnectPrisma();
await database.close();

if (args.json) {
  process.stdout.write(JSON.stringify({ prompts: promptCount, reportSeconds: Number(reportSeconds.toFixed(3)), dashboardMs: Number(dashboardMs.toFixed(1)) }) + "\n");
} else {
  log(summary);
  log("");
  log(`| prompts | rankings | full report (load + compute) | dashboard, cached | dashboard, first request |`);
  log(`| --- | --- | --- | --- | --- |`);
  log(`| ${promptCount} | ${promptCount * 5} | ${reportSeconds.toFixed(2)} s (load ${median(loads).toFixed(2)} s, compute ${median(computes).toFixed(2)} s) | ${dashboardMs.toFixed(0)} ms | ${coldMs.toFixed(0)} ms |`);
  log(`Targets: full report < 3 s (${reportSeconds < 3 ? "met" : "missed"}), dashboard < 1 s (${dashboardMs < 1000 ? "met" : "missed"}).`);
}
