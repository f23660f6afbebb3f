"use client";

/** What the upload route answers. */
export type UploadedFile = { id: string; name: string; size: number };

/**
 * Sends a file to `POST /api/uploads` (streamed to disk by the server), reporting progress
 * (0–1). XMLHttpRequest because fetch cannot report upload progress.
 */
export function uploadFile(file: File, onProgress?: (fraction: number) => void, signal?: AbortSignal): Promise<UploadedFile> {
  return new Promise((resolve, reject) => {
    const request = new XMLHttpRequest();
    request.open("POST", `/api/uploads?name=${encodeURIComponent(file.name)}`);
    request.setRequestHeader("content-type", "application/octet-stream");
    request.responseType = "json";
    request.upload.onprogress = (event) => {
      if (event.lengthComputable) onProgress?.(event.loaded / event.total);
    };
    request.onload = () => {
      const body = request.response as (UploadedFile & { error?: { message?: string } }) | null;
      if (request.status >= 200 && request.status < 300 && body?.id) resolve({ id: body.id, name: body.name, size: body.size });
      else reject(new Error(body?.error?.message ?? `The upload failed (HTTP ${request.status}).`));
    };
    request.onerror = () => reject(new Error("The upload failed: the connection was interrupted."));
    request.onabort = () => reject(new DOMException("The upload was cancelled.", "AbortError"));
    signal?.addEventListener("abort", () => request.abort(), { once: true });
    request.send(file);
  });
}
