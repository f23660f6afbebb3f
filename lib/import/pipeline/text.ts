import { config } from "@/lib/config";
import { db } from "@/lib/db";
import { convertBody, userProfilePath, withAttribution } from "@/lib/import/content";
import type { SourceUser } from "@/lib/import/sources/types";
import type { ImportContext } from "./context";

type MentionTarget = { username: string; profileUrl?: string } | { displayName: string } | null;

/** What the shared issue and merge request writers need from a source's text conversion. */
export type ItemTextConverter = {
  remember(ctx: ImportContext, users: ReadonlyArray<SourceUser | null>): Promise<void>;
  convert(text: string, author: SourceUser | null, mapped: boolean): string;
};

const converters = new WeakMap<ImportContext, Promise<TextConverter>>();

/**
 * Converts imported text for one import: mentions of source users, links to the source
 * repository, and the `*Created by*` attribution when the author is not a Ferry user.
 */
export class TextConverter {
  private constructor(
    private readonly sourceRepositoryUrl: string,
    private readonly targetProjectUrl: string,
    private readonly mentions: Map<string, MentionTarget>,
  ) {}

  /** One converter per context (a stage in this process): the workspace members are read once. */
  static forContext(ctx: ImportContext, sourceRepositoryUrl: string): Promise<TextConverter> {
    let converter = converters.get(ctx);
    if (!converter) {
      converter = TextConverter.forImport(ctx, sourceRepositoryUrl);
      converters.set(ctx, converter);
      converter.catch(() => converters.delete(ctx));
    }
    return converter;
  }

  static async forImport(ctx: ImportContext, sourceRepositoryUrl: string): Promise<TextConverter> {
    const sourceUsers = await db.importSourceUser.findMany({ where: { importId: ctx.importId } });
    const mappedIds = sourceUsers.map((user) => user.userId).filter((id): id is string => Boolean(id));
    const usernames = await usernamesOf(mappedIds);
    const mentions = new Map<string, MentionTarget>();
    for (const user of sourceUsers) {
      const target = mentionTarget(user.userId ? usernames.get(user.userId) : undefined, user.displayName ?? user.nickname);
      mentions.set(user.uuid, target);
      if (user.accountId) mentions.set(user.accountId, target);
    }
    return new TextConverter(sourceRepositoryUrl, `${config().NEXTAUTH_URL}/${ctx.project.fullPath}`, mentions);
  }

  /**
   * Makes the people a page names (authors, reviewers, commenters) known to mentions too, so a
   * mention of someone outside the workspace still reads as their name (or `@username` when
   * they are a Ferry user). Resolves each user once, through the import's user mapping.
   */
  async remember(ctx: ImportContext, users: ReadonlyArray<SourceUser | null>): Promise<void> {
    const unknown = new Map<string, SourceUser>();
    for (const user of users) if (user && !this.mentions.has(user.id) && !unknown.has(user.id)) unknown.set(user.id, user);
    if (unknown.size === 0) return;
    const mapped = new Map<string, string | null>();
    for (const user of unknown.values()) mapped.set(user.id, await ctx.ferryUserFor(user));
    const usernames = await usernamesOf([...mapped.values()].filter((id): id is string => Boolean(id)));
    for (const user of unknown.values()) {
      const userId = mapped.get(user.id);
      const target = mentionTarget(userId ? usernames.get(userId) : undefined, user.displayName ?? user.username);
      this.mentions.set(user.id, target);
      if (user.accountId && !this.mentions.has(user.accountId)) this.mentions.set(user.accountId, target);
    }
  }

  convert(text: string, author: SourceUser | null, mapped: boolean): string {
    const body = convertBody(text, {
      sourceRepositoryUrl: this.sourceRepositoryUrl,
      targetProjectUrl: this.targetProjectUrl,
      resolveMention: (id: string) => this.mentions.get(id) ?? null,
    });
    return withAttribution(body, author ? { username: author.username, displayName: author.displayName } : null, mapped);
  }
}

function mentionTarget(username: string | undefined, name: string | null): MentionTarget {
  if (username) return { username, profileUrl: `${config().NEXTAUTH_URL}${userProfilePath(username)}` };
  return name ? { displayName: name } : null;
}

async function usernamesOf(userIds: readonly string[]): Promise<Map<string, string>> {
  if (userIds.length === 0) return new Map();
  const users = await db.user.findMany({ where: { id: { in: [...new Set(userIds)] } }, select: { id: true, username: true } });
  return new Map(users.map((user) => [user.id, user.username]));
}
