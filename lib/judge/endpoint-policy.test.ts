import { describe, expect, it } from "vitest";
import { endpointHostProblem, endpointPolicy, hostNameProblem, keyVarProblem } from "@/lib/judge/endpoint-policy";

const defaults = endpointPolicy({});

describe("endpoint key variables", () => {
  it("allows names starting with MEDPREF_KEY_ or ending in _API_KEY by default, nothing else", () => {
    expect(keyVarProblem("MEDPREF_KEY_OPENAI", defaults)).toBeNull();
    expect(keyVarProblem("OPENAI_API_KEY", defaults)).toBeNull();
    expect(keyVarProblem("AWS_SECRET_ACCESS_KEY", defaults)).toBe(
      "AWS_SECRET_ACCESS_KEY is not an allowed key variable: its name must match MEDPREF_KEY_*, *_API_KEY (set MEDPREF_ENDPOINT_KEY_VARS to change the list).",
    );
    expect(keyVarProblem("OPENAI_API_KEYS", defaults)).not.toBeNull();
  });

  it("never allows a variable MedPref itself reads, whatever the configured list says", () => {
    const everything = endpointPolicy({ MEDPREF_ENDPOINT_KEY_VARS: ["*"] });
    for (const name of [
      "NEXTAUTH_SECRET",
      "NEXTAUTH_URL",
      "DATABASE_URL",
      "MEDPREF_DATABASE_URL",
      "MEDPREF_HOME",
      "OIDC_CLIENT_SECRET",
      "PGPASSWORD",
      "nextauth_secret",
    ]) {
      expect(keyVarProblem(name, everything)).toBe(
        `${name} is a variable MedPref itself reads, so it can never be an endpoint's key. Put the key in a variable matching *.`,
      );
    }
    expect(keyVarProblem("MEDPREF_KEY_VLLM", everything)).toBeNull();
    expect(keyVarProblem("ANY_NAME", everything)).toBeNull();
  });

  it("takes names and globs from MEDPREF_ENDPOINT_KEY_VARS", () => {
    const policy = endpointPolicy({ MEDPREF_ENDPOINT_KEY_VARS: ["VLLM_TOKEN", "AZURE_?_KEY"] });
    expect(keyVarProblem("VLLM_TOKEN", policy)).toBeNull();
    expect(keyVarProblem("AZURE_1_KEY", policy)).toBeNull();
    expect(keyVarProblem("AZURE_12_KEY", policy)).not.toBeNull();
    expect(keyVarProblem("OPENAI_API_KEY", policy)).not.toBeNull();
  });
});

describe("endpoint hosts", () => {
  const resolveTo = (addresses: string[]) => async () => addresses;

  it("refuses link-local and cloud metadata addresses in every spelling, keeps loopback and private networks", async () => {
    for (const url of [
      "http://169.254.169.254/v1",
      "http://169.254.1.2:8080/v1",
      "http://[fe80::1]/v1",
      "http://[fd00:ec2::254]/",
      "http://[::ffff:169.254.169.254]/",
      "http://2852039166/",
      "http://0xa9.254.169.254/",
      "http://metadata.google.internal/computeMetadata/v1",
    ]) {
      expect(await endpointHostProblem(url, defaults), url).toMatch(
        /is a link-local or cloud metadata address; endpoints may never point there\.$/,
      );
    }
    for (const url of ["http://127.0.0.1:8000/v1", "http://[::1]:11434/v1", "http://10.1.2.3/v1"])
      expect(await endpointHostProblem(url, defaults), url).toBeNull();
    expect(await endpointHostProblem("http://localhost:11434/v1", defaults, { resolve: resolveTo(["127.0.0.1", "::1"]) })).toBeNull();
  });

  it("refuses every scheme but http and https without resolving anything", async () => {
    const resolve = async (host: string): Promise<string[]> => {
      throw new Error(`resolved ${JSON.stringify(host)}`);
    };
    for (const url of ["data:,", "file:///etc/passwd", "ftp://llm.example/v1", "gopher://127.0.0.1/"])
      expect(await endpointHostProblem(url, defaults, { resolve }), url).toBe("must start with http:// or https://");
  });

  it("resolves a host name and refuses it when any address is link-local or metadata", async () => {
    expect(
      await endpointHostProblem("https://llm.evil.example/v1", defaults, { resolve: resolveTo(["93.184.216.34", "169.254.169.254"]) }),
    ).toBe("llm.evil.example resolves to 169.254.169.254, a link-local or cloud metadata address; endpoints may never point there.");
    const unresolvable = async () => {
      throw new Error("ENOTFOUND");
    };
    expect(await endpointHostProblem("https://nowhere.example/v1", defaults, { resolve: unresolvable })).toBe(
      "nowhere.example does not resolve to an address on this server.",
    );
    expect(await endpointHostProblem("https://nowhere.example/v1", defaults, { resolve: unresolvable, unresolvable: "allow" })).toBeNull();
  });

  it("with MEDPREF_ENDPOINT_ALLOWED_HOSTS, allows only the hosts listed (names, globs, addresses)", () => {
    const policy = endpointPolicy({ MEDPREF_ENDPOINT_ALLOWED_HOSTS: ["api.openai.com", "*.openai.azure.com", "127.0.0.1"] });
    expect(hostNameProblem("api.openai.com", policy)).toBeNull();
    expect(hostNameProblem("team.openai.azure.com", policy)).toBeNull();
    expect(hostNameProblem("127.0.0.1", policy)).toBeNull();
    expect(hostNameProblem("evil.example", policy)).toBe(
      "evil.example is not in MEDPREF_ENDPOINT_ALLOWED_HOSTS (api.openai.com, *.openai.azure.com, 127.0.0.1).",
    );
    expect(hostNameProblem("169.254.169.254", endpointPolicy({ MEDPREF_ENDPOINT_ALLOWED_HOSTS: ["*"] }))).not.toBeNull();
  });
});
