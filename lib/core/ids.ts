import { z } from "zod";

/** Every row MedPref creates is named by a UUID; this is the one place that says so. */
export function newId(): string {
  return globalThis.crypto.randomUUID();
}

/** The last time-ordered id's millisecond (as the id's first 15 characters) and counter (see newTimeOrderedId). */
let lastMs = 0;
let msPrefix = "";
let counter = 0;
/** Random words drawn a thousand at a time (a call to the random source per id cost more than the rest of the id). */
const randomWords = new Uint32Array(1024);
let randomAt = randomWords.length;
function randomWord(): number {
  if (randomAt === randomWords.length) {
    globalThis.crypto.getRandomValues(randomWords);
    randomAt = 0;
  }
  return randomWords[randomAt++]!;
}
const hex = (value: number, digits: number) => value.toString(16).padStart(digits, "0");
function startMillisecond(ms: number) {
  lastMs = ms;
  const digits = hex(ms, 12);
  msPrefix = `${digits.slice(0, 8)}-${digits.slice(8)}-7`;
}

/**
 * A UUID version 7 (RFC 9562): the millisecond it was made, then a counter, then random bits, so
 * ids made one after the other sort in that order. For rows written by the thousand whose primary
 * key is their id (a Batch run's 200,000 judge rankings, their revisions and 1.6 million entries):
 * each new key goes to the right end of its index instead of a random page of it, so a page of
 * inserts touches a few index pages, not thousands (200,000 entries into an index of 4 million:
 * about a third of the time). The counter (42 bits: rand_a and the top of rand_b, "method 1" of
 * RFC 9562 §6.2) starts at a random value below 2^41 each millisecond and moves to the next
 * millisecond should it ever run out; the last 32 bits are random.
 */
export function newTimeOrderedId(): string {
  const now = Date.now();
  if (now > lastMs) {
    startMillisecond(now);
    counter = Math.floor(Math.random() * 2 ** 41);
  } else if (++counter >= 2 ** 42) {
    startMillisecond(lastMs + 1);
    counter = 0;
  }
  // Layout: 48-bit ms | version 7 | 12-bit rand_a | variant 10 | 62-bit rand_b (the counter's low 30 bits, 32 random).
  const b = hex(0x80000000 + (counter % 2 ** 30), 8);
  return `${msPrefix}${hex(Math.floor(counter / 2 ** 30), 3)}-${b.slice(0, 4)}-${b.slice(4)}${hex(randomWord(), 8)}`;
}

/** The schema of an id of a `what` ("a judge run"): its message names what was expected. */
export function idSchema(what: string) {
  return z.uuid(`not ${what} id`);
}

/** Whether a path segment or field can be an id at all (pages answer 404 when not). */
export function isId(value: unknown): value is string {
  return z.uuid().safeParse(value).success;
}
