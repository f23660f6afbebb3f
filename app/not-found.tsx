import type { Metadata } from "next";
import { NotFoundMessage } from "@/components/ui/not-found-message";

export const metadata: Metadata = { title: "Not found" };

export default function NotFound() {
  return <NotFoundMessage>The page could not be found, or you don&apos;t have access to it.</NotFoundMessage>;
}
