// Imported first by tests that need judge requests to time out quickly: the environment is
// parsed once, when the first module reads it.
process.env.MEDPREF_JUDGE_TIMEOUT_MS = "1000";
