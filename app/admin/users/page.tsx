import type { Metadata } from "next";
import { requireAdmin } from "../require-admin";
import { CreateUserForm } from "@/components/admin/admin-forms";
import { Badge } from "@/components/projects/badges";
import { Time } from "@/components/ui/time";
import { HeaderCell, Section, Table, TableHead } from "@/components/ui/page-blocks";
import { db } from "@/lib/db";

export const metadata: Metadata = { title: "Users · Administration" };
export const dynamic = "force-dynamic";

const PAGE_SIZE = 200;

export default async function AdminUsersPage() {
  await requireAdmin("/admin/users");
  const [users, total, placeholders] = await Promise.all([
    db.user.findMany({
      where: { kind: "human" },
      orderBy: { username: "asc" },
      take: PAGE_SIZE,
      select: {
        id: true,
        username: true,
        name: true,
        email: true,
        isAdmin: true,
        passwordHash: true,
        createdAt: true,
        accounts: { where: { provider: "bitbucket" }, select: { nickname: true } },
      },
    }),
    db.user.count({ where: { kind: "human" } }),
    db.user.count({ where: { kind: "placeholder" } }),
  ]);
  return (
    <div className="space-y-6">
      <Section title="Create a user">
        <p className="mb-3 text-sm text-slate-600">Local users sign in with their username (or email) and password, and can connect Bitbucket from their profile.</p>
        <CreateUserForm />
      </Section>
      <div>
        <h2 className="mb-2 text-sm font-semibold text-slate-900">
          Users ({total}
          {total > users.length ? `, first ${users.length} shown` : ""}){placeholders > 0 && <span className="font-normal text-slate-500"> · {placeholders} placeholders from imports, managed by group Owners</span>}
        </h2>
        <Table caption="Users">
          <TableHead>
            <HeaderCell>User</HeaderCell>
            <HeaderCell>Email</HeaderCell>
            <HeaderCell>Signs in with</HeaderCell>
            <HeaderCell>Created</HeaderCell>
          </TableHead>
          <tbody className="divide-y divide-slate-100">
            {users.map((user) => (
              <tr key={user.id} data-testid="admin-user-row" data-username={user.username}>
                <td className="px-4 py-2">
                  <span className="font-medium">{user.name ?? user.username}</span> <span className="text-slate-500">@{user.username}</span>{" "}
                  {user.isAdmin && <Badge tone="purple">Admin</Badge>}
                </td>
                <td className="px-4 py-2 text-slate-700">{user.email ?? "—"}</td>
                <td className="px-4 py-2 text-slate-700">
                  {[user.passwordHash ? "password" : null, ...user.accounts.map((account) => `Bitbucket @${account.nickname ?? "?"}`)].filter(Boolean).join(", ") || "—"}
                </td>
                <td className="px-4 py-2 text-slate-600">
                  <Time value={user.createdAt} format="date" />
                </td>
              </tr>
            ))}
          </tbody>
        </Table>
      </div>
    </div>
  );
}
