import Link from "next/link";
import { PROMPT_STATUS_LABELS, PROMPT_STATUSES, type PromptList, type PromptListQuery } from "@/lib/projects/prompt-list";

const input = "mt-1 block w-full rounded-md border border-slate-300 px-2 py-1";

/** The project's prompts: search and filters (a GET form, so every view has a URL), one page at a time. */
export function PromptListSection({
  slug,
  list,
  query,
  error,
}: {
  slug: string;
  list: PromptList;
  query: Partial<PromptListQuery>;
  error: string | null;
}) {
  const filtered = Boolean(query.q || query.source || query.type || query.status);
  const href = (page: number) => {
    const params = new URLSearchParams(
      Object.entries({ q: query.q, source: query.source, type: query.type, status: query.status }).filter((e): e is [string, string] =>
        Boolean(e[1]),
      ),
    );
    if (page > 1) params.set("page", String(page));
    const s = params.toString();
    return `/projects/${slug}${s ? `?${s}` : ""}#prompts-heading`;
  };
  const first = (list.page - 1) * list.perPage + 1;
  return (
    <section aria-labelledby="prompts-heading" className="rounded-lg border border-slate-200 bg-white">
      <h2 id="prompts-heading" className="border-b border-slate-200 px-4 py-3 font-semibold">
        Prompts
      </h2>
      <form
        method="get"
        action={`/projects/${slug}#prompts-heading`}
        aria-label="Search and filter prompts"
        className="grid gap-3 border-b border-slate-200 p-4 text-sm sm:grid-cols-2 lg:grid-cols-[minmax(12rem,2fr)_repeat(3,minmax(8rem,1fr))_auto]"
      >
        <label>
          Search
          <input type="search" name="q" defaultValue={query.q ?? ""} placeholder="Text or id" className={input} />
        </label>
        <label>
          Source
          <select name="source" defaultValue={query.source ?? ""} className={input}>
            <option value="">Any</option>
            {list.sources.map((s) => (
              <option key={s} value={s}>
                {s}
              </option>
            ))}
          </select>
        </label>
        <label>
          Type
          <select name="type" defaultValue={query.type ?? ""} className={input}>
            <option value="">Any</option>
            {list.types.map((t) => (
              <option key={t} value={t}>
                {t}
              </option>
            ))}
          </select>
        </label>
        <label>
          Status
          <select name="status" defaultValue={query.status ?? ""} className={input}>
            <option value="">Any</option>
            {PROMPT_STATUSES.map((s) => (
              <option key={s} value={s}>
                {PROMPT_STATUS_LABELS[s]}
              </option>
            ))}
          </select>
        </label>
        <div className="flex items-end gap-2">
          <button type="submit" className="rounded-md bg-brand-600 px-4 py-1.5 font-medium text-white hover:bg-brand-700">
            Apply
          </button>
          {filtered && (
            <Link href={`/projects/${slug}#prompts-heading`} className="px-1 py-1.5 text-brand-700 underline">
              Clear
            </Link>
          )}
        </div>
        {error && (
          <p role="alert" className="rounded-md bg-red-50 px-3 py-2 text-red-800 sm:col-span-2 lg:col-span-5">
            Filter ignored: {error}
          </p>
        )}
      </form>
      <p role="status" className="px-4 pt-3 text-sm text-slate-600">
        {list.total === 0
          ? filtered
            ? "No prompt matches."
            : "No prompts yet."
          : list.rows.length === 0
            ? `No prompts on this page; about ${list.total} match.`
            : `Prompts ${first}–${first + list.rows.length - 1} of ${list.totalEstimated ? "about " : ""}${list.total}${filtered ? " matching" : ""}`}
      </p>
      {list.rows.length > 0 && (
        <div className="overflow-x-auto">
          <table className="w-full text-sm" aria-label="Prompts">
            <thead className="bg-slate-50 text-left">
              <tr>
                <th className="px-3 py-2">Prompt</th>
                <th className="px-3 py-2">Source · type</th>
                <th className="px-3 py-2">Candidates</th>
                <th className="px-3 py-2">Human rankings</th>
                <th className="px-3 py-2">Status</th>
              </tr>
            </thead>
            <tbody>
              {list.rows.map((p) => (
                <tr key={p.id} className="border-t border-slate-100 align-top">
                  <td className="min-w-[14rem] max-w-xl px-3 py-2">
                    <Link
                      href={`/projects/${slug}/prompts/${p.id}`}
                      className="line-clamp-2 [overflow-wrap:anywhere] hover:text-brand-700 hover:underline"
                    >
                      {p.preview || "(no user message)"}
                    </Link>
                    <div className="text-xs text-slate-500">
                      {p.externalId ?? p.id.slice(0, 8)}
                      {p.hasReference ? " · reference answer" : ""}
                    </div>
                  </td>
                  <td className="px-3 py-2">{[p.source, p.promptType].filter(Boolean).join(" · ") || "—"}</td>
                  <td className="px-3 py-2">{p.candidates}</td>
                  <td className="px-3 py-2 whitespace-nowrap">{p.gold ? p.humanRankings : `${p.humanRankings} / ${p.wanted}`}</td>
                  <td className="px-3 py-2">
                    <span className="flex flex-wrap gap-1">
                      {p.gold && <span className="rounded bg-amber-100 px-1 text-amber-900">gold</span>}
                      {p.disputed && <span className="rounded bg-red-100 px-1 text-red-900">disputed</span>}
                      {p.judged && <span className="rounded bg-sky-100 px-1 text-sky-900">judged</span>}
                      {!p.gold && p.humanRankings < p.wanted && (
                        <span className="rounded bg-slate-100 px-1 text-slate-700">needs rankings</span>
                      )}
                    </span>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {list.pages > 1 && (
        <nav aria-label="Prompt pages" className="flex items-center justify-between gap-3 border-t border-slate-200 px-4 py-3 text-sm">
          {list.page > 1 ? (
            <Link href={href(list.page - 1)} className="text-brand-700 underline">
              ← Previous
            </Link>
          ) : (
            <span />
          )}
          <span className="text-slate-600">
            Page {list.page} of {list.totalEstimated ? "about " : ""}
            {list.pages}
          </span>
          {list.page < list.pages ? (
            <Link href={href(list.page + 1)} className="text-brand-700 underline">
              Next →
            </Link>
          ) : (
            <span />
          )}
        </nav>
      )}
    </section>
  );
}
