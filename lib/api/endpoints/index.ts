import { createApiRouter } from "../router";
import { importRoutes } from "./imports";
import { namespaceRoutes } from "./namespaces";
import { projectRoutes } from "./projects";
import { userRoutes } from "./users";
import { workItemRoutes } from "./work-items";

/** Every endpoint served by app/api/v4/[...path]/route.ts. */
export const apiRoutes = { ...importRoutes, ...userRoutes, ...namespaceRoutes, ...projectRoutes, ...workItemRoutes };

export const routeApiRequest = createApiRouter(apiRoutes);
