import type pg from "pg";

/**
 * A throwaway project for benchmarks: N prompts × 8 candidates (texts of varied length), 3
 * clinician rankings per prompt (1–5 scores) and optionally a judge run with P permutations,
 * written straight in SQL. Better-placed models tend to rank better; raters see it through noise.
 */
export async function generateRankedProject(
  pool: pg.Pool,
  options: { slug: string; name: string; prompts: number; judgePermutations: number },
): Promise<{ projectId: string; runId: string | null }> {
  const { slug, name, prompts: promptCount, judgePermutations } = options;
  const client = await pool.connect();
  let projectId: string;
  let runId: string | null = null;
  try {
    await client.query("BEGIN");
    projectId = (await client.query<{ id: string }>(`INSERT INTO projects (slug, name) VALUES ($1, $2) RETURNING id`, [slug, name]))
      .rows[0]!.id;
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
    // Written in SQL, not imported: the project's counts are added as the import would (lib/projects/project-counts.ts).
    await client.query(
      `INSERT INTO project_counts (project_id, key, n)
       SELECT $1, 'prompts', count(*) FROM prompts WHERE project_id = $1
       UNION ALL SELECT $1, 'completions', count(*) FROM completions c JOIN prompts p ON p.id = c.prompt_id WHERE p.project_id = $1`,
      [projectId],
    );
    if (judgePermutations > 0) {
      runId = (
        await client.query<{ id: string }>(
          `INSERT INTO judge_runs (project_id, name, model, status, permutations) VALUES ($1, 'Benchmark judge', 'gpt-4o', 'COMPLETED', $2) RETURNING id`,
          [projectId, judgePermutations],
        )
      ).rows[0]!.id;
    }
    await addRankings(client, {
      projectId,
      clinicianPrefix: slug,
      humanPerPrompt: 3,
      judge: runId ? { runId, permutations: judgePermutations } : null,
    });
    await client.query("COMMIT");
    await client.query("ANALYZE");
  } finally {
    client.release();
  }
  return { projectId, runId };
}

/**
 * Rankings of every prompt of a project, in SQL: `humanPerPrompt` clinician rankings (12
 * clinicians `<prefix>-c0..11@medpref.test`, created here, each ranking through a submitted
 * assignment, as the annotation queue leaves them) and, with `judge`, one judge ranking per
 * permutation of that (finished) run. Candidates' quality rises with their position plus noise.
 */
export async function addRankings(
  client: pg.PoolClient,
  options: {
    projectId: string;
    clinicianPrefix: string;
    humanPerPrompt: number;
    judge: { runId: string; permutations: number } | null;
    /** Told each statement's seconds (with the triggers and constraint checks it fired). */
    log?: (line: string) => void;
  },
): Promise<void> {
  const { projectId, clinicianPrefix: prefix, humanPerPrompt, judge, log } = options;
  const timed = async (label: string, text: string, values: unknown[] = []) => {
    const started = performance.now();
    const { rowCount } = await client.query(text, values);
    log?.(`    ${label}: ${rowCount ?? 0} rows in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  };
  // Sorting 8 entries of every ranking (2.4 million at 100,000 prompts) in memory, not in temporary files.
  await client.query("SET LOCAL work_mem = '256MB'");
  await client.query(
    `INSERT INTO users (email, name, role, pseudonym) SELECT $1 || '-c' || i || '@medpref.test', 'Clinician ' || i, 'CLINICIAN', $1 || '-c' || i FROM generate_series(0, 11) i`,
    [prefix],
  );
  await client.query(
    `CREATE TEMP TABLE quality AS SELECT c.id, c.prompt_id, c.position + random() * 4 AS q FROM completions c JOIN prompts p ON p.id = c.prompt_id WHERE p.project_id = $1`,
    [projectId],
  );
  await client.query(`CREATE INDEX ON quality (prompt_id)`);
  await timed(
    "assignments",
    `INSERT INTO assignments (prompt_id, user_id, status, finished_at)
     SELECT p.id, (u.ids)[1 + (p.rn + h * 4) % 12], 'SUBMITTED', now() - (random() * interval '30 days')
       FROM (SELECT id, row_number() OVER (ORDER BY id) AS rn FROM prompts WHERE project_id = $1) p,
            generate_series(0, $3 - 1) h, (SELECT array_agg(id ORDER BY email) AS ids FROM users WHERE email LIKE $2 || '-c%') u`,
    [projectId, prefix, humanPerPrompt],
  );
  await timed(
    "human rankings",
    `INSERT INTO rankings (prompt_id, kind, rater_id, assignment_id)
     SELECT a.prompt_id, 'HUMAN', a.user_id, a.id FROM assignments a JOIN prompts p ON p.id = a.prompt_id
      WHERE p.project_id = $1 AND a.status = 'SUBMITTED' AND NOT EXISTS (SELECT 1 FROM rankings r WHERE r.assignment_id = a.id)`,
    [projectId],
  );
  if (judge) {
    await timed(
      "judge rankings",
      `INSERT INTO rankings (prompt_id, kind, judge_run_id, permutation_index) SELECT p.id, 'JUDGE', $2, k FROM prompts p, generate_series(0, $3 - 1) k WHERE p.project_id = $1`,
      [projectId, judge.runId, judge.permutations],
    );
  }
  await timed(
    "ranking revisions",
    `INSERT INTO ranking_revisions (ranking_id, revision, author_id, time_on_task_ms, shown_order)
     SELECT r.id, 1, r.rater_id, CASE WHEN r.kind = 'HUMAN' THEN 30000 + (random() * 120000)::int END, '{}'
       FROM rankings r JOIN prompts p ON p.id = r.prompt_id WHERE p.project_id = $1 AND NOT EXISTS (SELECT 1 FROM ranking_revisions x WHERE x.ranking_id = r.id)`,
    [projectId],
  );
  await timed(
    "ranking entries",
    `INSERT INTO ranking_entries (revision_id, completion_id, rank, score, shown_position)
     SELECT revision_id, completion_id, rank, greatest(1, 5 - (rank - 1) / 2), shown_position FROM (
       SELECT rr.id AS revision_id, q.id AS completion_id,
              row_number() OVER (PARTITION BY rr.id ORDER BY q.q + random() * CASE WHEN r.kind = 'HUMAN' THEN 3 ELSE 2 END) AS rank,
              row_number() OVER (PARTITION BY rr.id ORDER BY random()) - 1 AS shown_position
         FROM ranking_revisions rr JOIN rankings r ON r.id = rr.ranking_id JOIN quality q ON q.prompt_id = r.prompt_id
        WHERE r.prompt_id IN (SELECT id FROM prompts WHERE project_id = $1)
          AND NOT EXISTS (SELECT 1 FROM ranking_entries x WHERE x.revision_id = rr.id)) e`,
    [projectId],
  );
  await client.query("DROP TABLE quality");
  // The assignments went in before their rankings (a submit stores the ranking first): count the clinicians' progress afresh.
  await timed("clinician counts", `SELECT medpref_recount_clinician_counts($1)`, [projectId]);
}
