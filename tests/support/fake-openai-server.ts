import http from "node:http";
import type { AddressInfo } from "node:net";

/**
 * A local OpenAI-compatible server for tests (the only test double MedPref allows: no hosted LLM
 * is reachable). Its "judge" ranks the responses of a prompt by a hidden quality marker in each
 * text, `[[q=7]]` (higher is better), so tests know the right ranking. Faults are scripted per
 * request: 429 with Retry-After, 500, slow answers, malformed JSON, a ranking that misses or
 * repeats a candidate, prose around the JSON.
 */
export type Fault =
  | { kind: "status"; status: 429 | 500 | 503; retryAfterSeconds?: number }
  | { kind: "slow"; ms: number }
  | { kind: "malformed" }
  | { kind: "missing" }
  | { kind: "repeat" }
  | { kind: "prose" };

export interface FakeOpenAI {
  url: string;
  calls: { body: ChatBody; authorization: string | undefined }[];
  script(...faults: Fault[]): void;
  close(): Promise<void>;
}

interface ChatBody {
  model: string;
  messages: { role: string; content: string }[];
  response_format?: { type: string };
  temperature?: number;
}

/** Responses in a judge prompt: "[Response i]\n…\n[End of Response i]". */
export function responsesIn(text: string): { position: number; quality: number }[] {
  return [...text.matchAll(/\[Response (\d+)\]\n([\s\S]*?)\n\[End of Response \1\]/g)].map((m) => ({ position: Number(m[1]), quality: Number(/\[\[q=(\d+)\]\]/.exec(m[2]!)?.[1] ?? 0) }));
}

export function judgeAnswerFor(text: string) {
  const responses = responsesIn(text);
  const best = [...responses].sort((a, b) => b.quality - a.quality);
  return {
    feedback: responses.map((r) => ({ response: r.position, evaluation: `quality ${r.quality}`, score: Math.max(1, Math.min(5, Math.ceil(r.quality / 2))) })),
    ranking: best.map((r, i) => ({ rank: i + 1, response: r.position })),
  };
}

export async function startFakeOpenAI(options: { delayMs?: number } = {}): Promise<FakeOpenAI> {
  const faults: Fault[] = [];
  const calls: FakeOpenAI["calls"] = [];
  const server = http.createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    if (req.method !== "POST" || !req.url?.endsWith("/chat/completions")) {
      res.writeHead(404, { "content-type": "application/json" }).end(JSON.stringify({ error: { message: "not found" } }));
      return;
    }
    const body = JSON.parse(Buffer.concat(chunks).toString("utf8")) as ChatBody;
    calls.push({ body, authorization: req.headers.authorization });
    const fault = faults.shift();
    if (options.delayMs) await new Promise((r) => setTimeout(r, options.delayMs));
    if (fault?.kind === "status") {
      const headers: Record<string, string> = { "content-type": "application/json" };
      if (fault.retryAfterSeconds !== undefined) headers["retry-after"] = String(fault.retryAfterSeconds);
      res.writeHead(fault.status, headers).end(JSON.stringify({ error: { message: `scripted ${fault.status}`, type: "server_error" } }));
      return;
    }
    if (fault?.kind === "slow") await new Promise((r) => setTimeout(r, fault.ms));
    const prompt = [...body.messages].reverse().find((m) => m.role === "user" && m.content.includes("[Response 1]"))?.content ?? body.messages.find((m) => m.content.includes("[Response 1]"))?.content ?? "";
    const answer = judgeAnswerFor(prompt);
    let content = JSON.stringify(answer);
    if (fault?.kind === "malformed") content = content.slice(0, -5);
    if (fault?.kind === "missing") content = JSON.stringify({ ...answer, ranking: answer.ranking.slice(0, -1) });
    if (fault?.kind === "repeat") content = JSON.stringify({ ...answer, ranking: [...answer.ranking.slice(0, -1), { rank: answer.ranking.length, response: answer.ranking[0]!.response }] });
    if (fault?.kind === "prose") content = `Here is my careful evaluation.\n\n\`\`\`json\n${JSON.stringify(answer, null, 2)}\n\`\`\`\n\nI hope this helps.`;
    const promptTokens = Math.ceil(body.messages.reduce((n, m) => n + m.content.length, 0) / 4);
    const completionTokens = Math.ceil(content.length / 4);
    res.writeHead(200, { "content-type": "application/json" }).end(
      JSON.stringify({
        id: `chatcmpl-${calls.length}`,
        object: "chat.completion",
        created: Math.floor(Date.now() / 1000),
        model: body.model,
        choices: [{ index: 0, message: { role: "assistant", content }, finish_reason: "stop" }],
        usage: { prompt_tokens: promptTokens, completion_tokens: completionTokens, total_tokens: promptTokens + completionTokens },
      }),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/v1`,
    calls,
    script: (...f) => faults.push(...f),
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
