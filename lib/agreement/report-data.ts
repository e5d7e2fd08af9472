import type { RankingKind } from "@/generated/prisma/enums";

/**
 * What the agreement report is computed from: a project's prompts with their candidates and the
 * latest revision of every ranking, ranks already fractional and aligned with the candidates.
 *
 * Columnar (`ReportColumns`): one typed array per field for all rankings of the project, so the
 * report's views read numbers by index instead of walking an object per ranking (600k at 100k
 * prompts: the memory traffic and collection of those objects were most of the report's time).
 * The object form (`ReportData`) is what tests write by hand; `reportColumns` packs it.
 */
export interface ReportRanking {
  kind: RankingKind;
  /** The person (human, gold, adjudicated rankings). */
  raterId: string | null;
  /** The judge run and permutation (judge rankings). */
  runId: string | null;
  permutation: number | null;
  /** Fractional ranks, one per candidate in candidate order (1 = best). */
  ranks: Float64Array;
  /** Made through an assignment (its shown order was a shuffle MedPref chose, not a file's order). */
  fromAssignment: boolean;
  /** 0-based position each candidate was shown at (−1 where unknown). */
  shownPositions: Int16Array;
  timeOnTaskMs: number | null;
  /** Any flag on the prompt or on a candidate. */
  flagged: boolean;
}

export interface ReportPrompt {
  id: string;
  preview: string;
  source: string | null;
  promptType: string | null;
  models: string[];
  /** Bytes of each candidate's text (UTF-8; cheap for PostgreSQL, close enough for length bias). */
  lengths: number[];
  rankings: ReportRanking[];
}

export interface ReportRater {
  id: string;
  name: string;
  pseudonym: string;
  external: boolean;
}

export interface ReportRun {
  id: string;
  name: string;
  model: string | null;
}

/** The object form: prompts in id order. */
export interface ReportData {
  prompts: ReportPrompt[];
  raters: Map<string, ReportRater>;
  runs: Map<string, ReportRun>;
}

/**
 * Ranking kinds as codes; within a prompt, rankings are ordered by this code first (prompt_report_rankings and
 * judge_report_rankings, migrations 20261201065000 and 20261201094105, write the same codes).
 */
export const KIND_CODES = ["HUMAN", "GOLD", "ADJUDICATED", "JUDGE"] as const satisfies readonly RankingKind[];
export const HUMAN = 0;
export const GOLD = 1;
export const ADJUDICATED = 2;
export const JUDGE = 3;
export const kindCode = (kind: RankingKind): number => KIND_CODES.indexOf(kind);

/**
 * The report's data as columns. Prompt p's candidates are [candidateStart[p], candidateStart[p + 1])
 * of the candidate columns, its rankings [rankingStart[p], rankingStart[p + 1]) of the ranking
 * columns; ranking r's ranks and shown positions are the prompt's candidate count from
 * rankOffset[r] in `ranks` and `shown`. Strings (raters, runs, models) are interned once.
 */
export interface ReportColumns {
  promptCount: number;
  promptIds: string[];
  previews: string[];
  sources: (string | null)[];
  promptTypes: (string | null)[];
  candidateStart: Int32Array;
  /** Index into `models`. */
  candidateModel: Int32Array;
  candidateLength: Float64Array;
  models: string[];
  rankingStart: Int32Array;
  /** A KIND_CODES index. */
  kind: Uint8Array;
  /** Index into `raterIds` (−1: none). */
  rater: Int32Array;
  /** Index into `runIds` (−1: none). */
  run: Int32Array;
  /** −1: none. */
  permutation: Int32Array;
  fromAssignment: Uint8Array;
  flagged: Uint8Array;
  /** NaN where unknown. */
  timeOnTaskMs: Float64Array;
  rankOffset: Int32Array;
  ranks: Float64Array;
  shown: Int16Array;
  raterIds: string[];
  /** Every judge run of the project first (in `runs` order), then any other run a ranking names. */
  runIds: string[];
  raters: Map<string, ReportRater>;
  runs: Map<string, ReportRun>;
}

