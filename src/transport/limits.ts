/** Buffered output kept per stream (stdout, stderr) of an exec unless ExecOptions.maxOutputBytes says otherwise. */
export const MAX_EXEC_OUTPUT_BYTES = 16 * 1024 * 1024;
/** The time limit of an exec whose caller gave none. */
export const DEFAULT_EXEC_TIMEOUT_MS = 120_000;
