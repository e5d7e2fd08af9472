import { stringify } from "yaml";
import { hfFeatures } from "@/lib/export/columns";
import type { CritiqueTag } from "@/lib/critiques/taxonomy";
import type { ExportConfig } from "@/lib/export/export-config";
import { columnsFor, exportFormat } from "@/lib/export/formats";
import type { ExportSummary } from "@/lib/export/export-statistics";
import { CATEGORY_RULES } from "@/lib/export/pair-categories";
import type { PackageFile } from "@/lib/export/package-layout";

interface CardInput {
  config: ExportConfig;
  exportVersion: string;
  projects: { slug: string; name: string; judgeRun: string | null }[];
  /** The files written (splits without rows are left out, with their reasons in `leftOut`). */
  layout: PackageFile[];
  leftOut: { split: string; path: string; reason: string }[];
  files: { path: string; rows: number; bytes: number; sha256: string }[];
  statistics: ExportSummary;
  /** The taxonomy versions the exported critique spans were marked under (none when no span is exported). */
  taxonomies: UsedTaxonomy[];
}

/** One project's critique taxonomy at one version (0: MedPref's default). */
export interface UsedTaxonomy {
  project: string;
  version: number;
  tags: Pick<CritiqueTag, "key" | "label">[];
}

const AGGREGATION_DESCRIPTIONS: Record<ExportConfig["aggregation"], string> = {
  borda: "mean rank (Borda)",
  "bradley-terry":
    "Bradley–Terry strengths fitted to the rankings' pairwise outcomes (MM algorithm with a 0.1 pseudo-win per compared pair; the pairwise breaking of Plackett–Luce)",
  majority: "majority over pairs (Copeland: pairs won by a majority of rankings minus pairs lost)",
};

const SOURCE_DESCRIPTIONS: Record<ExportConfig["source"], string> = {
  humans: "clinicians' rankings",
  judge: "the LLM judge run's rankings (each position permutation counts as one ranking)",
  "humans+judge": "clinicians' rankings, falling back to the judge run where a prompt has too few",
  both: "clinicians and the judge run as separate raters (the run's permutations averaged into one ranking)",
};

/**
 * User-supplied names (projects, runs, sources, models) as inert Markdown text: HTML is escaped
 * (a viewer rendering the card must not run a name as markup) and inline Markdown syntax is
 * backslashed (names appear mid-line and in table cells, never at a line start).
 */
