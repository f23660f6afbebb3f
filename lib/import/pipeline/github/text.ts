import { config } from "@/lib/config";
import { db } from "@/lib/db";
import { withAttribution } from "@/lib/import/content";
import { convertGitHubText } from "@/lib/import/content/github-text";
import type { SourceUser } from "@/lib/import/sources/types";
import type { ImportContext } from "../context";
import type { ItemTextConverter } from "../text";

const converters = new WeakMap<ImportContext, Promise<GitHubText>>();

/**
 * Text conversion for one GitHub import (references, mentions, attribution), and the record of the
 * GitHub users it met (import source users, by GitHub user id, with the Ferry user they map to).
 */
export class GitHubText implements ItemTextConverter {
  private constructor(
    private readonly ctx: ImportContext,
    private readonly pullNumbers: Set<number>,
    /** Lower-case login → Ferry username (null: maps to no one). */
    private readonly logins: Map<string, string | null>,
    private readonly knownIds: Set<string>,
  ) {}

  /** One converter per context (a stage in this process); the pull request numbers and known users are read once. */
  static forContext(ctx: ImportContext): Promise<GitHubText> {
    let converter = converters.get(ctx);
    if (!converter) {
      converter = GitHubText.load(ctx);
      converters.set(ctx, converter);
      converter.catch(() => converters.delete(ctx));
    }
    return converter;
  }

  private static async load(ctx: ImportContext): Promise<GitHubText> {
    const [pulls, users] = await Promise.all([
      db.mergeRequest.findMany({ where: { projectId: ctx.project.id }, select: { iid: true } }),
      db.importSourceUser.findMany({ where: { importId: ctx.importId } }),
    ]);
    const usernames = await usernamesOf(users.map((user) => user.userId).filter((id): id is string => Boolean(id)));
    const logins = new Map<string, string | null>();
    for (const user of users) if (user.nickname) logins.set(user.nickname.toLowerCase(), user.userId ? (usernames.get(user.userId) ?? null) : null);
    return new GitHubText(ctx, new Set(pulls.map((pull) => pull.iid)), logins, new Set(users.map((user) => user.uuid)));
  }

  /** Pull request numbers of a page being written, so references to them read `!N`. */
  addPullNumbers(numbers: Iterable<number>): void {
    for (const number of numbers) this.pullNumbers.add(number);
  }

  /** Records the GitHub users met (once each), mapped by their GitHub user id, so mentions of them resolve. */
  async remember(ctx: ImportContext, users: ReadonlyArray<SourceUser | null>): Promise<void> {
    const fresh = new Map<string, SourceUser>();
    for (const user of users) if (user && !this.knownIds.has(user.id)) fresh.set(user.id, user);
    if (fresh.size === 0) return;
    const mapped = new Map<string, string | null>();
    for (const user of fresh.values()) mapped.set(user.id, await ctx.mappedUserFor(user));
    const usernames = await usernamesOf([...mapped.values()].filter((id): id is string => Boolean(id)));
    await db.importSourceUser.createMany({
      data: [...fresh.values()].map((user) => ({ importId: ctx.importId, uuid: user.id, nickname: user.username, displayName: user.displayName, userId: mapped.get(user.id) ?? null })),
      skipDuplicates: true,
    });
    for (const user of fresh.values()) {
      this.knownIds.add(user.id);
      const userId = mapped.get(user.id);
      if (user.username) this.logins.set(user.username.toLowerCase(), userId ? (usernames.get(userId) ?? null) : null);
    }
  }

  convert(text: string, author: SourceUser | null, mapped: boolean): string {
    const repository = this.ctx.sourceRepository();
    const body = convertGitHubText(text, {
      repositoryUrl: repository.webUrl,
      fullName: repository.fullName,
      projectUrl: `${config().NEXTAUTH_URL}/${this.ctx.project.fullPath}`,
      isPullRequest: (number) => this.pullNumbers.has(number),
      mappedUsername: (login) => this.logins.get(login.toLowerCase()) ?? null,
      profileBase: config().NEXTAUTH_URL,
    });
    return withAttribution(body, author ? { username: author.username, displayName: author.displayName } : null, mapped);
  }
}

async function usernamesOf(userIds: readonly string[]): Promise<Map<string, string>> {
  if (userIds.length === 0) return new Map();
  const users = await db.user.findMany({ where: { id: { in: [...new Set(userIds)] } }, select: { id: true, username: true } });
  return new Map(users.map((user) => [user.id, user.username]));
}