/**
 * Numbers appended one at a time into a typed array that doubles when full: pushing onto plain
 * arrays of several hundred thousand numbers cost more than computing what was pushed.
 */
export class NumberColumn {
  private data = new Float64Array(1024);
  length = 0;

  constructor(...initial: number[]) {
    for (const x of initial) this.push(x);
  }

  push(x: number): void {
    if (this.length === this.data.length) {
      const grown = new Float64Array(2 * this.data.length);
      grown.set(this.data);
      this.data = grown;
    }
    this.data[this.length++] = x;
  }

  values(): Float64Array {
    return this.data.slice(0, this.length);
  }
}

/** Interns strings as dense indices in order of first appearance. */
export class Interner {
  readonly values: string[] = [];
  private readonly index = new Map<string, number>();
  of(value: string): number {
    let i = this.index.get(value);
    if (i === undefined) this.index.set(value, (i = this.values.push(value) - 1));
    return i;
  }
}

/** Grows typed columns as rankings are appended (the loader knows the total; tests do not). */
export class ColumnsBuilder {
  private readonly raterIds = new Interner();
  private readonly runIdsInterner = new Interner();
  private readonly modelNames = new Interner();
  private readonly promptIds: string[] = [];
  private readonly previews: string[] = [];
  private readonly sources: (string | null)[] = [];
  private readonly promptTypes: (string | null)[] = [];
  private readonly candidateStart = new NumberColumn(0);
  private readonly candidateModel = new NumberColumn();
  private readonly candidateLength = new NumberColumn();
  private readonly rankingStart = new NumberColumn(0);
  private kind = new Uint8Array(1024);
  private rater = new Int32Array(1024);
  private run = new Int32Array(1024);
  private permutation = new Int32Array(1024);
  private fromAssignment = new Uint8Array(1024);
  private flagged = new Uint8Array(1024);
  private timeOnTaskMs = new Float64Array(1024);
  private rankOffset = new Int32Array(1024);
  private ranks = new Float64Array(8192);
  private shown = new Int16Array(8192);
  private rankings = 0;
  private used = 0;
  /** The current prompt's candidate count. */
  private promptCandidates = 0;

  constructor(
    private readonly raters: Map<string, ReportRater>,
    private readonly runs: Map<string, ReportRun>,
    expected: { rankings: number; candidates: number } = { rankings: 1024, candidates: 8192 },
  ) {
    for (const id of runs.keys()) this.runIdsInterner.of(id);
    this.grow(Math.max(expected.rankings, 1), Math.max(expected.candidates, 1));
  }

  private grow(rankings: number, candidates: number): void {
    // Called per ranking: the common case (room left) returns before `more` is made (tsx names
    // every closure it makes with Object.defineProperty: that was a third of the loader's time).
    if (rankings <= this.kind.length && candidates <= this.ranks.length) return;
    const more = <T extends Uint8Array | Int32Array | Float64Array | Int16Array>(a: T, size: number): T => {
      if (a.length >= size) return a;
      const b = new (a.constructor as new (n: number) => T)(Math.max(size, 2 * a.length));
      b.set(a);
      return b;
    };
    this.kind = more(this.kind, rankings);
    this.rater = more(this.rater, rankings);
    this.run = more(this.run, rankings);
    this.permutation = more(this.permutation, rankings);
    this.fromAssignment = more(this.fromAssignment, rankings);
    this.flagged = more(this.flagged, rankings);
    this.timeOnTaskMs = more(this.timeOnTaskMs, rankings);
    this.rankOffset = more(this.rankOffset, rankings);
    this.ranks = more(this.ranks, candidates);
    this.shown = more(this.shown, candidates);
  }

  /** Starts the next prompt (prompts in id order); its rankings follow with `addRanking`. */
  addPrompt(
    id: string,
    preview: string,
    source: string | null,
    promptType: string | null,
    models: readonly string[],
    lengths: ArrayLike<number>,
  ) {
    if (this.promptIds.length > 0) this.rankingStart.push(this.rankings);
    this.promptIds.push(id);
    this.previews.push(preview);
    this.sources.push(source);
    this.promptTypes.push(promptType);
    for (let i = 0; i < models.length; i++) {
      this.candidateModel.push(this.modelNames.of(models[i]!));
      this.candidateLength.push(lengths[i]!);
    }
    this.candidateStart.push(this.candidateModel.length);
    this.promptCandidates = models.length;
  }

