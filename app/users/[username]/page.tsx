import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { Avatar, PlaceholderMarker } from "@/components/projects/person";
import { Time } from "@/components/ui/time";
import { Detail, PageHeading, Section } from "@/components/ui/page-blocks";
import { requireUser } from "@/lib/auth";
import { db } from "@/lib/db";
import { sameTextIgnoringCase } from "@/lib/db/same-text";
import { contributionCounts, placeholderSourceOf, REASSIGNMENT_STATUS_LABELS, sourceUserPhrase } from "@/lib/users/placeholders";

type Props = { params: Promise<{ username: string }> };

export const dynamic = "force-dynamic";

async function findUser(username: string) {
  return db.user.findFirst({
    where: { username: sameTextIgnoringCase(decodeURIComponent(username)) },
    select: {
      id: true,
      kind: true,
      username: true,
      name: true,
      image: true,
      createdAt: true,
      placeholderSource: true,
      placeholderNamespace: { select: { fullPath: true } },
      placeholderReassignment: { select: { status: true, targetUser: { select: { username: true, name: true } } } },
    },
  });
}

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  const user = await findUser((await params).username);
  return { title: user ? (user.name ?? user.username) : "Not found" };
}

/** A user's profile; mentions of mapped users in imported text link here. */
export default async function UserPage({ params }: Props) {
  const { username } = await params;
  await requireUser(`/users/${username}`);
  const user = await findUser(username);
  if (!user) notFound();
  const counts = (await contributionCounts([user.id])).get(user.id)!;
  const placeholder = user.kind === "placeholder";
  const source = placeholderSourceOf(user.placeholderSource);
  return (
    <div className="space-y-6">
      <PageHeading
        title={
          <span className="inline-flex items-center gap-3">
            <Avatar person={user} size="md" />
            {user.name ?? user.username}
            {placeholder && <PlaceholderMarker source={source.username ?? source.displayName} />}
          </span>
        }
      >
        @{user.username}
      </PageHeading>
      <Section title={placeholder ? "Placeholder" : "Profile"}>
        <dl>
          {placeholder ? (
            <>
              <Detail term="Stands for">{sourceUserPhrase(source)}</Detail>
              {user.placeholderNamespace && <Detail term="Group">{user.placeholderNamespace.fullPath}</Detail>}
              <Detail term="Reassignment">
                {REASSIGNMENT_STATUS_LABELS[user.placeholderReassignment?.status ?? "pending"]}
                {user.placeholderReassignment?.status === "reassigned" && user.placeholderReassignment.targetUser && (
                  <>
                    {" "}
                    to{" "}
                    <Link className="text-brand-700 hover:underline" href={`/users/${user.placeholderReassignment.targetUser.username}`}>
                      @{user.placeholderReassignment.targetUser.username}
                    </Link>
                  </>
                )}
              </Detail>
              <Detail term="Created">
                <Time value={user.createdAt} format="date" />
              </Detail>
            </>
          ) : (
            <Detail term="Member since">
              <Time value={user.createdAt} format="date" />
            </Detail>
          )}
          <Detail term="Contributions">
            {counts.issues} issues, {counts.mergeRequests} merge requests, {counts.notes} comments, {counts.approvals} approvals
          </Detail>
        </dl>
      </Section>
    </div>
  );
}
