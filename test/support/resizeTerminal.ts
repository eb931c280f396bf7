import type { EventEmitter } from 'node:events';

/** Gives a fake terminal stream a new size and tells Ink, as a real terminal's SIGWINCH does. */
export function resizeTerminal(stream: EventEmitter, columns: number, rows: number): void {
  Object.defineProperty(stream, 'columns', { value: columns, configurable: true });
  Object.defineProperty(stream, 'rows', { value: rows, configurable: true });
  stream.emit('resize');
}
