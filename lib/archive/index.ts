/**
 * Bringing back what Bitbucket removed: issues from issue-tracker export zips and wikis from git
 * URLs or bundles, imported into existing projects as background jobs (see jobs.ts).
 */
export {
  startIssuesArchiveImport,
  startWikiImport,
  cancelArchiveJob,
  findArchiveJobForUser,
  listArchiveJobs,
  archiveJobMessages,
  queueArchiveJobsForNewProject,
  validateArchiveAttachments,
  archiveAttachmentsSchema,
  startArchiveWorkers,
  runArchiveJob,
  ARCHIVE_JOBS,
  ACTIVE_ARCHIVE_STATES,
  type ArchiveAttachments,
  type ArchiveJob,
} from "./jobs";
export { saveUpload, findUpload, discardUpload, MAX_UPLOAD_BYTES, uploadIdSchema, type UploadRecord } from "./uploads";
export { createArchiveUserResolver, type ArchiveUserResolver } from "./users";
export { attachmentAbsolutePath, isInlineImage, cleanFileName } from "./attachments";
