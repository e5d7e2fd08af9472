import "server-only";
import http from "node:http";
import https from "node:https";
import type { LookupFunction } from "node:net";
import { Readable } from "node:stream";
import type { ReadableStream as WebReadableStream } from "node:stream/web";

/**
 * The `fetch` the SDK clients send every endpoint request with, over node:http keep-alive agents.
 * Node's built-in fetch (undici) spends about twice the CPU per call on its stream, abort and
 * header machinery, which at 256 calls in flight was a third of the judge worker's time; and it
 * offers no hook at connect time, where `lookup` (the endpoint policy's address check) runs, so
 * the address checked is the address connected to.
 *
 * - A string body (every JSON call) is sent as is. Any other body (a file upload's FormData) is
 *   encoded as the built-in fetch encodes it and streamed, with its length.
 * - A POST's answer (an API object) is read whole: `json()` and `text()` decode its bytes directly,
 *   without the web stream an ordinary Response body is made of (half of this fetch's CPU per call
 *   was that stream), and anything else (`body`, `arrayBuffer()`, `clone()` …) is an ordinary
 *   Response over the same bytes, made when first asked for. The whole answer is read before the
 *   promise settles, so the SDK's timeout (an abort of `init.signal`) covers the body too.
 * - Any other answer (a GET: a batch's output file can be hundreds of MB) is streamed.
 * - Redirects are never followed: with `redirect: "error"` a 30x fails like a network error, as
 *   the built-in fetch does.
 */
export function endpointFetch(options: { lookup?: LookupFunction } = {}): typeof fetch {
  // Sockets are kept for the next call (256 calls in flight keep 256 connections open).
  const agents = {
    http: new http.Agent({ keepAlive: true, lookup: options.lookup }),
    https: new https.Agent({ keepAlive: true, lookup: options.lookup }),
  };
  return async (input, init = {}) => {
    if (typeof input !== "string" && !(input instanceof URL))
      throw new TypeError("endpointFetch sends to a URL given as a string or URL, not a Request");
    const url = String(input);
    const body = init.body ?? null;
    if (body === null || typeof body === "string") return send(url, init, agents, body);
    return send(url, init, agents, await encodedBody(url, init));
  };
}

interface EncodedBody {
  headers: Headers;
  length: number;
  open(): Readable;
}

/**
 * A body that is not a string, encoded by the built-in Request (a FormData's multipart, a Blob,
 * bytes) and streamed, never held whole. Its length is counted on a first encoding; a multipart
 * boundary is random but of fixed length, so each encoding is as long as the first, and the
 * request fails if the one sent is not.
 */
async function encodedBody(url: string, init: RequestInit): Promise<EncodedBody> {
  const encode = () =>
    new Request(url, { method: init.method ?? "POST", headers: init.headers, body: init.body, duplex: "half" } as RequestInit);
  let length = 0;
  if (init.body instanceof ReadableStream) throw new TypeError("endpointFetch cannot send a streamed body: its length is not known");
  for await (const chunk of encode().body as unknown as AsyncIterable<Uint8Array>) length += chunk.byteLength;
  const sent = encode();
  return {
    headers: sent.headers,
    length,
    open: () => Readable.fromWeb(sent.body as WebReadableStream<Uint8Array>),
  };
}

/** Statuses whose Response may have no body (the constructor refuses one). */
const NULL_BODY_STATUSES = new Set([101, 103, 204, 205, 304]);

type Agents = { http: http.Agent; https: https.Agent };

