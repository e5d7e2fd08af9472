import ReactMarkdown, { type Components, type Options } from "react-markdown";
import rehypeSanitize, { defaultSchema } from "rehype-sanitize";
import remarkBreaks from "remark-breaks";
import remarkGfm from "remark-gfm";

/**
 * Renders untrusted text (model outputs, guidelines) as Markdown, safely. Single line breaks are
 * kept (exam questions list their options one per line). Raw HTML is never
 * parsed, the tree is sanitized, only http(s)/mailto links survive (javascript: and data: are
 * dropped), links open without a referrer, and images are never loaded (a remote image can
 * leak that the page was viewed) — their alt text is shown instead.
 */
const SAFE_PROTOCOL = /^(https?:|mailto:|#|\/(?!\/))/i;

export function safeUrl(url: string): string {
  const trimmed = url.trim();
  return SAFE_PROTOCOL.test(trimmed) ? trimmed : "";
}

const components: Components = {
  a: ({ href, children }) =>
    href ? (
      <a href={href} target="_blank" rel="noopener noreferrer nofollow">
        {children}
      </a>
    ) : (
      <span>{children}</span>
    ),
  img: ({ alt }) => <span className="italic text-slate-500">[image{alt ? `: ${alt}` : ""} not loaded]</span>,
};

const schema = { ...defaultSchema, protocols: { ...defaultSchema.protocols, href: ["http", "https", "mailto"], src: [] } };

/**
 * The one set of rendering options for untrusted Markdown. A variant (the source-mapped candidate
 * view) may append plugins: remark ones after these, rehype ones after the sanitizer.
 */
export const safeMarkdownOptions = {
  remarkPlugins: [remarkGfm, remarkBreaks],
  rehypePlugins: [[rehypeSanitize, schema]],
  skipHtml: true,
  urlTransform: safeUrl,
  components,
} satisfies Options;

export function SafeMarkdown({ text, className }: { text: string; className?: string }) {
  return (
    <div className={`prose-safe ${className ?? ""}`}>
      <ReactMarkdown {...safeMarkdownOptions}>{text}</ReactMarkdown>
    </div>
  );
}
