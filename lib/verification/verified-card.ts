import { stringify } from "yaml";
import { hfFeatures } from "@/lib/export/columns";
import { markdownText } from "@/lib/export/dataset-card";
import { CATEGORY_RULES } from "@/lib/export/pair-categories";
import type { SetAgreement } from "@/lib/verification/verification-agreement";
import type { VerifiedExportConfig } from "@/lib/verification/verified-export-config";
import { VERIFIED_COLUMNS, type VerifiedStatistics } from "@/lib/verification/verified-rows";

/** A verification set as its package describes it. */
export interface VerifiedSet {
  id: string;
  name: string;
  version: number;
  project: { slug: string; name: string };
  /** Where its pairs came from: a judge run's aggregated ranking, or an export's test split. */
  source: { kind: "judge"; id: string; name: string } | { kind: "export"; id: string; name: string };
  /** Every option it was made with (strategy, sampling, seed …), as stored. */
  config: Record<string, unknown>;
  raters: number;
  agree: number;
  disputed: "exclude" | "adjudicate";
}

interface VerifiedCardInput {
  config: VerifiedExportConfig;
  exportVersion: string;
  set: VerifiedSet;
  statistics: VerifiedStatistics;
  agreement: SetAgreement;
  file: { split: string; path: string; rows: number };
}

const SAMPLING_DESCRIPTIONS: Record<string, string> = {
  random: "drawn at random",
  stratified: "drawn at random within each source dataset and prompt type, in proportion to their pairs",
  category: "drawn at random within each category (easy / hard / length)",
  uncertain:
    "the pairs the judge was least sure of first (position inconsistency across permutations, small rank or score gap, disagreement with human rankings)",
};

const fraction = (value: number | null) => (value === null ? "n/a" : value.toFixed(3));
const interval = (ci: [number, number] | null) => (ci === null ? "" : ` (95% CI ${ci[0].toFixed(3)}–${ci[1].toFixed(3)})`);

function table(header: string[], rows: (string | number)[][]): string {
  return [`| ${header.join(" | ")} |`, `| ${header.map(() => "---").join(" | ")} |`, ...rows.map((r) => `| ${r.join(" | ")} |`)].join("\n");
}

function sourceLine(set: VerifiedSet): string {
  const strategy = typeof set.config.strategy === "string" ? set.config.strategy : null;
  if (set.source.kind === "judge")
    return `judge run **${markdownText(set.source.name)}** (\`${set.source.id}\`): its aggregated ranking of each prompt binarised ${strategy ? `by the \`${markdownText(strategy)}\` strategy` : "into pairs"} (chosen = the judge's better completion)`;
  return `the test split of export **${markdownText(set.source.name)}** (\`${set.source.id}\`)${strategy ? `, pairs made by the \`${markdownText(strategy)}\` strategy` : ""}`;
}

function samplingLine(set: VerifiedSet, sampled: number): string {
  const sampling = typeof set.config.sampling === "string" ? set.config.sampling : null;
  const seed = typeof set.config.seed === "number" ? ` (seed ${set.config.seed})` : "";
  const how = sampling ? `\`${markdownText(sampling)}\`: ${SAMPLING_DESCRIPTIONS[sampling] ?? "as configured"}` : "as configured";
  return `${sampled} pairs sampled, ${how}${seed}.`;
}

function ruleLine(set: VerifiedSet): string {
  return `${set.raters} rater(s) per pair; a pair is **verified** when at least ${set.agree} of ${set.raters} raters agree with the judge's verdict, **overturned** when at least ${set.agree} agree against it (kept with chosen and rejected swapped, in the \`human\` category), **disputed** when neither can happen any more (ties and "both unacceptable" side with neither), else **pending**. Disputed pairs are ${set.disputed === "exclude" ? "left out" : "decided by an admin (adjudicated), and left out until then"}.`;
}

/**
 * README.md of a verified benchmark export: YAML front matter for `datasets` and the Hub, then how
 * the benchmark was built (source, sampling, the m-of-k rule, every outcome's count, the agreement)
 * and what its rows hold.
 */
