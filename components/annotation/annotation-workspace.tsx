"use client";

import { useQuery, useQueryClient } from "@tanstack/react-query";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { ProgressSummary } from "@/components/annotation/progress-summary";
import { RankingScreen } from "@/components/annotation/ranking-screen";
import type { AnnotationProgress, AssignmentPayload, WorkspaceSource } from "@/components/annotation/types";
import { SafeMarkdown } from "@/components/markdown/safe-markdown";

type Loaded = { done: true } | ({ done: false } & AssignmentPayload);

async function getJson<T>(url: string): Promise<T> {
  const res = await fetch(url, { cache: "no-store" });
  const body = await res.json().catch(() => ({}));
  if (!res.ok) throw new Error((body as { error?: string }).error ?? `The server answered ${res.status}.`);
  return body as T;
}

function payloadUrl(slug: string, source: WorkspaceSource): string {
  if (source.kind === "queue") return `/api/projects/${slug}/annotation/next`;
  if (source.kind === "assignment") return `/api/assignments/${source.id}`;
  return `/api/rankings/${source.id}`;
}

/**
 * The annotation page: loads the next prompt (or a given assignment, or a ranking to revise),
 * shows the ranking screen and, after a submit, the next prompt without reloading the page.
 */
export function AnnotationWorkspace({
  slug,
  projectName,
  guidelines,
  source,
}: {
  slug: string;
  projectName: string;
  guidelines: string;
  source: WorkspaceSource;
}) {
  const router = useRouter();
  const queryClient = useQueryClient();
  const [notice, setNotice] = useState<string | null>(null);
  const [showGuidelines, setShowGuidelines] = useState(false);
  const key = ["annotation", slug, source.kind, source.kind === "queue" ? null : source.id];
  const current = useQuery({
    queryKey: key,
    staleTime: Infinity,
    retry: false,
    queryFn: async (): Promise<Loaded> => {
      const body = await getJson<Loaded | AssignmentPayload>(payloadUrl(slug, source));
      return "done" in body ? body : { done: false, ...body };
    },
  });
  const progress = useQuery({
    queryKey: ["progress", slug],
    queryFn: () => getJson<AnnotationProgress>(`/api/projects/${slug}/annotation/progress`),
  });

  async function onDone(message: string) {
    setNotice(message);
    void queryClient.invalidateQueries({ queryKey: ["progress", slug] });
    if (source.kind === "revision") {
      router.push(`/annotate/${slug}/history`);
      return;
    }
    if (source.kind === "assignment") {
      router.replace(`/annotate/${slug}`);
      return;
    }
    await current.refetch();
    window.scrollTo({ top: 0 });
  }

  return (
    <div className="space-y-4">
      <div className="flex flex-wrap items-center gap-3">
        <h1 className="text-xl font-semibold">{projectName}</h1>
        <div className="ml-auto flex gap-2 text-sm">
          <button
            type="button"
            onClick={() => setShowGuidelines((v) => !v)}
            aria-expanded={showGuidelines}
            className="rounded border border-slate-300 px-3 py-1 hover:bg-slate-50"
          >
            Guidelines
          </button>
          <Link href={`/annotate/${slug}/history`} className="rounded border border-slate-300 px-3 py-1 hover:bg-slate-50">
            My rankings
          </Link>
        </div>
      </div>
      {progress.data && <ProgressSummary progress={progress.data} />}
      {notice && (
        <p role="status" className="rounded-md bg-emerald-50 px-3 py-2 text-sm text-emerald-800">
          {notice}
        </p>
      )}
      <div className="flex gap-4">
        <div className="min-w-0 flex-1">
          {current.isPending && <p className="text-slate-600">Loading the next prompt…</p>}
          {current.isError && (
            <p role="alert" className="rounded-md bg-red-50 px-3 py-2 text-red-800">
              {current.error.message}
            </p>
          )}
          {current.data?.done === true && (
            <div className="rounded-lg border border-slate-200 bg-white p-6 text-center">
              <h2 className="text-lg font-semibold">Nothing left for you here</h2>
              <p className="mt-1 text-slate-600">Every prompt you can rank in this project is done or taken. Thank you!</p>
            </div>
          )}
          {current.data && current.data.done === false && !current.isFetching && (
            <RankingScreen
              key={current.data.assignment.id}
              payload={current.data}
              onDone={onDone}
              onShowGuidelines={() => setShowGuidelines(true)}
            />
          )}
          {current.data && current.isFetching && <p className="text-slate-600">Loading the next prompt…</p>}
        </div>
        {showGuidelines && (
          <aside
            aria-label="Guidelines"
            className="fixed inset-y-0 right-0 z-30 w-full max-w-md overflow-y-auto border-l border-slate-200 bg-white p-4 shadow-xl"
          >
            <div className="flex items-center justify-between">
              <h2 className="font-semibold">Guidelines</h2>
              <button
                type="button"
                onClick={() => setShowGuidelines(false)}
                className="rounded border border-slate-300 px-2 py-0.5 text-sm"
              >
                Close
              </button>
            </div>
            {guidelines ? (
              <SafeMarkdown text={guidelines} className="text-sm" />
            ) : (
              <p className="text-sm text-slate-600">No guidelines written yet.</p>
            )}
          </aside>
        )}
      </div>
    </div>
  );
}
