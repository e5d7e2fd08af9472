import "../support/fast-batch-poll";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sliceCodePoints } from "@/lib/critiques/code-points";
import { saveTaxonomy } from "@/lib/critiques/project-taxonomy";
import { DEFAULT_TAXONOMY } from "@/lib/critiques/taxonomy";
import { pool } from "@/lib/db/pool";
import { latestTemplates } from "@/lib/judge/judge-templates";
import { callRequest } from "@/lib/judge/runs/batch-request";
import { createJudgeRun } from "@/lib/judge/runs/create-judge-run";
import { startJudgeRun } from "@/lib/judge/runs/judge-queue";
import { runCritiqueSummary } from "@/lib/judge/runs/run-critiques";
import { HALLUCINATED_QUOTE, startFakeOpenAI, type FakeOpenAI } from "../support/fake-openai-server";
import { importText, jsonl, makeProject } from "../support/fixtures";
import { judgeSetup, resultsOf, startInProcessWorker, waitForStatus } from "../support/judge-runs";
import { useFreshDatabase } from "../support/test-database";

/**
 * A judge asked for critique spans (the built-in "open-ended-critiques" template): its quotes are
 * mapped back to code-point offsets in the stored candidates and stored as spans of its ranking's
 * revision, on the live path and on Batch ingestion; quotes found nowhere are counted and listed.
 */

/** The candidates of prompt i: astral characters before the marked phrases, so code points and UTF-16 units differ. */
const candidates = (i: number) => [
  { model: "m0", text: `Answer 0 of ${i} [[q=3]] 🩺: give [[bad wrong-dose critical:5 g of paracetamol]] every hour.` },
  { model: "m1", text: `Answer 1 of ${i} [[q=9]] 🩺: rest and fluids.` },
  {
    model: "m2",
    text: `Antwort 2 von ${i} [[q=1]] 𝑥𝑦: [[bad:aspirin is safe in children]] und [[bad outdated-guideline minor:bed rest for a week]].`,
  },
  { model: "m3", text: `Answer 3 of ${i} [[q=6]]: see a doctor.` },
];

/** The spans the fake judge must have marked in every ranking: per model, [quote, tag, severity]. */
const PLANTED: Record<string, [string, string, string][]> = {
  m0: [["5 g of paracetamol", "wrong-dose", "critical"]],
  m2: [
    ["aspirin is safe in children", "factually-incorrect", "major"],
    ["bed rest for a week", "outdated-guideline", "minor"],
  ],
};

/** The code-point offset of `quote` in `text` (its first occurrence). */
const codePointIndex = (text: string, quote: string) => Array.from(text.slice(0, text.indexOf(quote))).length;

async function projectWithPlantedFaults(prompts: number) {
  const project = await makeProject();
  await importText(project.id, jsonl(Array.from({ length: prompts }, (_, i) => ({ prompt: `Fever ${i}?`, completions: candidates(i) }))));
  return project;
}

/** Every span stored with a run's judge rankings, with its completion's model and text. */
async function spansOfRun(runId: string) {
  const { rows } = await pool().query<{
    prompt_id: string;
    permutation_index: number;
    model: string;
    completion_text: string;
    start_offset: number;
    end_offset: number;
    quote: string;
    tag: string;
    severity: string;
    comment: string;
    taxonomy_version: number;
  }>(
    `SELECT g.prompt_id, g.permutation_index, c.model, c.text AS completion_text, s.start_offset, s.end_offset, s.quote, s.tag, s.severity, s.comment, s.taxonomy_version
       FROM rankings g JOIN ranking_revisions rr ON rr.ranking_id = g.id JOIN critique_spans s ON s.revision_id = rr.id JOIN completions c ON c.id = s.completion_id
      WHERE g.judge_run_id = $1 ORDER BY g.prompt_id, g.permutation_index, c.model, s.start_offset`,
    [runId],
  );
  return rows;
}

