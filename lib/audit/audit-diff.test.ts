import { describe, expect, it } from "vitest";
import { auditChanges, fieldLabel, formatAuditValue, idsIn } from "@/lib/audit/audit-diff";

const A = "11111111-1111-4111-8111-111111111111";
const B = "22222222-2222-4222-8222-222222222222";
const C = "33333333-3333-4333-8333-333333333333";
const P = "44444444-4444-4444-8444-444444444444";
const names = new Map([
  [A, "Response 1 · gpt-4"],
  [B, "Response 2 · llama-3"],
  [C, "Response 3 · mixtral"],
  [P, "prompt q3"],
]);

describe("audit entries as field changes", () => {
  it("show only the fields that changed, before → after", () => {
    expect(auditChanges({ role: "CLINICIAN", active: true }, { role: "RESEARCHER", active: true })).toEqual([
      { field: "role", before: "CLINICIAN", after: "RESEARCHER" },
    ]);
    expect(auditChanges({ overlapK: 3, goldRate: 0 }, { overlapK: 4, goldRate: 0.05 })).toEqual([
      { field: "overlap k", before: "3", after: "4" },
      { field: "gold rate", before: "0", after: "0.05" },
    ]);
  });

  it("name what ids point at: a submitted ranking reads as models, not raw JSON of ids", () => {
    const changes = auditChanges(null, { promptId: P, assignmentId: "55555555-5555-4555-8555-555555555555", tiers: [[B], [A, C]] }, names);
    expect(changes).toEqual([
      { field: "prompt", before: null, after: "prompt q3" },
      { field: "assignment", before: null, after: "#55555555" },
      { field: "tiers", before: null, after: "Response 2 · llama-3 > Response 1 · gpt-4 = Response 3 · mixtral" },
    ]);
    expect(JSON.stringify(changes)).not.toContain(A);
  });

  it("flatten nested settings into dotted fields and show removals", () => {
    expect(auditChanges({ name: "t", prefix: "mpt_ab" }, null)).toEqual([
      { field: "name", before: "t", after: null },
      { field: "prefix", before: "mpt_ab", after: null },
    ]);
    expect(auditChanges(null, { config: { splits: { train: 0.9 }, seed: 42 }, specialties: [], flag: false })).toEqual([
      { field: "config · splits · train", before: null, after: "0.9" },
      { field: "config · seed", before: null, after: "42" },
      { field: "specialties", before: null, after: "(none)" },
      { field: "flag", before: null, after: "no" },
    ]);
  });

  it("label fields and format values briefly", () => {
    expect(fieldLabel("extraRankings")).toBe("extra rankings");
    expect(fieldLabel("judge_run_id")).toBe("judge run");
    expect(formatAuditValue("x".repeat(500), names)).toHaveLength(160);
    expect(formatAuditValue({ a: 1, b: [A] }, names)).toBe("a: 1; b: Response 1 · gpt-4");
    expect([...idsIn({ tiers: [[A, B]], x: { y: C.toUpperCase() }, n: 3 })]).toEqual([A, B, C]);
  });
});
