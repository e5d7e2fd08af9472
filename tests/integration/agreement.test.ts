import { beforeAll, describe, expect, it } from "vitest";
import { agreementFigures, FIGURE_KEYS, type RatedPrompt } from "@/lib/agreement/agreement-figures";
import { fractionalRanks, meanRankConsensus } from "@/lib/agreement/fractional-ranks";
import { pairVerdicts } from "@/lib/agreement/pair-verdicts";
import { projectAgreement } from "@/lib/agreement/project-agreement";
import { sendBackForRankings, setReferenceRanking } from "@/lib/annotation/admin-annotation";
import { pairAgreement } from "@/lib/agreement/judge-agreement";
import { auditCsv } from "@/lib/audit/list-audit";
import { pool } from "@/lib/db/pool";
import { importRankings } from "@/lib/import/rankings/import-rankings";
import { seededRandom } from "@/lib/core/seeded-random";
import { importText, jsonl, makeProject } from "../support/fixtures";
import { runCli } from "../support/cli";
import { useFreshDatabase } from "../support/test-database";

let databaseUrl: string;
beforeAll(async () => {
  databaseUrl = await useFreshDatabase();
});

const MODELS = ["gpt-4", "llama-3", "mixtral", "qwen"];
const ANNOTATORS = ["Dr. Ames", "Dr. Bello", "Dr. Chu"];
const PROMPTS = 16;

/** Tiers best first from a noisy view of hidden qualities; equal noisy scores tie. */
function tiersFrom(quality: number[], random: () => number, noise: number): string[][] {
  const scored = MODELS.map((m, i) => ({ m, s: Math.round((quality[i]! + noise * random()) * 2) / 2 }));
  const levels = [...new Set(scored.map((x) => x.s))].sort((a, b) => b - a);
  return levels.map((l) => scored.filter((x) => x.s === l).map((x) => x.m));
}

/** Fractional ranks over MODELS from tiers. */
function ranksOf(tiers: string[][]): Float64Array {
  const raw = MODELS.map((m) => tiers.findIndex((t) => t.includes(m)) + 1);
  return fractionalRanks(raw);
}

async function seededProject() {
  const project = await makeProject({ allowTies: true }); // the seeded rankings tie now and then
  const random = seededRandom("agreement-test");
  await importText(
    project.id,
    jsonl(
      Array.from({ length: PROMPTS }, (_, i) => ({
        id: `q${i}`,
        prompt: `Agreement question ${i}?`,
        source: i % 2 ? "PubMedQA" : "MedQA",
        type: i % 3 ? "exam" : "open-ended",
        completions: MODELS.map((model, j) => ({ model, text: `Answer ${j} to ${i}. ${"More detail. ".repeat(j * 3)}` })),
      })),
    ),
  );
  const human: { prompt_id: string; annotator: string; ranking: (string | string[])[] }[] = [];
  const judge: { prompt_id: string; ranking: (string | string[])[] }[] = [];
  for (let i = 0; i < PROMPTS; i++) {
    const quality = MODELS.map(() => random() * 3);
    // The third annotator skips every fourth prompt: prompts with 2 and 3 raters.
    for (const [a, annotator] of ANNOTATORS.entries())
      if (!(a === 2 && i % 4 === 0)) human.push({ prompt_id: `q${i}`, annotator, ranking: tiersFrom(quality, random, 2) });
    judge.push({ prompt_id: `q${i}`, ranking: tiersFrom(quality, random, 1) });
  }
  expect(
    await importRankings({
      projectId: project.id,
      input: [Buffer.from(jsonl(human))],
      fileName: "h.jsonl",
      kind: "human",
      annotator: null,
      actorId: null,
    }),
  ).toMatchObject({ ok: true });
  expect(
    await importRankings({
      projectId: project.id,
      input: [Buffer.from(jsonl(judge))],
      fileName: "j.jsonl",
      kind: "judge",
      annotator: "gpt-4o",
      actorId: null,
    }),
  ).toMatchObject({ ok: true });
  const byPrompt = (i: number) =>
    human
      .filter((h) => h.prompt_id === `q${i}`)
      .map((h) => ({ rater: h.annotator, ranks: ranksOf(h.ranking.map((t) => (Array.isArray(t) ? t : [t]))) }));
  const humans: RatedPrompt[] = Array.from({ length: PROMPTS }, (_, i) => ({ promptId: `q${i}`, models: MODELS, raters: byPrompt(i) }));
  const judges = judge.map((j) => ranksOf(j.ranking.map((t) => (Array.isArray(t) ? t : [t]))));
  return { project, humans, judges };
}

