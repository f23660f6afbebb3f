import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { decryptSecret, encryptSecret, isEncryptedSecret } from "./index";

describe("secret encryption", () => {
  const key = randomBytes(32);

  it("round-trips and never contains the plaintext", () => {
    const stored = encryptSecret("bitbucket-access-token-123", key);
    expect(isEncryptedSecret(stored)).toBe(true);
    expect(stored).not.toContain("bitbucket-access-token-123");
    expect(decryptSecret(stored, key)).toBe("bitbucket-access-token-123");
  });

  it("uses a fresh IV each time", () => {
    expect(encryptSecret("same", key)).not.toBe(encryptSecret("same", key));
  });

  it("rejects tampered ciphertext and a wrong key", () => {
    const stored = encryptSecret("secret", key);
    const tampered = stored.slice(0, -2) + (stored.endsWith("A") ? "BB" : "AA");
    expect(() => decryptSecret(tampered, key)).toThrow();
    expect(() => decryptSecret(stored, randomBytes(32))).toThrow();
    expect(() => decryptSecret("plaintext", key)).toThrow(/encrypted format/);
  });
});
