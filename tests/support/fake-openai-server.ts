import http from "node:http";
import type { AddressInfo } from "node:net";

/**
 * A local OpenAI-compatible server for tests and benchmarks (the only test double MedPref allows:
 * no hosted LLM is reachable). Chat completions with and without Structured Outputs, files and
 * batches. Its "judge" ranks the responses of a prompt by a hidden quality marker in each text,
 * `[[q=7]]` (higher is better), so tests know the right ranking; asked without responses it acts
 * as a generator and answers with a text naming the model. Faults are scripted per request (per
 * line in a batch): 429 with Retry-After, 500, slow answers, malformed JSON, a ranking that
 * misses or repeats a candidate, prose around the JSON, an empty answer. Asked for critique spans
 * (the prompt holds a template's critique instructions), it quotes every phrase marked in a response
 * as `[[bad:phrase]]` (tag and severity optional: `[[bad wrong-dose critical:phrase]]`; default
 * factually-incorrect, major) and adds one quote found in no response (HALLUCINATED_QUOTE).
 */
export type Fault =
  | { kind: "status"; status: 429 | 500 | 503; retryAfterSeconds?: number }
  | { kind: "slow"; ms: number }
  | { kind: "malformed" }
  | { kind: "missing" }
  | { kind: "repeat" }
  | { kind: "prose" }
  | { kind: "empty" };

export interface FakeBatch {
  id: string;
  object: "batch";
  endpoint: string;
  input_file_id: string;
  completion_window: string;
  status: "validating" | "in_progress" | "finalizing" | "completed" | "failed" | "expired" | "cancelling" | "cancelled";
  output_file_id: string | null;
  error_file_id: string | null;
  created_at: number;
  metadata: Record<string, string> | null;
  request_counts: { total: number; completed: number; failed: number };
}

export interface FakeOpenAI {
  url: string;
  /** Every chat completion request received (real-time), in order. */
  calls: { body: ChatBody; authorization: string | undefined }[];
  /** Real-time requests received whose answer has not been sent yet. */
  inFlight(): number;
  batches: Map<string, FakeBatch>;
  /** Lines of all batches, in order of processing. */
  batchLines: { custom_id: string; body: ChatBody }[];
  script(...faults: Fault[]): void;
  /** Batches stay in progress until released (to test restarts and cancel mid-batch). */
  holdBatches(hold: boolean): void;
  /** The next file download breaks off after `lines` lines (the connection is dropped): a crash mid-ingestion. */
  breakNextDownload(lines: number): void;
  /** The text of a file uploaded or produced (an input file's exact bytes). */
  fileText(id: string): string | undefined;
  /** Milliseconds this server spent working on batches (reading uploads, answering lines, serving files): a benchmark subtracts them. */
  batchWorkMs(): number;
  /**
   * Chat requests wait unanswered until released (a run stays running while a page watches it).
   * Also over HTTP for tests in another process: POST /_fake/hold-chats {"hold": true|false}.
   */
  holdChats(hold: boolean): void;
  close(): Promise<void>;
}

export interface ChatBody {
  model: string;
  messages: { role: string; content: string }[];
  response_format?: { type: string };
  temperature?: number;
  max_tokens?: number;
}

/** Responses in a judge prompt: "[Response i]\n…\n[End of Response i]". */
export function responsesIn(text: string): { position: number; quality: number; text: string }[] {
  return [...text.matchAll(/\[Response (\d+)\]\n([\s\S]*?)\n\[End of Response \1\]/g)].map((m) => ({
    position: Number(m[1]),
    quality: Number(/\[\[q=(\d+)\]\]/.exec(m[2]!)?.[1] ?? 0),
    text: m[2]!,
  }));
}

/** The quote the fake judge adds to every critique answer, found in no response: it stays unmatched. */
export const HALLUCINATED_QUOTE = "Zebras prescribe quantum penicillin on Tuesdays";

/** A phrase marked for the fake judge to critique: `[[bad:phrase]]` or `[[bad TAG SEVERITY:phrase]]`. */
const BAD_PHRASE = /\[\[bad(?: ([a-z0-9-]+))?(?: (minor|major|critical))?:([^\]]+)\]\]/g;

