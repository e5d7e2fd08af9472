import { describe, expect, it } from "vitest";
import { newMigrationFolder } from "@/lib/db/migration-names";

const existing = ["20261130025800_score_scale", "20261130030110_user_theme"];

describe("a new migration's folder", () => {
  it("is named by the UTC time and the name, in snake case", () => {
    expect(newMigrationFolder("Verification sets", existing, new Date("2026-11-30T07:15:02.500Z"))).toBe(
      "20261130071502_verification_sets",
    );
  });

  it("sorts after every existing migration even when the clock is behind", () => {
    expect(newMigrationFolder("spans", existing, new Date("2026-11-29T10:00:00Z"))).toBe("20261130030111_spans");
    expect(newMigrationFolder("spans", ["20261231235959_last"], new Date("2026-01-01T00:00:00Z"))).toBe("20270101000000_spans");
  });

  it("refuses a name that is not a plain identifier, or one already used", () => {
    expect(() => newMigrationFolder("drop; table", existing, new Date())).toThrow(
      'migration name "drop; table": use lower-case letters, digits and _',
    );
    expect(() => newMigrationFolder("user_theme", existing, new Date())).toThrow('a migration named "user_theme" exists already');
  });
});
