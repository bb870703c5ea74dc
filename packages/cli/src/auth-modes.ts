/** The auth modes the client supports (see `@cytorx/core` `createClient`). */
export const AUTH_MODES = ['hmac', 'hmac-pathless', 'headers', 'bearer'] as const;

/** An auth mode name. */
export type CliAuthMode = (typeof AUTH_MODES)[number];
