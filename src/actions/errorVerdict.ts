import { RunBackendError } from '../backends/runBackend.js';
import { RsyncArgumentError } from '../commands/rsync.js';
import { ConfigError } from '../config/load.js';
import { SecretsError } from '../secrets/secrets.js';
import { ActionCancelled, ActionFailure, type Verdict } from './types.js';

/** The verdict of an action that threw: what the user reads instead of a stack trace. */
export function verdictForError(error: unknown, aborted: boolean): Verdict {
  if (error instanceof ActionCancelled || aborted) {
    const declined = error instanceof ActionCancelled && error.declined;
    return {
      outcome: declined ? 'declined' : 'cancelled',
      summary: declined ? `not done: ${(error as Error).message}` : 'cancelled',
      details: [],
      hint: null,
    };
  }
  if (error instanceof ActionFailure)
    return { outcome: 'failed', summary: error.message, details: [], hint: error.hint, cause: error.cause_ };
  if (error instanceof ConfigError)
    return {
      outcome: 'failed',
      summary: `config problem in ${error.file}`,
      details: error.problems,
      hint: 'fix the config file, then try again',
      cause: 'config',
    };
  if (error instanceof RunBackendError)
    return { outcome: 'failed', summary: error.message, details: [], hint: error.hint };
  if (error instanceof RsyncArgumentError)
    return { outcome: 'failed', summary: error.message, details: [], hint: null, cause: 'config' };
  if (error instanceof SecretsError)
    return { outcome: 'failed', summary: error.message, details: [], hint: error.hint, cause: 'secrets' };
  return {
    outcome: 'failed',
    summary: `internal error: ${(error as Error)?.message ?? String(error)}`,
    details: [],
    hint: 'please report this with the output above',
  };
}
