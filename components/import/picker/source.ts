import type { ComponentType, ReactNode } from "react";
import type { PickerActions } from "@/lib/actions/picker-actions";
import type { PickerRepository } from "@/lib/import/listing-stream";
import type { UserMapping } from "@/lib/settings";
import type { RowImportOptions } from "./row-store";

/** The instance's defaults for what a row leaves unset (Admin → Settings), so the row can say what they are. */
export type PickerDefaults = { userMapping: UserMapping };

/**
 * A source of the import picker. The picker's components (this folder) are the same for every
 * source; a source plugs in by describing itself here, in a client module of its own
 * (components/import/<source>/source.tsx), and its page renders <RepositoryTable source={…} />.
 *
 * What a source brings:
 *   - a listing endpoint streaming ListingStreamEvent lines (lib/import/listing-stream.ts:
 *     listingStreamResponse), which takes `filter`, `cursor` and the source's extra filter params;
 *   - its server actions, made by pickerActions(backend) (lib/actions/picker-actions.ts) from a
 *     PickerBackend (lib/import/picker.ts) and exported from a "use server" file;
 *   - what its rows show besides the name (facts), what their Options area holds, and how the user
 *     connects the source when the listing says the connection is missing or lost.
 */
export type PickerSource = {
  /** Unique per source: keys the status poll and element ids. */
  id: string;
  /** The source's name in sentences: "Bitbucket", "GitHub". */
  name: string;
  /** The listing's path, e.g. "/import/bitbucket/repositories". */
  listingPath: string;
  /** What a group of repositories is called there: "workspace", "organization", "project". */
  groupNoun: { singular: string; plural: string };
  /** What the filter matches, as its label says it ("Filter by name or workspace/"). */
  filterLabel: string;
  /**
   * More filter controls beside the text box (e.g. an organization select). Their values are sent
   * to the listing as query parameters; `groups` are the groups the listing announced.
   */
  FilterControls?: ComponentType<{ values: Record<string, string>; onChange: (values: Record<string, string>) => void; groups: readonly string[] }>;
  /** Small facts shown under a row's name (a "Private" badge, the display name…). */
  rowFacts?: (repository: PickerRepository) => ReactNode;
  /** The row's expandable Options area (per-import settings sent with Import); none when absent. */
  RowOptions?: ComponentType<{ repository: PickerRepository; value: RowImportOptions; onChange: (value: RowImportOptions) => void; defaults: PickerDefaults }>;
  actions: PickerActions;
  /** Connecting the source when the listing answers with one of `codes`; `notConnectedCode` means it was never connected. */
  connection: { codes: ReadonlySet<string>; notConnectedCode: string; connect: () => void };
};
