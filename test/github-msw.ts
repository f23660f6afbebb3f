import { beforeEach } from "vitest";
import { createGithubHandlers, createGithubState, type GithubStateOptions } from "@/mocks/github";
import { patchEnv } from "./env";
import { useMockServer } from "./msw";

const API = "https://api.github.com";
const WEB = "https://github.com";

/**
 * The GitHub sandbox's handlers on msw at github.com's URLs (Ferry configured for them), its state
 * reset before each test. Registers the hooks; call it at the top of a test file.
 */
export function useGithubMockServer(options: GithubStateOptions = {}) {
  patchEnv({ GITHUB_API_URL: API, GITHUB_URL: WEB });
  const state = createGithubState(options);
  const mock = useMockServer();
  beforeEach(() => {
    state.reset();
    mock.server.use(...createGithubHandlers(state, { apiUrl: API, webUrl: WEB }));
  });
  return { state, ...mock };
}
