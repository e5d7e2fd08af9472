/**
 * The Content-Security-Policy of pages. Scripts run only with this response's nonce (Next puts
 * it on its own scripts, read from the request's policy; 'strict-dynamic' lets those load their
 * chunks), so an injected <script> or inline handler never runs. Model outputs are rendered as
 * sanitized Markdown; this backs that up. Styles stay 'unsafe-inline' (React style attributes).
 */
export function pageContentSecurityPolicy(nonce: string, development: boolean): string {
  return [
    "default-src 'self'",
    `script-src 'self' 'nonce-${nonce}' 'strict-dynamic'${development ? " 'unsafe-eval'" : ""}`,
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data:",
    "font-src 'self'",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join("; ");
}
