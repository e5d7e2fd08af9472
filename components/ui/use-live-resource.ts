import { useQuery } from "@tanstack/react-query";

/** Statuses of jobs that still change (judge and generation runs, exports): polled until they leave them. */
const LIVE_STATUSES = new Set(["QUEUED", "RUNNING"]);

export const isLiveStatus = (status: string) => LIVE_STATUSES.has(status);

/**
 * A server resource with a job status (a run, an export), shown from its server-rendered value
 * and re-read from its JSON route every `everyMs` while it is queued or running.
 */
export function useLiveResource<T extends { status: string }>({
  queryKey,
  url,
  initial,
  everyMs,
  what,
}: {
  queryKey: readonly unknown[];
  url: string;
  initial: T;
  everyMs: number;
  /** Names the resource in the error of a failed read ("export: HTTP 500"). */
  what: string;
}): T {
  const { data } = useQuery({
    queryKey,
    queryFn: async (): Promise<T> => {
      const res = await fetch(url, { cache: "no-store" });
      if (!res.ok) throw new Error(`${what}: HTTP ${res.status}`);
      return (await res.json()) as T;
    },
    initialData: initial,
    refetchInterval: (q) => (isLiveStatus(q.state.data?.status ?? "") ? everyMs : false),
  });
  return data ?? initial;
}
