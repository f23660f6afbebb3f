import { formatBytes } from "@/components/archive/format";
import { isInlineImage } from "@/lib/archive/attachments";
import { issueAttachments } from "@/lib/issues";

/** Where an attachment is served (the route checks project access and sets safe headers). */
export function attachmentHref(attachment: { id: number; fileName: string }): string {
  return `/api/uploads/attachments/${attachment.id}/${encodeURIComponent(attachment.fileName)}`;
}

/** The issue's attached files: name, size, and a preview for images. */
export async function IssueAttachments({ issueId }: { issueId: number }) {
  const attachments = await issueAttachments(issueId);
  if (attachments.length === 0) return null;
  return (
    <section aria-labelledby="attachments-heading" className="rounded-lg border border-slate-200 bg-white p-4 shadow-sm" data-testid="issue-attachments">
      <h2 id="attachments-heading" className="text-sm font-semibold text-slate-900">
        Attachments ({attachments.length})
      </h2>
      <ul className="mt-3 grid gap-3 sm:grid-cols-2">
        {attachments.map((attachment) => {
          const href = attachmentHref(attachment);
          const image = isInlineImage(attachment.contentType);
          return (
            <li key={attachment.id} className="min-w-0 rounded-md border border-slate-200 p-2" data-testid="attachment" data-content-type={attachment.contentType}>
              {image && (
                <a href={href} className="mb-2 block overflow-hidden rounded bg-slate-50" aria-label={`Open ${attachment.fileName}`}>
                  <img src={href} alt={attachment.fileName} loading="lazy" className="mx-auto max-h-48 object-contain" data-testid="attachment-preview" />
                </a>
              )}
              <div className="flex items-baseline justify-between gap-2 text-sm">
                <a href={href} className="min-w-0 truncate font-medium text-brand-600 hover:underline" download={image ? undefined : attachment.fileName} title={attachment.fileName}>
                  {attachment.fileName}
                </a>
                <span className="shrink-0 text-xs text-slate-500">{formatBytes(Number(attachment.size))}</span>
              </div>
            </li>
          );
        })}
      </ul>
    </section>
  );
}
