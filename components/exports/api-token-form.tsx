"use client";

import { useTransition, useState } from "react";
import { createApiTokenAction, revokeApiTokenAction } from "@/app/(app)/exports/actions";
import { buttonClass, FormMessage, inputClass } from "@/components/ui/form-message";
import { useFormSubmit } from "@/components/ui/use-form-submit";
import type { ActionResult } from "@/lib/actions/action-result";
import type { ApiTokenScope } from "@/lib/auth/api-tokens";

/** `scopes`: the ones the user's role may give a token (exports:read, the old only scope, is checked to start with). */
export function ApiTokenForm({ scopes }: { scopes: readonly ApiTokenScope[] }) {
  const { state, onSubmit, pending } = useFormSubmit(createApiTokenAction, { resetOnSuccess: true });
  const token = state?.ok ? (state.data as { token: string } | undefined)?.token : undefined;
  return (
    <form onSubmit={onSubmit} className="space-y-3" aria-label="New API token">
      <div className="grid gap-3 md:grid-cols-2">
        <label className="text-sm font-medium">
          Token name
          <input name="name" required className={inputClass} placeholder="e.g. training cluster" />
        </label>
        <label className="text-sm font-medium">
          Expires after (days, optional)
          <input name="expiresInDays" type="number" min={1} max={3650} className={inputClass} />
        </label>
      </div>
      <fieldset className="text-sm">
        <legend className="font-medium">Scopes</legend>
        <div className="mt-1 flex flex-wrap gap-x-4 gap-y-1">
          {scopes.map((scope) => (
            <label key={scope} className="inline-flex items-center gap-1">
              <input type="checkbox" name="scopes" value={scope} defaultChecked={scope === "exports:read"} />
              <code>{scope}</code>
            </label>
          ))}
        </div>
      </fieldset>
      <FormMessage state={state} />
      {token && (
        <p className="text-sm">
          <code data-testid="new-api-token" className="break-all rounded bg-slate-100 px-2 py-1">
            {token}
          </code>
        </p>
      )}
      <button type="submit" disabled={pending} className={buttonClass}>
        {pending ? "Creating…" : "Create token"}
      </button>
    </form>
  );
}

export function RevokeTokenButton({ tokenId }: { tokenId: string }) {
  const [result, setResult] = useState<ActionResult | null>(null);
  const [pending, start] = useTransition();
  return (
    <>
      <button
        type="button"
        disabled={pending}
        onClick={() => start(async () => setResult(await revokeApiTokenAction(tokenId)))}
        className="rounded-md border border-red-300 px-2 py-0.5 text-sm text-red-700"
      >
        Revoke
      </button>
      <FormMessage state={result} />
    </>
  );
}
