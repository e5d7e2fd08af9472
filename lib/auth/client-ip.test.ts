import { Socket } from "node:net";
import { IncomingMessage } from "node:http";
import { describe, expect, it } from "vitest";
import { clientIp, PEER_ADDRESS_HEADER, stampPeerAddress } from "@/lib/auth/client-ip";

describe("client address", () => {
  it("is the TCP peer when no proxy is trusted, whatever X-Forwarded-For says", () => {
    expect(clientIp("203.0.113.9", "10.0.0.1, 198.51.100.7", 0)).toBe("203.0.113.9");
    expect(clientIp("::ffff:203.0.113.9", undefined, 0)).toBe("203.0.113.9");
  });
  it("counts N hops from the right of X-Forwarded-For, the peer included", () => {
    // The client forged "198.51.100.66"; the one trusted proxy appended the address it saw.
    expect(clientIp("10.0.0.2", "198.51.100.66, 203.0.113.9", 1)).toBe("203.0.113.9");
    expect(clientIp("10.0.0.3", "198.51.100.66, 203.0.113.9, 10.0.0.2", 2)).toBe("203.0.113.9");
  });
  it("gives the first entry of a chain shorter than the trusted proxies", () => {
    expect(clientIp("10.0.0.2", "203.0.113.9", 3)).toBe("203.0.113.9");
    expect(clientIp("203.0.113.9", undefined, 1)).toBe("203.0.113.9");
    expect(clientIp("203.0.113.9", " , ", 1)).toBe("203.0.113.9");
  });
  it("says unknown without a peer", () => {
    expect(clientIp(undefined, "203.0.113.9", 1)).toBe("unknown");
  });
  it("replaces a client's copy of the peer header with the socket's address", () => {
    const socket = new Socket();
    Object.defineProperty(socket, "remoteAddress", { value: "::ffff:192.0.2.10" });
    const req = new IncomingMessage(socket);
    req.headers[PEER_ADDRESS_HEADER] = "198.51.100.66";
    stampPeerAddress(req);
    expect(req.headers[PEER_ADDRESS_HEADER]).toBe("192.0.2.10");
  });
});
