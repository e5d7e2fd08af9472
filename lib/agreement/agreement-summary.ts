import { FIGURE_KEYS, FIGURE_LABELS, type AgreementFigures } from "@/lib/agreement/agreement-figures";
import type { AgreementReport } from "@/lib/agreement/agreement-report";
import type { PairAgreement } from "@/lib/agreement/judge-agreement";

const figuresJson = (f: AgreementFigures) => ({
  prompts: f.prompts,
  raters: f.raters,
  ...Object.fromEntries(FIGURE_KEYS.map((k) => [k, f[k]])),
  ci95: Object.fromEntries(FIGURE_KEYS.map((k) => [k, f.ci95[k]])),
});

/** The CLI's `--json` answer: project-level figures, each judge run, each annotator. */
export function agreementSummaryJson(slug: string, report: AgreementReport) {
  return {
    project: slug,
    humanHuman: figuresJson(report.humanHuman),
    judges: report.judges.map((j) => ({
      run: j.runId,
      name: j.name,
      model: j.model,
      vsConsensus: figuresJson(j.vsConsensus),
      positionConsistency: {
        prompts: j.positionConsistency.prompts,
        kendallTauB: j.positionConsistency.kendallTauB,
        top1Agreement: j.positionConsistency.top1Agreement,
      },
    })),
    annotators: report.annotators.map((a) => ({
      name: a.name,
      pseudonym: a.pseudonym,
      rankings: a.rankings,
      agreementWithConsensus: a.agreementWithConsensus,
      agreementWithGold: a.agreementWithGold,
    })),
  };
}

/** A figure to `digits` decimals; one that rounds to zero prints "0.000", never "-0.000". */
export const formatFigure = (x: number | null | undefined, digits = 3) =>
  x === null || x === undefined || !Number.isFinite(x) ? "—" : (x + 0).toFixed(digits).replace(/^-(0\.?0*)$/, "$1");
export const formatInterval = (ci: [number, number] | null | undefined, digits = 3) =>
  ci ? `[${ci[0].toFixed(digits)}, ${ci[1].toFixed(digits)}]` : "";
export const formatShare = (x: number | null | undefined) =>
  x === null || x === undefined || !Number.isFinite(x) ? "—" : `${(x * 100).toFixed(1)}%`;

/** Agreement with gold in one line: "pairwise 0.833 · tau-b 0.667 · top-1 50.0% (2 prompts)", or "—" without gold prompts. */
export function formatGold(g: PairAgreement): string {
  if (g.prompts === 0) return "—";
  return `pairwise ${formatFigure(g.pairwiseAgreement)} · tau-b ${formatFigure(g.kendallTauB)} · top-1 ${formatShare(g.top1Agreement)} (${g.prompts} prompt${g.prompts === 1 ? "" : "s"})`;
}

/** Plain-text lines of the same summary, for the terminal. */
export function agreementSummaryText(slug: string, report: AgreementReport): string[] {
  const figureLines = (f: AgreementFigures) =>
    FIGURE_KEYS.map((k) => `  ${FIGURE_LABELS[k].padEnd(32)} ${formatFigure(f[k]).padStart(7)}  ${formatInterval(f.ci95[k])}`);
  const lines = [
    `Agreement in ${slug}: ${report.counts.prompts} prompts, ${report.counts.humanRankings} human rankings by ${report.counts.annotators} annotators, ${report.counts.judgeRankings} judge rankings.`,
    "",
    `Clinicians with each other (${report.humanHuman.prompts} prompts with ≥ 2 rankings; 95% bootstrap intervals):`,
    ...figureLines(report.humanHuman),
  ];
  for (const j of report.judges) {
    lines.push(
      "",
      `Judge run "${j.name}" (${j.model ?? "?"}) against the clinicians' consensus (${j.vsConsensus.prompts} prompts):`,
      ...figureLines(j.vsConsensus),
    );
    lines.push(
      `  Position consistency between permutations: tau-b ${formatFigure(j.positionConsistency.kendallTauB)}, same best ${formatShare(j.positionConsistency.top1Agreement)} (${j.positionConsistency.prompts} prompts)`,
    );
  }
  if (report.annotators.length) {
    lines.push(
      "",
      "Annotators (agreement = pairwise agreement with the others' consensus; gold = pairwise agreement, tau-b and top-1 with the gold ranking):",
    );
    for (const a of report.annotators) {
      lines.push(
        `  ${a.name.padEnd(28)} ${String(a.rankings).padStart(6)} rankings  agreement ${formatFigure(a.agreementWithConsensus)}  gold ${formatGold(a.agreementWithGold)}${a.outlier.length ? `  ⚠ ${a.outlier.join("; ")}` : ""}`,
      );
    }
  }
  return lines;
}
