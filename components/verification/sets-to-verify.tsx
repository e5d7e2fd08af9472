import Link from "next/link";

export interface SetToVerify {
  id: string;
  name: string;
  version: number;
  pairCount: number;
  pending: number;
  answered: number;
}

/** The project's verification sets on the clinician's annotate page: each links to its pair task. */
export function SetsToVerify({ slug, sets }: { slug: string; sets: SetToVerify[] }) {
  if (sets.length === 0) return null;
  return (
    <nav aria-label="Pairs to verify" className="rounded-lg border border-slate-200 bg-white p-3">
      <h2 className="text-sm font-semibold">Pairs to verify</h2>
      <ul className="mt-1 flex flex-col gap-1 text-sm sm:flex-row sm:flex-wrap sm:gap-4">
        {sets.map((s) => (
          <li key={s.id}>
            <Link href={`/annotate/${slug}/verify/${s.id}`} className="text-brand-700 underline">
              {s.name} v{s.version}
            </Link>{" "}
            <span className="text-slate-600">
              — {s.pending} of {s.pairCount} pairs open, {s.answered} answered by you
            </span>
          </li>
        ))}
      </ul>
    </nav>
  );
}
