/** The few HTML pages of the web origin: OAuth consent, errors, repository page, avatars. */
import { escapeHtml as e } from "./responses";
import type { SandboxAccount } from "./state";

const STYLE = `
  :root { color-scheme: light; --blue: #0052cc; --blue-dark: #0747a6; --text: #172b4d; --muted: #5e6c84; --line: #dfe1e6; --bg: #f4f5f7; }
  * { box-sizing: border-box; }
  body { margin: 0; min-height: 100vh; display: flex; align-items: flex-start; justify-content: center; padding: 48px 16px;
         font: 15px/1.5 -apple-system, BlinkMacSystemFont, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif;
         background: var(--bg); color: var(--text); }
  main { width: 100%; max-width: 480px; background: #fff; border: 1px solid var(--line); border-radius: 8px;
         box-shadow: 0 1px 3px rgba(9, 30, 66, .13); padding: 32px; }
  .brand { display: flex; align-items: center; gap: 8px; font-weight: 600; color: var(--blue); margin-bottom: 24px; }
  .badge { font-size: 11px; text-transform: uppercase; letter-spacing: .04em; background: #fff7d6; color: #7f5f01;
           border-radius: 3px; padding: 1px 6px; font-weight: 700; }
  h1 { font-size: 22px; margin: 0 0 8px; }
  p { margin: 0 0 16px; color: var(--muted); }
  ul.scopes { margin: 0 0 24px; padding-left: 20px; }
  fieldset { border: 0; padding: 0; margin: 0 0 24px; }
  legend { font-weight: 600; margin-bottom: 8px; }
  .account { display: grid; grid-template-columns: auto 1fr; column-gap: 10px; align-items: center; padding: 10px 12px;
             border: 1px solid var(--line); border-radius: 6px; margin-bottom: 8px; }
  .account:has(input:checked) { border-color: var(--blue); background: #deebff; }
  .account label { font-weight: 500; cursor: pointer; }
  .account .detail { grid-column: 2; font-size: 13px; color: var(--muted); }
  input[type=radio] { width: 16px; height: 16px; margin: 0; accent-color: var(--blue); }
  .actions { display: flex; gap: 8px; }
  button { font: inherit; font-weight: 500; border-radius: 4px; padding: 8px 16px; cursor: pointer; border: 1px solid transparent; }
  button.primary { background: var(--blue); color: #fff; }
  button.primary:hover { background: var(--blue-dark); }
  button.secondary { background: #fff; color: var(--text); border-color: var(--line); }
  button:focus-visible { outline: 2px solid var(--blue); outline-offset: 2px; }
  code { background: var(--bg); padding: 1px 4px; border-radius: 3px; font-size: 13px; }
  .error { color: #bf2600; }
`;

function page(title: string, body: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${e(title)}</title>
<style>${STYLE}</style>
</head>
<body>
<main>
<div class="brand">Bitbucket <span class="badge">Sandbox</span></div>
${body}
</main>
</body>
</html>
`;
}

const SCOPE_TEXT: Record<string, string> = {
  account: "Read your account information",
  email: "Read your email addresses",
  repository: "Read your repositories",
  pullrequest: "Read your repositories and their pull requests",
  issue: "Read your repositories' issues",
  wiki: "Read and write to your repositories' wikis",
  project: "Read your workspace's project settings and read repositories contained within your workspace's projects",
  webhook: "Read and modify your repositories' webhooks",
  snippet: "Read your snippets",
  pipeline: "Read your pipelines",
};

export interface ConsentPageInput {
  readonly action: string;
  readonly consumerName: string;
  readonly scopes: readonly string[];
  readonly accounts: readonly SandboxAccount[];
  readonly selected: string;
  readonly hidden: Readonly<Record<string, string>>;
}

export function consentPage(input: ConsentPageInput): string {
  const hidden = Object.entries(input.hidden)
    .map(([name, value]) => `<input type="hidden" name="${e(name)}" value="${e(value)}">`)
    .join("\n");
  const accounts = input.accounts
    .map((account) => {
      const id = `account-${e(account.nickname)}`;
      const checked = account.uuid === input.selected ? " checked" : "";
      return `<div class="account">
  <input type="radio" id="${id}" name="account" value="${e(account.uuid)}" aria-describedby="${id}-detail"${checked}>
  <label for="${id}">${e(account.display_name)} (${e(account.nickname)})</label>
  <span class="detail" id="${id}-detail">${e(account.email)}</span>
</div>`;
    })
    .join("\n");
  const scopes = input.scopes.map((scope) => `<li>${e(SCOPE_TEXT[scope] ?? scope)}</li>`).join("");
  return page(
    `Authorize ${input.consumerName}`,
    `<h1>Authorize ${e(input.consumerName)}</h1>
<p><strong>${e(input.consumerName)}</strong> is requesting access to your Bitbucket account. It will be able to:</p>
<ul class="scopes">${scopes}</ul>
<form method="post" action="${e(input.action)}">
${hidden}
<fieldset>
<legend>Continue as</legend>
${accounts}
</fieldset>
<div class="actions">
<button type="submit" name="decision" value="grant" class="primary">Grant access</button>
<button type="submit" name="decision" value="deny" class="secondary">Deny</button>
</div>
</form>`,
  );
}

export function errorPage(title: string, message: string): string {
  return page(title, `<h1>${e(title)}</h1>\n<p class="error">${e(message)}</p>`);
}

export function repositoryPage(input: { fullName: string; name: string; description: string; cloneUrl: string; mainbranch: string }): string {
  return page(
    `${input.fullName} — Bitbucket`,
    `<h1>${e(input.name)}</h1>
<p>${e(input.description || "No description.")}</p>
<p>Main branch <code>${e(input.mainbranch)}</code></p>
<p>Clone: <code>git clone ${e(input.cloneUrl)}</code></p>`,
  );
}

const COLORS = ["#0052cc", "#00875a", "#ff5630", "#6554c0", "#ff991f", "#00a3bf", "#403294", "#de350b"];

/** A small initials avatar (no external requests). */
export function avatarSvg(label: string, seed: number): string {
  const initials =
    label
      .split(/[\s\-_]+/)
      .filter(Boolean)
      .slice(0, 2)
      .map((word) => word[0]!.toUpperCase())
      .join("") || "?";
  const color = COLORS[seed % COLORS.length]!;
  return `<svg xmlns="http://www.w3.org/2000/svg" width="128" height="128" viewBox="0 0 128 128" role="img" aria-label="${e(label)}">
<rect width="128" height="128" rx="64" fill="${color}"/>
<text x="64" y="64" dy=".35em" text-anchor="middle" font-family="Arial, sans-serif" font-size="52" font-weight="600" fill="#fff">${e(initials)}</text>
</svg>
`;
}
