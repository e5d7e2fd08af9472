import type { ActionResult } from "@/lib/actions/action-result";

export function FormMessage({ state }: { state: ActionResult<unknown> | null }) {
  if (!state) return null;
  return state.ok ? (
    <p role="status" className="rounded-md bg-emerald-50 px-3 py-2 text-sm text-emerald-800">
      {state.message}
    </p>
  ) : (
    <p role="alert" className="rounded-md bg-red-50 px-3 py-2 text-sm text-red-800">
      {state.error}
    </p>
  );
}

export const inputClass =
  "mt-1 block w-full rounded-md border border-slate-300 px-3 py-2 text-sm focus:border-brand-600 aria-[invalid=true]:border-red-500";
export const buttonClass = "rounded-md bg-brand-600 px-4 py-2 text-sm font-medium text-white hover:bg-brand-700 disabled:opacity-60";
