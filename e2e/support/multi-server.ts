/** The multi-server test's accounts, projects and sizes (e2e/multiple-servers.spec.ts and its seed). */
export const MULTI_SERVER = {
  admin: "multi-admin@medpref.test",
  clinicians: Array.from({ length: 6 }, (_, i) => `multi-clinician-${i}@medpref.test`),
  claimProject: "multi-claims",
  /** Human rankings wanted per prompt in the claim project. */
  k: 2,
  claimPrompts: 12,
  uploadProject: "multi-uploads",
  judgeProject: "multi-judge",
  judgePrompts: 10,
  permutations: 2,
  /** The judge endpoint's key variable: each worker has its own value, so the test server tells them apart. */
  keyEnv: "MEDPREF_KEY_MULTI_SERVER",
} as const;