/** Checks that every ranking of the run holds exactly the planted spans, with offsets that slice the stored text to the quote. */
async function expectPlantedSpans(runId: string, rankings: number, taxonomyVersion: number) {
  const spans = await spansOfRun(runId);
  expect(spans).toHaveLength(rankings * 3);
  const byRanking = new Map<string, typeof spans>();
  for (const s of spans)
    byRanking.set(`${s.prompt_id}:${s.permutation_index}`, [...(byRanking.get(`${s.prompt_id}:${s.permutation_index}`) ?? []), s]);
  expect(byRanking.size).toBe(rankings);
  for (const list of byRanking.values())
    expect(list.map((s) => [s.model, s.quote, s.tag, s.severity])).toEqual(
      Object.entries(PLANTED).flatMap(([model, planted]) => planted.map((p) => [model, ...p])),
    );
  for (const s of spans) {
    expect(s.start_offset).toBe(codePointIndex(s.completion_text, s.quote));
    expect(s.end_offset - s.start_offset).toBe(Array.from(s.quote).length);
    expect(sliceCodePoints(s.completion_text, s.start_offset, s.end_offset)).toBe(s.quote);
    expect(s.comment).toBe(`"${s.quote}" is wrong`);
    expect(s.taxonomy_version).toBe(taxonomyVersion);
  }
  // Code points, not UTF-16 units: the astral characters before each quote count once.
  const m2 = spans.find((s) => s.model === "m2")!;
  expect(m2.start_offset).toBe(m2.completion_text.indexOf(m2.quote) - 2);
}

let fake: FakeOpenAI;
let worker: Awaited<ReturnType<typeof startInProcessWorker>>;
let live: { endpointId: string; templateId: string };
let batch: { endpointId: string; templateId: string };

beforeAll(async () => {
  await useFreshDatabase();
  fake = await startFakeOpenAI();
  const critiqueTemplateId = async () => (await latestTemplates()).find((t) => t.key === "open-ended-critiques")!.id;
  live = { endpointId: (await judgeSetup(fake.url, { name: "live" })).endpointId, templateId: await critiqueTemplateId() };
  batch = {
    endpointId: (await judgeSetup(fake.url, { name: "batch", supportsBatch: true, supportsStructuredOutput: true })).endpointId,
    templateId: await critiqueTemplateId(),
  };
  worker = await startInProcessWorker(4);
});
afterAll(async () => {
  await worker.stop();
  await fake.close();
});

