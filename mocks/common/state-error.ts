/** An expected failure of a sandbox state operation, answered with its HTTP status. */
export class SandboxStateError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = "SandboxStateError";
  }
}
