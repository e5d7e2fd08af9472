import type { z } from "zod";
import { AppError } from "@/lib/errors/app-error";
import { invalidInput } from "@/lib/errors/zod-problems";
import { findUnsafeText } from "@/lib/text/safe-text";

/** Reads a JSON body of at most `maxBytes` and validates it; too large, not JSON, unstorable text or invalid → a 4xx AppError. */
export async function readJson<S extends z.ZodType>(request: Request, schema: S, maxBytes: number): Promise<z.output<S>> {
  const declared = Number(request.headers.get("content-length") ?? 0);
  if (declared > maxBytes) throw new AppError("TOO_LARGE", `The request is larger than ${Math.round(maxBytes / 1024)} KB.`);
  const reader = request.body?.getReader();
  if (!reader) throw new AppError("INVALID_INPUT", "The request has no body.");
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > maxBytes) {
      await reader.cancel();
      throw new AppError("TOO_LARGE", `The request is larger than ${Math.round(maxBytes / 1024)} KB.`);
    }
    chunks.push(value);
  }
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(Buffer.concat(chunks));
  } catch {
    throw new AppError("INVALID_INPUT", "The request body is not UTF-8 text.");
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    throw new AppError("INVALID_INPUT", "The request body is not valid JSON.");
  }
  // Any string of the body, wherever the schema puts it: NUL and lone surrogates cannot be stored.
  const unsafe = findUnsafeText(data);
  if (unsafe) throw new AppError("INVALID_INPUT", `${unsafe.field}: ${unsafe.reason}`, unsafe.field);
  const parsed = schema.safeParse(data);
  if (!parsed.success) throw invalidInput(parsed.error, "request");
  return parsed.data;
}

/** The Idempotency-Key header a mutation must carry. */
export function idempotencyKey(request: Request): string {
  const key = request.headers.get("idempotency-key")?.trim();
  if (!key || key.length < 8 || key.length > 200)
    throw new AppError("INVALID_INPUT", "Send an Idempotency-Key header (8 to 200 characters) with this request.", "Idempotency-Key");
  return key;
}
