import type { CandidatePair } from "@/lib/export/pairing";
import type { NoRowsReason, RatedPrompt, SkipReason } from "@/lib/export/rate-prompt";

/** What the dataset card and manifest report, gathered while rows stream past. */
export class ExportStatistics {
  promptsConsidered = 0;
  promptsUsed = 0;
  readonly skipped: Partial<Record<SkipReason | NoRowsReason, number>> = {};
  /** kto: rows labelled desirable and undesirable. */
  private readonly labels = { desirable: 0, undesirable: 0 };
  readonly rowsPerFile = new Map<string, number>();
  readonly pairsPerSplit = new Map<string, number>();
  readonly pairsPerSource = new Map<string, number>();
  readonly promptsPerSplit = new Map<string, number>();
  private readonly modelWins = new Map<string, { wins: number; pairs: number }>();
  /** Critique spans of the prompts used, pairs dropped for a critical span on the chosen, taxonomy versions per project. */
  private spans = 0;
  private criticalChosenDropped = 0;
  private readonly taxonomyVersions = new Map<string, Set<number>>();
  private agreementSum = 0;
  private agreementPrompts = 0;
  private rankingSum = 0;

  label(desirable: boolean) {
    this.labels[desirable ? "desirable" : "undesirable"] += 1;
  }

  skip(reason: SkipReason | NoRowsReason) {
    this.skipped[reason] = (this.skipped[reason] ?? 0) + 1;
  }

  usePrompt(rated: RatedPrompt, split: string) {
    this.promptsUsed += 1;
    this.rankingSum += rated.rankingCount;
    if (rated.agreement !== null) {
      this.agreementSum += rated.agreement;
      this.agreementPrompts += 1;
    }
    bump(this.promptsPerSplit, split);
    const { critiques } = rated.prompt;
    if (critiques) {
      for (const spans of critiques.byCandidate) this.spans += spans.length;
      const versions = this.taxonomyVersions.get(rated.prompt.project) ?? new Set<number>();
      for (const v of critiques.taxonomyVersions) versions.add(v);
      this.taxonomyVersions.set(rated.prompt.project, versions);
    }
  }

  dropCriticalChosen(pairs: number) {
    this.criticalChosenDropped += pairs;
  }

  pair(rated: RatedPrompt, pair: CandidatePair, split: string) {
    bump(this.pairsPerSplit, split);
    bump(this.pairsPerSource, rated.prompt.source ?? "(none)");
    const chosen = rated.prompt.candidates[pair.chosen]!.model;
    const rejected = rated.prompt.candidates[pair.rejected]!.model;
    const w = this.modelWins.get(chosen) ?? { wins: 0, pairs: 0 };
    this.modelWins.set(chosen, { wins: w.wins + 1, pairs: w.pairs + 1 });
    const l = this.modelWins.get(rejected) ?? { wins: 0, pairs: 0 };
    this.modelWins.set(rejected, { wins: l.wins, pairs: l.pairs + 1 });
  }

  row(file: string) {
    bump(this.rowsPerFile, file);
  }

  get totalPairs(): number {
    return [...this.pairsPerSplit.values()].reduce((a, b) => a + b, 0);
  }

  summary() {
    return {
      promptsConsidered: this.promptsConsidered,
      promptsUsed: this.promptsUsed,
      promptsSkipped: sortedObject(new Map(Object.entries(this.skipped))),
      promptsPerSplit: sortedObject(this.promptsPerSplit),
      pairsPerSplit: sortedObject(this.pairsPerSplit),
      labels: { ...this.labels },
      pairsPerSource: sortedObject(this.pairsPerSource),
      meanRankingsPerPrompt: this.promptsUsed ? round(this.rankingSum / this.promptsUsed) : null,
      agreement: {
        meanPairwise: this.agreementPrompts ? round(this.agreementSum / this.agreementPrompts) : null,
        prompts: this.agreementPrompts,
      },
      critiques: {
        spans: this.spans,
        criticalChosenDropped: this.criticalChosenDropped,
        /** Project slug → the taxonomy versions its exported spans were marked under. */
        taxonomyVersions: Object.fromEntries(
          [...this.taxonomyVersions.entries()]
            .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
            .map(([p, v]) => [p, [...v].sort((a, b) => a - b)]),
        ),
      },
      modelWinRates: [...this.modelWins.entries()]
        .map(([model, w]) => ({ model, pairs: w.pairs, wins: w.wins, winRate: round(w.wins / w.pairs) }))
        .sort((a, b) => b.winRate - a.winRate || (a.model < b.model ? -1 : 1)),
    };
  }
}

export type ExportSummary = ReturnType<ExportStatistics["summary"]>;

const round = (x: number) => Math.round(x * 10_000) / 10_000;

function bump(map: Map<string, number>, key: string) {
  map.set(key, (map.get(key) ?? 0) + 1);
}

function sortedObject(map: Map<string, number>): Record<string, number> {
  return Object.fromEntries([...map.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}
