"use client";

import { useEffect, useId, useRef, useState } from "react";
import { formatBytes } from "./format";
import { uploadFile, type UploadedFile } from "./upload";

type Status = { kind: "idle" } | { kind: "uploading"; name: string; fraction: number } | { kind: "done"; file: UploadedFile } | { kind: "error"; message: string };

/**
 * A labelled file input that uploads the chosen file at once (to /api/uploads) and reports the
 * upload's id; choosing "Remove" or another file replaces it.
 */
export function FileUploadField({
  label,
  description,
  accept,
  disabled = false,
  onUploaded,
  testId,
}: {
  label: string;
  description?: string;
  accept?: string;
  disabled?: boolean;
  onUploaded: (file: UploadedFile | null) => void;
  testId?: string;
}) {
  const id = useId();
  const input = useRef<HTMLInputElement>(null);
  const abort = useRef<AbortController | null>(null);
  const [status, setStatus] = useState<Status>({ kind: "idle" });

  useEffect(() => () => abort.current?.abort(), []);

  async function choose(file: File | undefined) {
    abort.current?.abort();
    onUploaded(null);
    if (!file) {
      setStatus({ kind: "idle" });
      return;
    }
    const controller = new AbortController();
    abort.current = controller;
    setStatus({ kind: "uploading", name: file.name, fraction: 0 });
    try {
      const uploaded = await uploadFile(file, (fraction) => setStatus({ kind: "uploading", name: file.name, fraction }), controller.signal);
      setStatus({ kind: "done", file: uploaded });
      onUploaded(uploaded);
    } catch (error) {
      if ((error as { name?: string }).name === "AbortError") return;
      setStatus({ kind: "error", message: error instanceof Error ? error.message : String(error) });
    }
  }

  function remove() {
    abort.current?.abort();
    if (input.current) input.current.value = "";
    setStatus({ kind: "idle" });
    onUploaded(null);
  }

  return (
    <div className="space-y-1.5" data-testid={testId} data-upload-state={status.kind}>
      <label htmlFor={id} className="block text-sm font-medium text-slate-800">
        {label}
      </label>
      {description && (
        <p id={`${id}-description`} className="text-xs text-slate-500">
          {description}
        </p>
      )}
      <input
        ref={input}
        id={id}
        type="file"
        accept={accept}
        disabled={disabled}
        aria-describedby={description ? `${id}-description` : undefined}
        onChange={(event) => void choose(event.target.files?.[0])}
        className="block w-full text-sm text-slate-700 file:mr-3 file:rounded-md file:border file:border-slate-300 file:bg-white file:px-3 file:py-1.5 file:text-sm file:font-medium file:text-slate-700 hover:file:bg-slate-50 disabled:opacity-60"
      />
      <div aria-live="polite" className="text-xs">
        {status.kind === "uploading" && (
          <div className="flex items-center gap-2 text-slate-600">
            <progress max={1} value={status.fraction} className="h-1.5 w-40" aria-label={`Uploading ${status.name}`} />
            <span>Uploading {status.name}… {Math.round(status.fraction * 100)}%</span>
          </div>
        )}
        {status.kind === "done" && (
          <p className="flex items-center gap-2 text-green-800" data-testid="upload-done">
            <span>
              Uploaded {status.file.name} ({formatBytes(status.file.size)}).
            </span>
            <button type="button" onClick={remove} className="text-slate-600 underline hover:text-slate-900">
              Remove
            </button>
          </p>
        )}
        {status.kind === "error" && (
          <p role="alert" className="text-red-700">
            {status.message}
          </p>
        )}
      </div>
    </div>
  );
}
