import { createApiRouter } from "../router";
import { archiveImportRoutes } from "./archive-imports";
import { importRoutes } from "./imports";
import { namespaceRoutes } from "./namespaces";
import { projectRoutes } from "./projects";
import { protectedBranchRoutes } from "./protected-branches";
import { snippetRoutes } from "./snippets";
import { userRoutes } from "./users";
import { workItemRoutes } from "./work-items";

/** Every `/api/v4` endpoint; app/api/v4/[...path]/route.ts serves them all. */
export const apiRoutes = { ...importRoutes, ...archiveImportRoutes, ...userRoutes, ...namespaceRoutes, ...projectRoutes, ...protectedBranchRoutes, ...workItemRoutes, ...snippetRoutes };

export const routeApiRequest = createApiRouter(apiRoutes);
