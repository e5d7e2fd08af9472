import type { Options } from "react-markdown";
import { safeMarkdownOptions } from "@/components/markdown/safe-markdown";
import { rehypeCritiqueMarks, type HighlightSpan } from "@/lib/critiques/rehype-critique-marks";
import { rehypeSourceOffsets } from "@/lib/critiques/rehype-source-offsets";
import { remarkFillPositions } from "@/lib/critiques/remark-fill-positions";

/**
 * SafeMarkdown's options plus the source map: positions filled after remark-breaks, every rendered
 * text stamped with its source window after the sanitizer (which therefore cannot strip the
 * stamps), then `spans` highlighted. The rendering is SafeMarkdown's but for the added `<span>`
 * and `<mark>` wrappers.
 */
export function sourceMappedMarkdownOptions(spans: readonly HighlightSpan[]) {
  return {
    ...safeMarkdownOptions,
    remarkPlugins: [...safeMarkdownOptions.remarkPlugins, remarkFillPositions],
    rehypePlugins: [...safeMarkdownOptions.rehypePlugins, rehypeSourceOffsets, [rehypeCritiqueMarks, { spans }]],
  } satisfies Options;
}
