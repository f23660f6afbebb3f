import { describe, expect, it } from "vitest";
import { authenticateApiRequest } from "./auth";

describe("browser sessions on the API", () => {
  it("are ignored for writes that do not come from Ferry's own pages (CSRF)", async () => {
    const cookie = "next-auth.session-token=stolen-by-riding-along";
    const writes: Record<string, string>[] = [
      { "sec-fetch-site": "cross-site" },
      { "sec-fetch-site": "same-site" },
      { origin: "https://evil.example" },
      {},
    ];
    for (const headers of writes) {
      const request = new Request("http://localhost:3000/api/v4/projects/1/import/bitbucket_issues", { method: "POST", headers: { cookie, ...headers } });
      expect(await authenticateApiRequest(request)).toBeNull();
    }
  });
});
