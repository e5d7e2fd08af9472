"use client";

import { useState, useTransition, type FormEvent } from "react";
import type { ActionResult } from "@/lib/actions/action-result";

/**
 * Submits a form to a server action without React's automatic form reset, so a refused entry
 * keeps what the person typed next to the error; `resetOnSuccess` clears it once accepted.
 */
export function useFormSubmit<T>(
  action: (previous: unknown, form: FormData) => Promise<ActionResult<T>>,
  options: { resetOnSuccess?: boolean } = {},
) {
  const [state, setState] = useState<ActionResult<T> | null>(null);
  const [pending, start] = useTransition();
  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = event.currentTarget;
    // The pressed button's name and value too, as a native submission sends them (a form with several submit buttons).
    const data = new FormData(form, (event.nativeEvent as SubmitEvent).submitter);
    start(async () => {
      const result = await action(null, data);
      setState(result);
      if (result.ok && options.resetOnSuccess) form.reset();
    });
  };
  return { state, onSubmit, pending };
}
