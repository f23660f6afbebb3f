import { AppError } from "@/lib/errors";

/** Requests cancellation; takes effect at the pipeline's next checkpoint. Caller must have Maintainer on the project. */
export async function cancelImport(userId: string, importId: number): Promise<void> {
  void userId;
  void importId;
  throw new AppError("not_implemented", "Cancelling imports is not available yet.", { status: 501 });
}

/** Re-runs the items in the failure ledger that are not resolved yet. */
export async function retryFailedItems(userId: string, importId: number): Promise<void> {
  void userId;
  void importId;
  throw new AppError("not_implemented", "Retrying failed items is not available yet.", { status: 501 });
}
