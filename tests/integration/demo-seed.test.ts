import { beforeAll, describe, expect, it } from "vitest";
import { computeAgreementReport } from "@/lib/agreement/project-agreement";
import { pool } from "@/lib/db/pool";
import { DEMO_PROJECT_SLUG, seedDemo } from "@/lib/demo/seed-demo";
import { useFreshDatabase } from "../support/test-database";

beforeAll(async () => {
  await useFreshDatabase();
});

describe("the demo seed's judge", () => {
  it("is stored like a real run: two permutations per prompt, each shown in its own shuffled order, so it shows no invented position bias", async () => {
    const seeded = await seedDemo();
    expect(seeded).toMatchObject({ created: true, prompts: 8 });
    const { rows: project } = await pool().query<{ id: string }>(`SELECT id FROM projects WHERE slug = $1`, [DEMO_PROJECT_SLUG]);
    const { rows } = await pool().query<{ prompt_id: string; permutation_index: number; shown_order: string[]; file_order: string[] }>(
      `SELECT r.prompt_id, r.permutation_index, rr.shown_order::text[] AS shown_order,
              ARRAY(SELECT c.id::text FROM completions c WHERE c.prompt_id = r.prompt_id ORDER BY c.position) AS file_order
         FROM rankings r JOIN ranking_revisions rr ON rr.ranking_id = r.id JOIN prompts p ON p.id = r.prompt_id
        WHERE p.project_id = $1 AND r.kind = 'JUDGE' ORDER BY r.prompt_id, r.permutation_index`,
      [project[0]!.id],
    );
    expect(rows).toHaveLength(16);
    for (const [i, r] of rows.entries()) {
      expect(r.permutation_index).toBe(i % 2);
      expect([...r.shown_order].sort()).toEqual([...r.file_order].sort());
      // Shown in a shuffled order, not the file's (best-first) order.
      expect(r.shown_order).not.toEqual(r.file_order);
      if (i % 2) expect(r.shown_order).not.toEqual(rows[i - 1]!.shown_order);
    }

    const { report } = await computeAgreementReport(project[0]!.id);
    const judge = report.bias.series.find((s) => s.key !== "humans")!;
    expect(judge.rankings).toBe(16);
    const byPosition = judge.meanRankByShownPosition.map((x) => x!);
    // With the file's order as the shown order this was 1, 2, …, 8 (give or take the swaps): a perfect position bias.
    const ascending = byPosition.every((x, i) => i === 0 || x >= byPosition[i - 1]!);
    expect(ascending).toBe(false);
    expect(Math.max(...byPosition) - Math.min(...byPosition)).toBeLessThan(4);
    const mean = byPosition.reduce((a, b) => a + b, 0) / byPosition.length;
    expect(mean).toBeCloseTo(4.5, 9);
    expect(report.judges[0]!.positionConsistency.prompts).toBe(8);
    // Every third prompt (0, 3, 6) changes its mind about one pair in the second permutation.
    expect(report.judges[0]!.positionConsistency.top1Agreement).toBe(1);
    expect(report.judges[0]!.positionConsistency.kendallTauB).toBeCloseTo((5 * 1 + 3 * (1 - 2 / 28)) / 8, 9);
  });
});
