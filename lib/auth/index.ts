export { authOptions, type SessionUser } from "./options";
export { currentUser, requireUser } from "./session";
export { bitbucketCredentialForUser, bitbucketCredentialForAccount, reconnectRequired } from "./bitbucket-credential";
