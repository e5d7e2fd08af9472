"use client";

import { useRouter } from "next/navigation";
import { useId, useState, type FormEvent } from "react";
import { buttonClass, inputClass } from "@/components/ui/form-message";
import { Cell, HeaderCell, Row, Table } from "@/components/ui/table";

interface Summary {
  ok: boolean;
  message: string;
  problems: { location: string; field: string; reason: string }[];
  problemsNotShown: number;
}

type Phase = { kind: "idle" } | { kind: "sending" } | { kind: "done"; summary: Summary } | { kind: "error"; message: string };

/** Name, notes and a score file, sent as the request body to the evaluations route; a refused file lists its problems by line. */
export function ScoreUploader({ target, id }: { target: "set" | "export"; id: string }) {
  const router = useRouter();
  const [phase, setPhase] = useState<Phase>({ kind: "idle" });
  const ids = { name: useId(), notes: useId(), file: useId() };

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const file = form.get("file");
    if (!(file instanceof File) || file.size === 0) return setPhase({ kind: "error", message: "Choose a non-empty score file first." });
    const query = new URLSearchParams({
      evaluationId: crypto.randomUUID(),
      name: String(form.get("name") ?? ""),
      notes: String(form.get("notes") ?? ""),
    });
    setPhase({ kind: "sending" });
    try {
      const res = await fetch(`/api/leaderboards/${target}/${id}/evaluations?${query}`, {
        method: "POST",
        headers: { "content-type": "application/octet-stream" },
        body: file,
      });
      const body = (await res.json()) as Partial<Summary> & { error?: string };
      if (Array.isArray(body.problems) && typeof body.message === "string") {
        setPhase({ kind: "done", summary: body as Summary });
        if (body.ok) router.refresh();
      } else setPhase({ kind: "error", message: body.error ?? `The server answered ${res.status}.` });
    } catch {
      setPhase({ kind: "error", message: "The upload was interrupted. Nothing was stored; try again." });
    }
  }

  const busy = phase.kind === "sending";
  return (
    <div className="space-y-3 p-4">
      <form onSubmit={onSubmit} className="grid gap-3 md:grid-cols-2">
        <label htmlFor={ids.name} className="text-sm font-medium">
          Model name
          <input id={ids.name} name="name" required maxLength={200} disabled={busy} className={inputClass} />
        </label>
        <label htmlFor={ids.notes} className="text-sm font-medium">
          Notes <span className="font-normal text-slate-600">(optional)</span>
          <input id={ids.notes} name="notes" maxLength={2000} disabled={busy} className={inputClass} />
        </label>
        <label htmlFor={ids.file} className="text-sm font-medium md:col-span-2">
          Score file (JSONL)
          <input
            id={ids.file}
            name="file"
            type="file"
            accept=".jsonl,.json,.ndjson,application/json"
            required
            disabled={busy}
            className={inputClass}
          />
        </label>
        <div className="md:col-span-2">
          <button type="submit" disabled={busy} className={buttonClass}>
            {busy ? "Evaluating…" : "Evaluate"}
          </button>
        </div>
      </form>
      <div aria-live="polite">
        {phase.kind === "error" && (
          <p role="alert" className="rounded-md bg-red-50 px-3 py-2 text-sm text-red-800">
            {phase.message}
          </p>
        )}
        {phase.kind === "done" && <UploadResult summary={phase.summary} />}
      </div>
    </div>
  );
}

function UploadResult({ summary }: { summary: Summary }) {
  return (
    <div className={`space-y-2 rounded-md border p-3 ${summary.ok ? "border-emerald-200 bg-emerald-50" : "border-red-200 bg-red-50"}`}>
      <p role={summary.ok ? "status" : "alert"} className="text-sm font-medium">
        {summary.message}
      </p>
      {summary.problems.length > 0 && (
        <div className="bg-white">
          <Table
            caption="Problems in the score file"
            showCaption
            head={
              <>
                <HeaderCell>Where</HeaderCell>
                <HeaderCell>Field</HeaderCell>
                <HeaderCell>Reason</HeaderCell>
              </>
            }
          >
            {summary.problems.map((p, i) => (
              <Row key={i}>
                <Cell>{p.location}</Cell>
                <Cell className="font-mono text-xs">{p.field}</Cell>
                <Cell>{p.reason}</Cell>
              </Row>
            ))}
          </Table>
        </div>
      )}
      {summary.problemsNotShown > 0 && <p className="text-sm">… and {summary.problemsNotShown} more problems.</p>}
    </div>
  );
}
