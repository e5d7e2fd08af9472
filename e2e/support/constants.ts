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
} as const;
export const E2E_ANNOTATE_PROJECT = "e2e-annotate";
export const E2E_XSS_PROJECT = "e2e-xss";
export const E2E_PROJECT = "e2e-project";
export const E2E_JUDGE_PROJECT = "e2e-judge";
/** Seeded with three annotators' and a judge's rankings for the agreement dashboard. */
export const E2E_AGREEMENT_PROJECT = "e2e-agreement";
export const E2E_AGREEMENT_ANNOTATORS = ["Dr. Ames", "Dr. Bello", "Dr. Chu"];
/** The agreement project's candidates, in file order (Response 1…4). */
export const E2E_AGREEMENT_MODELS = ["gpt-4-1106-preview", "Meta-Llama-3-70B-Instruct", "Mixtral-8x7B-Instruct-v0.1", "Qwen1.5-72B-Chat"];
/** The environment variable holding the e2e judge endpoint's key, set for the app and its worker. */
export const E2E_JUDGE_KEY_ENV = "E2E_JUDGE_KEY";
/** Where global setup leaves what teardown needs (pids, temp folder). */
export const E2E_STATE_FILE = "test-results/e2e-state.json";
