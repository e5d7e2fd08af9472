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
    new Headers(init.headers).forEach((value, name) => {
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
            new Response(NULL_BODY_STATUSES.has(status) ? null : Buffer.concat(chunks), {
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
