import { mkdtemp } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { pool } from "@/lib/db/pool";
import { db } from "@/lib/db/prisma";
import { execute, queryOne, sql } from "@/lib/db/sql";
import { configHash } from "@/lib/export/export-config";
import { runExportBuild, validateExportConfig } from "@/lib/export/export-jobs";
import { createVerificationSet } from "@/lib/verification/create-verification-set";
import { pairsOf, seedVerificationSet, VERIFICATION_MODELS } from "../support/verification";
import { useFreshDatabase } from "../support/test-database";

beforeAll(async () => {
  process.env.MEDPREF_HOME = await mkdtemp(path.join(os.tmpdir(), "medpref-verification-"));
  await useFreshDatabase();
});

const setCount = async () => (await queryOne<{ n: number }>(pool(), sql`SELECT count(*)::int AS n FROM verification_sets`))!.n;

describe("creating a verification set from a judge run", () => {
  it("stores the judge's verdict on each sampled pair, with categories, positions and the options", async () => {
    // Prompt 2's judge puts the longest answer first: its chosen completion is longer than its rejected one.
    const reversed = [...VERIFICATION_MODELS].reverse();
    const seeded = await seedVerificationSet({ prompts: 4, judgeOrder: (i) => (i === 2 ? reversed : VERIFICATION_MODELS) });
    expect(seeded.pairs.map((p) => [p.externalId, p.chosenModel, p.rejectedModel, p.categories]).sort()).toEqual([
      ["q0", "gpt-4", "qwen", ["easy", "length"]],
      ["q1", "gpt-4", "qwen", ["easy", "length"]],
      ["q2", "qwen", "gpt-4", ["easy"]],
      ["q3", "gpt-4", "qwen", ["easy", "length"]],
    ]);
    expect(seeded.pairs.map((p) => p.position)).toEqual([0, 1, 2, 3]);
    const set = await db().verificationSet.findUniqueOrThrow({ where: { id: seeded.setId } });
    expect(set).toMatchObject({
      name: "Verified pairs",
      version: 1,
      raters: 2,
      agree: 2,
      disputed: "exclude",
      pairCount: 4,
      judgeRunId: seeded.runId,
    });
    expect(set.config).toEqual({
      source: `judge:${seeded.runId}`,
      pairs: 4,
      strategy: "best-worst",
      sampling: "random",
      raters: 2,
      agree: 2,
      seed: 0,
      disputed: "exclude",
    });
    const judge = await queryOne<{ judge: unknown }>(pool(), sql`SELECT judge FROM verification_pairs WHERE id = ${seeded.pairs[0]!.id}`);
    expect(judge!.judge).toEqual({
      run: seeded.runId,
      chosenRank: 1,
      rejectedRank: 4,
      chosenScore: null,
      rejectedScore: null,
      positionFlips: null,
      humanDisagreement: null,
    });
    const audit = await queryOne<{ after: { pairs: number; version: number } }>(
      pool(),
      sql`SELECT after FROM audit_log WHERE action = 'verification-set.create' AND entity_id = ${seeded.setId}`,
    );
    expect(audit!.after).toMatchObject({ pairs: 4, version: 1 });
  });

  it("samples n pairs, the same for the same seed, and makes the next version under the same name", async () => {
    const seeded = await seedVerificationSet({ prompts: 20, set: { pairs: 5, seed: 11 } });
    expect(seeded.pairs).toHaveLength(5);
    const again = await createVerificationSet(
      seeded.project.slug,
      { name: "Verified pairs", source: `judge:${seeded.runId}`, pairs: 5, strategy: "best-worst", seed: 11 },
      null,
    );
    expect(again.version).toBe(2);
    expect((await pairsOf(again.id)).map((p) => p.externalId)).toEqual(seeded.pairs.map((p) => p.externalId));
  });

  it("never changes a stored pair", async () => {
    const seeded = await seedVerificationSet({ prompts: 2 });
    await expect(execute(pool(), sql`UPDATE verification_pairs SET categories = '{}' WHERE id = ${seeded.pairs[0]!.id}`)).rejects.toThrow(
      "a verification set's pairs are immutable: create a new version instead",
    );
    expect(
      await execute(pool(), sql`UPDATE verification_pairs SET vote_count = 1, outcome = 'PENDING' WHERE id = ${seeded.pairs[0]!.id}`),
    ).toBe(1);
  });

  it("refuses bad options and unknown sources, naming the field, and stores nothing", async () => {
    const seeded = await seedVerificationSet({ prompts: 2 });
    const before = await setCount();
    const attempt = (input: Record<string, unknown>) =>
      createVerificationSet(seeded.project.slug, { name: "x", source: `judge:${seeded.runId}`, pairs: 2, ...input }, null).catch(
        (e: unknown) => e,
      );
    expect(await attempt({ raters: 2, agree: 3 })).toMatchObject({
      code: "INVALID_INPUT",
      field: "agree",
      message: "agree: at most the raters per pair (2)",
    });
    expect(await attempt({ source: "judge:not-an-id" })).toMatchObject({ code: "INVALID_INPUT", field: "source" });
    expect(await attempt({ source: "judge:00000000-0000-4000-8000-000000000000" })).toMatchObject({
      code: "NOT_FOUND",
      field: "source",
      message: `No judge run 00000000-0000-4000-8000-000000000000 in project "${seeded.project.slug}".`,
    });
    expect(await attempt({ raters: 6 })).toMatchObject({ code: "INVALID_INPUT", field: "raters" });
    expect(await setCount()).toBe(before);
  });
});

