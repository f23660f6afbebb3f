import type { HighlightedLine } from "@/lib/repository";

const FONT_STYLE_ITALIC = 1;
const FONT_STYLE_BOLD = 2;

/** One highlighted line's tokens (text only: React escapes it). */
export function CodeTokens({ line }: { line: HighlightedLine }) {
  return (
    <>
      {line.map((token, index) =>
        token.color || token.fontStyle ? (
          <span
            key={index}
            style={{
              color: token.color,
              fontStyle: token.fontStyle && token.fontStyle & FONT_STYLE_ITALIC ? "italic" : undefined,
              fontWeight: token.fontStyle && token.fontStyle & FONT_STYLE_BOLD ? 600 : undefined,
            }}
          >
            {token.text}
          </span>
        ) : (
          token.text
        ),
      )}
    </>
  );
}

/**
 * A file's lines, each with its number as a link to `#L<n>` (the line is highlighted when the URL
 * names it). The block scrolls sideways on its own, so the page never does.
 */
export function CodeLines({ lines, label }: { lines: readonly HighlightedLine[]; label: string }) {
  return (
    <div role="region" aria-label={label} tabIndex={0} className="overflow-x-auto bg-white font-mono text-xs leading-5 focus:outline-none focus-visible:ring-2 focus-visible:ring-brand-600" data-testid="code">
      <div className="min-w-fit">
        {lines.map((line, index) => {
          const number = index + 1;
          return (
            <div key={number} id={`L${number}`} data-line={number} className="flex target:bg-amber-100">
              <a
                href={`#L${number}`}
                className="sticky left-0 w-12 shrink-0 border-r border-slate-200 bg-slate-50 pr-2 text-right text-slate-600 select-none hover:text-slate-900"
              >
                <span className="sr-only">Line </span>
                {number}
              </a>
              <code className="pl-3 pr-4 whitespace-pre">
                <CodeTokens line={line} />
                {line.length === 0 && " "}
              </code>
            </div>
          );
        })}
      </div>
    </div>
  );
}
