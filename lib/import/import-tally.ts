import type { RecordClass } from "@/lib/import/classify-record";
import { ProblemList } from "@/lib/import/problem-list";
import type { RawRecord } from "@/lib/import/read-records";
import type { ImportFormat, NormalizedPrompt } from "@/lib/import/types";

/** A prompt taken from the file, waiting for its batch to be written. */
export interface PendingPrompt {
  id: string;
  hash: string;
  prompt: NormalizedPrompt;
}

/** Prompts written per batch (one COPY each of prompts and candidates): 1,500 imported 50k prompts in 1.09–1.14× COPY, 500 in 1.20×. */
export const BATCH_PROMPTS = 1500;
const BATCH_BYTES = 16 * 1024 * 1024;

/**
 * Everything an import counts while records stream past: the format, the problems, the prompts
 * seen and the batch waiting to be written. Pure: the orchestrator does the reading and writing.
 */
export class ImportTally {
  format: ImportFormat | null;
  recordsRead = 0;
  promptsAdded = 0;
  completionsAdded = 0;
  duplicatesExisting = 0;
  duplicatesInFile = 0;
  readonly problems = new ProblemList();
  readonly seen = new Set<string>();
  private batch: PendingPrompt[] = [];
  private batchBytes = 0;

  constructor(
    format: ImportFormat | null,
    /** Import the valid records and report the others, instead of importing nothing. */
    private readonly skipInvalid: boolean,
    private readonly newId: () => string,
  ) {
    this.format = format;
  }

  /** False once a bad record dooms an import that does not skip invalid ones: later records are validated, not taken. */
  get writing(): boolean {
    return this.skipInvalid || this.problems.rejectedRecords === 0;
  }

  get failed(): boolean {
    return !this.writing;
  }

  /** Counts one classified record; true when the batch is full and should be written. */
  add(record: RawRecord, result: RecordClass): boolean {
    this.format = result.format ?? this.format;
    switch (result.kind) {
      case "invalid":
        this.problems.addRecord(record.location, result.problems);
        return false;
      case "valid-not-taken":
        return false;
      case "repeated-in-file":
        this.duplicatesInFile += 1;
        return false;
      case "prompt":
        this.seen.add(result.hash);
        this.batch.push({ id: this.newId(), hash: result.hash, prompt: result.prompt });
        this.batchBytes += result.prompt.completions.reduce((n, c) => n + c.text.length, 0);
        return this.batch.length >= BATCH_PROMPTS || this.batchBytes >= BATCH_BYTES;
    }
  }

  /** Hands over the waiting batch and starts a new one. */
  takeBatch(): PendingPrompt[] {
    const batch = this.batch;
    this.batch = [];
    this.batchBytes = 0;
    return batch;
  }

  /** Counts a written batch: of `taken` prompts, `added` were new to the project. */
  written(taken: number, added: PendingPrompt[]): void {
    this.duplicatesExisting += taken - added.length;
    this.promptsAdded += added.length;
    this.completionsAdded += added.reduce((n, p) => n + p.prompt.completions.length, 0);
  }

  /** A file without a single record is refused as a whole. */
  finishReading(): void {
    if (this.recordsRead === 0) this.problems.addRecord("file", [{ field: "(file)", reason: "the file holds no records" }]);
  }
}
