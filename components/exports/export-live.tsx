"use client";

import { useRouter } from "next/navigation";
import { useEffect } from "react";
import { ProgressBar } from "@/components/ui/progress-bar";
import { useLiveResource } from "@/components/ui/use-live-resource";
import type { ExportView } from "@/lib/export/export-views";

const bytes = (n: number) => (n < 1024 ? `${n} B` : n < 1 << 20 ? `${(n / 1024).toFixed(1)} KB` : `${(n / (1 << 20)).toFixed(1)} MB`);

/** An export's status and progress, refreshed every second while it builds; its files once ready. */
export function ExportLive({ initial }: { initial: ExportView }) {
  const e = useLiveResource({
    queryKey: ["export", initial.id],
    url: `/api/exports/${initial.id}`,
    initial,
    everyMs: 1000,
    what: "export",
  });
  const router = useRouter();
  // Once the build is published, reload the server-rendered parts (the dataset card).
  useEffect(() => {
    if (e.status === "READY" && initial.status !== "READY") router.refresh();
  }, [e.status, initial.status, router]);
  return (
    <section aria-labelledby="export-progress" className="space-y-3 rounded-lg border border-slate-200 bg-white p-4">
      <h2 id="export-progress" className="font-semibold">
        Build{" "}
        <span className="ml-2 rounded bg-slate-100 px-2 py-0.5 text-sm font-normal" data-testid="export-status">
          {e.status.toLowerCase()}
        </span>
      </h2>
      <ProgressBar label="Export progress" value={Math.round(e.progress * 100)} max={100} />
      <p className="text-sm text-slate-600">
        {Math.round(e.progress * 100)}% · {e.rowsWritten.toLocaleString("en")} rows
      </p>
      {e.error && (
        <p role="alert" className="text-sm text-red-700">
          {e.error}
        </p>
      )}
      {e.status === "READY" && (
        <>
          <a
            href={`/api/exports/${e.id}/zip`}
            className="inline-block rounded-md bg-brand-600 px-3 py-1.5 text-sm font-medium text-white"
            download
          >
            Download .zip
          </a>
          <table className="w-full text-sm">
            <thead className="bg-slate-50 text-left">
              <tr>
                <th className="px-2 py-1">File</th>
                <th className="px-2 py-1">Rows</th>
                <th className="px-2 py-1">Size</th>
                <th className="px-2 py-1">sha256</th>
              </tr>
            </thead>
            <tbody>
              {[...e.files, { path: "manifest.json", rows: 0, bytes: 0, sha256: "" }].map((f) => (
                <tr key={f.path} className="border-t border-slate-100">
                  <td className="px-2 py-1">
                    <a className="text-brand-700 underline" href={`/api/exports/${e.id}/files/${f.path}`} download>
                      {f.path}
                    </a>
                  </td>
                  <td className="px-2 py-1">{f.path.startsWith("data/") ? f.rows.toLocaleString("en") : ""}</td>
                  <td className="px-2 py-1">{f.bytes ? bytes(f.bytes) : ""}</td>
                  <td className="px-2 py-1 font-mono text-xs">{f.sha256.slice(0, 16)}</td>
                </tr>
              ))}
            </tbody>
          </table>
          {e.leftOut.length > 0 && (
            <div className="text-sm" data-testid="export-left-out">
              <p className="font-medium">Left out (no rows, so no file and no entry in the dataset card):</p>
              <ul className="list-disc pl-5 text-slate-600">
                {e.leftOut.map((l) => (
                  <li key={l.path}>
                    <code>{l.split}</code>: {l.reason}.
                  </li>
                ))}
              </ul>
            </div>
          )}
        </>
      )}
    </section>
  );
}
