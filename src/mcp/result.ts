/** What a tool hands back: JSON text with every server string through the one sanitiser, or an error result. */
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { safeText } from '../text/sanitise.js';

/** Every string of a value, sanitised (keys included: server text can name things). */
export function sanitiseDeep(value: unknown): unknown {
  if (typeof value === 'string') return safeText(value);
  if (Array.isArray(value)) return value.map(sanitiseDeep);
  if (value !== null && typeof value === 'object')
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [safeText(k), sanitiseDeep(v)]));
  return value;
}

export function okResult(value: Record<string, unknown>): CallToolResult {
  const clean = sanitiseDeep(value) as Record<string, unknown>;
  return { content: [{ type: 'text', text: JSON.stringify(clean) }], structuredContent: clean };
}

export function errorResult(message: string, extra: Record<string, unknown> = {}): CallToolResult {
  const clean = sanitiseDeep({ error: message, ...extra }) as Record<string, unknown>;
  return { isError: true, content: [{ type: 'text', text: JSON.stringify(clean) }], structuredContent: clean };
}

/** A tool body whose failures become error results: the server never crashes on one call. */
export function guarded<A>(fn: (args: A) => Promise<CallToolResult>): (args: A) => Promise<CallToolResult> {
  return async (args) => {
    try {
      return await fn(args);
    } catch (error) {
      return errorResult(error instanceof Error ? error.message : String(error));
    }
  };
}
