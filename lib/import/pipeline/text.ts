import { config } from "@/lib/config";
import { db } from "@/lib/db";
import { convertBody, userProfilePath, withAttribution } from "@/lib/import/content";
import type { SourceUser } from "@/lib/import/sources/types";
import type { ImportContext } from "./context";

type MentionTarget = { username: string; profileUrl?: string } | { displayName: string } | null;

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

  static async forImport(ctx: ImportContext, sourceRepositoryUrl: string): Promise<TextConverter> {
    const sourceUsers = await db.importSourceUser.findMany({ where: { importId: ctx.importId } });
    const mappedIds = sourceUsers.map((user) => user.userId).filter((id): id is string => Boolean(id));
    const usernames = new Map(
      (await db.user.findMany({ where: { id: { in: mappedIds } }, select: { id: true, username: true } })).map((user) => [user.id, user.username]),
    );
    const base = config().NEXTAUTH_URL;
    const mentions = new Map<string, MentionTarget>();
    for (const user of sourceUsers) {
      const username = user.userId ? usernames.get(user.userId) : undefined;
      const target: MentionTarget = username
        ? { username, profileUrl: `${base}${userProfilePath(username)}` }
        : user.displayName || user.nickname
          ? { displayName: (user.displayName ?? user.nickname)! }
          : null;
      mentions.set(user.uuid, target);
      if (user.accountId) mentions.set(user.accountId, target);
    }
    return new TextConverter(sourceRepositoryUrl, `${base}/${ctx.project.fullPath}`, mentions);
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
