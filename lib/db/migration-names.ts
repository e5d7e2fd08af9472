/**
 * Migrations are folders `prisma/migrations/<UTC yyyymmddHHMMSS>_<name>/migration.sql`, applied in
 * name order (lib/db/migrate.ts). A new one must sort after every existing one, even when a clock
 * or a branch made an existing timestamp later than now.
 */
const NAME = /^[a-z][a-z0-9_]{0,62}$/;

export function migrationTimestamp(date: Date): string {
  return date.toISOString().replace(/[-:T]/g, "").slice(0, 14);
}

/** The folder name of a new migration called `name`, after all `existing` folders; throws a message naming the problem. */
export function newMigrationFolder(name: string, existing: readonly string[], now: Date): string {
  const slug = name
    .trim()
    .toLowerCase()
    .replace(/[\s-]+/g, "_");
  if (!NAME.test(slug)) throw new Error(`migration name "${name}": use lower-case letters, digits and _ (start with a letter, at most 63)`);
  if (existing.some((folder) => folder.slice(15) === slug))
    throw new Error(`a migration named "${slug}" exists already: choose another name`);
  const latest = existing
    .map((folder) => folder.slice(0, 14))
    .filter((t) => /^\d{14}$/.test(t))
    .sort()
    .at(-1);
  let stamp = migrationTimestamp(now);
  if (latest && stamp <= latest) stamp = migrationTimestamp(new Date(timestampToDate(latest).getTime() + 1000));
  return `${stamp}_${slug}`;
}

function timestampToDate(stamp: string): Date {
  const [y, mo, d, h, mi, s] = [
    stamp.slice(0, 4),
    stamp.slice(4, 6),
    stamp.slice(6, 8),
    stamp.slice(8, 10),
    stamp.slice(10, 12),
    stamp.slice(12, 14),
  ];
  return new Date(`${y}-${mo}-${d}T${h}:${mi}:${s}Z`);
}
