import Link from "next/link";
import type { ReportFilter } from "@/lib/agreement/load-report-data";

const input = "mt-1 block rounded-md border border-slate-300 px-2 py-1";
const multiSelect = "mt-1 block h-20 rounded-md border border-slate-300 px-2 py-1";

/** The dashboard's filters: a GET form, so a filtered view is a link. Admins alone can filter by annotator. */
export function AgreementFilters({
  slug,
  filter,
  filterError,
  raters,
  runs,
}: {
  slug: string;
  filter: ReportFilter;
  filterError: string | null;
  /** Annotators to filter by: empty for researchers, who see no annotators. */
  raters: { id: string; name: string }[];
  runs: { id: string; name: string }[];
}) {
  return (
    <form
      method="get"
      className="flex flex-wrap items-end gap-3 rounded-lg border border-slate-200 bg-white p-4 text-sm"
      aria-label="Filters"
    >
      <label>
        From
        <input type="date" name="from" defaultValue={filter.from ?? ""} className={input} />
      </label>
      <label>
        To (exclusive)
        <input type="date" name="to" defaultValue={filter.to ?? ""} className={input} />
      </label>
      {raters.length > 0 && <MultiSelect label="Annotators" name="annotator" options={raters} selected={filter.annotatorIds} />}
      {runs.length > 0 && <MultiSelect label="Judge runs" name="run" options={runs} selected={filter.runIds} />}
      <button type="submit" className="rounded-md bg-brand-600 px-4 py-2 font-medium text-white hover:bg-brand-700">
        Apply
      </button>
      <Link href={`/projects/${slug}/agreement`} className="px-2 py-2 text-brand-700 underline">
        Clear
      </Link>
      {filterError && (
        <p role="alert" className="w-full rounded-md bg-red-50 px-3 py-2 text-red-800">
          Filter ignored: {filterError}
        </p>
      )}
    </form>
  );
}

function MultiSelect({
  label,
  name,
  options,
  selected,
}: {
  label: string;
  name: string;
  options: { id: string; name: string }[];
  selected: string[] | undefined;
}) {
  return (
    <label>
      {label}
      <select name={name} multiple defaultValue={selected ?? []} className={multiSelect}>
        {options.map((o) => (
          <option key={o.id} value={o.id}>
            {o.name}
          </option>
        ))}
      </select>
    </label>
  );
}
