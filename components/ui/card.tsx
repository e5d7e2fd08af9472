import type { ReactNode } from "react";

/** A titled section of a page: a bordered surface whose heading names it for screen readers (aria-labelledby). */
export function Card({ id, title, children }: { id: string; title: ReactNode; children: ReactNode }) {
  return (
    <section aria-labelledby={id} className="rounded-lg border border-slate-200 bg-white">
      <h2 id={id} className="border-b border-slate-200 px-4 py-3 font-semibold">
        {title}
      </h2>
      {children}
    </section>
  );
}

/** A sentence in a card instead of its content ("No rankings yet."). */
export function CardNote({ children }: { children: ReactNode }) {
  return <p className="px-4 py-3 text-sm text-slate-600">{children}</p>;
}