export function markdownText(value: string): string {
  return value
    .replace(/[\r\n]+/g, " ")
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/[\\`*_[\]|~]/g, "\\$&");
}

function table(header: string[], rows: (string | number)[][]): string {
  return [`| ${header.join(" | ")} |`, `| ${header.map(() => "---").join(" | ")} |`, ...rows.map((r) => `| ${r.join(" | ")} |`)].join("\n");
}

/**
 * README.md of an export: YAML front matter that `datasets.load_dataset(<dir>)` and the Hub read
 * (configs → data_files per split, license), then how the data was made and what it contains.
 */
export function datasetCard({ config, exportVersion, projects, layout, leftOut, files, statistics, taxonomies }: CardInput): string {
  const rowsOf = new Map(files.map((f) => [f.path, f]));
  const front = {
    license: config.license,
    pretty_name: `MedPref ${config.format} export ${exportVersion}`,
    language: ["en"],
    tags: ["medical", "preference", "rlhf", config.format, "medpref"],
    task_categories: ["text-generation"],
    configs: [{ config_name: "default", data_files: layout.map((f) => ({ split: f.split, path: f.path })) }],
    // One declared schema for every split, so readers never infer a type per file.
    dataset_info: {
      config_name: "default",
      features: hfFeatures(columnsFor(config)),
      splits: layout.map((f) => ({ name: f.split, num_examples: rowsOf.get(f.path)?.rows ?? 0 })),
    },
  };
  const s = statistics;
  const format = exportFormat(config.format).card;
  const lines = [
    "---",
    stringify(front, { lineWidth: 0 }).trimEnd(),
    "---",
    "",
    `# MedPref export ${exportVersion}`,
    "",
    `Preference data exported by MedPref from ${projects.map((p) => `**${markdownText(p.name)}** (\`${p.slug}\`${p.judgeRun ? `, judge run \`${p.judgeRun}\`` : ""})`).join(", ")}.`,
    "",
    "## Format",
    "",
    format.description,
    format.styleLine(config),
    "Every row carries a `provenance` struct: the MedPref prompt id, project, source dataset, the chosen and rejected completion ids, models, aggregated ranks and scores, the rank gap, the number of rankings and their agreement on the prompt, the rating source with annotator pseudonyms and judge run, the pairing strategy and this export's version, and the critique spans on the completions (below).",
    "",
    "```python",
    "from datasets import load_dataset",
    `ds = load_dataset("path/to/this/directory")  # splits: ${layout.map((f) => f.split).join(", ")}`,
    "```",
    "",
    "## Which trainer",
    "",
    ...format.trainerUsage(config, layout[0]!.split),
    "",
    "Multi-turn prompts: `dpo` and `kto` carry the whole conversation before the answer in `prompt`, `rm` and `sft` inside the conversations; h4's `prompt` column holds only the last user turn (as in HuggingFaceH4/ultrafeedback_binarized), with the whole conversation in `chosen`, `rejected` and `messages`.",
    "",
    "## How the data was made",
    "",
    `- **Rankings**: ${SOURCE_DESCRIPTIONS[config.source]}${config.source === "judge" ? "" : `; at least ${config.minHumanRankings} human ranking(s) per prompt`}. Adjudicated rankings take precedence over everything, then gold reference rankings${config.excludeGold ? " (gold items are excluded here)" : ""}.`,
    `- **Aggregation** of several rankings of a prompt: ${AGGREGATION_DESCRIPTIONS[config.aggregation]}. Candidates with equal aggregates stay tied.`,
    format.rowsMade(config),
    `- **Scores** (\`score_*\` columns and provenance) are the mean over the rankings used, on the scale the rankings declared (\`provenance.score_scale\`, "min-max"; MedPref's rubric is 1-5); where a prompt's rankings declared different scales, each score is mapped linearly onto 1-5 first.`,
    `- **Filters**: ${[
      config.sourceDatasets.length ? `source datasets ${config.sourceDatasets.map(markdownText).join(", ")}` : "all source datasets",
      config.promptTypes.length ? `prompt types ${config.promptTypes.map(markdownText).join(", ")}` : "all prompt types",
      config.minAgreement !== null
        ? `rankings agreeing on at least ${config.minAgreement} of candidate pairs (prompts with two or more rankings)`
        : null,
      config.excludeFlaggedChosen ? "prompts whose best candidate anyone flagged unsafe or factually incorrect are excluded" : null,
      config.excludeCriticalChosen
        ? `preference pairs whose chosen completion carries a critical critique span (anyone's, in a ranking's latest revision) are left out: ${s.critiques.criticalChosenDropped} pair(s) dropped (pair formats only)`
        : null,
    ]
      .filter(Boolean)
      .join("; ")}.`,
    `- **Splits** by prompt (${config.splits.map((x) => `${x.name} ${x.fraction}`).join(", ")}): prompts are grouped by normalized text (case, whitespace and punctuation folded) and each group goes to one split, so no prompt — or near-identical prompt — appears in two splits; assignment is stratified by source dataset and seeded (seed ${config.seed}).`,
    ...(config.categories
      ? [
          "- **Test categories** (subsets of the pairs of the test split):",
          ...Object.entries(CATEGORY_RULES).map(([name, rule]) => `  - \`${name}\`: ${rule}.`),
        ]
      : []),
    "",
    ...critiqueSection(taxonomies),
    "## Statistics",
    "",
    `${s.promptsUsed} of ${s.promptsConsidered} prompts used; ${s.meanRankingsPerPrompt ?? 0} rankings per prompt on average. Agreement of the rankings used (mean pairwise agreement over ${s.agreement.prompts} prompts with two or more rankings): ${s.agreement.meanPairwise ?? "n/a"}.`,
    Object.keys(s.promptsSkipped).length
      ? `Prompts left out: ${Object.entries(s.promptsSkipped)
          .map(([k, v]) => `${k} ${v}`)
          .join(", ")}.`
      : "",
    format.statistics(s),
    "",
    ...(leftOut.length
      ? [
          "Splits left out because they have no rows (no file is written for them, and they are not listed above):",
          "",
          ...leftOut.map((l) => `- \`${l.split}\`: ${l.reason}.`),
          "",
        ]
      : []),
    table(
      ["split", "file", "rows"],
      layout.map((f) => [f.split, f.path, rowsOf.get(f.path)?.rows ?? 0]),
    ),
    "",
    ...(Object.keys(s.pairsPerSource).length
      ? [
          "Pairs per source dataset:",
          "",
          table(
            ["source", "pairs"],
            Object.entries(s.pairsPerSource).map(([source, pairs]) => [markdownText(source), pairs]),
          ),
          "",
          "Model win rates (share of its pairs in which the model's completion was chosen):",
          "",
          table(
            ["model", "pairs", "wins", "win rate"],
            s.modelWinRates.map((m) => [markdownText(m.model), m.pairs, m.wins, m.winRate]),
          ),
          "",
        ]
      : []),
    "## Files",
    "",
    "`manifest.json` holds the full configuration, the counts and the sha256 of every file.",
    "",
    ...citationSection(`medpref_export_${exportVersion}`, `MedPref preference export ${exportVersion}`),
  ];
  return lines.filter((l, i, all) => !(l === "" && all[i - 1] === "")).join("\n");
}

