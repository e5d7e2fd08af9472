import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type dns from "node:dns";
import { endpointFetch } from "@/lib/judge/endpoint-fetch";
import { EndpointRefusedError, refusingLookup } from "@/lib/judge/endpoint-policy";

/** A local HTTP server whose answer each test chooses; it records what it received. */
let server: http.Server;
let base = "";
const received: { method: string; url: string; headers: http.IncomingHttpHeaders; body: string; port: number }[] = [];
let answer: (req: http.IncomingMessage, res: http.ServerResponse) => void = (_req, res) => res.end("{}");

beforeAll(async () => {
  server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      received.push({
        method: req.method!,
        url: req.url!,
        headers: req.headers,
        body: Buffer.concat(chunks).toString("utf8"),
        port: req.socket.remotePort!,
      });
      answer(req, res);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
});

const send = endpointFetch();

describe("endpointFetch (the judge's chat requests)", () => {
  it("sends the string body, method and headers as given and returns the whole answer with its status and headers", async () => {
    answer = (_req, res) => res.writeHead(201, { "content-type": "application/json", "x-request-id": "req-7" }).end('{"ok":"ü"}');
    received.length = 0;
    const body = JSON.stringify({ model: "judge", messages: [{ role: "user", content: "Which drug? ü" }] });
    const response = await send(`${base}/v1/chat/completions`, {
      method: "POST",
      body,
      headers: new Headers({ authorization: "Bearer k", "content-type": "application/json" }),
    });
    expect(response.status).toBe(201);
    expect(response.headers.get("x-request-id")).toBe("req-7");
    expect(await response.json()).toEqual({ ok: "ü" });
    expect(received).toEqual([
      {
        method: "POST",
        url: "/v1/chat/completions",
        headers: expect.objectContaining({
          authorization: "Bearer k",
          "content-type": "application/json",
          "content-length": String(Buffer.byteLength(body)),
        }) as unknown,
        body,
        port: expect.any(Number) as unknown,
      },
    ]);
  });

  it("reads the answer like every Response: once, UTF-8 with a byte-order mark dropped, or as a stream, bytes or a clone", async () => {
    answer = (_req, res) => res.writeHead(200, { "content-type": "application/json" }).end(Buffer.from('\uFEFF{"dose":"5 µg"}'));
    const first = await send(`${base}/x`, { method: "POST", body: "{}" });
    expect(first.bodyUsed).toBe(false);
    expect(await first.clone().text()).toBe('{"dose":"5 µg"}');
    expect(await first.json()).toEqual({ dose: "5 µg" });
    expect(first.bodyUsed).toBe(true);
    await expect(first.text()).rejects.toThrow(TypeError);
    await expect(first.arrayBuffer()).rejects.toThrow(TypeError);

    const streamed = await send(`${base}/x`, { method: "POST", body: "{}" });
    const streamedText = Buffer.from(await new Response(streamed.body).arrayBuffer()).toString("utf8");
    expect(streamedText).toBe('\uFEFF{"dose":"5 µg"}');
    expect(streamed.bodyUsed).toBe(true);
    await expect(streamed.json()).rejects.toThrow(TypeError);

    const bytes = await (await send(`${base}/x`, { method: "POST", body: "{}" })).bytes();
    expect(Buffer.from(bytes).toString("utf8")).toBe('\uFEFF{"dose":"5 µg"}');
  });

  it("keeps the connection for the next call", async () => {
    answer = (_req, res) => res.end("{}");
    received.length = 0;
    for (let i = 0; i < 3; i++) await (await send(`${base}/x`, { method: "POST", body: "{}" })).text();
    expect(new Set(received.map((r) => r.port)).size).toBe(1);
  });

  it("fails a redirect like a network error when redirects are refused, and never follows one", async () => {
    answer = (_req, res) => res.writeHead(302, { location: `${base}/elsewhere` }).end();
    received.length = 0;
    const refused = await send(`${base}/x`, { method: "POST", body: "{}", redirect: "error" }).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(TypeError);
    expect(String((refused as TypeError).cause)).toBe("Error: the endpoint answered 302: redirects are not followed");
    const returned = await send(`${base}/x`, { method: "POST", body: "{}" });
    expect(returned.status).toBe(302);
    expect(received.map((r) => r.url)).toEqual(["/x", "/x"]);
  });

  it("answers a 204 with an empty body", async () => {
    answer = (_req, res) => res.writeHead(204).end();
    const response = await send(`${base}/x`, { method: "POST", body: "{}" });
    expect(response.status).toBe(204);
    expect(await response.text()).toBe("");
  });

  it("stops at once when aborted (the SDK's timeout), closing the connection", async () => {
    let closed!: Promise<void>;
    answer = (req) => {
      closed = new Promise((r) => req.socket.once("close", () => r()));
      controller.abort();
    };
    const controller = new AbortController();
    const error = await send(`${base}/x`, { method: "POST", body: "{}", signal: controller.signal }).catch((e: unknown) => e);
    expect((error as Error).name).toBe("AbortError");
    await closed;
  });

  it("fails, as a network error, when the endpoint closes the connection mid-answer", async () => {
    answer = (_req, res) => {
      res.writeHead(200, { "content-length": "100" });
      res.write('{"partial":', () => res.destroy());
    };
    const error = await send(`${base}/x`, { method: "POST", body: "{}" }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TypeError);
  });

  it("streams a body that is not a string (a file upload's FormData) encoded as the built-in fetch would, with its exact length", async () => {
    answer = (_req, res) => res.end("{}");
    received.length = 0;
    const file = "line one\nline two ü\n".repeat(5000);
    const form = new FormData();
    form.append("purpose", "batch");
    form.append("file", new Blob([file], { type: "application/jsonl" }), "input.jsonl");
    await (await send(`${base}/files`, { method: "POST", body: form })).text();
    const [upload] = received;
    expect(Number(upload!.headers["content-length"])).toBe(Buffer.byteLength(upload!.body));
    expect(upload!.headers["transfer-encoding"]).toBeUndefined();
    // The server reads it back as the same form.
    const parsed = await new Response(upload!.body, { headers: { "content-type": upload!.headers["content-type"]! } }).formData();
    expect(parsed.get("purpose")).toBe("batch");
    expect(await (parsed.get("file") as File).text()).toBe(file);
    expect((parsed.get("file") as File).name).toBe("input.jsonl");
  });

  it("streams a GET's answer (a batch's output file) as it arrives, and fails the stream when the connection drops mid-answer", async () => {
    let finish!: () => void;
    answer = (_req, res) => {
      res.writeHead(200, { "content-type": "application/octet-stream" });
      res.write("first part\n");
      finish = () => res.end("second part\n");
    };
    const reader = (await send(`${base}/files/f/content`, { method: "GET" })).body!.getReader();
    // The first part is readable while the server still holds the rest back.
    expect(new TextDecoder().decode((await reader.read()).value)).toBe("first part\n");
    finish();
    let rest = "";
    for (let r = await reader.read(); !r.done; r = await reader.read()) rest += new TextDecoder().decode(r.value);
    expect(rest).toBe("second part\n");

    answer = (_req, res) => {
      res.writeHead(200, { "content-type": "application/octet-stream", "content-length": "1000" });
      res.write("only this", () => res.destroy());
    };
    const dropped = await (await send(`${base}/files/f/content`, { method: "GET" })).text().catch((e: unknown) => e);
    expect(dropped).toBeInstanceOf(Error);
  });

  it("connects to the address its lookup gives at connect time, and fails with the lookup's error when it refuses", async () => {
    const port = (server.address() as AddressInfo).port;
    const answers = ["127.0.0.1", "169.254.169.254"];
    // The name resolves to this machine for the first connection and to the metadata address for the next (DNS rebinding).
    const rebinding = ((_host: string, options: { all?: boolean }, callback: (e: Error | null, a: unknown, f?: number) => void) => {
      const address = answers.shift()!;
      callback(null, options.all ? [{ address, family: 4 }] : address, 4);
    }) as unknown as typeof dns.lookup;
    const policed = endpointFetch({ lookup: refusingLookup(rebinding) });
    answer = (_req, res) => res.writeHead(200, { connection: "close" }).end("{}");
    received.length = 0;
    expect(await (await policed(`http://judge.example:${port}/v1/chat/completions`, { method: "POST", body: "{}" })).text()).toBe("{}");
    const refused = await policed(`http://judge.example:${port}/v1/chat/completions`, { method: "POST", body: "{}" }).catch(
      (e: unknown) => e,
    );
    expect(refused).toBeInstanceOf(TypeError);
    expect((refused as TypeError).cause).toBeInstanceOf(EndpointRefusedError);
    expect(((refused as TypeError).cause as Error).message).toBe(
      "Refused by the endpoint policy: judge.example resolves to 169.254.169.254, a link-local or cloud metadata address; endpoints may never point there.",
    );
    expect(received).toHaveLength(1);
  });
});
