"use client";

import { useState, useTransition } from "react";
import { changeRoleAction, endSessionsAction, resetPasswordAction, setActiveAction } from "@/app/(app)/admin/users/actions";
import { FormMessage } from "@/components/ui/form-message";
import type { ActionResult } from "@/lib/actions/action-result";

interface Row {
  id: string;
  email: string;
  name: string;
  role: "ADMIN" | "CLINICIAN" | "RESEARCHER";
  specialties: string[];
  active: boolean;
  isExternal: boolean;
  lastLoginAt: string | null;
}

export function UserRow({ user, isSelf }: { user: Row; isSelf: boolean }) {
  const [result, setResult] = useState<ActionResult | null>(null);
  const [pending, start] = useTransition();
  const run = (action: () => Promise<ActionResult>) => start(async () => setResult(await action()));
  const locked = isSelf || user.isExternal;
  return (
    <>
      <tr className="border-t border-slate-200">
        <td className="px-3 py-2">
          {user.name}
          {user.isExternal && <span className="ml-1 text-xs text-slate-500">(external rater)</span>}
        </td>
        <td className="px-3 py-2">{user.email}</td>
        <td className="px-3 py-2">
          <select
            aria-label={`Role of ${user.email}`}
            defaultValue={user.role}
            disabled={locked || pending}
            onChange={(e) => run(() => changeRoleAction(user.id, e.target.value))}
            className="rounded border border-slate-300 px-2 py-1"
          >
            <option value="ADMIN">admin</option>
            <option value="CLINICIAN">clinician</option>
            <option value="RESEARCHER">researcher</option>
          </select>
        </td>
        <td className="px-3 py-2">{user.specialties.join(", ") || "—"}</td>
        <td className="px-3 py-2">{user.active ? "active" : "deactivated"}</td>
        <td className="px-3 py-2">{user.lastLoginAt ? user.lastLoginAt.slice(0, 16).replace("T", " ") : "never"}</td>
        <td className="space-x-2 whitespace-nowrap px-3 py-2 text-right">
          {!locked && (
            <>
              <button
                type="button"
                disabled={pending}
                onClick={() => run(() => setActiveAction(user.id, !user.active))}
                className="rounded border border-slate-300 px-2 py-1 hover:bg-slate-50"
                aria-label={`${user.active ? "Deactivate" : "Reactivate"} ${user.email}`}
              >
                {user.active ? "Deactivate" : "Reactivate"}
              </button>
              <button
                type="button"
                disabled={pending}
                onClick={() => run(() => resetPasswordAction(user.id))}
                className="rounded border border-slate-300 px-2 py-1 hover:bg-slate-50"
                aria-label={`Reset password of ${user.email}`}
              >
                Reset password
              </button>
              <button
                type="button"
                disabled={pending}
                onClick={() => run(() => endSessionsAction(user.id))}
                className="rounded border border-slate-300 px-2 py-1 hover:bg-slate-50"
                aria-label={`Sign out ${user.email} everywhere`}
              >
                Sign out everywhere
              </button>
            </>
          )}
        </td>
      </tr>
      {result && (
        <tr>
          <td colSpan={7} className="px-3 pb-2">
            <FormMessage state={result} />
          </td>
        </tr>
      )}
    </>
  );
}
