/**
 * The JSON object in a model's answer: the whole text, a ```json fenced block, or the first
 * balanced {...} in prose (as UltraMedical's judge and most chat models answer).
 */
export type Extracted = { ok: true; value: unknown } | { ok: false; reason: string };

export function extractJson(text: string): Extracted {
  const trimmed = text.trim();
  const direct = tryParse(trimmed);
  if (direct.ok) return direct;
  for (const match of trimmed.matchAll(/```(?:json|JSON)?\s*\n?([\s\S]*?)```/g)) {
    const fenced = tryParse(match[1]!.trim());
    if (fenced.ok) return fenced;
  }
  const start = trimmed.indexOf("{");
  if (start === -1) return { ok: false, reason: "the answer contains no JSON object" };
  const end = balancedEnd(trimmed, start);
  if (end === -1) return { ok: false, reason: "the JSON object in the answer is not closed" };
  const embedded = tryParse(trimmed.slice(start, end + 1));
  return embedded.ok ? embedded : { ok: false, reason: `the JSON object in the answer does not parse: ${embedded.reason}` };
}

function tryParse(text: string): Extracted {
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch (e) {
    return { ok: false, reason: (e as Error).message };
  }
}

/** Index of the brace closing the object opened at `start`, minding strings and escapes. */
function balancedEnd(text: string, start: number): number {
  let depth = 0;
  let inString = false;
  for (let i = start; i < text.length; i++) {
    const c = text[i];
    if (inString) {
      if (c === "\\") i++;
      else if (c === '"') inString = false;
    } else if (c === '"') inString = true;
    else if (c === "{") depth++;
    else if (c === "}" && --depth === 0) return i;
  }
  return -1;
}
