import { bundledLanguagesInfo, getSingletonHighlighter, type BundledLanguage } from "shiki";

/**
 * Syntax highlighting on the server with shiki, bounded: files above HIGHLIGHT_LIMITS are shown
 * plain, lines longer than `maxLineLength` are left untokenized, and a line that takes too long
 * to tokenize stops the grammar (shiki's time limit), so a hostile file cannot hold a request.
 */

export type Token = { text: string; color?: string; fontStyle?: number };
export type HighlightedLine = Token[];

export const HIGHLIGHT_LIMITS = { maxBytes: 512 * 1024, maxLines: 10_000, maxLineLength: 2_000, lineTimeLimitMs: 200 } as const;

/** The theme's colours all reach WCAG AA contrast on white. */
const THEME = "github-light-high-contrast";

const FILE_NAMES: Record<string, string> = { dockerfile: "docker", makefile: "make", "cmakelists.txt": "cmake", gemfile: "ruby", rakefile: "ruby", jenkinsfile: "groovy" };
const EXTENSIONS: Record<string, string> = { h: "c", hpp: "cpp", cc: "cpp", mjs: "js", cjs: "js", mts: "ts", cts: "ts", yml: "yaml", htm: "html", sh: "bash", txt: "" };

const LANGUAGE_IDS = new Map<string, BundledLanguage>();
for (const info of bundledLanguagesInfo) {
  for (const name of [info.id, ...(info.aliases ?? [])]) LANGUAGE_IDS.set(name.toLowerCase(), info.id as BundledLanguage);
}

/** The shiki language for a file name, or null for plain text. */
export function languageFor(fileName: string): BundledLanguage | null {
  const base = fileName.split("/").at(-1)!.toLowerCase();
  const byName = FILE_NAMES[base];
  if (byName !== undefined) return LANGUAGE_IDS.get(byName) ?? null;
  const dot = base.lastIndexOf(".");
  if (dot <= 0) return null;
  const extension = base.slice(dot + 1);
  const mapped = EXTENSIONS[extension] ?? extension;
  return mapped ? (LANGUAGE_IDS.get(mapped) ?? null) : null;
}

function highlighter() {
  return getSingletonHighlighter({ themes: [THEME], langs: [] });
}

/** The text split into lines (a final newline ends the last line, it does not start another). */
export function splitLines(text: string): string[] {
  const lines = text.split("\n");
  if (lines.length > 1 && lines.at(-1) === "") lines.pop();
  return lines.map((line) => (line.endsWith("\r") ? line.slice(0, -1) : line));
}

/** Tokens per line, or plain lines when the language is unknown or the text is beyond the limits. */
export async function highlightLines(text: string, fileName: string): Promise<HighlightedLine[]> {
  const lines = splitLines(text);
  const plain = () => lines.map((line) => [{ text: line }]);
  const language = languageFor(fileName);
  if (!language || Buffer.byteLength(text) > HIGHLIGHT_LIMITS.maxBytes || lines.length > HIGHLIGHT_LIMITS.maxLines) return plain();
  try {
    const shiki = await highlighter();
    if (!shiki.getLoadedLanguages().includes(language)) await shiki.loadLanguage(language);
    const { tokens } = shiki.codeToTokens(lines.join("\n"), {
      lang: language,
      theme: THEME,
      tokenizeMaxLineLength: HIGHLIGHT_LIMITS.maxLineLength,
      tokenizeTimeLimit: HIGHLIGHT_LIMITS.lineTimeLimitMs,
    });
    return tokens.map((line) => line.map((token) => ({ text: token.content, color: token.color, fontStyle: token.fontStyle })));
  } catch {
    return plain();
  }
}