describe("a judge asked for critique spans", () => {
  it("in a live run: stores the planted spans with each ranking, in the taxonomy version of the run's creation, and reports the unmatched quotes", async () => {
    const project = await projectWithPlantedFaults(3);
    const extra = { key: "wrong-drug", label: "Wrong drug named", colour: "slate" as const, marker: "W" };
    await saveTaxonomy(project.id, { tags: [...DEFAULT_TAXONOMY.tags, extra] }, null);
    const run = await createJudgeRun(
      {
        projectSlug: project.slug,
        name: "critic",
        endpointId: live.endpointId,
        model: "judge",
        templateId: live.templateId,
        permutations: 2,
      },
      null,
    );
    // An edit after the run was created does not change what the run asks in.
    await saveTaxonomy(project.id, { tags: DEFAULT_TAXONOMY.tags }, null);
    const sent = fake.calls.length;
    await startJudgeRun(worker.boss, run.id, null);
    expect(await waitForStatus(run.id, ["COMPLETED", "FAILED"])).toBe("COMPLETED");

    const prompts = fake.calls.slice(sent).map((c) => c.body.messages.at(-1)!.content);
    expect(prompts).toHaveLength(6);
    for (const p of prompts) {
      expect(p).toContain('Also add to the JSON object a "critiques" list');
      expect(p).toContain("- wrong-drug: Wrong drug named");
      expect(p).not.toContain("{{critiques}}");
    }
    // The rankings are the fake judge's as ever (critiques change nothing there).
    expect(new Set((await resultsOf(run.id)).map((r) => `${r.prompt_id}:${r.permutation_index}`)).size).toBe(6);
    await expectPlantedSpans(run.id, 6, 1);

    const { tagLabels, ...summary } = (await runCritiqueSummary(run.id))!;
    // The labels of the run's taxonomy version (1, with the extra tag), not of the project's latest.
    expect(tagLabels).toMatchObject({ "wrong-drug": "Wrong drug named", "wrong-dose": "Wrong dose or unit" });
    expect({ ...summary, latestUnmatched: summary.latestUnmatched.length }).toEqual({
      taxonomyVersion: 1,
      rankings: 6,
      exact: 18,
      normalized: 0,
      fuzzy: 0,
      unmatched: 6,
      latestUnmatched: 6,
    });
    for (const q of summary.latestUnmatched)
      expect(q).toMatchObject({
        shownPosition: 1,
        quote: HALLUCINATED_QUOTE,
        tag: "hallucinated-reference",
        severity: "minor",
        comment: "invented",
      });
    // A run whose template asks for no critiques has no critique section.
    const plainTemplate = (await latestTemplates()).find((t) => t.key === "open-ended")!.id;
    const plain = await createJudgeRun(
      { projectSlug: project.slug, name: "plain", endpointId: live.endpointId, model: "judge", templateId: plainTemplate, permutations: 1 },
      null,
    );
    expect(await runCritiqueSummary(plain.id)).toBeNull();
  });

  it("in a Batch run with Structured Outputs: asks for the critiques in the schema and stores the same spans when the output is ingested", async () => {
    const project = await projectWithPlantedFaults(4);
    const run = await createJudgeRun(
      {
        projectSlug: project.slug,
        name: "batch critic",
        endpointId: batch.endpointId,
        model: "judge",
        templateId: batch.templateId,
        permutations: 2,
        mode: "BATCH",
      },
      null,
    );
    const lines = fake.batchLines.length;
    await startJudgeRun(worker.boss, run.id, null);
    expect(await waitForStatus(run.id, ["COMPLETED", "FAILED"], 60_000)).toBe("COMPLETED");

    const sent = fake.batchLines.slice(lines);
    expect(sent).toHaveLength(8);
    const format = sent[0]!.body.response_format as unknown as {
      json_schema: { schema: { required: string[]; properties: { critiques: { items: { properties: { tag: { enum: string[] } } } } } } };
    };
    expect(format.json_schema.schema.required).toEqual(["feedback", "ranking", "critiques"]);
    expect(format.json_schema.schema.properties.critiques.items.properties.tag.enum).toEqual(DEFAULT_TAXONOMY.tags.map((t) => t.key));
    await expectPlantedSpans(run.id, 8, 0);
    // A taxonomy saved since does not change the lines the run sent: rendered again, each still hashes as sent.
    await saveTaxonomy(project.id, { tags: DEFAULT_TAXONOMY.tags.filter((t) => t.key !== "incomplete") }, null);
    const { rows: calls } = await pool().query<{ id: string }>(`SELECT id FROM judge_calls WHERE run_id = $1`, [run.id]);
    for (const call of calls) {
      const shown = await callRequest(call.id);
      expect(shown.source).toBe("re-rendered");
      expect(JSON.stringify(shown.request)).toContain("incomplete: Incomplete");
    }
    const { tagLabels: _labels, ...summary } = (await runCritiqueSummary(run.id))!;
    expect({ ...summary, latestUnmatched: summary.latestUnmatched.map((q) => q.quote) }).toEqual({
      taxonomyVersion: 0,
      rankings: 8,
      exact: 24,
      normalized: 0,
      fuzzy: 0,
      unmatched: 8,
      latestUnmatched: Array.from({ length: 8 }, () => HALLUCINATED_QUOTE),
    });
  });
});
