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
  rankerWide: { email: "e2e-ranker-wide@medpref.test", role: "CLINICIAN" },
  rankerLaptop: { email: "e2e-ranker-laptop@medpref.test", role: "CLINICIAN" },
  rankerPhone: { email: "e2e-ranker-phone@medpref.test", role: "CLINICIAN" },
  rankerTouch: { email: "e2e-ranker-touch@medpref.test", role: "CLINICIAN" },
  rankerKeys: { email: "e2e-ranker-keys@medpref.test", role: "CLINICIAN" },
  rankerButtons: { email: "e2e-ranker-buttons@medpref.test", role: "CLINICIAN" },
  rankerDraft: { email: "e2e-ranker-draft@medpref.test", role: "CLINICIAN" },
  // Institutional sign-in: the local OpenID provider's account "<id>" has the email "<id>@medpref.test".
  ssoClinician: { email: "e2e-sso-clinician@medpref.test", role: "CLINICIAN" },
  ssoResearcher: { email: "e2e-sso-researcher@medpref.test", role: "RESEARCHER" },
  ssoDeactivated: { email: "e2e-sso-deactivated@medpref.test", role: "CLINICIAN" },
  hygiene: { email: "e2e-hygiene@medpref.test", role: "CLINICIAN" },
  // Session tests: each signs out, is reset or expires, so none shares an account with other tests.
  leaver: { email: "e2e-leaver@medpref.test", role: "CLINICIAN" },
  resettee: { email: "e2e-resettee@medpref.test", role: "CLINICIAN" },
  roamer: { email: "e2e-roamer@medpref.test", role: "RESEARCHER" },
  drafter: { email: "e2e-drafter@medpref.test", role: "CLINICIAN" },
  /** Verify pairs (issue 17's pair task): two by keyboard, one for the screenshots. */
  verifierWide: { email: "e2e-verifier-wide@medpref.test", role: "CLINICIAN" },
  verifierPhone: { email: "e2e-verifier-phone@medpref.test", role: "CLINICIAN" },
  verifierShots: { email: "e2e-verifier-shots@medpref.test", role: "CLINICIAN" },
  /** Marks span critiques while ranking (issue 18). */
  marker: { email: "e2e-marker@medpref.test", role: "CLINICIAN" },
  /** Marks a span on a touch phone: a long press selects, a tap marks. */
  touchMarker: { email: "e2e-touch-marker@medpref.test", role: "CLINICIAN" },
  /** Marks a span in a pair answer (the pair screen of a verification set). */
  pairMarker: { email: "e2e-pair-marker@medpref.test", role: "CLINICIAN" },
  /** Changes their saved theme (dark-mode spec); nobody else's pages change colour. */
  themer: { email: "e2e-themer@medpref.test", role: "RESEARCHER" },
} as const;
export const E2E_ANNOTATE_PROJECT = "e2e-annotate";
export const E2E_XSS_PROJECT = "e2e-xss";
/** Like E2E_ANNOTATE_PROJECT, but ties are allowed: the drag-and-drop sequences tie and untie. */
export const E2E_TIES_PROJECT = "e2e-ties";
export const E2E_PROJECT = "e2e-project";
export const E2E_JUDGE_PROJECT = "e2e-judge";
/** Candidates in Markdown with non-Latin text, ranked with marked spans (issue 18's span critiques). */
export const E2E_CRITIQUE_PROJECT = "e2e-critiques";
/** Prompts the request-hygiene tests claim and write drafts to, apart from every other test's queue. */
export const E2E_HYGIENE_PROJECT = "e2e-hygiene";
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
/** The agreement project's candidates, in file order (Response 1…4). */
export const E2E_AGREEMENT_MODELS = ["gpt-4-1106-preview", "Meta-Llama-3-70B-Instruct", "Mixtral-8x7B-Instruct-v0.1", "Qwen1.5-72B-Chat"];
/** The environment variable holding the e2e judge endpoint's key, set for the app and its worker. */
export const E2E_JUDGE_KEY_ENV = "MEDPREF_KEY_E2E_JUDGE";
/** The local OpenID provider's client registration (e2e/support/oidc-provider.ts) and the login button's name. */
export const E2E_OIDC = { clientId: "medpref-e2e", clientSecret: "e2e-oidc-client-secret", displayName: "Hospital SSO" } as const;
/** Where global setup leaves what teardown needs (pids, temp folder). */
export const E2E_STATE_FILE = "test-results/e2e-state.json";
/** Ranked and critiqued (marked spans, planted) by two external clinicians with distinctive names and an imported judge: the prompt page and dashboard show them. */
export const E2E_SPAN_VIEWS_PROJECT = "e2e-span-views";
export const E2E_CRITIQUE_RATERS = ["Dr. Perpetua Quill", "Dr. Osric Fenn"] as const;
export const E2E_CRITIQUE_MODELS = ["med-model-alpha", "med-model-beta"] as const;
