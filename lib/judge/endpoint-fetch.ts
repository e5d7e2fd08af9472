import "server-only";
import http from "node:http";
import https from "node:https";

/**
 * The `fetch` the SDK clients send chat requests with: one request with a string body, sent with
 * node:http over a keep-alive agent, its whole answer read into a Response. Node's built-in fetch
 * (undici) spends about twice the CPU per call on its stream, abort and header machinery, which at
 * 256 calls in flight was a third of the judge worker's time. Anything else (a file upload's
 * FormData, a streamed download, a Request object) goes to the built-in fetch.
 *
 * The Response it returns holds the answer's bytes: `json()` and `text()` decode them directly, without
 * the web stream an ordinary Response body is made of (half of this fetch's CPU per call was that
 * stream, its transfer set-up and reads), and anything else (`body`, `arrayBuffer()`, `clone()` …)
 * is an ordinary Response over the same bytes, made when first asked for.
 *
 * Redirects are never followed: with `redirect: "error"` a 30x fails like a network error, as the
 * built-in fetch does. The whole answer, body included, is read before the promise settles, so the
 * SDK's timeout (an abort of `init.signal`) covers the body too.
 */
export function endpointFetch(fallback: typeof fetch = fetch): typeof fetch {
  return (input, init) => {
    if (typeof input !== "string" || typeof init?.body !== "string") return fallback(input, init);
    return send(input, init, init.body);
  };
}

// Sockets are kept for the next call (256 calls in flight keep 256 connections open).
const agents = { http: new http.Agent({ keepAlive: true }), https: new https.Agent({ keepAlive: true }) };
/** Statuses whose Response may have no body (the constructor refuses one). */
const NULL_BODY_STATUSES = new Set([101, 103, 204, 205, 304]);

function send(url: string, init: RequestInit, body: string): Promise<Response> {
  return new Promise<Response>((resolve, reject) => {
    const signal = init.signal;
    if (signal?.aborted) return reject(abortReason(signal));
    const secure = url.startsWith("https:");
    const headers: Record<string, string> = {};
    (init.headers instanceof Headers ? init.headers : new Headers(init.headers)).forEach((value, name) => {
      headers[name] = value;
    });
    headers["content-length"] = String(Buffer.byteLength(body));
    const request = (secure ? https : http).request(
      url,
      { method: init.method ?? "POST", headers, agent: secure ? agents.https : agents.http },
      (response) => {
        const status = response.statusCode ?? 0;
        if (status >= 300 && status < 400 && init.redirect === "error") {
          response.destroy();
          return fail(new TypeError("fetch failed", { cause: new Error(`the endpoint answered ${status}: redirects are not followed`) }));
        }
        const chunks: Buffer[] = [];
        response.on("data", (chunk: Buffer) => chunks.push(chunk));
        response.on("error", fail);
        response.on("close", () => {
          if (!response.complete)
            fail(new TypeError("fetch failed", { cause: new Error("the endpoint closed the connection mid-answer") }));
        });
        response.on("end", () => {
          signal?.removeEventListener("abort", onAbort);
          const responseHeaders = new Headers();
          for (let i = 0; i < response.rawHeaders.length; i += 2)
            responseHeaders.append(response.rawHeaders[i]!, response.rawHeaders[i + 1]!);
          resolve(
            new ReadAnswer(NULL_BODY_STATUSES.has(status) ? null : Buffer.concat(chunks), {
              status,
              statusText: response.statusMessage ?? "",
              headers: responseHeaders,
            }),
          );
        });
      },
    );
    function fail(error: unknown) {
      signal?.removeEventListener("abort", onAbort);
      request.destroy();
      reject(error instanceof Error && error.name === "AbortError" ? error : wrap(error));
    }
    function onAbort() {
      request.destroy();
      reject(abortReason(signal!));
    }
    signal?.addEventListener("abort", onAbort, { once: true });
    request.on("error", fail);
    request.end(body);
  });
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
