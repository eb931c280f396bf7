import { useWindowSize } from 'ink';

/** The terminal's columns and rows (Ink re-renders on resize), never below 1x1. */
export function useTerminalSize(): { columns: number; rows: number } {
  const { columns, rows } = useWindowSize();
  return { columns: Math.max(1, columns), rows: Math.max(1, rows) };
}
