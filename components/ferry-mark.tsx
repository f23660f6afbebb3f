/** Ferry's mark (public/ferry-mark.svg), beside the name or a heading that says "Ferry". */
export function FerryMark({ className = "h-6 w-6" }: { className?: string }) {
  // eslint-disable-next-line @next/next/no-img-element -- a static SVG needs none of next/image's resizing
  return <img src="/ferry-mark.svg" alt="" aria-hidden width={32} height={32} className={className} data-testid="ferry-mark" />;
}