describe("creating a verification set from an export's test split", () => {
  it("takes the pairs researchers downloaded, in any file type", async () => {
    const seeded = await seedVerificationSet({ prompts: 40 });
    for (const fileType of ["jsonl", "parquet"] as const) {
      const config = await validateExportConfig({
        projects: [seeded.project.slug],
        format: "dpo",
        source: "judge",
        judgeRuns: [seeded.runId],
        strategy: "best-worst",
        fileType,
        splits: [
          { name: "train", fraction: 0.5 },
          { name: "test", fraction: 0.5 },
        ],
      });
      const exp = await db().export.create({ data: { name: "e", config, configHash: configHash(config) } });
      await runExportBuild(exp.id);
      const testRows = (await db().exportFile.findFirstOrThrow({ where: { exportId: exp.id, path: `data/test.${fileType}` } })).rows;
      expect(testRows).toBeGreaterThan(0);
      const set = await createVerificationSet(
        seeded.project.slug,
        { name: `from ${fileType}`, source: `export:${exp.id}`, pairs: 1000 },
        null,
      );
      const pairs = await pairsOf(set.id);
      expect(pairs).toHaveLength(testRows);
      expect(pairs.every((p) => p.chosenModel === "gpt-4" && p.rejectedModel === "qwen")).toBe(true);
      expect(new Set(pairs.map((p) => p.categories.join()))).toEqual(new Set(["easy,length"]));
    }
  });

  it("refuses an export without preference pairs", async () => {
    const seeded = await seedVerificationSet({ prompts: 4 });
    const config = await validateExportConfig({
      projects: [seeded.project.slug],
      format: "sft",
      source: "judge",
      judgeRuns: [seeded.runId],
    });
    const exp = await db().export.create({ data: { name: "sft", config, configHash: configHash(config) } });
    await runExportBuild(exp.id);
    await expect(
      createVerificationSet(seeded.project.slug, { name: "x", source: `export:${exp.id}`, pairs: 5 }, null),
    ).rejects.toMatchObject({
      code: "INVALID_INPUT",
      field: "source",
      message: `Export ${exp.id} is in the sft format, which has no preference pairs.`,
    });
  });
});