/** The critiques the fake judge gives: every marked phrase of every response, then the hallucinated quote about Response 1. */
export function critiquesFor(responses: { position: number; text: string }[]) {
  const marked = responses.flatMap((r) =>
    [...r.text.matchAll(BAD_PHRASE)].map((m) => ({
      response: r.position,
      quote: m[3]!,
      tag: m[1] ?? "factually-incorrect",
      severity: m[2] ?? "major",
      comment: `"${m[3]}" is wrong`,
    })),
  );
  return [...marked, { response: 1, quote: HALLUCINATED_QUOTE, tag: "hallucinated-reference", severity: "minor", comment: "invented" }];
}

export function judgeAnswerFor(text: string) {
  const responses = responsesIn(text);
  const best = [...responses].sort((a, b) => b.quality - a.quality);
  // The critique instructions (lib/critiques/judge-critique-answer.ts) name the list by its key.
  const critiques = text.includes('"critiques": [{') ? { critiques: critiquesFor(responses) } : {};
  return {
    ...critiques,
    feedback: responses.map((r) => ({
      response: r.position,
      evaluation: `quality ${r.quality}`,
      score: Math.max(1, Math.min(5, Math.ceil(r.quality / 2))),
    })),
    ranking: best.map((r, i) => ({ rank: i + 1, response: r.position })),
  };
}

/** What the fake model says to a chat request under a fault: an HTTP status and a JSON body. */
function answerChat(
  body: ChatBody,
  fault: Fault | undefined,
  id: string,
): { status: number; headers: Record<string, string>; json: unknown } {
  if (fault?.kind === "status") {
    const headers: Record<string, string> = {};
    if (fault.retryAfterSeconds !== undefined) headers["retry-after"] = String(fault.retryAfterSeconds);
    return { status: fault.status, headers, json: { error: { message: `scripted ${fault.status}`, type: "server_error" } } };
  }
  const judgePrompt =
    [...body.messages].reverse().find((m) => m.role === "user" && m.content.includes("[Response 1]"))?.content ??
    body.messages.find((m) => m.content.includes("[Response 1]"))?.content;
  let content: string;
  if (judgePrompt === undefined) {
    const question = [...body.messages].reverse().find((m) => m.role === "user")?.content ?? "";
    content = fault?.kind === "empty" ? "" : `${body.model} answers: ${question.slice(0, 60)}`;
  } else {
    const answer = judgeAnswerFor(judgePrompt);
    content = JSON.stringify(answer);
    if (fault?.kind === "malformed") content = content.slice(0, -5);
    if (fault?.kind === "missing") content = JSON.stringify({ ...answer, ranking: answer.ranking.slice(0, -1) });
    if (fault?.kind === "repeat")
      content = JSON.stringify({
        ...answer,
        ranking: [...answer.ranking.slice(0, -1), { rank: answer.ranking.length, response: answer.ranking[0]!.response }],
      });
    if (fault?.kind === "prose")
      content = `Here is my careful evaluation.\n\n\`\`\`json\n${JSON.stringify(answer, null, 2)}\n\`\`\`\n\nI hope this helps.`;
    if (fault?.kind === "empty") content = "";
  }
  const promptTokens = Math.ceil(body.messages.reduce((n, m) => n + m.content.length, 0) / 4);
  const completionTokens = Math.ceil(content.length / 4);
  return {
    status: 200,
    headers: {},
    json: {
      id,
      object: "chat.completion",
      created: Math.floor(Date.now() / 1000),
      model: body.model,
      choices: [{ index: 0, message: { role: "assistant", content }, finish_reason: "stop" }],
      usage: { prompt_tokens: promptTokens, completion_tokens: completionTokens, total_tokens: promptTokens + completionTokens },
    },
  };
}

/** The file part of a multipart/form-data upload (the SDK sends one file and a purpose), as bytes: a 200 MB file is never one string. */
function multipartFile(raw: Buffer, contentType: string): Buffer {
  const boundary = /boundary=(?:"([^"]+)"|([^;]+))/.exec(contentType);
  const marker = Buffer.from(`--${boundary?.[1] ?? boundary?.[2]}`);
  for (let at = raw.indexOf(marker); at >= 0;) {
    const next = raw.indexOf(marker, at + marker.length);
    const headersEnd = raw.indexOf("\r\n\r\n", at);
    if (next < 0 || headersEnd < 0) break;
    if (/name="file"/.test(raw.toString("latin1", at, headersEnd))) return raw.subarray(headersEnd + 4, next - 2);
    at = next;
  }
  throw new Error("no file part");
}

