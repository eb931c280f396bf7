/**
 * Text the watchdog wrote is server text: a training log decides what an event's detail or a
 * run's lastError says, and JSON's \u escapes turn plain text into real control bytes when it
 * is parsed. Every string read from summary.json and events.jsonl goes through the sanitiser here.
 */
import { sanitizeLine } from '../logs/ansi.js';

/** One string as it may reach a screen: one line, no escape sequences, no control characters. */
export function serverText(s: string): string {
  // a detail is one line: \r and \n become spaces rather than hiding what came before them
  return sanitizeLine(s.replace(/[\r\n]+/g, ' '), { keepColors: false });
}

/** A parsed JSON value with every string in it (keys too) sanitised. */
export function serverStrings<T>(value: T): T {
  if (typeof value === 'string') return serverText(value) as T;
  if (Array.isArray(value)) return value.map((v) => serverStrings(v)) as T;
  if (typeof value === 'object' && value !== null) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[serverText(k)] = serverStrings(v);
    return out as T;
  }
  return value;
}
