"use client";

import { useEffect, useId, useRef, useState } from "react";
import { FileUploadField } from "./file-upload-field";

/** What one repository row of the import page attaches; hand it to `queueArchiveJobsForNewProject`. */
export type ImportAttachmentsValue = { issuesArchiveUploadId?: string; wikiBundleUploadId?: string; wikiUrl?: string };

/**
 * For one repository row of the import page: an issue-export zip and a wiki (git URL or bundle)
 * to import together with the repository, since Bitbucket no longer serves either. Files upload
 * as soon as they are chosen; `onChange` reports the upload ids and the URL (an empty object when
 * nothing is attached). Collapsed until opened, so rows stay compact.
 */
export function ImportAttachments({
  repository,
  disabled = false,
  onChange,
}: {
  /** "workspace/slug", for labels. */
  repository: string;
  disabled?: boolean;
  onChange: (value: ImportAttachmentsValue) => void;
}) {
  const id = useId();
  const [issues, setIssues] = useState<string | undefined>();
  const [bundle, setBundle] = useState<string | undefined>();
  const [wikiUrl, setWikiUrl] = useState("");
  const [wikiSource, setWikiSource] = useState<"url" | "bundle">("url");
  const report = useRef(onChange);
  useEffect(() => {
    report.current = onChange;
  }, [onChange]);

  useEffect(() => {
    const value: ImportAttachmentsValue = {};
    if (issues) value.issuesArchiveUploadId = issues;
    if (wikiSource === "bundle" && bundle) value.wikiBundleUploadId = bundle;
    if (wikiSource === "url" && wikiUrl.trim()) value.wikiUrl = wikiUrl.trim();
    report.current(value);
  }, [issues, bundle, wikiUrl, wikiSource]);

  const attached = [issues && "issues", ((wikiSource === "bundle" && bundle) || (wikiSource === "url" && wikiUrl.trim())) && "wiki"].filter(Boolean);

  return (
    <details className="text-sm" data-testid="import-attachments" data-repository={repository}>
      <summary className="cursor-pointer text-slate-700 hover:text-slate-900">
        Issues and wiki from an export{attached.length > 0 ? ` (${attached.join(" and ")} attached)` : ""}
      </summary>
      <div className="mt-2 space-y-4 rounded-md border border-slate-200 bg-slate-50 p-3">
        <FileUploadField
          label={`Issue export for ${repository} (.zip)`}
          description="Bitbucket removed Issues; the zip saved from Issue tracker → Import & export brings them back."
          accept=".zip,application/zip"
          disabled={disabled}
          onUploaded={(file) => setIssues(file?.id)}
          testId="attach-issues-archive"
        />
        <fieldset className="space-y-2" disabled={disabled}>
          <legend className="text-sm font-medium text-slate-800">Wiki for {repository}</legend>
          <div className="flex flex-wrap gap-4 text-slate-700">
            <label className="inline-flex items-center gap-1.5">
              <input type="radio" name={`${id}-wiki`} checked={wikiSource === "url"} onChange={() => setWikiSource("url")} />
              Git URL
            </label>
            <label className="inline-flex items-center gap-1.5">
              <input type="radio" name={`${id}-wiki`} checked={wikiSource === "bundle"} onChange={() => setWikiSource("bundle")} />
              Bundle file
            </label>
          </div>
          {wikiSource === "url" ? (
            <div>
              <label htmlFor={`${id}-wiki-url`} className="sr-only">
                Wiki git URL for {repository}
              </label>
              <input
                id={`${id}-wiki-url`}
                type="url"
                value={wikiUrl}
                onChange={(event) => setWikiUrl(event.target.value)}
                placeholder="https://git.example.com/team/project-wiki.git"
                className="w-full rounded-md border border-slate-300 bg-white px-3 py-1.5 text-sm focus:border-brand-600 focus:outline-none focus:ring-1 focus:ring-brand-600"
              />
            </div>
          ) : (
            <FileUploadField
              label={`Wiki bundle for ${repository}`}
              description="git bundle create wiki.bundle --all (in a clone of the wiki)"
              accept=".bundle,.git"
              disabled={disabled}
              onUploaded={(file) => setBundle(file?.id)}
              testId="attach-wiki-bundle"
            />
          )}
        </fieldset>
      </div>
    </details>
  );
}
