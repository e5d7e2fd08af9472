"use client";

import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { useState, type FormEvent } from "react";
import { buttonClass, inputClass } from "@/components/ui/form-message";
import { ProgressBar } from "@/components/ui/progress-bar";
import { IMPORT_FORMAT_NAMES, IMPORT_FORMATS } from "@/lib/import/types";
import { AUTO_FORMAT_LABEL, FORMAT_CHOOSER_LABEL, SKIP_INVALID_LABEL } from "@/lib/import/upload-schema";

interface Summary {
  ok: boolean;
  message: string;
  promptsAdded: number;
  completionsAdded: number;
  duplicatesExisting: number;
  duplicatesInFile: number;
  recordsRejected: number;
  problems: { location: string; field: string; reason: string }[];
  problemsNotShown: number;
  rejectedReportStored: boolean;
  importId: string;
}

type Phase =
  | { kind: "idle" }
  | { kind: "uploading"; importId: string; sent: number; total: number }
  | { kind: "done"; summary: Summary }
  | { kind: "error"; message: string };

/** Upload with a byte-level progress bar (XHR reports upload progress; fetch does not) and the server's record count. */
export function ImportUploader({ slug, maxUploadBytes }: { slug: string; maxUploadBytes: number }) {
  const [phase, setPhase] = useState<Phase>({ kind: "idle" });
  const importId = phase.kind === "uploading" ? phase.importId : null;
  const status = useQuery({
    queryKey: ["import", importId],
    enabled: importId !== null,
    refetchInterval: 1000,
    queryFn: async () => {
      const res = await fetch(`/api/imports/${importId}`);
      return res.ok ? ((await res.json()) as { recordsRead: number }) : null;
    },
  });

  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const file = form.get("file");
    if (!(file instanceof File) || file.size === 0) {
      setPhase({ kind: "error", message: "Choose a non-empty file first." });
      return;
    }
    if (file.size > maxUploadBytes) {
      setPhase({
        kind: "error",
        message: `The file is larger than the upload limit (${Math.round(maxUploadBytes / 1024 ** 2)} MB). Use the CLI: npm run medpref -- import.`,
      });
      return;
    }
    const id = crypto.randomUUID();
    const query = new URLSearchParams({
      importId: id,
      fileName: file.name,
      format: String(form.get("format")),
      skipInvalid: form.get("skipInvalid") === "on" ? "1" : "0",
    });
    const xhr = new XMLHttpRequest();
    xhr.open("POST", `/api/projects/${slug}/imports?${query}`);
    xhr.setRequestHeader("content-type", "application/octet-stream");
    xhr.upload.onprogress = (e) => setPhase({ kind: "uploading", importId: id, sent: e.loaded, total: e.total || file.size });
    xhr.onload = () => {
      let body: unknown = null;
      try {
        body = JSON.parse(xhr.responseText);
      } catch {
        // handled below
      }
      if ((xhr.status === 200 || xhr.status === 422) && body && typeof body === "object" && "importId" in body) {
        setPhase({ kind: "done", summary: body as Summary });
      } else {
        setPhase({ kind: "error", message: (body as { error?: string } | null)?.error ?? `The server answered ${xhr.status}.` });
      }
    };
    xhr.onerror = () => setPhase({ kind: "error", message: "The upload was interrupted. Nothing was imported; try again." });
    setPhase({ kind: "uploading", importId: id, sent: 0, total: file.size });
    xhr.send(file);
  }

  const busy = phase.kind === "uploading";
  return (
    <div className="space-y-4">
      <form onSubmit={onSubmit} className="space-y-3 rounded-lg border border-slate-200 bg-white p-4">
        <label className="block text-sm font-medium">
          File
          <input name="file" type="file" accept=".json,.jsonl,.ndjson,application/json" required disabled={busy} className={inputClass} />
        </label>
        <div className="flex flex-wrap items-end gap-6">
          <label className="text-sm font-medium">
            {FORMAT_CHOOSER_LABEL}
            <select name="format" defaultValue="auto" disabled={busy} className={inputClass}>
              <option value="auto">{AUTO_FORMAT_LABEL}</option>
              {IMPORT_FORMATS.map((format) => (
                <option key={format} value={format}>
                  {IMPORT_FORMAT_NAMES[format]}
                </option>
              ))}
            </select>
          </label>
          <label className="flex items-center gap-2 text-sm">
            <input type="checkbox" name="skipInvalid" disabled={busy} /> {SKIP_INVALID_LABEL}{" "}
            <span className="text-slate-500">(import the valid ones, list the others)</span>
          </label>
        </div>
        <button type="submit" disabled={busy} className={buttonClass}>
          {busy ? "Importing…" : "Import"}
        </button>
      </form>
      {phase.kind === "uploading" && (
        <div className="rounded-lg border border-slate-200 bg-white p-4">
          <ProgressBar label="Import progress" value={phase.sent} max={phase.total} />
          <p className="mt-2 text-sm text-slate-600">
            {phase.sent < phase.total
              ? `Uploading and importing: ${Math.floor((100 * phase.sent) / phase.total)}%`
              : "Finishing the import…"}
            {status.data ? ` · ${status.data.recordsRead} records read` : ""}
          </p>
        </div>
      )}
      {phase.kind === "error" && (
        <p role="alert" className="rounded-md bg-red-50 px-3 py-2 text-sm text-red-800">
          {phase.message}
        </p>
      )}
      {phase.kind === "done" && <ImportResult summary={phase.summary} slug={slug} />}
    </div>
  );
}