/** Where the critique spans are, what their offsets count, and the taxonomy versions their tags come from. */
function critiqueSection(taxonomies: UsedTaxonomy[]): string[] {
  return [
    "## Critique spans",
    "",
    "Clinicians (and judges) mark the exact text of a completion that is wrong or dangerous, with a tag, a severity (`minor`, `major`, `critical`), a comment and a suggested correction. Each span is `{start, end, text, tag, severity, comment, correction, rater}`: in the `spans` column of the `critiques` format, in `provenance.chosen_spans` and `provenance.rejected_spans` of the pair formats (h4, dpo, rm), and in `provenance.spans` of kto and sft rows; `rater` is the annotator's pseudonym or `judge:<run id>`. Only each ranking's latest revision's spans are exported.",
    "",
    "**Offsets** `start` and `end` count Unicode code points (not bytes, not UTF-16 units) into the completion's text, half-open [start, end): `text == completion[start:end]` in Python; in JavaScript `Array.from(completion).slice(start, end).join(\"\")`. `tag` is a key of the project's critique taxonomy at the version the span was marked under:",
    "",
    ...(taxonomies.length === 0
      ? ["No span is exported here.", ""]
      : taxonomies.flatMap((t) => [
          `Project \`${t.project}\`, taxonomy version ${t.version}${t.version === 0 ? " (MedPref's default)" : ""}:`,
          "",
          table(
            ["tag", "label"],
            t.tags.map((tag) => [`\`${tag.key}\``, markdownText(tag.label)]),
          ),
          "",
        ])),
  ];
}

/** A package card's citation section: the package itself and UltraMedical, whose pipeline MedPref follows. */
export function citationSection(key: string, title: string): string[] {
  return [
    "## Citation",
    "",
    "```bibtex",
    `@misc{${key},`,
    `  title = {${title}},`,
    "  note = {Exported with MedPref, an open platform for preference annotation of medical LLM outputs},",
    "}",
    "@inproceedings{zhang2024ultramedical,",
    "  title = {UltraMedical: Building Specialized Generalists in Biomedicine},",
    "  author = {Zhang, Kaiyan and Zeng, Sihang and Hua, Ermo and Ding, Ning and Chen, Zhang-Ren and Ma, Zhiyuan and Li, Haoxin and Cui, Ganqu and Qi, Biqing and Zhu, Xuekai and Lv, Xingtai and Jinfang, Hu and Liu, Zhiyuan and Zhou, Bowen},",
    "  booktitle = {Advances in Neural Information Processing Systems},",
    "  year = {2024}",
    "}",
    "```",
    "",
  ];
}
