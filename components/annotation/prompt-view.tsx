import { SafeMarkdown } from "@/components/markdown/safe-markdown";
import type { Message } from "@/lib/core/messages";

const ROLE_LABEL: Record<Message["role"], string> = { system: "System", user: "Question", assistant: "Earlier answer" };

export function PromptView({ messages, reference }: { messages: Message[]; reference: string | null }) {
  return (
    <section aria-label="Prompt" className="space-y-3 rounded-lg border border-slate-200 bg-white p-4">
      {messages.map((m, i) => (
        <div key={i}>
          <div className="text-xs font-semibold uppercase tracking-wide text-slate-500">{ROLE_LABEL[m.role]}</div>
          <SafeMarkdown text={m.content} />
        </div>
      ))}
      {reference && (
        <details className="rounded-md bg-amber-50 p-3">
          <summary className="cursor-pointer text-sm font-medium text-amber-900">Reference answer</summary>
          <SafeMarkdown text={reference} className="text-sm" />
        </details>
      )}
    </section>
  );
}
