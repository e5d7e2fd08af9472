"use client";

import Link from "next/link";
import { exportVerificationSetAction } from "@/app/(app)/projects/[slug]/verification/actions";
import { buttonClass, FormMessage, inputClass } from "@/components/ui/form-message";
import { useFormSubmit } from "@/components/ui/use-form-submit";

/** Exports the set's kept pairs as a verified benchmark package (JSONL or Parquet, card, manifest). */
export function ExportSetForm({ setId }: { setId: string }) {
  const { state, onSubmit, pending } = useFormSubmit(exportVerificationSetAction.bind(null, setId));
  const exportId = state?.ok ? (state.data as { id: string } | undefined)?.id : undefined;
  return (
    <form onSubmit={onSubmit} className="flex flex-wrap items-end gap-3" aria-label="Export the verified benchmark">
      <label className="text-sm font-medium">
        File type
        <select name="fileType" defaultValue="jsonl" className={inputClass}>
          <option value="jsonl">JSONL</option>
          <option value="parquet">Parquet</option>
        </select>
      </label>
      <button type="submit" disabled={pending} className={buttonClass}>
        {pending ? "Queueing…" : "Export verified benchmark"}
      </button>
      <div className="w-full">
        <FormMessage state={state} />
        {exportId && (
          <Link href={`/exports/${exportId}`} className="text-sm text-brand-700 underline">
            Open the export
          </Link>
        )}
      </div>
    </form>
  );
}
