// Imported first by batch tests: poll batches every second (the environment is parsed once).
process.env.MEDPREF_BATCH_POLL_SECONDS = "1";
