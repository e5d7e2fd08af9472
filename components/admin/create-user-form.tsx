"use client";

import { createUserAction } from "@/app/(app)/admin/users/actions";
import { buttonClass, FormMessage, inputClass } from "@/components/ui/form-message";
import { useFormSubmit } from "@/components/ui/use-form-submit";

export function CreateUserForm() {
  const { state, onSubmit, pending } = useFormSubmit(createUserAction, { resetOnSuccess: true });
  const invalid = (field: string) => (state && !state.ok && state.field === field ? true : undefined);
  return (
    <form onSubmit={onSubmit} className="space-y-3 rounded-lg border border-slate-200 bg-white p-4" aria-labelledby="invite-heading">
      <h2 id="invite-heading" className="font-semibold">
        Invite a user
      </h2>
      <p className="text-sm text-slate-600">
        A password is generated and shown once; share it with the person, who can also sign in with SSO when it is configured.
      </p>
      <div className="grid gap-3 md:grid-cols-4">
        <label className="text-sm font-medium">
          Email
          <input name="email" type="email" required className={inputClass} aria-invalid={invalid("email")} />
        </label>
        <label className="text-sm font-medium">
          Name
          <input name="name" className={inputClass} />
        </label>
        <label className="text-sm font-medium">
          Role
          <select name="role" defaultValue="CLINICIAN" className={inputClass} aria-invalid={invalid("role")}>
            <option value="ADMIN">admin</option>
            <option value="CLINICIAN">clinician</option>
            <option value="RESEARCHER">researcher</option>
          </select>
        </label>
        <label className="text-sm font-medium">
          Specialties (comma-separated)
          <input name="specialties" className={inputClass} />
        </label>
      </div>
      <FormMessage state={state} />
      <button type="submit" disabled={pending} className={buttonClass}>
        {pending ? "Creating…" : "Create user"}
      </button>
    </form>
  );
}
