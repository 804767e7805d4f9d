// Exit codes of the CLI verbs.

/** The result is good but something is left undone (a job succeeded with warnings, a cleanup item skipped). */
export const EXIT_WARNINGS = 3;
