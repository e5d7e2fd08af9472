/**
 * The order an assignment shows its candidates in: a fresh shuffle of the prompt's ($1)
 * completions. gen_random_uuid() draws from PostgreSQL's strong random source, so neither the
 * position nor the order gives a model away.
 */
export const SHUFFLED_CANDIDATES = `ARRAY(SELECT c.id FROM completions c WHERE c.prompt_id = $1 ORDER BY gen_random_uuid())`;
