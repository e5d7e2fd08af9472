import Link from "next/link";

export interface OwnWorkItem {
  id: string;
  preview: string;
  createdAt: Date;
  revision: number;
  editable: boolean;
  /** Where it is revised while its edit window is open. */
  reviseHref: string;
}

/** A clinician's own rankings or answers, newest first, each revisable until its edit window closes. */
export function OwnWorkList({ items, empty }: { items: OwnWorkItem[]; empty: string }) {
  if (items.length === 0) return <p className="text-slate-600">{empty}</p>;
  return (
    <ul className="divide-y divide-slate-100 rounded-lg border border-slate-200 bg-white">
      {items.map((item) => (
        <li key={item.id} className="flex flex-wrap items-center gap-3 px-4 py-2 text-sm">
          <span className="min-w-0 flex-1 truncate">{item.preview}</span>
          <span className="text-slate-500">
            {item.createdAt.toISOString().slice(0, 16).replace("T", " ")} UTC · revision {item.revision}
          </span>
          {item.editable ? (
            <Link href={item.reviseHref} className="text-brand-700 underline">
              Revise
            </Link>
          ) : (
            <span className="text-slate-500">closed</span>
          )}
        </li>
      ))}
    </ul>
  );
}
