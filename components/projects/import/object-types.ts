import { humanize } from "@/components/ui/format";
import { OBJECT_TYPE_LABELS } from "@/lib/import/status-vocabulary";

/** What the Import tab calls a kind of object in its tables ("Pull request comments"). */
export function objectTypeName(type: string): string {
  return OBJECT_TYPE_LABELS[type] ?? humanize(type);
}
