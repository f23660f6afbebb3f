import { describe, expect, it } from "vitest";
import { AppError } from "@/lib/errors";
import { checkRemote, checkRemoteUrl, isPublicAddress, matchAllowedHost, type HostResolver } from "./remote";

const resolver =
  (table: Record<string, string[]>): HostResolver =>
  async (hostname) => {
    const addresses = table[hostname];
    if (!addresses) throw new Error("ENOTFOUND");
    return addresses.map((address) => ({ address, family: address.includes(":") ? 6 : 4 }));
  };

const dns = resolver({
  "bitbucket.org": ["104.192.141.1"],
  "localhost": ["127.0.0.1", "::1"],
  "public.example": ["93.184.216.34", "2606:2800:220:1:248:1893:25c8:1946"],
  "internal.example": ["10.1.2.3"],
  "metadata.example": ["169.254.169.254"],
  "loop6.example": ["::1"],
  "cgnat.example": ["100.64.1.1"],
  "ula.example": ["fd12:3456::1"],
  "mixed.example": ["93.184.216.34", "192.168.1.10"],
  "mapped.example": ["::ffff:127.0.0.1"],
  "lfs.storage.example": ["52.1.2.3"],
  "evil.storage.example": ["127.0.0.1"],
});

async function refusal(url: string, options: Parameters<typeof checkRemoteUrl>[1]): Promise<AppError> {
  const error = await checkRemoteUrl(url, { resolve: dns, ...options }).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(AppError);
  expect((error as AppError).code).toBe("remote_not_allowed");
  return error as AppError;
}

describe("checkRemoteUrl", () => {
  const allowedHosts = ["bitbucket.org", "localhost:4010"];

  it("accepts http(s) URLs on allowed hosts", async () => {
    expect((await checkRemoteUrl("https://bitbucket.org/acme/repo.git", { allowedHosts, resolve: dns })).href).toBe("https://bitbucket.org/acme/repo.git");
    // The configured sandbox on localhost is explicitly allowed, so no DNS check applies.
    const local = await checkRemote("http://localhost:4010/acme/repo.git", { allowedHosts, resolve: dns });
    expect(local.explicitlyAllowed).toBe(true);
    expect(local.addresses).toBeNull();
  });

  it("refuses other schemes, credentials, options and control characters", async () => {
    for (const url of [
      "file:///etc/passwd",
      "ssh://git@bitbucket.org/acme/repo.git",
      "git@bitbucket.org:acme/repo.git",
      "ext::sh -c touch% /tmp/pwned",
      "git://bitbucket.org/acme/repo.git",
      "/srv/repos/x.git",
      "--upload-pack=touch /tmp/pwned",
      "-https://bitbucket.org/x",
      "https://bitbucket.org/acme/repo.git\n",
      "https://bitbucket.org/acme/re po.git",
      "not a url",
    ]) {
      await refusal(url, { allowedHosts });
    }
    const withCredentials = await refusal("https://x-token-auth:s3cr3t-token@bitbucket.org/acme/repo.git", { allowedHosts });
    expect(withCredentials.message).not.toContain("s3cr3t");
    await refusal("https://alice:@bitbucket.org/acme/repo.git", { allowedHosts });
    await refusal("https://:token@bitbucket.org/acme/repo.git", { allowedHosts });
    // Bitbucket's clone links carry the user name only: it is dropped.
    expect((await checkRemoteUrl("https://alice@bitbucket.org/acme/repo.git", { allowedHosts, resolve: dns })).href).toBe("https://bitbucket.org/acme/repo.git");
  });

  it("refuses hosts and ports that are not allowed, and says how to allow them", async () => {
    const error = await refusal("https://github.com/x/y.git", { allowedHosts });
    expect(error.message).toContain("ALLOWED_HOSTS");
    await refusal("http://localhost:4011/x.git", { allowedHosts });
    await refusal("http://localhost/x.git", { allowedHosts });
    await refusal("https://bitbucket.org:8443/x.git", { allowedHosts });
    await refusal("https://bitbucket.org.evil.example/x.git", { allowedHosts });
    await refusal("http://127.0.0.1:4010/x.git", { allowedHosts });
  });

  it("resolves public hosts and refuses private, loopback, link-local, CGNAT and unique-local addresses unless allowlisted", async () => {
    const open = { allowedHosts: [] as string[], allowPublicHosts: true };
    const ok = await checkRemote("https://public.example/x.git", { ...open, resolve: dns });
    expect(ok.addresses?.map((entry) => entry.address)).toContain("93.184.216.34");
    for (const host of ["localhost", "internal.example", "metadata.example", "loop6.example", "cgnat.example", "ula.example", "mixed.example", "mapped.example"]) {
      await refusal(`https://${host}/x.git`, open);
    }
    for (const literal of ["127.0.0.1", "10.0.0.1", "169.254.169.254", "[::1]", "[fe80::1]", "[::ffff:10.0.0.1]", "0.0.0.0", "2130706433", "0x7f.1"]) {
      await refusal(`http://${literal}/x.git`, open);
    }
    await refusal("https://unknown.example/x.git", open);
    // Explicitly listed: trusted as configured.
    expect((await checkRemoteUrl("http://internal.example/x.git", { allowedHosts: ["internal.example"], resolve: dns })).host).toBe("internal.example");
  });

  it("checks wildcard entries by DNS", async () => {
    const options = { allowedHosts: ["*.storage.example"], resolve: dns };
    const ok = await checkRemote("https://lfs.storage.example/o/1", options);
    expect(ok.explicitlyAllowed).toBe(false);
    expect(ok.addresses).toEqual([{ address: "52.1.2.3", family: 4 }]);
    await refusal("https://evil.storage.example/o/1", options);
    await refusal("https://storage.example/o/1", options);
  });

  it("matches entries with and without ports", () => {
    expect(matchAllowedHost(new URL("https://Bitbucket.org./x"), ["bitbucket.org"])).toBe("exact");
    expect(matchAllowedHost(new URL("http://localhost:4010/x"), ["LOCALHOST:4010"])).toBe("exact");
    expect(matchAllowedHost(new URL("http://[::1]:8080/x"), ["[::1]:8080"])).toBe("exact");
    expect(matchAllowedHost(new URL("http://localhost:4010/x"), ["localhost"])).toBeNull();
  });
});

describe("isPublicAddress", () => {
  it("classifies addresses", () => {
    for (const address of ["8.8.8.8", "104.192.141.1", "2606:4700::1111", "2a05:d014::1"]) expect(isPublicAddress(address)).toBe(true);
    for (const address of [
      "127.0.0.1", "127.255.0.1", "10.0.0.1", "172.16.0.1", "172.31.255.255", "192.168.0.1", "169.254.169.254", "100.64.0.1", "100.127.255.255",
      "0.0.0.0", "224.0.0.1", "255.255.255.255", "::", "::1", "fe80::1", "fc00::1", "fd00::1", "ff02::1", "::ffff:127.0.0.1", "::ffff:7f00:1",
      "64:ff9b::a00:1", "2002:a00:1::", "2001:db8::1", "not-an-ip",
    ]) {
      expect(isPublicAddress(address), address).toBe(false);
    }
    expect(isPublicAddress("172.32.0.1")).toBe(true);
    expect(isPublicAddress("100.128.0.1")).toBe(true);
  });
});
