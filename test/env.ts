import { resetConfigForTests } from "@/lib/config";

/**
 * Sets environment variables and re-reads Ferry's configuration; the returned function puts the
 * previous values back.
 */
export function patchEnv(values: Record<string, string>): () => void {
  const previous = Object.fromEntries(Object.keys(values).map((key) => [key, process.env[key]]));
  Object.assign(process.env, values);
  resetConfigForTests();
  return () => {
    for (const [key, value] of Object.entries(previous)) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
    resetConfigForTests();
  };
}
