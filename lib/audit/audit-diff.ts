/**
 * An audit entry's before/after as readable field changes: "role: clinician → researcher",
 * "tiers: gpt-4 > llama-3 = mixtral". Ids are replaced by what they name (a model, a user, a
 * prompt) where `names` knows them, else shortened; nested objects become dotted fields.
 */
export interface AuditChange {
  field: string;
  before: string | null;
  after: string | null;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const MAX_TEXT = 160;

/** Every id string in a JSON value (to look their names up in one query). */
export function idsIn(value: unknown, into = new Set<string>()): Set<string> {
  if (typeof value === "string" && UUID.test(value)) into.add(value.toLowerCase());
  else if (Array.isArray(value)) for (const v of value) idsIn(v, into);
  else if (value && typeof value === "object") for (const v of Object.values(value)) idsIn(v, into);
  return into;
}

/** "extraRankings" → "extra rankings", "promptId" → "prompt", "config.splits" → "config · splits". */
export function fieldLabel(path: string): string {
  return path
    .split(".")
    .map((part) =>
      part
        .replace(/_/g, " ")
        .replace(/([a-z0-9])([A-Z])/g, "$1 $2")
        .toLowerCase()
        .replace(/ id$/, ""),
    )
    .join(" · ");
}

export function formatAuditValue(value: unknown, names: ReadonlyMap<string, string>): string {
  const text = (v: unknown): string => {
    if (v === null || v === undefined) return "—";
    if (typeof v === "string") return UUID.test(v) ? (names.get(v.toLowerCase()) ?? `#${v.slice(0, 8)}`) : v === "" ? "(empty)" : v;
    if (typeof v === "boolean") return v ? "yes" : "no";
    if (typeof v === "number") return String(v);
    if (Array.isArray(v)) {
      if (v.length === 0) return "(none)";
      // A ranking's tiers, best first: "a > b = c > d".
      if (v.every(Array.isArray)) return v.map((tier: unknown[]) => tier.map(text).join(" = ")).join(" > ");
      return v.map(text).join(", ");
    }
    return Object.entries(v as Record<string, unknown>)
      .map(([k, x]) => `${fieldLabel(k)}: ${text(x)}`)
      .join("; ");
  };
  const s = text(value);
  return s.length > MAX_TEXT ? `${s.slice(0, MAX_TEXT - 1)}…` : s;
}

/** Leaf fields of a JSON object as dotted paths (arrays stay whole: they are values, not records). */
function flatten(value: unknown, prefix = "", out = new Map<string, unknown>()): Map<string, unknown> {
  if (value && typeof value === "object" && !Array.isArray(value) && Object.keys(value).length > 0) {
    for (const [k, v] of Object.entries(value)) flatten(v, prefix ? `${prefix}.${k}` : k, out);
  } else out.set(prefix || "value", value);
  return out;
}

/** The fields that differ between before and after (all of them for a creation or a removal). */
export function auditChanges(before: unknown, after: unknown, names: ReadonlyMap<string, string> = new Map()): AuditChange[] {
  const b = before === null || before === undefined ? new Map<string, unknown>() : flatten(before);
  const a = after === null || after === undefined ? new Map<string, unknown>() : flatten(after);
  const fields = [...new Set([...b.keys(), ...a.keys()])];
  return fields
    .filter((f) => JSON.stringify(b.get(f)) !== JSON.stringify(a.get(f)))
    .map((f) => ({
      field: fieldLabel(f),
      before: b.has(f) ? formatAuditValue(b.get(f), names) : null,
      after: a.has(f) ? formatAuditValue(a.get(f), names) : null,
    }));
}
