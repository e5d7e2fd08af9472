"use client";

import { useEffect, useRef, type ReactNode } from "react";

/**
 * A modal dialog: focus moves in (to `initialFocus` or the first control) and back to where it
 * was on close; Escape closes; Tab stays inside.
 */
export function Dialog({
  title,
  onClose,
  children,
  wide = false,
}: {
  title: string;
  onClose: () => void;
  children: ReactNode;
  wide?: boolean;
}) {
  const panel = useRef<HTMLDivElement>(null);
  const onCloseRef = useRef(onClose);
  useEffect(() => {
    onCloseRef.current = onClose;
  });
  useEffect(() => {
    const previous = document.activeElement as HTMLElement | null;
    const first =
      panel.current?.querySelector<HTMLElement>("[data-autofocus]") ??
      panel.current?.querySelector<HTMLElement>("button, [href], input, select, textarea");
    first?.focus();
    return () => previous?.focus?.();
  }, []);

  function onKeyDown(e: React.KeyboardEvent) {
    if (e.key === "Escape") {
      e.stopPropagation();
      onCloseRef.current();
      return;
    }
    if (e.key !== "Tab" || !panel.current) return;
    const focusable = [
      ...panel.current.querySelectorAll<HTMLElement>("button:not([disabled]), [href], input, select, textarea, [tabindex='0']"),
    ];
    if (focusable.length === 0) return;
    const [first, last] = [focusable[0]!, focusable.at(-1)!];
    if (e.shiftKey && document.activeElement === first) {
      e.preventDefault();
      last.focus();
    } else if (!e.shiftKey && document.activeElement === last) {
      e.preventDefault();
      first.focus();
    }
  }

  return (
    <div
      role="dialog"
      aria-modal="true"
      aria-label={title}
      onKeyDown={onKeyDown}
      className="fixed inset-0 z-50 flex items-center justify-center bg-black/60 p-3"
    >
      <div
        ref={panel}
        className={`max-h-[92vh] w-full ${wide ? "max-w-2xl" : "max-w-md"} space-y-3 overflow-y-auto rounded-lg bg-white p-4 shadow-xl`}
      >
        <h2 className="text-lg font-semibold">{title}</h2>
        {children}
      </div>
    </div>
  );
}
