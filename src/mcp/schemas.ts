/**
 * The argument types every tool shares. Names are plain identifiers: anything with shell syntax,
 * a path separator or a control character is refused by the schema before a tool runs.
 */
import { z } from 'zod';

const NAME = /^[A-Za-z0-9_][A-Za-z0-9_@%+=-]*$/;
const nameOf = (what: string) =>
  z.string().min(1).max(200).regex(NAME, `${what}: letters, digits and _ @ % + = - only (not first: @ % + = -)`);

export const hostArg = z
  .string()
  .min(1)
  .max(200)
  .regex(/^[A-Za-z0-9_][A-Za-z0-9_.+-]*$/, 'host: an ssh_config alias from the config (letters, digits and . _ - +)')
  .describe('a host alias from the config, e.g. "gpu-1"');
export const projectArg = nameOf('project').describe('a project name from the config');
export const runArg = nameOf('run').describe('a run id (its tmux session name), as list_runs shows');
export const gpusArg = z
  .string()
  .regex(
    /^(all|least-used(:[1-9][0-9]?)?|[0-9]{1,2}(,[0-9]{1,2})*)$/,
    'gpus: "all", "least-used", "least-used:N" or a list such as "0,1"',
  )
  .describe('"all", "least-used", "least-used:N" or "0,1" (default: the project\'s "gpus")');
export const paramsArg = z
  .object({
    session: nameOf('params.session').optional().describe('the new run id (tmux session name); default PROJECT-xxxx'),
    gpus: gpusArg.optional(),
  })
  .strict()
  .optional()
  .describe('launch parameters');
export const confirmArg = z
  .boolean()
  .optional()
  .describe('true to really do it; without it the tool refuses and says what dry_run would show');
