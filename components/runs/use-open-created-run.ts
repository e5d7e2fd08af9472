"use client";

import { useRouter } from "next/navigation";
import { useEffect } from "react";
import type { ActionResult } from "@/lib/actions/action-result";

/** Opens the run page once a run form's action answers with the new run's id. */
export function useOpenCreatedRun(state: ActionResult<unknown> | null) {
  const router = useRouter();
  const createdId = state?.ok ? (state.data as { id: string } | undefined)?.id : undefined;
  useEffect(() => {
    if (createdId) router.push(`/runs/${createdId}`);
  }, [createdId, router]);
}