function ImportResult({ summary, slug }: { summary: Summary; slug: string }) {
  return (
    <section
      aria-label="Import result"
      className={`space-y-3 rounded-lg border p-4 ${summary.ok ? "border-emerald-200 bg-emerald-50" : "border-red-200 bg-red-50"}`}
    >
      <p role="status" className="font-medium">
        {summary.message}
      </p>
      <dl className="grid grid-cols-2 gap-2 text-sm md:grid-cols-5">
        <div>
          <dt className="text-slate-600">Prompts added</dt>
          <dd className="font-semibold">{summary.promptsAdded}</dd>
        </div>
        <div>
          <dt className="text-slate-600">Completions added</dt>
          <dd className="font-semibold">{summary.completionsAdded}</dd>
        </div>
        <div>
          <dt className="text-slate-600">Already in project</dt>
          <dd className="font-semibold">{summary.duplicatesExisting}</dd>
        </div>
        <div>
          <dt className="text-slate-600">Repeated in file</dt>
          <dd className="font-semibold">{summary.duplicatesInFile}</dd>
        </div>
        <div>
          <dt className="text-slate-600">Invalid records</dt>
          <dd className="font-semibold">{summary.recordsRejected}</dd>
        </div>
      </dl>
      {summary.problems.length > 0 && (
        <table className="w-full bg-white text-sm">
          <caption className="text-left font-medium">Problems</caption>
          <thead className="text-left">
            <tr>
              <th className="px-2 py-1">Where</th>
              <th className="px-2 py-1">Field</th>
              <th className="px-2 py-1">Reason</th>
            </tr>
          </thead>
          <tbody>
            {summary.problems.map((p, i) => (
              <tr key={i} className="border-t border-slate-100">
                <td className="px-2 py-1">{p.location}</td>
                <td className="px-2 py-1 font-mono text-xs">{p.field}</td>
                <td className="px-2 py-1">{p.reason}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {summary.problemsNotShown > 0 && <p className="text-sm">… and {summary.problemsNotShown} more problems.</p>}
      {summary.rejectedReportStored && (
        <a href={`/api/imports/${summary.importId}/rejected`} className="text-sm text-brand-700 underline">
          Download the rejected records with reasons
        </a>
      )}
      {summary.ok && (
        <Link href={`/projects/${slug}`} className="block text-sm text-brand-700 underline">
          View the project&apos;s prompts
        </Link>
      )}
    </section>
  );
}
