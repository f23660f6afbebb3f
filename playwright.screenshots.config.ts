import { defineConfig } from "@playwright/test";
import base from "./playwright.config";

/** `npm run screenshots`: the README's screenshots (e2e/*.screens.ts), never part of `npm test`. */
export default defineConfig({ ...base, testMatch: "**/*.screens.ts", timeout: 300_000 });
