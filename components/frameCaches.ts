/**
 * The caches behind cachedFrameOutput.ts: Ink's per-frame ones (the same methods and answers,
 * kept across frames) and the frame buffer's own, each forgetting what the last two frames did not
 * ask for.
 */
import { styledCharsFromTokens } from '@alcalzone/ansi-tokenize';
import { fastTokenize } from './fastTokenize.js';

export type Style = { code: string; endCode: string };
export type StyledChar = { type: 'char'; value: string; fullWidth: boolean; styles: Style[] };
/** A line whose characters are one cell each, serialised without its opening and closing codes. */
export type Run = { first: Style[]; last: Style[]; inner: string; cells: number } | null;

/** Ink's per-frame caches (OutputCaches in ink/build/output.js). */
export interface InkCaches {
  getStyledChars(line: string): StyledChar[];
  getStringWidth(text: string): number;
  getWidestLine(text: string): number;
}

const IGNORABLE = /\p{Default_Ignorable_Code_Point}/u;

/** A map that forgets what the last two frames did not ask for. */
export class TwoFrameCache<V> {
  private now = new Map<string, V>();
  private before = new Map<string, V>();
  get(key: string, compute: () => V): V {
    let value = this.now.get(key);
    if (value !== undefined) return value;
    value = this.before.get(key);
    if (value === undefined) value = compute();
    this.now.set(key, value);
    return value;
  }
  nextFrame() {
    this.before = this.now;
    this.now = new Map();
  }
}

/** Ink's per-frame caches (same methods, same answers), kept across frames. Ink's own fill them and are replaced each frame. */
export class FrameCaches implements InkCaches {
  readonly styledChars = new TwoFrameCache<StyledChar[]>();
  readonly widths = new TwoFrameCache<number>();
  readonly blockWidths = new TwoFrameCache<number>();
  /** A write's text split into lines, each re-serialised from its styled characters. */
  readonly lines = new TwoFrameCache<string[]>();
  readonly slices = new TwoFrameCache<string>();
  readonly rows = new TwoFrameCache<string>();
  readonly runs = new TwoFrameCache<Run>();
  private ink: InkCaches;
  constructor(private readonly inkCaches: new () => InkCaches) {
    this.ink = new inkCaches();
  }
  getStyledChars(line: string) {
    // Ink drops the characters that are only invisible code points, testing each; a line without
    // any such code point loses none.
    return this.styledChars.get(line, () =>
      IGNORABLE.test(line)
        ? this.ink.getStyledChars(line)
        : (styledCharsFromTokens(fastTokenize(line)) as StyledChar[]),
    );
  }
  getStringWidth(text: string) {
    return this.widths.get(text, () => this.ink.getStringWidth(text));
  }
  getWidestLine(text: string) {
    return this.blockWidths.get(text, () => this.ink.getWidestLine(text));
  }
  nextFrame() {
    this.ink = new this.inkCaches();
    for (const cache of [
      this.styledChars,
      this.widths,
      this.blockWidths,
      this.lines,
      this.slices,
      this.rows,
      this.runs,
    ])
      cache.nextFrame();
  }
}
