export const E2E_PORT = Number(process.env.MEDPREF_E2E_PORT ?? 3199);
export const E2E_BASE_URL = `http://127.0.0.1:${E2E_PORT}`;
export const E2E_PASSWORD = "e2e-password-for-tests";
export const E2E_USERS = {
  admin: { email: "e2e-admin@medpref.test", role: "ADMIN" },
  clinician: { email: "e2e-clinician@medpref.test", role: "CLINICIAN" },
  researcher: { email: "e2e-researcher@medpref.test", role: "RESEARCHER" },
  lockout: { email: "e2e-lockout@medpref.test", role: "CLINICIAN" },
  dragger: { email: "e2e-dragger@medpref.test", role: "CLINICIAN" },
  typist: { email: "e2e-typist@medpref.test", role: "CLINICIAN" },
  watcher: { email: "e2e-watcher@medpref.test", role: "CLINICIAN" },
  intruder: { email: "e2e-intruder@medpref.test", role: "CLINICIAN" },
  checker: { email: "e2e-checker@medpref.test", role: "CLINICIAN" },
  // Session tests: each signs out, is reset or expires, so none shares an account with other tests.
  leaver: { email: "e2e-leaver@medpref.test", role: "CLINICIAN" },
  resettee: { email: "e2e-resettee@medpref.test", role: "CLINICIAN" },
  roamer: { email: "e2e-roamer@medpref.test", role: "RESEARCHER" },
  drafter: { email: "e2e-drafter@medpref.test", role: "CLINICIAN" },
} as const;
export const E2E_ANNOTATE_PROJECT = "e2e-annotate";
export const E2E_XSS_PROJECT = "e2e-xss";
export const E2E_PROJECT = "e2e-project";
export const E2E_JUDGE_PROJECT = "e2e-judge";
/** Seeded with three annotators' and a judge's rankings for the agreement dashboard. */
export const E2E_AGREEMENT_PROJECT = "e2e-agreement";
export const E2E_AGREEMENT_ANNOTATORS = ["Dr. Ames", "Dr. Bello", "Dr. Chu"];
/**
 * Ranked by a clinician account with a distinctive name (and by external raters), with a
 * researcher's export of it: the researcher crawl looks for these names everywhere.
 */
export const E2E_PSEUDONYM_PROJECT = "e2e-pseudonyms";
export const E2E_NAMED_CLINICIAN = { email: "imogen.quarry@hospital.example", name: "Dr. Imogen Quarry" };
export const E2E_NAMED_EXTERNAL_RATER = "Dr. Lysander Vell";
/** The environment variable holding the e2e judge endpoint's key, set for the app and its worker. */
export const E2E_JUDGE_KEY_ENV = "MEDPREF_KEY_E2E_JUDGE";
/** Where global setup leaves what teardown needs (pids, temp folder). */
export const E2E_STATE_FILE = "test-results/e2e-state.json";
