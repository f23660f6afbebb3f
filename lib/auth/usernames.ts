import { toValidPath, pathProblem } from "@/lib/namespaces/paths";

type Lookup = (candidate: string) => Promise<boolean>;

/** A valid, unused username (and personal namespace path) derived from a Bitbucket nickname. */
export async function uniqueUsername(nickname: string, isTaken: Lookup): Promise<string> {
  let base = toValidPath(nickname, "user");
  if (pathProblem(base, { topLevel: true })) base = `${base}-user`;
  for (let suffix = 0; suffix < 1000; suffix++) {
    const candidate = suffix === 0 ? base : `${base}${suffix}`;
    if (!(await isTaken(candidate))) return candidate;
  }
  throw new Error(`No free username derived from ${JSON.stringify(nickname)}`);
}