/** How many non-blank lines a JSONL file's bytes have (no line decoded). */
function lineCount(content: Buffer): number {
  let n = 0;
  for (let start = 0; start < content.length;) {
    let end = content.indexOf(10, start);
    if (end < 0) end = content.length;
    for (let i = start; i < end; i++)
      if (content[i]! > 0x20) {
        n++;
        break;
      }
    start = end + 1;
  }
  return n;
}

/** The non-blank lines of a JSONL file's bytes. */
function* fileLines(content: Buffer): Generator<string> {
  for (let start = 0; start < content.length;) {
    let end = content.indexOf(10, start);
    if (end < 0) end = content.length;
    const line = content.toString("utf8", start, end);
    if (line.trim()) yield line;
    start = end + 1;
  }
}

export async function startFakeOpenAI(
  options: {
    delayMs?: number;
    batchDelayMs?: number;
    /**
     * false (benchmarks): batchLines stays empty and a batch's input file is forgotten once the batch
     * ran, so 200,000 requests of test-server memory do not load the garbage collector of the
     * process that measures MedPref's own time.
     */
    keepBatchLines?: boolean;
  } = {},
): Promise<FakeOpenAI> {
  const faults: Fault[] = [];
  const calls: FakeOpenAI["calls"] = [];
  const files = new Map<string, Buffer>();
  const batches = new Map<string, FakeBatch>();
  const batchLines: FakeOpenAI["batchLines"] = [];
  let pending = 0;
  let held = false;
  let breakAfterLines: number | null = null;
  let workMs = 0;
  let chatsHeld = false;
  let releaseChats: (() => void)[] = [];
  const holdChats = (hold: boolean) => {
    chatsHeld = hold;
    if (!hold) {
      for (const release of releaseChats) release();
      releaseChats = [];
    }
  };
  let seq = 0;
  const send = (res: http.ServerResponse, status: number, json: unknown, headers: Record<string, string> = {}) => {
    res.writeHead(status, { "content-type": "application/json", ...headers }).end(JSON.stringify(json));
  };

  const runBatch = (batch: FakeBatch) => {
    if (held || batch.status !== "in_progress") return;
    const started = performance.now();
    const out: string[] = [];
    const err: string[] = [];
    for (const line of fileLines(files.get(batch.input_file_id) ?? Buffer.alloc(0))) {
      const { custom_id, body } = JSON.parse(line) as { custom_id: string; body: ChatBody };
      if (options.keepBatchLines !== false) batchLines.push({ custom_id, body });
      const r = answerChat(body, faults.shift(), `chatcmpl-b${++seq}`);
      const record = {
        id: `batch_req_${seq}`,
        custom_id,
        response: { status_code: r.status, request_id: `req_${seq}`, body: r.json },
        error: null,
      };
      (r.status === 200 ? out : err).push(JSON.stringify(record));
      batch.request_counts[r.status === 200 ? "completed" : "failed"]++;
    }
    const outId = `file-out-${++seq}`;
    files.set(outId, Buffer.from(out.join("\n") + (out.length ? "\n" : "")));
    batch.output_file_id = outId;
    if (err.length) {
      const errId = `file-err-${++seq}`;
      files.set(errId, Buffer.from(`${err.join("\n")}\n`));
      batch.error_file_id = errId;
    }
    batch.status = "completed";
    if (options.keepBatchLines === false) files.delete(batch.input_file_id);
    workMs += performance.now() - started;
  };

  const server = http.createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const url = new URL(req.url ?? "/", "http://x");
    const path = url.pathname.replace(/^\/v1/, "");
    // Joining an upload's chunks is this server's work too (a benchmark subtracts it from MedPref's time).
    const joining = performance.now();
    const raw = Buffer.concat(chunks);
    if (path !== "/chat/completions") workMs += performance.now() - joining;

    if (req.method === "POST" && path === "/chat/completions") {
      const body = JSON.parse(raw.toString("utf8")) as ChatBody;
      calls.push({ body, authorization: req.headers.authorization });
      pending++;
      try {
        if (chatsHeld) await new Promise<void>((resolve) => releaseChats.push(resolve));
        const fault = faults.shift();
        if (options.delayMs) await new Promise((r) => setTimeout(r, options.delayMs));
        if (fault?.kind === "slow") await new Promise((r) => setTimeout(r, fault.ms));
        if (res.destroyed) return;
        const r = answerChat(body, fault, `chatcmpl-${calls.length}`);
        send(res, r.status, r.json, r.headers);
      } finally {
        pending--;
      }
      return;
    }
    if (req.method === "POST" && path === "/_fake/hold-chats") {
      holdChats(Boolean((JSON.parse(raw.toString("utf8") || "{}") as { hold?: boolean }).hold));
      return send(res, 200, { held: chatsHeld });
    }
    if (req.method === "POST" && path === "/files") {
      const started = performance.now();
      const id = `file-${++seq}`;
      const content = multipartFile(raw, req.headers["content-type"] ?? "");
      files.set(id, content);
      workMs += performance.now() - started;
      send(res, 200, {
        id,
        object: "file",
        bytes: content.length,
        created_at: Math.floor(Date.now() / 1000),
        filename: "input.jsonl",
        purpose: "batch",
        status: "processed",
      });
      return;
    }
    const fileContent = /^\/files\/([^/]+)\/content$/.exec(path);
    if (req.method === "GET" && fileContent) {
      const content = files.get(fileContent[1]!);
      if (content === undefined) return send(res, 404, { error: { message: "no such file" } });
      if (breakAfterLines !== null) {
        const kept = content.toString("utf8").split("\n").slice(0, breakAfterLines).join("\n") + "\n";
        breakAfterLines = null;
        res.writeHead(200, { "content-type": "application/octet-stream", "content-length": String(content.length) });
        // Headers and the kept lines reach the client first; then the connection drops mid-body.
        res.write(kept, () => setTimeout(() => res.destroy(), 50));
        return;
      }
      const serving = performance.now();
      res.writeHead(200, { "content-type": "application/octet-stream" }).end(content);
      workMs += performance.now() - serving;
      return;
    }
    if (req.method === "POST" && path === "/batches") {
      const body = JSON.parse(raw.toString("utf8")) as {
        input_file_id: string;
        endpoint: string;
        completion_window: string;
        metadata?: Record<string, string>;
      };
      if (!files.has(body.input_file_id)) return send(res, 400, { error: { message: "no such input file" } });
      const counting = performance.now();
      const total = lineCount(files.get(body.input_file_id)!);
      workMs += performance.now() - counting;
      const batch: FakeBatch = {
        id: `batch_${++seq}`,
        object: "batch",
        endpoint: body.endpoint,
        input_file_id: body.input_file_id,
        completion_window: body.completion_window,
        status: "in_progress",
        output_file_id: null,
        error_file_id: null,
        created_at: Math.floor(Date.now() / 1000),
        metadata: body.metadata ?? null,
        request_counts: { total, completed: 0, failed: 0 },
      };
      batches.set(batch.id, batch);
      setTimeout(() => runBatch(batch), options.batchDelayMs ?? 50);
      send(res, 200, { ...batch, status: "validating" });
      return;
    }
    if (req.method === "GET" && path === "/batches") {
      const data = [...batches.values()].reverse();
      send(res, 200, { object: "list", data, has_more: false, first_id: data[0]?.id ?? null, last_id: data.at(-1)?.id ?? null });
      return;
    }
    const batchPath = /^\/batches\/([^/]+)(\/cancel)?$/.exec(path);
    if (batchPath) {
      const batch = batches.get(batchPath[1]!);
      if (!batch) return send(res, 404, { error: { message: "no such batch" } });
      if (req.method === "POST" && batchPath[2]) {
        if (batch.status === "in_progress" || batch.status === "validating") batch.status = "cancelled";
        return send(res, 200, batch);
      }
      if (req.method === "GET") {
        if (!held) runBatch(batch);
        return send(res, 200, batch);
      }
    }
    send(res, 404, { error: { message: "not found" } });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/v1`,
    calls,
    inFlight: () => pending,
    batches,
    batchLines,
    script: (...f) => faults.push(...f),
    holdBatches: (hold) => {
      held = hold;
    },
    breakNextDownload: (lines) => {
      breakAfterLines = lines;
    },
    batchWorkMs: () => workMs,
    fileText: (id) => files.get(id)?.toString("utf8"),
    holdChats,
    close: () =>
      new Promise((resolve) => {
        holdChats(false);
        files.clear();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
