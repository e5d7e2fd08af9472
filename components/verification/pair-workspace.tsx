"use client";

import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { PairScreen } from "@/components/verification/pair-screen";
import type { PairAssignmentPayload } from "@/lib/verification/pair-payload";

type Loaded = { done: true } | ({ done: false } & PairAssignmentPayload);
export type PairSource = { kind: "queue" } | { kind: "revision"; voteId: string };

async function getJson<T>(url: string): Promise<T> {
  const res = await fetch(url, { cache: "no-store" });
  const body = await res.json().catch(() => ({}));
  if (!res.ok) throw new Error((body as { error?: string }).error ?? `The server answered ${res.status}.`);
  return body as T;
}

/**
 * The pair verification page: claims the set's next pair for the clinician (or loads one of their
 * answers to revise), shows it, and after each answer the next one without reloading; a live
 * region announces what was stored.
 */
export function PairWorkspace({ slug, setId, setName, source }: { slug: string; setId: string; setName: string; source: PairSource }) {
  const router = useRouter();
  const [notice, setNotice] = useState<string | null>(null);
  const [answered, setAnswered] = useState(0);
  const url = source.kind === "queue" ? `/api/projects/${slug}/verification/next?set=${setId}` : `/api/verification-votes/${source.voteId}`;
  const current = useQuery({
    queryKey: ["verification", slug, setId, source.kind, source.kind === "revision" ? source.voteId : null],
    staleTime: Infinity,
    retry: false,
    queryFn: async (): Promise<Loaded> => {
      const body = await getJson<Loaded | PairAssignmentPayload>(url);
      return "done" in body ? body : { done: false, ...body };
    },
  });

  async function onDone(message: string, answeredOne: boolean) {
    if (source.kind === "revision") {
      router.push(`/annotate/${slug}/verify/${setId}/answers`);
      return;
    }
    if (answeredOne) setAnswered((n) => n + 1);
    const next = await current.refetch();
    setNotice(next.data?.done === false ? `${message} Next pair loaded.` : message);
  }

  return (
    <div className="space-y-4">
      <div className="flex flex-wrap items-center gap-3">
        <h1 className="text-xl font-semibold">Verify pairs: {setName}</h1>
        <div className="ml-auto flex gap-2 text-sm">
          <Link href={`/annotate/${slug}/verify/${setId}/answers`} className="rounded border border-slate-300 px-3 py-1 hover:bg-slate-50">
            My answers
          </Link>
          <Link href={`/annotate/${slug}`} className="rounded border border-slate-300 px-3 py-1 hover:bg-slate-50">
            Back to ranking
          </Link>
        </div>
      </div>
      <p className="text-sm text-slate-600">
        Read the question and both responses, then say which is better. Keys: <kbd>A</kbd> / <kbd>B</kbd> better, <kbd>T</kbd> tie,{" "}
        <kbd>X</kbd> both unacceptable, <kbd>1</kbd>–<kbd>5</kbd> confidence, <kbd>Enter</kbd> submit.
        {answered > 0 && ` You answered ${answered} pair${answered === 1 ? "" : "s"} this session.`}
      </p>
      <p role="status" aria-live="polite" className={notice ? "rounded-md bg-emerald-50 px-3 py-2 text-sm text-emerald-800" : "sr-only"}>
        {notice}
      </p>
      {current.isPending && <p className="text-slate-600">Loading the next pair…</p>}
      {current.isError && (
        <p role="alert" className="rounded-md bg-red-50 px-3 py-2 text-red-800">
          {current.error.message}
        </p>
      )}
      {current.data?.done === true && (
        <div className="rounded-lg border border-slate-200 bg-white p-6 text-center">
          <h2 className="text-lg font-semibold">Nothing left for you in this set</h2>
          <p className="mt-1 text-slate-600">Every pair you can answer is done or taken. Thank you!</p>
        </div>
      )}
      {current.data && current.data.done === false && !current.isFetching && (
        <PairScreen key={current.data.assignment.id} payload={current.data} onDone={onDone} />
      )}
      {current.data && current.isFetching && <p className="text-slate-600">Loading the next pair…</p>}
    </div>
  );
}
