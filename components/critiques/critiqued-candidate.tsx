import { SourceMappedMarkdown } from "@/components/critiques/source-mapped-markdown";
import type { PromptCritique } from "@/lib/critiques/queries";
import type { HighlightSpan } from "@/lib/critiques/rehype-critique-marks";
import { SEVERITY_LABELS } from "@/lib/critiques/taxonomy";

/**
 * A candidate on the prompt page: its Markdown with every rater's spans highlighted (overlapping
 * spans nest), and the list of those spans: tag, severity, rater, the quoted text, comment and
 * suggested correction. Texts are untrusted: the candidate goes through SourceMappedMarkdown, the
 * quotes and notes are plain text.
 */
export function CritiquedCandidate({
  index,
  model,
  text,
  critiques,
}: {
  index: number;
  model: string;
  text: string;
  critiques: readonly PromptCritique[];
}) {
  const spans = critiques.map((c): HighlightSpan => ({
    id: c.id,
    start: c.start,
    end: c.end,
    tag: c.tag,
    severity: c.severity,
    label: c.tagDisplay.label,
    // The tag's marker and the severity's, as the ranking screen marks them (lib/critiques/highlights.ts).
    marker: `${c.tagDisplay.marker}${SEVERITY_LABELS[c.severity].marker}`,
    colour: c.tagDisplay.colour,
  }));
  const raters = new Set(critiques.map((c) => c.rater)).size;
  return (
    <article aria-label={`Candidate ${index}: ${model}`} className="min-w-0 rounded-lg border border-slate-200 bg-white">
      <h2 className="border-b border-slate-100 px-3 py-2 font-semibold [overflow-wrap:anywhere]">
        Response {index} <span className="font-normal text-slate-600">· {model}</span>
      </h2>
      <div className="max-h-96 overflow-y-auto px-3 py-2 text-sm">
        <SourceMappedMarkdown text={text} spans={spans} />
      </div>
      {critiques.length > 0 && (
        <section aria-label={`Marked spans in response ${index}`} className="border-t border-slate-100 px-3 py-2 text-sm">
          <h3 className="font-medium">
            {critiques.length} marked {critiques.length === 1 ? "span" : "spans"} by {raters} {raters === 1 ? "rater" : "raters"}
          </h3>
          <ol className="mt-2 space-y-2">
            {critiques.map((c) => (
              <CritiqueItem key={c.id} critique={c} />
            ))}
          </ol>
        </section>
      )}
    </article>
  );
}

function CritiqueItem({ critique: c }: { critique: PromptCritique }) {
  const severity = SEVERITY_LABELS[c.severity];
  return (
    <li className="rounded border border-slate-100 p-2" data-span-id={c.id}>
      <div className="flex flex-wrap items-baseline gap-x-2 gap-y-1">
        <span className={`critique-chip critique-colour-${c.tagDisplay.colour}`} aria-hidden>
          {c.tagDisplay.marker}
        </span>
        <span className="font-medium">{c.tagDisplay.label}</span>
        <span className={`critique-severity-label critique-severity-${c.severity}`}>
          {severity.label} <span aria-hidden>{severity.marker}</span>
        </span>
        <span className="text-slate-600 [overflow-wrap:anywhere]">
          · {c.rater}
          {c.via === "pair vote" ? " (pair vote)" : ""}
        </span>
      </div>
      <blockquote className="mt-1 border-l-4 border-slate-300 pl-2 whitespace-pre-wrap text-slate-700 [overflow-wrap:anywhere]">
        <span className="sr-only">Quoted: </span>
        {c.text}
      </blockquote>
      {c.comment && (
        <p className="mt-1 whitespace-pre-wrap [overflow-wrap:anywhere]">
          <span className="font-medium">Comment:</span> {c.comment}
        </p>
      )}
      {c.correction && (
        <p className="mt-1 whitespace-pre-wrap [overflow-wrap:anywhere]">
          <span className="font-medium">Suggested correction:</span> {c.correction}
        </p>
      )}
    </li>
  );
}

/** How to read the marks, shown once above the candidates when any has spans. */
export function CritiqueLegend() {
  return (
    <p className="text-sm text-slate-600">
      Marked spans are tinted in their tag&apos;s colour and followed by the tag&apos;s and the severity&apos;s markers; the underline tells
      the severity: <span className="critique-severity-label critique-severity-minor">dotted, minor</span>,{" "}
      <span className="critique-severity-label critique-severity-major">solid, major</span>,{" "}
      <span className="critique-severity-label critique-severity-critical">double, critical</span>. Overlapping spans stack, each lower
      underline one more span.
    </p>
  );
}