export function verifiedCard({ config, exportVersion, set, statistics: s, agreement, file }: VerifiedCardInput): string {
  const front = {
    license: config.license,
    // Names stay out of the front matter (Hub viewers show it as is); the body writes them as inert Markdown.
    pretty_name: `MedPref verified benchmark ${exportVersion}`,
    language: ["en"],
    tags: ["medical", "preference", "reward-modeling", "benchmark", "medpref"],
    task_categories: ["text-classification"],
    configs: [{ config_name: "default", data_files: [{ split: file.split, path: file.path }] }],
    dataset_info: {
      config_name: "default",
      features: hfFeatures(VERIFIED_COLUMNS),
      splits: [{ name: file.split, num_examples: file.rows }],
    },
  };
  const { humanHuman, humanJudge } = agreement;
  const lines = [
    "---",
    stringify(front, { lineWidth: 0 }).trimEnd(),
    "---",
    "",
    `# MedPref verified benchmark: ${markdownText(set.name)} v${set.version}`,
    "",
    `Judge preference pairs of **${markdownText(set.project.name)}** (\`${set.project.slug}\`) checked by clinicians, as UltraMedical built Medical RewardBench: verification set \`${set.id}\`, export ${exportVersion}. ${s.kept} of ${s.sampled} pairs are kept.`,
    "",
    "## Construction",
    "",
    `- **Source**: ${sourceLine(set)}.`,
    `- **Sampling**: ${samplingLine(set, s.sampled)}`,
    `- **Rule**: ${ruleLine(set)}`,
    `- **Kept**: verified pairs as the judge ordered them, overturned pairs swapped; disputed${set.disputed === "adjudicate" ? " pairs not yet adjudicated" : ""} and pending pairs are left out.`,
    "",
    table(
      ["outcome", "pairs"],
      [
        ["sampled", s.sampled],
        ["kept", s.kept],
        ["verified", `${s.verified}${s.adjudicatedVerified ? ` (${s.adjudicatedVerified} by adjudication)` : ""}`],
        ["overturned", `${s.overturned}${s.adjudicatedOverturned ? ` (${s.adjudicatedOverturned} by adjudication)` : ""}`],
        ["disputed", s.disputed],
        ["disputed, excluded", s.disputedExcluded],
        ["disputed, adjudicated", s.adjudicated],
        ["pending", s.pending],
      ],
    ),
    "",
    "## Agreement",
    "",
    `- **Human–human** (${humanHuman.pairs} pairs with two or more votes): ${fraction(humanHuman.agreement)} agreement${interval(humanHuman.agreementCi95)}; ${humanHuman.kappaKind === "cohen" ? "Cohen's" : "Fleiss'"} kappa ${fraction(humanHuman.kappa)}${interval(humanHuman.ci95)}.`,
    `- **Human–judge** (${humanJudge.pairs} pairs the raters verified or overturned; adjudicated ones left out): ${fraction(humanJudge.agreement)} upheld the judge's verdict${interval(humanJudge.ci95)}.`,
    "- Intervals are 95% percentile bootstrap intervals over pairs (seeded).",
    "",
    "## Categories",
    "",
    table(
      ["category", "pairs", "rule"],
      Object.entries(CATEGORY_RULES).map(([name, rule]) => [
        `\`${name}\``,
        s.categories[name] ?? 0,
        name === "human" ? "the clinicians overturned the judge's verdict (chosen and rejected are swapped)" : rule,
      ]),
    ),
    "",
    ...(Object.keys(s.sources).length
      ? [
          "Kept pairs per source dataset:",
          "",
          table(
            ["source", "pairs"],
            Object.entries(s.sources).map(([source, pairs]) => [source ? markdownText(source) : "(none)", pairs]),
          ),
          "",
        ]
      : []),
    "## Format",
    "",
    "One row per kept pair, in the set's order: `pair` (the pair's id), `prompt_id` (as imported, else MedPref's), `prompt`, `chosen`, `rejected` (TRL's keys, conversational: lists of `{role, content}`), `categories` (a list of easy / hard / length / human), `source` (the prompt's source dataset).",
    "The `provenance` struct holds the outcome (`verified` / `overturned`, `adjudicated`), the completions' ids and models, the judge's verdict (`judge`: its chosen and rejected completion, `upheld` whether the raters agreed with it, the run, both completions' aggregated ranks and scores, `position_flips` the share of the judge's position permutations that ordered the pair the other way, `human_disagreement` the share of clinicians' rankings preferring the rejected completion) and the raters' votes in the order cast (`votes`: pseudonym, `vote` for the row's `chosen` or `rejected` completion, `tie` or `both_bad`, and confidence 1–5 where given).",
    "",
    "Accuracy of a reward model (as MedPref's `rm-eval` computes it: chosen scored above rejected, equal scores count one half), overall and per category:",
    "",
    "```python",
    "from datasets import load_dataset",
    `bench = load_dataset("path/to/this/directory")["${file.split}"]`,
    "def accuracy(score):  # score(prompt_messages, answer_text) -> float",
    "    hits = {}",
    "    for row in bench:",
    '        chosen = score(row["prompt"], row["chosen"][0]["content"])',
    '        rejected = score(row["prompt"], row["rejected"][0]["content"])',
    '        for category in ["all", *row["categories"]]:',
    "            hits.setdefault(category, []).append(1.0 if chosen > rejected else 0.5 if chosen == rejected else 0.0)",
    "    return {category: sum(v) / len(v) for category, v in hits.items()}",
    "```",
    "",
    "## Files",
    "",
    table(["split", "file", "rows"], [[file.split, file.path, file.rows]]),
    "",
    "`manifest.json` holds the configuration, the set, the counts and the sha256 of every file.",
    "",
    "## Citation",
    "",
    "```bibtex",
    `@misc{medpref_verified_${exportVersion},`,
    `  title = {MedPref verified preference benchmark ${exportVersion}},`,
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
  return lines.join("\n");
}
