/** GitLab v4 response shapes for Ferry's rows. Numeric ids: users show User.number, projects and namespaces their ids. */
export * from "./users";
export * from "./projects";
export * from "./work-items";
export * from "./repository";
export * from "./imports";
export * from "./archive-jobs";
export * from "./snippets";
