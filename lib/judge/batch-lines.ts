import type { Message } from "@/lib/core/messages";
import { judgeAnswerJsonSchema } from "@/lib/judge/judge-answer";
import { judgePermutations } from "@/lib/judge/permutations";

/**
 * The input-file lines of a prompt's first requests (units without earlier calls), written
 * without building each request: the same bytes as `batchLine(…, batchRequest(…).request)`
 * (lib/judge/runs/batch-request.ts, which `callRequest` renders again and checks by hash), but the
 * candidates' texts are JSON-escaped once per prompt for all its P permutations and each line is
 * joined from escaped pieces. JSON escaping works character by character, so escaping the pieces
 * gives the escape of the whole. A candidate with a "$" (which String.replaceAll would read as a
 * replacement pattern) is left to the general renderer: `linesOf` then returns null.
 */
export interface FastLineRun {
  model: string;
  temperature: number;
  permutations: number;
  seed: number;
  supportsStructuredOutput: boolean;
  systemPrompt: string;
  userTemplate: string;
}

export interface FastLinePrompt {
  promptId: string;
  messages: Message[];
  referenceAnswer: string | null;
  completions: { id: string; text: string }[];
}

/** A JSON string literal's content (without its quotes). */
const escaped = (text: string) => JSON.stringify(text).slice(1, -1);

const CUSTOM_ID = "\u0001custom-id\u0001";
const USER_PROMPT = "\u0001user-prompt\u0001";

export class FastBatchLines {
  /** Per candidate count: the line around its custom id and its user prompt. */
  private readonly skeletons = new Map<number, [string, string, string]>();
  private readonly labels: { open: string; close: string }[] = [];

  constructor(private readonly run: FastLineRun) {}

  private skeleton(n: number): [string, string, string] {
    let parts = this.skeletons.get(n);
    if (!parts) {
      // The same object, in the same key order, as batchLine(batchRequest(…)) with markers for the two variable strings.
      const line = JSON.stringify({
        custom_id: CUSTOM_ID,
        method: "POST",
        url: "/v1/chat/completions",
        body: {
          model: this.run.model,
          temperature: this.run.temperature,
          messages: [
            { role: "system", content: this.run.systemPrompt },
            { role: "user", content: USER_PROMPT },
          ],
          ...(this.run.supportsStructuredOutput ? { response_format: { type: "json_schema", json_schema: judgeAnswerJsonSchema(n) } } : {}),
        },
      });
      const [before, rest, ...more] = line.split(escaped(CUSTOM_ID));
      const [between, after, ...extra] = (rest ?? "").split(escaped(USER_PROMPT));
      if (before === undefined || rest === undefined || more.length > 0 || between === undefined || after === undefined || extra.length > 0)
        throw new Error("a run's model or prompts contain MedPref's line markers");
      parts = [before, between, after];
      this.skeletons.set(n, parts);
    }
    return parts;
  }

  private label(i: number): { open: string; close: string } {
    for (let k = this.labels.length; k <= i; k++)
      this.labels.push({ open: escaped(`[Response ${k + 1}]\n`), close: escaped(`\n[End of Response ${k + 1}]`) });
    return this.labels[i]!;
  }

  /**
   * Each unit's shown order and its line (without newline), in the order of `units`; null when
   * the prompt's texts need the general renderer.
   */
  linesOf(prompt: FastLinePrompt, units: readonly number[]): { unit: number; order: string[]; line: string }[] | null {
    const question = prompt.messages
      .filter((m) => m.role === "user")
      .map((m) => m.content)
      .join("\n\n");
    const texts = new Map<string, string>();
    for (const c of prompt.completions) {
      const text = c.text.trim();
      if (text.includes("$")) return null;
      texts.set(c.id, escaped(text));
    }
    const n = prompt.completions.length;
    // The template with everything but the responses filled in by the same replacements as
    // renderJudgePrompt, split where its last one puts the responses (a plain substitution: no "$").
    const frame = this.run.userTemplate
      .replaceAll("{{question}}", question.trim())
      .replaceAll("{{reference}}", prompt.referenceAnswer?.trim() || "(none given)")
      .replaceAll("{{n}}", String(n))
      .split("{{responses}}")
      .map(escaped);
    const orders = judgePermutations(
      prompt.completions.map((c) => c.id),
      this.run.permutations,
      `${this.run.seed}:${prompt.promptId}`,
    );
    const [before, between, after] = this.skeleton(n);
    const gap = escaped("\n\n");
    return units.map((unit) => {
      const order = orders[unit]!;
      let responses = "";
      order.forEach((id, i) => {
        const { open, close } = this.label(i);
        responses += `${i > 0 ? gap : ""}${open}${texts.get(id)!}${close}`;
      });
      const line = `${before}${prompt.promptId}:${unit}${between}${frame.join(responses)}${after}`;
      return { unit, order, line };
    });
  }
}
