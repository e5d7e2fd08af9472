-- API tokens may carry the pipeline scopes (lib/auth/api-tokens.ts API_TOKEN_SCOPES), chosen when created.
ALTER TABLE "api_tokens" DROP CONSTRAINT "api_tokens_scopes_known";
ALTER TABLE "api_tokens" ADD CONSTRAINT "api_tokens_scopes_known" CHECK (
  "scopes" <@ ARRAY['projects:read', 'runs:read', 'runs:write', 'endpoints:read', 'endpoints:write', 'templates:read', 'exports:read']::TEXT[]
  AND cardinality("scopes") > 0
);
