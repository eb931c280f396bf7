/**
 * Asking the person behind the client (MCP elicitation) before an action the agent did not
 * confirm. The question shows exactly the commands the dry run prints; the answer is a yes/no
 * form. A client without elicitation gets the refusal that asks for "confirm": true instead.
 */
import type { Server } from '@modelcontextprotocol/sdk/server/index.js';

/** How long the person has to answer. */
const ANSWER_TIMEOUT_MS = 5 * 60_000;
/** Commands the question shows at most (the rest are counted). */
const MAX_COMMANDS = 30;

export function canAskPerson(server: Server): boolean {
  return server.getClientCapabilities()?.elicitation?.form !== undefined;
}

export type PersonAnswer = { allowed: true } | { allowed: false; why: string };

export async function askPerson(server: Server, what: string, commands: readonly string[]): Promise<PersonAnswer> {
  const shown = commands.slice(0, MAX_COMMANDS);
  const more = commands.length - shown.length;
  const message = [
    `An agent asks to ${what}. It would run:`,
    ...shown,
    ...(more > 0 ? [`… and ${more} more command(s)`] : []),
    'Allow it?',
  ].join('\n');
  try {
    const r = await server.elicitInput(
      {
        mode: 'form',
        message,
        requestedSchema: {
          type: 'object',
          properties: {
            allow: { type: 'boolean', title: 'Allow', description: `${what}, as shown`, default: false },
          },
          required: ['allow'],
        },
      },
      { timeout: ANSWER_TIMEOUT_MS },
    );
    if (r.action === 'accept' && r.content?.allow === true) return { allowed: true };
    return {
      allowed: false,
      why:
        r.action === 'accept'
          ? 'the person answered no'
          : `the person ${r.action === 'decline' ? 'declined' : 'dismissed the question'}`,
    };
  } catch (error) {
    return { allowed: false, why: `the person could not be asked: ${(error as Error).message}` };
  }
}
