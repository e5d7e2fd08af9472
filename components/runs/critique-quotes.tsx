import Link from "next/link";
import { QuoteMatchChart } from "@/components/runs/quote-match-chart";
import type { RunCritiqueSummary } from "@/lib/judge/runs/run-critiques";

const share = (n: number, total: number) => (total === 0 ? "—" : `${((100 * n) / total).toFixed(1)}%`);

/**
 * A critique run's quotes on its page: how many the judge's spans were found by (exactly, after
 * normalising, fuzzily) and how many were found nowhere, and the latest unmatched ones as the judge
 * wrote them (model output: shown as plain text).
 */
export function CritiqueQuotes({ summary, projectSlug }: { summary: RunCritiqueSummary; projectSlug: string }) {
  const total = summary.exact + summary.normalized + summary.fuzzy + summary.unmatched;
  const counts = [
    { label: "Exactly", quotes: summary.exact },
    { label: "Normalised", quotes: summary.normalized },
    { label: "Fuzzily", quotes: summary.fuzzy },
    { label: "Not found", quotes: summary.unmatched },
  ];
  const labelOf = (tag: string) => summary.tagLabels[tag] ?? tag;
  return (
    <section aria-labelledby="critiques-heading" className="space-y-3 rounded-lg border border-slate-200 bg-white p-4">
      <h2 id="critiques-heading" className="font-semibold">
        Critique quotes
      </h2>
      <p className="text-sm text-slate-600">
        The judge quoted {total} passages in {summary.rankings} rankings (taxonomy version {summary.taxonomyVersion}). Quotes found in the
        response are stored as spans of the judge’s ranking; quotes found nowhere are kept here only.
      </p>
      <dl className="grid grid-cols-2 gap-3 text-sm md:grid-cols-4" data-testid="critique-quote-figures">
        {counts.map((c) => (
          <div key={c.label}>
            <dt className="text-slate-500">{c.label === "Not found" ? "Not found" : `Matched ${c.label.toLowerCase()}`}</dt>
            <dd className="font-semibold">
              {c.quotes} <span className="font-normal text-slate-500">({share(c.quotes, total)})</span>
            </dd>
          </div>
        ))}
      </dl>
      {total > 0 && <QuoteMatchChart counts={counts} />}
      <h3 className="text-sm font-medium">
        Quotes not found {summary.latestUnmatched.length === 50 && <span className="font-normal text-slate-500">(latest 50)</span>}
      </h3>
      {summary.latestUnmatched.length === 0 ? (
        <p className="text-sm text-slate-600">None.</p>
      ) : (
        <ul className="space-y-2 text-sm" data-testid="unmatched-quotes">
          {summary.latestUnmatched.map((q, i) => (
            <li key={`${q.promptId}:${q.permutationIndex}:${i}`} className="rounded border border-amber-200 p-2">
              <div className="text-slate-600">
                <Link href={`/projects/${projectSlug}/prompts/${q.promptId}`} className="underline">
                  {q.externalId ?? q.promptId.slice(0, 8)}
                </Link>{" "}
                · permutation {q.permutationIndex + 1} · Response {q.shownPosition || "?"} · {labelOf(q.tag)} · {q.severity}
              </div>
              <blockquote className="mt-1 whitespace-pre-wrap break-words border-l-2 border-slate-300 pl-2">{q.quote}</blockquote>
              {q.comment && <p className="mt-1 text-slate-600">{q.comment}</p>}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
