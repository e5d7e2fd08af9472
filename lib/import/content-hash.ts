import { createHash } from "node:crypto";
import type { Message } from "@/lib/core/messages";

/**
 * The identity of a prompt within a project: sha256 of its conversation (roles and contents, in
 * order). Whitespace at the ends of each turn is ignored, so re-exported files still match.
 */
export function promptContentHash(messages: readonly Message[]): string {
  const canonical = JSON.stringify(messages.map((m) => [m.role, m.content.trim()]));
  return createHash("sha256").update(canonical).digest("hex");
}

export function completionContentHash(text: string): string {
  return createHash("sha256").update(text).digest("hex");
}
