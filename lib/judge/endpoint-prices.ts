import { AppError } from "@/lib/errors/app-error";

/** "gpt-4o = 2.5 / 10" per line → {"gpt-4o": {inputPerMTok: "2.5", outputPerMTok: "10"}} (USD per 1M tokens; the endpoint schema coerces). The one parser of prices: the admin forms and the CLI use it. */
export function parsePrices(text: string): Record<string, { inputPerMTok: string; outputPerMTok: string }> {
  const prices: Record<string, { inputPerMTok: string; outputPerMTok: string }> = {};
  for (const line of text
    .split("\n")
    .map((l) => l.trim())
    .filter(Boolean)) {
    const m = /^(.+?)\s*=\s*([\d.]+)\s*\/\s*([\d.]+)$/.exec(line);
    if (!m)
      throw new AppError(
        "INVALID_INPUT",
        `Prices: write each line as "model = input / output" in USD per 1M tokens (got "${line}").`,
        "prices",
      );
    prices[m[1]!] = { inputPerMTok: m[2]!, outputPerMTok: m[3]! };
  }
  return prices;
}

/** The prices as the form shows them, one "model = input / output" line per model. */
export function formatPrices(modelPrices: unknown): string {
  return Object.entries((modelPrices ?? {}) as Record<string, { inputPerMTok: number; outputPerMTok: number }>)
    .map(([model, p]) => `${model} = ${p.inputPerMTok} / ${p.outputPerMTok}`)
    .join("\n");
}
