// The span critiques' e2e data (run by database-helper.ts in the helper process): 12 prompts with two
// Markdown candidates each, ranked by two external clinicians and an imported judge, whose rankings
// carry marked spans, stored through the app's one writer (insertCritiqueSpans).
import { codePointLength } from "@/lib/critiques/code-points";
import { insertCritiqueSpans, type CompletionSpan } from "@/lib/critiques/store-spans";
import type { CritiqueSeverity } from "@/lib/critiques/taxonomy";
import { pool } from "@/lib/db/pool";
import { queryRows, sql } from "@/lib/db/sql";
import { CLI_IMPORT_HINTS } from "@/lib/cli/import-hints";
import { importPrompts } from "@/lib/import/import-prompts";
import { importRankings } from "@/lib/import/rankings/import-rankings";
import { DEFAULT_IMPORT_LIMITS } from "@/lib/import/types";
import { createProject } from "@/lib/projects/create-project";
import { E2E_CRITIQUE_MODELS, E2E_CRITIQUE_RATERS, E2E_SPAN_VIEWS_PROJECT } from "./constants";

export const CRITIQUE_JUDGE = "gpt-critic";

/** Candidate texts: Markdown with bold, a list and non-Latin text, so marks land inside rendered structure. */
const alpha = (i: number) =>
  `**Dose:** give amoxicillin 500 mg every 8 h for ${5 + i} days.\n\n- Check renal function first\n- 避免 NSAIDs with warfarin\n\nReview in 48 h.`;
const beta = (i: number) => `Rest, fluids and paracetamol.\n\nSee Smith et al. 2019 for case ${i}.`;

/** A span quoting `quote` in `text` (its first occurrence), offsets in code points. */
function quoted(
  completionId: string,
  text: string,
  quote: string,
  tag: string,
  severity: CritiqueSeverity,
  notes: Partial<CompletionSpan> = {},
) {
  const at = text.indexOf(quote);
  if (at < 0) throw new Error(`"${quote}" is not in the candidate`);
  const start = codePointLength(text.slice(0, at));
  return { completionId, start, end: start + codePointLength(quote), text: quote, tag, severity, comment: "", correction: "", ...notes };
}

/**
 * Per prompt i: Quill marks "amoxicillin 500 mg" (wrong dose, major, with a comment and a correction);
 * Fenn marks "500 mg every 8 h" (wrong dose, critical) on even prompts and the same text as Quill on odd
 * ones; on every third prompt Quill marks the invented reference in beta and Fenn the NSAID line in
 * alpha (unsafe); the judge marks "amoxicillin 500 mg".
 */
function spansOf(i: number, who: string, alphaId: string, betaId: string): CompletionSpan[] {
  const [quill] = E2E_CRITIQUE_RATERS;
  if (who === CRITIQUE_JUDGE) return [quoted(alphaId, alpha(i), "amoxicillin 500 mg", "wrong-dose", "major")];
  if (who === quill)
    return [
      quoted(alphaId, alpha(i), "amoxicillin 500 mg", "wrong-dose", "major", {
        comment: "Too low for a severe infection.",
        correction: "amoxicillin 1 g every 8 h",
      }),
      ...(i % 3 === 0 ? [quoted(betaId, beta(i), "Smith et al. 2019", "hallucinated-reference", "minor")] : []),
    ];
  return [
    quoted(alphaId, alpha(i), i % 2 === 0 ? "500 mg every 8 h" : "amoxicillin 500 mg", "wrong-dose", i % 2 === 0 ? "critical" : "major"),
    ...(i % 3 === 0
      ? [quoted(alphaId, alpha(i), "避免 NSAIDs with warfarin", "unsafe", "major", { comment: "Interaction not explained." })]
      : []),
  ];
}

export async function seedCritiques(): Promise<void> {
  const project = await createProject({ slug: E2E_SPAN_VIEWS_PROJECT, name: "E2E span views", overlapK: 2 }, null);
  const prompts = Array.from({ length: 12 }, (_, i) => ({
    id: `crit-${i}`,
    prompt: `What is the treatment for infection ${i}?`,
    source: i % 2 ? "PubMedQA" : "MedQA",
    completions: [
      { model: E2E_CRITIQUE_MODELS[0], text: alpha(i) },
      { model: E2E_CRITIQUE_MODELS[1], text: beta(i) },
    ],
  }));
  const summary = await importPrompts({
    projectId: project.id,
    input: [Buffer.from(prompts.map((r) => JSON.stringify(r)).join("\n"))],
    fileName: "critiques.jsonl",
    bytesTotal: 0,
    format: "jsonl",
    skipInvalid: false,
    limits: DEFAULT_IMPORT_LIMITS,
    actorId: null,
    hints: CLI_IMPORT_HINTS,
  });
  if (!summary.ok) throw new Error(summary.message);
  const ranking = (annotator?: string) =>
    prompts
      .map((p) => JSON.stringify({ prompt_id: p.id, ...(annotator ? { annotator } : {}), ranking: [...E2E_CRITIQUE_MODELS].reverse() }))
      .join("\n");
  for (const [kind, text, annotator] of [
    ["human", E2E_CRITIQUE_RATERS.map((r) => ranking(r)).join("\n"), null],
    ["judge", ranking(), CRITIQUE_JUDGE],
  ] as const) {
    const imported = await importRankings({
      projectId: project.id,
      input: [Buffer.from(text)],
      fileName: `${kind}.jsonl`,
      kind,
      annotator,
      actorId: null,
    });
    if (!imported.ok) throw new Error(imported.message);
  }
  const revisions = await queryRows<{ revisionId: string; externalId: string; who: string; alphaId: string; betaId: string }>(
    pool(),
    sql`SELECT rr.id AS revision_id, p.external_id, coalesce(u.name, jr.model) AS who,
               (SELECT id FROM completions WHERE prompt_id = p.id AND model = ${E2E_CRITIQUE_MODELS[0]}) AS alpha_id,
               (SELECT id FROM completions WHERE prompt_id = p.id AND model = ${E2E_CRITIQUE_MODELS[1]}) AS beta_id
          FROM rankings r JOIN prompts p ON p.id = r.prompt_id
          JOIN ranking_revisions rr ON rr.ranking_id = r.id AND rr.revision = r.revision
          LEFT JOIN users u ON u.id = r.rater_id LEFT JOIN judge_runs jr ON jr.id = r.judge_run_id
         WHERE p.project_id = ${project.id}`,
  );
  for (const r of revisions) {
    const i = Number(r.externalId.slice("crit-".length));
    await insertCritiqueSpans(pool(), { revisionId: r.revisionId }, spansOf(i, r.who, r.alphaId, r.betaId), 0);
  }
}
