import { describe, expect, it } from "vitest";
import { contentTypeRefusal, crossSiteRefusal } from "@/lib/http/request-hygiene";

const APP = "https://medpref.example.org";
const req = (headers: Record<string, string>) =>
  new Request(`${APP}/api/assignments/x/skip`, { method: "POST", headers: { host: "medpref.example.org", ...headers } });

describe("cross-site requests", () => {
  it("refuses another origin or a browser's cross-site / same-site mark with 403 CROSS_SITE_REQUEST", async () => {
    for (const headers of <Record<string, string>[]>[
      { origin: "http://evil.example" },
      { origin: "null" },
      { "sec-fetch-site": "cross-site" },
      { "sec-fetch-site": "same-site", origin: APP },
      { origin: "http://medpref.example.org" },
    ]) {
      const refusal = crossSiteRefusal(req(headers), [APP]);
      expect(refusal?.status).toBe(403);
      expect((await refusal!.json()).code).toBe("CROSS_SITE_REQUEST");
    }
  });

  it("lets the app's own pages and non-browser clients (no Origin, no Sec-Fetch-Site) through", () => {
    expect(crossSiteRefusal(req({ origin: APP, "sec-fetch-site": "same-origin" }), [APP])).toBeNull();
    expect(crossSiteRefusal(req({}), [APP])).toBeNull();
    expect(crossSiteRefusal(req({ authorization: "Bearer mpt_x" }), [APP])).toBeNull();
    expect(crossSiteRefusal(req({ "sec-fetch-site": "none" }), [APP])).toBeNull();
    // Without NEXTAUTH_URL the Host header's origin is the app's.
    expect(crossSiteRefusal(req({ origin: APP.replace("http:", "https:") }), [])).toBeNull();
  });
});

describe("content types", () => {
  it("refuses text/plain, forms and a missing type with 415, accepts JSON with parameters", async () => {
    for (const type of ["text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x"]) {
      const refusal = contentTypeRefusal(req({ "content-type": type }), ["application/json"]);
      expect(refusal?.status).toBe(415);
      expect(await refusal!.json()).toEqual({
        code: "UNSUPPORTED_MEDIA_TYPE",
        error: `Send the body as application/json (got ${type.split(";")[0]}).`,
      });
    }
    expect((await contentTypeRefusal(req({}), ["application/json"])!.json()).error).toBe(
      "Send the body as application/json (no Content-Type was sent).",
    );
    expect(contentTypeRefusal(req({ "content-type": "Application/JSON; charset=utf-8" }), ["application/json"])).toBeNull();
  });
});
