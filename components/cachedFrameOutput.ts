/**
 * Ink's frame buffer (`ink/build/output.js`) with memory between frames. Ink builds every frame
 * from nothing: it tokenises every written line, fills a fresh grid of width x height cell objects
 * and turns every grid row back into a string — ~4 ms of the ~5 ms a 200x50 cockpit frame costs,
 * though one sample changes a handful of lines. This subclass keeps Ink's arithmetic (clipping, wide
 * characters, transformers, overlapping writes) but splits it in two: what each write puts on each
 * row (cheap, with tokenised text and cut lines cached), then each row's string, built only when
 * the row's writes differ from every row of the last two frames: from whole runs of one-cell
 * characters where the writes do not overlap, else cell by cell as Ink does (the same codes either
 * way). A line of one-cell characters becomes a run a segment at a time (styledRuns.ts); only
 * other lines are tokenised, by fastTokenize.ts. The caches hold the entries of the last two
 * frames only. inkImportsHook.ts gives it to Ink's renderer.
 */
import { ansiCodesToString, diffAnsiCodes, styledCharsFromTokens, styledCharsToString } from '@alcalzone/ansi-tokenize';
import { fastTokenize } from './fastTokenize.js';
import {
  NO_STYLE,
  type Run,
  runOfChars,
  runOfSegments,
  type Style,
  type StyledChar,
  transition,
} from './styledRuns.js';

type Transformer = (line: string, index: number) => string;
interface Clip {
  x1?: number;
  x2?: number;
  y1?: number;
  y2?: number;
}
type Operation =
  | { type: 'write'; x: number; y: number; text: string; transformers: Transformer[] }
  | { type: 'clip'; clip: Clip }
  | { type: 'unclip' };

/** The parts of Ink's Output this class relies on (all present in the versions inkImportsHook accepts). */
interface InkOutputInstance {
  width: number;
  height: number;
  operations: Operation[];
  caches: InkCaches;
  sliceLineToColumns(line: string, from: number, to: number): string;
  get(): { output: string; height: number };
}
interface InkCaches {
  getStyledChars(line: string): StyledChar[];
  getStringWidth(text: string): number;
  getWidestLine(text: string): number;
}
type InkOutputClass = new (options: { width: number; height: number }) => InkOutputInstance;

/** Ink's own Output, loaded by file from Ink's folder (Ink's package exports only its index). */
export const InkOutput: InkOutputClass = (await import(new URL('./output.js', import.meta.resolve('ink')).href))
  .default;

const IGNORABLE = /\p{Default_Ignorable_Code_Point}/u;

/** A map that forgets what the last two frames did not ask for. */
class TwoFrameCache<V> {
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
class FrameCaches implements InkCaches {
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

const isClipEmpty = (clip: Clip) =>
  (clip.x1 !== undefined && clip.x2 !== undefined && clip.x1 >= clip.x2) ||
  (clip.y1 !== undefined && clip.y2 !== undefined && clip.y1 >= clip.y2);
const intersectBound = (a: number | undefined, b: number | undefined, tighter: (a: number, b: number) => number) =>
  a === undefined ? b : b === undefined ? a : tighter(a, b);
const intersectClips = (outer: Clip | undefined, inner: Clip): Clip =>
  outer
    ? {
        x1: intersectBound(outer.x1, inner.x1, Math.max),
        x2: intersectBound(outer.x2, inner.x2, Math.min),
        y1: intersectBound(outer.y1, inner.y1, Math.max),
        y2: intersectBound(outer.y2, inner.y2, Math.min),
      }
    : inner;
const blankCell = (cell: StyledChar): StyledChar => ({ ...cell, value: ' ', fullWidth: false });

// Shared by every frame: one cockpit draws one frame at a time, and the entries are immutable.
let shared: FrameCaches | undefined;

export class CachedFrameOutput extends InkOutput {
  constructor(options: { width: number; height: number }) {
    super(options);
    shared ??= new FrameCaches(this.caches.constructor as new () => InkCaches);
    this.caches = shared;
  }

  override get(): { output: string; height: number } {
    const caches = this.caches as FrameCaches;
    caches.nextFrame();
    // Per row: the writes that land on it, as x and the final (cut, transformed) line, in order.
    const rows: (number | string)[][] = [];
    for (let y = 0; y < this.height; y++) rows.push([]);
    const clips: Clip[] = [];
    for (const operation of this.operations) {
      if (operation.type === 'clip') clips.push(intersectClips(clips.at(-1), operation.clip));
      else if (operation.type === 'unclip') clips.pop();
      else this.placeWrite(rows, operation, clips.at(-1));
    }
    const draw = (pieces: (number | string)[]) =>
      pieces.length === 0 ? '' : caches.rows.get(`${this.width}\0${pieces.join('\0')}`, () => this.drawRow(pieces));
    return { output: rows.map(draw).join('\n'), height: rows.length };
  }