const cli = (args: string[]) => runCli(databaseUrl, args);

describe("agreement report on stored rankings", () => {
  it("gives the same figures as the pure functions on the same rankings, for clinicians and for the judge", async () => {
    const { project, humans, judges } = await seededProject();
    const { report } = await projectAgreement(project.slug);
    const expected = agreementFigures(humans, { resamples: 0 });
    expect(report.humanHuman.prompts).toBe(PROMPTS);
    expect(report.humanHuman.raters).toBe(3);
    for (const key of FIGURE_KEYS) {
      expect(report.humanHuman[key], key).not.toBeNull();
      expect(report.humanHuman[key]!, key).toBeCloseTo(expected[key]!, 9);
      const ci = report.humanHuman.ci95[key]!;
      expect(ci[0], key).toBeLessThanOrEqual(ci[1]);
    }
    const vsConsensus = agreementFigures(
      humans.map((p, i) => ({
        ...p,
        raters: [
          { rater: "consensus", ranks: meanRankConsensus(p.raters.map((r) => r.ranks)) },
          { rater: "judge", ranks: judges[i]! },
        ],
      })),
      { resamples: 0 },
    );
    expect(report.judges).toHaveLength(1);
    for (const key of FIGURE_KEYS)
      if (vsConsensus[key] !== null) expect(report.judges[0]!.vsConsensus[key]!, key).toBeCloseTo(vsConsensus[key]!, 9);

    // One annotator's agreement with the leave-one-out consensus of the others, by hand.
    let same = 0,
      pairs = 0;
    for (const p of humans) {
      const mine = p.raters.find((r) => r.rater === "Dr. Ames")!;
      const v = pairVerdicts(mine.ranks, meanRankConsensus(p.raters.filter((r) => r.rater !== "Dr. Ames").map((r) => r.ranks)));
      same += v.same;
      pairs += v.pairs;
    }
    const ames = report.annotators.find((a) => a.name === "Dr. Ames")!;
    expect(ames.rankings).toBe(PROMPTS);
    expect(ames.agreementWithConsensus).toBeCloseTo(same / pairs, 9);
    expect(report.annotators.find((a) => a.name === "Dr. Chu")!.rankings).toBe(PROMPTS - PROMPTS / 4);
    expect(report.counts.promptsWithHumanRankings.slice(0, 3)).toEqual([PROMPTS, PROMPTS, PROMPTS - PROMPTS / 4]);
    expect(report.breakdowns.bySource.map((g) => [g.value, g.prompts]).sort()).toEqual([
      ["MedQA", 8],
      ["PubMedQA", 8],
    ]);
    expect(report.heatmap).toHaveLength(3);
    expect(report.models[0]!.comparison.strengths).toHaveLength(MODELS.length);
  });

  it("lists clinicians and heatmap cells in a fixed order: first appearance over prompts by id, a prompt's clinicians by id", async () => {
    const { project } = await seededProject();
    const { rows } = await pool().query<{ raters: string[]; judged: boolean }>(
      `SELECT array_agg(r.rater_id ORDER BY r.rater_id) FILTER (WHERE r.kind = 'HUMAN') AS raters, bool_or(r.kind = 'JUDGE') AS judged
         FROM prompts p JOIN rankings r ON r.prompt_id = p.id WHERE p.project_id = $1 GROUP BY p.id ORDER BY p.id`,
      [project.id],
    );
    const pairs: string[] = [];
    const judged: string[] = [];
    for (const { raters, judged: byJudge } of rows) {
      for (let i = 0; i < raters.length; i++) {
        for (let j = i + 1; j < raters.length; j++)
          if (!pairs.includes(`${raters[i]} ${raters[j]}`)) pairs.push(`${raters[i]} ${raters[j]}`);
        if (byJudge && !judged.includes(raters[i]!)) judged.push(raters[i]!);
      }
    }
    expect(pairs).toHaveLength(3);
    const { report } = await projectAgreement(project.slug);
    expect(report.heatmap.map((c) => `${c.a} ${c.b}`)).toEqual(pairs);
    expect(report.judges[0]!.vsClinicians.map((c) => c.raterId)).toEqual(judged);
  });

  it("stores no shown order for imported human rankings and leaves them out of the position-bias figures, saying how many", async () => {
    const { project } = await seededProject();
    const { rows } = await pool().query<{ shown_order: string[] | null; positions: (number | null)[] }>(
      `SELECT rr.shown_order, array_agg(e.shown_position) AS positions
         FROM rankings r JOIN prompts p ON p.id = r.prompt_id JOIN ranking_revisions rr ON rr.ranking_id = r.id JOIN ranking_entries e ON e.revision_id = rr.id
        WHERE p.project_id = $1 AND r.kind = 'HUMAN' GROUP BY rr.id`,
      [project.id],
    );
    expect(rows).toHaveLength(PROMPTS * 3 - PROMPTS / 4);
    expect(rows.every((r) => r.shown_order === null && r.positions.every((x) => x === null))).toBe(true);
    const { report } = await projectAgreement(project.slug);
    const humans = report.bias.series.find((s) => s.key === "humans")!;
    expect(humans).toMatchObject({
      rankings: PROMPTS * 3 - PROMPTS / 4,
      withoutShownOrder: PROMPTS * 3 - PROMPTS / 4,
      meanRankByShownPosition: [null, null, null, null],
    });
    // Length bias does not need the shown order: still measured.
    expect(humans.meanRankByLength.every((x) => typeof x === "number")).toBe(true);
  });

  it("serves an unchanged project from the cache, and recomputes once a ranking arrives", async () => {
    const { project } = await seededProject();
    const first = await projectAgreement(project.slug);
    const second = await projectAgreement(project.slug);
    expect(first.fromCache).toBe(false);
    expect(second.fromCache).toBe(true);
    expect(second.report).toEqual(first.report);
    await importRankings({
      projectId: project.id,
      input: [Buffer.from(jsonl([{ prompt_id: "q0", annotator: "Dr. Dunn", ranking: MODELS }]))],
      fileName: "late.jsonl",
      kind: "human",
      annotator: null,
      actorId: null,
    });
    const third = await projectAgreement(project.slug);
    expect(third.fromCache).toBe(false);
    expect(third.report.counts.humanRankings).toBe(first.report.counts.humanRankings + 1);
  });

  it("filters by annotator and date, and refuses a malformed filter", async () => {
    const { project } = await seededProject();
    const { rows } = await pool().query<{ id: string }>(`SELECT id FROM users WHERE name = ANY($1) ORDER BY name`, [
      ["Dr. Ames", "Dr. Bello"],
    ]);
    const two = await projectAgreement(project.slug, { annotatorIds: rows.map((r) => r.id) });
    expect(two.report.humanHuman.raters).toBe(2);
    expect(two.report.annotators.map((a) => a.name).sort()).toEqual(["Dr. Ames", "Dr. Bello"]);
    const future = await projectAgreement(project.slug, { from: "2999-01-01" });
    expect(future.report.counts.humanRankings).toBe(0);
    expect(future.report.humanHuman.pairwiseAgreement).toBeNull();
  });

  it("prints the report as JSON from the CLI, and says what is wrong with bad flags", async () => {
    const { project } = await seededProject();
    const result = await cli(["agreement", "--project", project.slug, "--json"]);
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    const json = JSON.parse(result.stdout);
    expect(Object.keys(json)).toEqual(["project", "humanHuman", "judges", "annotators"]);
    expect(json.project).toBe(project.slug);
    for (const key of ["prompts", "raters", ...FIGURE_KEYS, "ci95"]) expect(json.humanHuman).toHaveProperty(key);
    expect(Object.keys(json.humanHuman.ci95)).toEqual([...FIGURE_KEYS]);
    expect(json.judges[0]).toMatchObject({ model: "gpt-4o", positionConsistency: { kendallTauB: null, top1Agreement: null } });
    expect(json.judges[0].vsConsensus.kendallTauB).toEqual(expect.any(Number));
    expect(json.annotators.map((a: { name: string }) => a.name).sort()).toEqual(ANNOTATORS);
    const { report } = await projectAgreement(project.slug);
    expect(json.humanHuman.kendallW).toBeCloseTo(report.humanHuman.kendallW!, 12);

    const text = await cli(["agreement", "--project", project.slug]);
    expect(text.stdout).toMatch(/Krippendorff's alpha \(ordinal\)\s+\d\.\d{3}\s+\[/);
    const unknown = await cli(["agreement", "--project", "no-such-project"]);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(/No project with the slug "no-such-project"/);
    const badDate = await cli(["agreement", "--project", project.slug, "--from", "yesterday"]);
    expect(badDate.code).toBe(2);
    expect(badDate.stderr).toMatch(/--from: a date as YYYY-MM-DD/);
  });
});

describe("agreement with gold", () => {
  it("gives each annotator tau-b, pairwise agreement and top-1 against gold, on the dashboard report and in agreement --json", async () => {
    const { project, humans } = await seededProject();
    const admin = (
      await pool().query<{ id: string }>(
        `INSERT INTO users (email, name, role, pseudonym) VALUES ('gold-admin@medpref.test', 'Gold Admin', 'ADMIN', 'gold-admin') RETURNING id`,
      )
    ).rows[0]!;
    // Gold on q1, q2, q3: MODELS in order for q1 and q2, reversed for q3.
    const goldTiers: Record<string, string[]> = { q1: MODELS, q2: MODELS, q3: [...MODELS].reverse() };
    for (const [externalId, order] of Object.entries(goldTiers)) {
      const { rows } = await pool().query<{ id: string; model: string }>(
        `SELECT c.id, c.model FROM completions c JOIN prompts p ON p.id = c.prompt_id WHERE p.project_id = $1 AND p.external_id = $2`,
        [project.id, externalId],
      );
      const idOf = new Map(rows.map((r) => [r.model, r.id]));
      await setReferenceRanking({
        promptId: (await pool().query<{ id: string }>(`SELECT prompt_id AS id FROM completions WHERE id = $1`, [idOf.get(order[0]!)]))
          .rows[0]!.id,
        kind: "GOLD",
        submission: { tiers: order.map((m) => [idOf.get(m)!]), details: {}, rationale: null, timeOnTaskMs: 0 },
        actorId: admin.id,
      });
    }
    const result = await cli(["agreement", "--project", project.slug, "--json"]);
    expect(result.code).toBe(0);
    const json = JSON.parse(result.stdout) as { annotators: { name: string; agreementWithGold: unknown }[] };
    const { report } = await projectAgreement(project.slug);
    for (const name of ANNOTATORS) {
      const pairs = Object.entries(goldTiers).flatMap(([externalId, order]) => {
        const mine = humans.find((p) => p.promptId === externalId)!.raters.find((r) => r.rater === name);
        return mine ? [[mine.ranks, fractionalRanks(MODELS.map((m) => order.indexOf(m) + 1))] as [Float64Array, Float64Array]] : [];
      });
      const expected = pairAgreement(pairs);
      // Dr. Chu skipped every fourth prompt, none of q1–q3: every annotator has the three gold prompts.
      expect(expected.prompts).toBe(3);
      const fromJson = json.annotators.find((a) => a.name === name)!.agreementWithGold as typeof expected;
      expect(Object.keys(fromJson).sort()).toEqual(["kendallTauB", "pairwiseAgreement", "prompts", "top1Agreement"]);
      expect(fromJson.prompts).toBe(3);
      expect(fromJson.pairwiseAgreement).toBeCloseTo(expected.pairwiseAgreement!, 12);
      expect(fromJson.kendallTauB).toBeCloseTo(expected.kendallTauB!, 12);
      expect(fromJson.top1Agreement).toBeCloseTo(expected.top1Agreement!, 12);
      expect(report.annotators.find((a) => a.name === name)!.agreementWithGold).toEqual(fromJson);
    }
    const text = await cli(["agreement", "--project", project.slug]);
    expect(text.stdout).toMatch(/gold pairwise \d\.\d{3} · tau-b -?\d\.\d{3} · top-1 \d+\.\d% \(3 prompts\)/);
  });
});

describe("sending a disputed prompt back", () => {
  it("raises the prompt's wanted rankings, records who did it, and refuses more than 20 beyond k", async () => {
    const project = await makeProject();
    await importText(
      project.id,
      jsonl([{ id: "q0", prompt: "Disputed?", completions: MODELS.map((model) => ({ model, text: `${model} says.` })) }]),
    );
    const { rows } = await pool().query<{ id: string }>(`SELECT id FROM prompts WHERE project_id = $1`, [project.id]);
    const admin = (
      await pool().query<{ id: string }>(
        `INSERT INTO users (email, name, role, pseudonym) VALUES ('adj-admin@medpref.test', 'Adj Admin', 'ADMIN', 'adj-admin') RETURNING id`,
      )
    ).rows[0]!;
    expect(await sendBackForRankings({ promptId: rows[0]!.id, extra: 2, actorId: admin.id })).toEqual({ extraRankings: 2 });
    await expect(sendBackForRankings({ promptId: rows[0]!.id, extra: 19, actorId: admin.id })).rejects.toThrow(/at most 20/);
    const csv = [];
    for await (const chunk of auditCsv({ action: "prompt.send-back" })) csv.push(chunk);
    const lines = csv.join("").trim().split("\n");
    expect(lines[0]).toBe("id,time_utc,actor,action,entity_type,entity_id,before,after");
    expect(lines).toHaveLength(2);
    expect(lines[1]).toContain('"adj-admin@medpref.test","prompt.send-back","prompt"');
  });
});
