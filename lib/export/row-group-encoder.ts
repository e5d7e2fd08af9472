import type { Worker } from "node:worker_threads";
import type { SchemaElement } from "hyparquet";
import type { RowGroupBatch, RowGroupOp, RowGroupReply } from "@/lib/export/row-group-worker";
import { typescriptWorker } from "@/lib/process/typescript-worker";

/**
 * Operations are sent to the worker in batches of about this much row text (or sooner, when a row
 * group is due): rows then die young on the main thread, and a row an h4 prompt writes to several
 * files is cloned once (a message keeps its objects' identity).
 */
const BATCH_TEXT_BYTES = 256 * 1024;
/**
 * Row text sent but not yet taken up by the worker: past this, the main thread waits. With the rows
 * waiting for their row groups in the worker (the package's limit, lib/export/row-files.ts) this
 * bounds the export's memory when the encoding is the slower side.
 */
const IN_FLIGHT_TEXT_BYTES = 4 * 1024 * 1024;

export interface FinishedFile {
  bytes: number;
  sha256: string;
}

/**
 * The main thread's side of the row-group worker (lib/export/row-group-worker.ts): files opened,
 * rows, row groups due and files finished are queued as operations and sent in order, so the worker
 * writes the row groups this thread decided, while this thread goes on reading prompts.
 */
export class RowGroupEncoder {
  private readonly worker: Worker;
  private ops: RowGroupOp[] = [];
  private opsBytes = 0;
  private opsFlush = false;
  private nextFile = 0;
  private sent = 0;
  private replied = 0;
  private inFlightBytes = 0;
  private readonly sentBytes = new Map<number, number>();
  private readonly finished = new Map<number, FinishedFile>();
  private waiters: { batch: number; resolve: () => void; reject: (error: Error) => void }[] = [];
  private failure: Error | null = null;
  private terminated = false;

  constructor() {
    // Without the parent's Node flags: a job process's heap limit is its own.
    this.worker = typescriptWorker("lib/export/row-group-worker.ts", { execArgv: [] });
    // Keeps the process alive only while a batch is out (post, onReply): an export that failed half-way still lets its process exit.
    this.worker.unref();
    this.worker.on("message", (reply: RowGroupReply) => this.onReply(reply));
    this.worker.on("error", (error) => this.fail(new Error(`Parquet row-group worker: ${error.message}`)));
    this.worker.on("exit", (code) => {
      if (!this.terminated) this.fail(new Error(`Parquet row-group worker exited (code ${code}) before the export ended`));
    });
  }

  /** A file written by the worker: its id for the other operations. */
  open(filePath: string, schema: SchemaElement[], columns: string[]): number {
    const file = this.nextFile++;
    this.ops.push({ op: "open", file, path: filePath, schema, columns });
    return file;
  }

  /** A row of the file's next row group; `textBytes` is what it weighs (ParquetBuffers.rowBytes). */
  row(file: number, row: Record<string, unknown>, textBytes: number): void {
    this.ops.push({ op: "row", file, row });
    this.opsBytes += textBytes;
  }

  /** The file's rows so far make a row group. */
  flush(file: number): void {
    this.ops.push({ op: "flush", file });
    this.opsFlush = true;
  }

  /** Sends the queued operations once a row group is due or enough rows wait; waits while the worker is too far behind. */
  async send(): Promise<void> {
    this.throwIfFailed();
    if (this.opsFlush || this.opsBytes >= BATCH_TEXT_BYTES) this.post();
    while (this.inFlightBytes > IN_FLIGHT_TEXT_BYTES) await this.repliedTo(this.replied + 1);
  }

  /** Writes the file's last row group and footer: its size and SHA-256. */
  async finish(file: number): Promise<FinishedFile> {
    this.throwIfFailed();
    this.ops.push({ op: "finish", file });
    const batch = this.post();
    await this.repliedTo(batch);
    const done = this.finished.get(file)!;
    this.finished.delete(file);
    return done;
  }

  /** Stops the worker (done, or the export failed: its files are left as they are). */
  terminate(): void {
    if (this.terminated) return;
    this.terminated = true;
    void this.worker.terminate();
    this.fail(new Error("Parquet row-group worker stopped"));
  }

  private post(): number {
    const batch = ++this.sent;
    this.worker.ref();
    this.worker.postMessage({ batch, ops: this.ops } satisfies RowGroupBatch);
    this.sentBytes.set(batch, this.opsBytes);
    this.inFlightBytes += this.opsBytes;
    this.ops = [];
    this.opsBytes = 0;
    this.opsFlush = false;
    return batch;
  }

  private onReply(reply: RowGroupReply) {
    if ("error" in reply) return this.fail(new Error(reply.error));
    this.replied = reply.batch;
    if (this.replied === this.sent) this.worker.unref();
    this.inFlightBytes -= this.sentBytes.get(reply.batch) ?? 0;
    this.sentBytes.delete(reply.batch);
    for (const { file, bytes, sha256 } of reply.finished) this.finished.set(file, { bytes, sha256 });
    const ready = this.waiters.filter((w) => w.batch <= this.replied);
    this.waiters = this.waiters.filter((w) => w.batch > this.replied);
    for (const w of ready) w.resolve();
  }

  private repliedTo(batch: number): Promise<void> {
    if (this.failure) return Promise.reject(this.failure);
    if (this.replied >= batch) return Promise.resolve();
    return new Promise((resolve, reject) => this.waiters.push({ batch, resolve, reject }));
  }

  private fail(error: Error) {
    this.failure ??= error;
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) w.reject(this.failure);
  }

  private throwIfFailed() {
    if (this.failure) throw this.failure;
  }
}
