import { z } from "zod";

/** Every row MedPref creates is named by a UUID; this is the one place that says so. */
export function newId(): string {
  return globalThis.crypto.randomUUID();
}

/** The last time-ordered id's millisecond and counter (see newTimeOrderedId). */
let lastMs = 0;
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

/**
 * A UUID version 7 (RFC 9562): the millisecond it was made, then a counter, then random bits, so
 * ids made one after the other sort in that order. For rows written by the thousand whose primary
 * key is their id (a Batch run's 200,000 judge rankings, their revisions and 1.6 million entries):
 * each new key goes to the right end of its index instead of a random page of it, so a page of
 * inserts touches a few index pages, not thousands. The counter (42 bits: rand_a and the top of
 * rand_b, "method 1" of RFC 9562 §6.2) starts at a random value below 2^41 each millisecond and
 * moves to the next millisecond should it ever run out; the last 32 bits are random.
 */
export function newTimeOrderedId(): string {
  const now = Date.now();
  if (now > lastMs) {
    lastMs = now;
    counter = Math.floor(Math.random() * 2 ** 41);
  } else if (++counter >= 2 ** 42) {
    lastMs++;
    counter = 0;
  }
  const hex = (value: number, digits: number) => value.toString(16).padStart(digits, "0");
  const randA = Math.floor(counter / 2 ** 30); // 12 bits
  const randB = counter % 2 ** 30; // 30 bits, after the 2 variant bits
  const tail = hex(randomWord(), 8);
  const ms = hex(lastMs, 12);
  const b = hex(0x80000000 + randB, 8); // the variant (binary 10), then the counter's low 30 bits
  // Layout: 48-bit ms | 4-bit version | 12-bit rand_a | 2-bit variant | 62-bit rand_b (30 counter bits, 32 random).
  return `${ms.slice(0, 8)}-${ms.slice(8)}-7${hex(randA, 3)}-${b.slice(0, 4)}-${b.slice(4)}${tail}`;
}

/** The schema of an id of a `what` ("a judge run"): its message names what was expected. */
export function idSchema(what: string) {
  return z.uuid(`not ${what} id`);
}

/** Whether a path segment or field can be an id at all (pages answer 404 when not). */
export function isId(value: unknown): value is string {
  return z.uuid().safeParse(value).success;
}
