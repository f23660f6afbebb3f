/** The benchmarks' sandbox child process: how it reports and stops, and how the parent waits for it. */
import type { ChildProcess } from "node:child_process";

export type SandboxFinal = { type: "final"; peakRssBytes: number };

/** In the child: sends `ready`, then on "stop" closes the sandbox and reports its peak RSS before exiting. */
export function serveUntilStopped(ready: object, close: () => Promise<void>): void {
  process.send!(ready);
  process.on("message", async (message: { type: string }) => {
    if (message.type !== "stop") return;
    await close();
    const final: SandboxFinal = { type: "final", peakRssBytes: process.resourceUsage().maxRSS * 1024 };
    process.send!(final, () => process.exit(0));
  });
}

/** In the parent: the child's next message of `type`; rejects when the child exits first. */
export function nextMessage<T extends { type: string }>(child: ChildProcess, type: T["type"]): Promise<T> {
  return new Promise((resolve, reject) => {
    const onMessage = (message: T) => {
      if (message?.type !== type) return;
      child.off("message", onMessage);
      child.off("exit", onExit);
      resolve(message);
    };
    const onExit = (code: number | null) => reject(new Error(`the sandbox process exited (${code}) before sending "${type}"`));
    child.on("message", onMessage);
    child.once("exit", onExit);
  });
}
