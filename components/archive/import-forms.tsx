"use client";

import { useId, useState, useTransition } from "react";
import { startIssuesArchiveImportAction, startWikiImportAction } from "@/lib/actions/archive";
import { FileUploadField } from "./file-upload-field";
import type { UploadedFile } from "./upload";

const primaryButton = "rounded-md bg-brand-600 px-3 py-1.5 text-sm font-medium text-white hover:bg-brand-700 disabled:opacity-60";

function ErrorNote({ message }: { message: string | null }) {
  if (!message) return null;
  return (
    <p role="alert" className="rounded-md border border-red-200 bg-red-50 px-3 py-2 text-sm text-red-800">
      {message}
    </p>
  );
}

/** Settings → Import → "Issues from a Bitbucket export". */
export function IssuesArchiveForm({ projectId, defaultUserMapping }: { projectId: number; defaultUserMapping: "attribution" | "placeholders" }) {
  const id = useId();
  const [upload, setUpload] = useState<UploadedFile | null>(null);
  const [userMapping, setUserMapping] = useState(defaultUserMapping);
  const [error, setError] = useState<string | null>(null);
  const [pending, startTransition] = useTransition();
  const [formKey, setFormKey] = useState(0);

  function submit(event: React.FormEvent) {
    event.preventDefault();
    if (!upload) return;
    setError(null);
    startTransition(async () => {
      const result = await startIssuesArchiveImportAction({ projectId, uploadId: upload.id, userMapping });
      if (!result.ok) {
        setError(result.error.message);
        return;
      }
      setUpload(null);
      setFormKey((key) => key + 1);
    });
  }

  return (
    <form onSubmit={submit} className="space-y-3" aria-label="Import issues from a Bitbucket export" data-testid="issues-archive-form">
      <FileUploadField
        key={formKey}
        label="Issue export (.zip)"
        description="The zip from Bitbucket's Repository settings → Issue tracker → Import & export. Issue numbers are kept; running it again updates what it imported."
        accept=".zip,application/zip"
        onUploaded={setUpload}
        testId="issues-archive-upload"
      />
      <fieldset>
        <legend className="text-sm font-medium text-slate-800">People not linked to a Ferry account</legend>
        <div className="mt-1 space-y-1 text-sm text-slate-700">
          <label className="flex items-start gap-1.5">
            <input type="radio" name={`${id}-mapping`} className="mt-1" checked={userMapping === "attribution"} onChange={() => setUserMapping("attribution")} />
            <span>Import as yours, naming them in the text (&ldquo;Created by: …&rdquo;)</span>
          </label>
          <label className="flex items-start gap-1.5">
            <input type="radio" name={`${id}-mapping`} className="mt-1" checked={userMapping === "placeholders"} onChange={() => setUserMapping("placeholders")} />
            <span>Create placeholder users, to reassign to real users later</span>
          </label>
        </div>
      </fieldset>
      <ErrorNote message={error} />
      <button type="submit" disabled={!upload || pending} className={primaryButton}>
        {pending ? "Starting…" : "Import issues"}
      </button>
    </form>
  );
}

/** Settings → Import → "Wiki from a repository or bundle". */
export function WikiImportForm({ projectId }: { projectId: number }) {
  const id = useId();
  const [source, setSource] = useState<"url" | "bundle">("url");
  const [url, setUrl] = useState("");
  const [upload, setUpload] = useState<UploadedFile | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [pending, startTransition] = useTransition();
  const [formKey, setFormKey] = useState(0);
  const ready = source === "url" ? url.trim().length > 0 : upload !== null;

  function submit(event: React.FormEvent) {
    event.preventDefault();
    if (!ready) return;
    setError(null);
    startTransition(async () => {
      const result = await startWikiImportAction(source === "url" ? { projectId, url: url.trim() } : { projectId, uploadId: upload!.id });
      if (!result.ok) {
        setError(result.error.message);
        return;
      }
      setUrl("");
      setUpload(null);
      setFormKey((key) => key + 1);
    });
  }

  return (
    <form onSubmit={submit} className="space-y-3" aria-label="Import a wiki from a repository or bundle" data-testid="wiki-import-form">
      <fieldset>
        <legend className="text-sm font-medium text-slate-800">Source</legend>
        <div className="mt-1 flex flex-wrap gap-4 text-sm text-slate-700">
          <label className="inline-flex items-center gap-1.5">
            <input type="radio" name={`${id}-source`} value="url" checked={source === "url"} onChange={() => setSource("url")} />
            Git repository URL
          </label>
          <label className="inline-flex items-center gap-1.5">
            <input type="radio" name={`${id}-source`} value="bundle" checked={source === "bundle"} onChange={() => setSource("bundle")} />
            Bundle file
          </label>
        </div>
      </fieldset>
      {source === "url" ? (
        <div className="space-y-1.5">
          <label htmlFor={`${id}-url`} className="block text-sm font-medium text-slate-800">
            Wiki repository URL
          </label>
          <p id={`${id}-url-help`} className="text-xs text-slate-500">
            An http(s) git URL on an allowed host, e.g. a mirror of <code>https://bitbucket.org/workspace/repo.git/wiki</code>.
          </p>
          <input
            id={`${id}-url`}
            type="url"
            value={url}
            onChange={(event) => setUrl(event.target.value)}
            aria-describedby={`${id}-url-help`}
            placeholder="https://git.example.com/team/project-wiki.git"
            className="w-full rounded-md border border-slate-300 px-3 py-1.5 text-sm focus:border-brand-600 focus:outline-none focus:ring-1 focus:ring-brand-600"
          />
        </div>
      ) : (
        <FileUploadField
          key={formKey}
          label="Wiki bundle"
          description="Made in a clone of the wiki with: git bundle create wiki.bundle --all"
          accept=".bundle,.git"
          onUploaded={setUpload}
          testId="wiki-bundle-upload"
        />
      )}
      <p className="text-xs text-slate-500">Importing replaces the project&apos;s current wiki.</p>
      <ErrorNote message={error} />
      <button type="submit" disabled={!ready || pending} className={primaryButton}>
        {pending ? "Starting…" : "Import wiki"}
      </button>
    </form>
  );
}