function send(url: string, init: RequestInit, agents: Agents, body: string | EncodedBody | null): Promise<Response> {
  return new Promise<Response>((resolve, reject) => {
    const signal = init.signal;
    if (signal?.aborted) return reject(abortReason(signal));
    const secure = url.startsWith("https:");
    const method = init.method ?? (body === null ? "GET" : "POST");
    const headers: Record<string, string> = {};
    const given = body !== null && typeof body === "object" ? body.headers : new Headers(init.headers);
    given.forEach((value, name) => {
      headers[name] = value;
    });
    if (body !== null) headers["content-length"] = String(typeof body === "string" ? Buffer.byteLength(body) : body.length);
    const request = (secure ? https : http).request(url, { method, headers, agent: secure ? agents.https : agents.http }, (response) => {
      const status = response.statusCode ?? 0;
      if (status >= 300 && status < 400 && init.redirect === "error") {
        response.destroy();
        return fail(new TypeError("fetch failed", { cause: new Error(`the endpoint answered ${status}: redirects are not followed`) }));
      }
      const answer = { status, statusText: response.statusMessage ?? "", headers: answerHeaders(response) };
      if (method === "GET") {
        // Streamed: an abort or a dropped connection errors the stream, which the reader sees.
        response.once("close", () => signal?.removeEventListener("abort", onAbort));
        const stream = NULL_BODY_STATUSES.has(status) ? null : (Readable.toWeb(response) as ReadableStream<Uint8Array>);
        return resolve(new Response(stream, answer));
      }
      const chunks: Buffer[] = [];
      response.on("data", (chunk: Buffer) => chunks.push(chunk));
      response.on("error", fail);
      response.on("close", () => {
        if (!response.complete) fail(new TypeError("fetch failed", { cause: new Error("the endpoint closed the connection mid-answer") }));
      });
      response.on("end", () => {
        signal?.removeEventListener("abort", onAbort);
        resolve(new ReadAnswer(NULL_BODY_STATUSES.has(status) ? null : Buffer.concat(chunks), answer));
      });
    });
    function fail(error: unknown) {
      signal?.removeEventListener("abort", onAbort);
      request.destroy();
      reject(error instanceof Error && error.name === "AbortError" ? error : wrap(error));
    }
    function onAbort() {
      request.destroy(abortReason(signal!) as Error);
      reject(abortReason(signal!));
    }
    signal?.addEventListener("abort", onAbort, { once: true });
    request.on("error", fail);
    if (body === null || typeof body === "string") return void request.end(body ?? undefined);
    const source = body.open();
    let sent = 0;
    source.on("data", (chunk: Buffer) => (sent += chunk.length));
    source.on("error", fail);
    source.on("end", () => {
      // A body of another length than announced fails the request instead of being cut or padded.
      if (sent === body.length) request.end();
      else fail(new Error(`the request body was ${sent} bytes, not the ${body.length} announced`));
    });
    source.pipe(request, { end: false });
  });
}

function answerHeaders(response: http.IncomingMessage): Headers {
  const headers = new Headers();
  for (let i = 0; i < response.rawHeaders.length; i += 2) headers.append(response.rawHeaders[i]!, response.rawHeaders[i + 1]!);
  return headers;
}

/** A transport failure as the built-in fetch reports it (a TypeError whose cause says what happened). */
function wrap(error: unknown): unknown {
  return error instanceof TypeError ? error : new TypeError("fetch failed", { cause: error });
}

function abortReason(signal: AbortSignal): unknown {
  return signal.reason ?? new DOMException("This operation was aborted", "AbortError");
}

/** A Response whose body was read whole: see endpointFetch. Its body is read once, like every Response body. */
class ReadAnswer extends Response {
  readonly #bytes: Buffer<ArrayBuffer> | null;
  #read = false;
  #ordinary: Response | undefined;
  constructor(bytes: Buffer<ArrayBuffer> | null, init: ResponseInit) {
    super(null, init);
    this.#bytes = bytes;
  }

  override text(): Promise<string> {
    if (this.#ordinary) return this.#ordinary.text();
    if (this.#read) return Promise.reject(new TypeError("Body is unusable: Body has already been read"));
    this.#read = true;
    // TextDecoder as Response.text(): UTF-8, a leading byte-order mark dropped, bad bytes replaced.
    return Promise.resolve(this.#bytes ? utf8.decode(this.#bytes) : "");
  }

  override async json(): Promise<unknown> {
    return JSON.parse(await this.text()) as unknown;
  }

  override get body(): Response["body"] {
    return this.#asOrdinary().body;
  }

  override get bodyUsed(): boolean {
    return this.#read || (this.#ordinary?.bodyUsed ?? false);
  }

  override arrayBuffer(): Promise<ArrayBuffer> {
    return this.#asOrdinary().arrayBuffer();
  }

  override bytes(): Promise<Uint8Array<ArrayBuffer>> {
    return this.#asOrdinary().bytes();
  }

  override blob(): Promise<Blob> {
    return this.#asOrdinary().blob();
  }

  override formData(): Promise<FormData> {
    return this.#asOrdinary().formData();
  }

  override clone(): Response {
    if (this.bodyUsed) throw new TypeError("Response.clone: Body has already been consumed.");
    return new ReadAnswer(this.#bytes, this);
  }

  /** The same answer as an ordinary Response; once made, every read goes through it. */
  #asOrdinary(): Response {
    if (!this.#ordinary) {
      this.#ordinary = new Response(this.#bytes, this);
      // Read already: the ordinary one is too (reading it again fails as it would have).
      if (this.#read && this.#bytes) void this.#ordinary.text();
    }
    return this.#ordinary;
  }
}

const utf8 = new TextDecoder();