  /**
   * Appends a ranking of the current prompt; returns where its ranks and shown positions go
   * (the caller writes the prompt's candidate count of each from `at`; shown starts at −1).
   */
  addRanking(
    kind: number,
    raterId: string | null,
    runId: string | null,
    permutation: number | null,
    fromAssignment: boolean,
    timeOnTaskMs: number | null,
    flagged: boolean,
  ): { ranks: Float64Array; shown: Int16Array; at: number } {
    const n = this.promptCandidates;
    this.grow(this.rankings + 1, this.used + n);
    const r = this.rankings++;
    this.kind[r] = kind;
    this.rater[r] = raterId === null ? -1 : this.raterIds.of(raterId);
    this.run[r] = runId === null ? -1 : this.runIdsInterner.of(runId);
    this.permutation[r] = permutation ?? -1;
    this.fromAssignment[r] = fromAssignment ? 1 : 0;
    this.flagged[r] = flagged ? 1 : 0;
    this.timeOnTaskMs[r] = timeOnTaskMs ?? Number.NaN;
    this.rankOffset[r] = this.used;
    this.shown.fill(-1, this.used, this.used + n);
    const at = this.used;
    this.used += n;
    return { ranks: this.ranks, shown: this.shown, at };
  }

  /** Takes back the last ranking (one that turned out not to cover the prompt's candidates). */
  dropLastRanking(): void {
    this.rankings -= 1;
    this.used = this.rankOffset[this.rankings]!;
  }

  build(): ReportColumns {
    if (this.promptIds.length > 0) this.rankingStart.push(this.rankings);
    return {
      promptCount: this.promptIds.length,
      promptIds: this.promptIds,
      previews: this.previews,
      sources: this.sources,
      promptTypes: this.promptTypes,
      candidateStart: new Int32Array(this.candidateStart.values()),
      candidateModel: new Int32Array(this.candidateModel.values()),
      candidateLength: this.candidateLength.values(),
      models: this.modelNames.values,
      rankingStart: new Int32Array(this.rankingStart.values()),
      kind: this.kind.slice(0, this.rankings),
      rater: this.rater.slice(0, this.rankings),
      run: this.run.slice(0, this.rankings),
      permutation: this.permutation.slice(0, this.rankings),
      fromAssignment: this.fromAssignment.slice(0, this.rankings),
      flagged: this.flagged.slice(0, this.rankings),
      timeOnTaskMs: this.timeOnTaskMs.slice(0, this.rankings),
      rankOffset: this.rankOffset.slice(0, this.rankings),
      ranks: this.ranks.slice(0, this.used),
      shown: this.shown.slice(0, this.used),
      raterIds: this.raterIds.values,
      runIds: this.runIdsInterner.values,
      raters: this.raters,
      runs: this.runs,
    };
  }
}

/** The object form packed as columns, prompts and rankings in the order given. */
export function reportColumns(data: ReportData): ReportColumns {
  let rankings = 0;
  let candidates = 0;
  for (const p of data.prompts) {
    rankings += p.rankings.length;
    candidates += p.rankings.length * p.models.length;
  }
  const builder = new ColumnsBuilder(data.raters, data.runs, { rankings, candidates });
  for (const p of data.prompts) {
    builder.addPrompt(p.id, p.preview, p.source, p.promptType, p.models, p.lengths);
    for (const r of p.rankings) {
      const { ranks, shown, at } = builder.addRanking(
        kindCode(r.kind),
        r.raterId,
        r.runId,
        r.permutation,
        r.fromAssignment,
        r.timeOnTaskMs,
        r.flagged,
      );
      ranks.set(r.ranks, at);
      shown.set(r.shownPositions, at);
    }
  }
  return builder.build();
}