  /** The first half of Ink's applyWriteOperation: where each line of a write goes, cut and transformed. */
  private placeWrite(rows: (number | string)[][], operation: Operation & { type: 'write' }, clip: Clip | undefined) {
    const caches = this.caches as FrameCaches;
    const { text, transformers } = operation;
    let { x, y } = operation;
    let lines = caches.lines.get(text, () => {
      // one line of one-cell characters: styledCharsToString's string, from the run already made
      const run = text.includes('\n') ? null : this.run(text);
      if (run) return [transition(null, run.first) + run.inner + transition(run.last, NO_STYLE)];
      const characterLines: StyledChar[][] = [[]];
      for (const character of caches.getStyledChars(text)) {
        if (character.value === '\n') characterLines.push([]);
        else characterLines.at(-1)!.push(character);
      }
      return characterLines.map((line) => styledCharsToString(line as never));
    });
    if (clip) {
      if (isClipEmpty(clip)) return;
      const clipX = typeof clip.x1 === 'number' && typeof clip.x2 === 'number';
      const clipY = typeof clip.y1 === 'number' && typeof clip.y2 === 'number';
      if (clipX) {
        const width = caches.getWidestLine(text);
        if (x + width < clip.x1! || x > clip.x2!) return;
      }
      if (clipY && (y + lines.length < clip.y1! || y > clip.y2!)) return;
      if (clipX) {
        const from = x < clip.x1! ? clip.x1! - x : 0;
        lines = lines.map((line) => {
          const width = caches.getStringWidth(line);
          const to = x + width > clip.x2! ? clip.x2! - x : width;
          // not cut: Ink's slice would re-serialise the same characters (a run has no zero-width one to drop)
          if (from === 0 && to === width && this.run(line) !== null) return line;
          return caches.slices.get(`${from}\0${to}\0${line}`, () => this.sliceLineToColumns(line, from, to));
        });
        if (x < clip.x1!) x = clip.x1!;
      }
      if (clipY) {
        const from = y < clip.y1! ? clip.y1! - y : 0;
        const to = y + lines.length > clip.y2! ? clip.y2! - y : lines.length;
        lines = lines.slice(from, to);
        if (y < clip.y1!) y = clip.y1!;
      }
    }
    for (let index = 0; index < lines.length; index++) {
      const row = rows[y + index];
      if (!row) continue;
      let line = lines[index];
      for (const transformer of transformers) line = transformer(line, index + y - operation.y);
      // a run has characters; only another line is tokenised to see whether it has any
      if (this.run(line) === null && caches.getStyledChars(line).length === 0) continue;
      row.push(x, line);
    }
  }

  /** A line as a run, or null when a character is not exactly one cell wide. */
  private run(line: string): Run {
    const caches = this.caches as FrameCaches;
    return caches.runs.get(
      line,
      () => runOfSegments(line) ?? runOfChars(caches.getStyledChars(line), (text) => caches.getStringWidth(text)),
    );
  }

  /**
   * The row drawRow would build, from whole runs instead of a cell per column: the same codes
   * (styledCharsToString's, at each change of style), for a row whose pieces are one-cell
   * characters that neither overlap nor pass the right edge. Else null.
   */
  private drawRowFromRuns(pieces: (number | string)[]): string | null {
    const placed: { x: number; run: NonNullable<Run> }[] = [];
    for (let i = 0; i < pieces.length; i += 2) {
      const run = this.run(pieces[i + 1] as string);
      const x = pieces[i] as number;
      if (!run || x < 0 || x + run.cells > this.width) return null;
      placed.push({ x, run });
    }
    placed.sort((a, b) => a.x - b.x);
    let out = '';
    let column = 0;
    let styles: Style[] | null = null;
    for (const { x, run } of placed) {
      if (x < column) return null;
      if (x > column) {
        out += transition(styles, NO_STYLE) + ' '.repeat(x - column);
        styles = NO_STYLE;
      }
      out += transition(styles, run.first) + run.inner;
      styles = run.last;
      column = x + run.cells;
    }
    if (column < this.width) out += transition(styles, NO_STYLE) + ' '.repeat(this.width - column);
    else if (styles) out += ansiCodesToString(diffAnsiCodes(styles as never, []));
    return out.trimEnd();
  }

  /** The second half of Ink's applyWriteOperation and its row serialisation, for one row. */
  private drawRow(pieces: (number | string)[]): string {
    const fromRuns = this.drawRowFromRuns(pieces);
    if (fromRuns !== null) return fromRuns;
    const caches = this.caches as FrameCaches;
    const currentLine: StyledChar[] = [];
    for (let x = 0; x < this.width; x++) currentLine.push({ type: 'char', value: ' ', fullWidth: false, styles: [] });
    for (let i = 0; i < pieces.length; i += 2) {
      let offsetX = pieces[i] as number;
      const characters = caches.getStyledChars(pieces[i + 1] as string);
      if (
        currentLine[offsetX]?.value === '' &&
        offsetX > 0 &&
        caches.getStringWidth(currentLine[offsetX - 1]?.value ?? '') > 1
      )
        currentLine[offsetX - 1] = blankCell(currentLine[offsetX - 1]);
      for (const character of characters) {
        currentLine[offsetX] = character;
        const characterWidth = Math.max(1, caches.getStringWidth(character.value));
        for (let offset = 1; offset < characterWidth; offset++)
          currentLine[offsetX + offset] = {
            type: 'char',
            value: offsetX < 0 ? ' ' : '',
            fullWidth: false,
            styles: character.styles,
          };
        offsetX += characterWidth;
      }
      if (currentLine[offsetX]?.value === '') currentLine[offsetX] = blankCell(currentLine[offsetX]);
    }
    return styledCharsToString(currentLine.filter((item) => item !== undefined) as never).trimEnd();
  }
}

export default CachedFrameOutput;
