import { describe, expect, it } from "vitest";
import { clientIp } from "@/lib/auth/client-ip";

describe("client address from X-Forwarded-For", () => {
  it("takes the last hop when no proxy is trusted", () => {
    expect(clientIp("10.0.0.1, 203.0.113.9", 0)).toBe("203.0.113.9");
  });
  it("skips the trusted proxies from the right", () => {
    expect(clientIp("198.51.100.7, 203.0.113.9, 10.0.0.2", 1)).toBe("203.0.113.9");
  });
  it("never goes past the first entry", () => {
    expect(clientIp("203.0.113.9", 3)).toBe("203.0.113.9");
  });
  it("says unknown without the header", () => {
    expect(clientIp(undefined, 0)).toBe("unknown");
    expect(clientIp(" , ", 0)).toBe("unknown");
  });
});
