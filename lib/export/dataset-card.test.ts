import { describe, expect, it } from "vitest";
import { datasetCard } from "@/lib/export/dataset-card";
import { exportConfigSchema } from "@/lib/export/export-config";
import { packageLayout } from "@/lib/export/package-layout";

describe("the dataset card of an export", () => {
  it("carries no raw HTML from project, source or model names", () => {
    const config = exportConfigSchema.parse({ projects: ["cardio"], format: "dpo", sourceDatasets: ["<b>MedQA</b>"] });
    const layout = packageLayout(config);
    const card = datasetCard({
      config,
      exportVersion: "v1",
      projects: [{ slug: "cardio", name: '<img src=x onerror="alert(1)"> Cardiology *Q&A*', judgeRun: null }],
      layout,
      leftOut: [],
      files: layout.map((f) => ({ path: f.path, rows: 1, bytes: 1, sha256: "0".repeat(64) })),
      statistics: {
        promptsConsidered: 1,
        promptsUsed: 1,
        promptsSkipped: {},
        promptsPerSplit: { train: 1 },
        pairsPerSplit: { train: 1 },
        pairsPerSource: { "<script>alert(2)</script>": 1 },
        meanRankingsPerPrompt: 1,
        agreement: { meanPairwise: null, prompts: 0 },
        modelWinRates: [{ model: "<iframe src=//evil>|x", pairs: 1, wins: 1, winRate: 1 }],
        labels: { desirable: 0, undesirable: 0 },
        critiques: { spans: 1, criticalChosenDropped: 0, taxonomyVersions: { cardio: [2] } },
      },
      taxonomies: [{ project: "cardio", version: 2, tags: [{ key: "other", label: "<u>Other</u> | more" }] }],
    });
    expect(card).not.toMatch(/<(img|script|iframe|b)\b/i);
    expect(card).toContain(
      'Preference data exported by MedPref from **&lt;img src=x onerror="alert(1)"&gt; Cardiology \\*Q&amp;A\\*** (`cardio`).',
    );
    expect(card).toContain("source datasets &lt;b&gt;MedQA&lt;/b&gt;");
    expect(card).toContain("| &lt;script&gt;alert(2)&lt;/script&gt; | 1 |");
    expect(card).toContain("| &lt;iframe src=//evil&gt;\\|x | 1 | 1 | 1 |");
    expect(card).toContain("| `other` | &lt;u&gt;Other&lt;/u&gt; \\| more |");
  });
});
