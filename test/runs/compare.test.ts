/**
 * The comparison's numbers against the metrics files runs really wrote: the stand-in training
 * script runs here with three learning rates, and every final/min/best must be what its own
 * metrics.jsonl and metrics.json say (read independently below).
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compareCsv, compareMarkdown, topRows } from '../../src/format/compare.js';
import { type CompareInput, compareRuns } from '../../src/runs/compare.js';
import { parseCompareRead, runMetrics } from '../../src/runs/compareRead.js';

const SCRIPT = path.join(import.meta.dirname, 'fixtures', 'progress.py');
const LRS = ['0.001', '0.003', '0.01'];
let dir: string;
const runs: { id: string; lr: string; runDir: string; log: string }[] = [];

beforeAll(() => {
  dir = mkdtempSync('/tmp/ty-compare-');
  for (const [i, lr] of LRS.entries()) {
    const runDir = path.join(dir, `run-${i}`);
    mkdirSync(runDir);
    const log = execFileSync('python3', [SCRIPT, '3', '2', '0', '--lr', lr], {
      env: { ...process.env, TRAINYARD_RUN_DIR: runDir },
      encoding: 'utf8',
    });
    runs.push({ id: `run-${i}`, lr, runDir, log });
  }
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** What the run's files say, read without any trainyard code. */
function fromFiles(runDir: string) {
  const jsonl = readFileSync(path.join(runDir, 'metrics.jsonl'), 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as { val_loss: number });
  const json = JSON.parse(readFileSync(path.join(runDir, 'metrics.json'), 'utf8')) as {
    val_loss: number;
    final_loss: number;
  };
  return { valLoss: [...jsonl.map((r) => r.val_loss), json.val_loss], finalLoss: json.final_loss };
}

/** The remote read's output format, built from the files as the server script would send them. */
function readBack(run: (typeof runs)[number]) {
  const b64 = (s: string) => Buffer.from(s).toString('base64');
  const files = readdirSync(run.runDir)
    .filter((f) => f === 'metrics.json' || f.endsWith('.jsonl'))
    .map((f) => `@@file 0 ${b64(f)} ${b64(readFileSync(path.join(run.runDir, f), 'utf8'))}`);
  return parseCompareRead([`@@log 0 ${b64(run.log)}`, ...files, '@@end'].join('\n'), 1)[0];
}

describe('the comparison of runs that wrote metrics files', () => {
  const inputs = (): CompareInput[] =>
    runs.map((r) => ({
      id: r.id,
      host: 'gpu-a',
      gpus: '0',
      state: 'finished',
      params: { lr: r.lr, seed: '1' },
      metrics: runMetrics(readBack(r)),
    }));

  it("gives each run the final, min and best of each metric its files hold (files win over the log's rounded numbers)", () => {
    const table = compareRuns('lr-sweep', inputs(), { name: 'val_loss', goal: 'min' });
    for (const r of runs) {
      const files = fromFiles(r.runDir);
      const row = table.rows.find((x) => x.id === r.id)!;
      expect(row.metrics.val_loss).toEqual({
        final: files.valLoss.at(-1),
        min: Math.min(...files.valLoss),
        best: Math.min(...files.valLoss),
      });
      expect(row.metrics.final_loss.final).toBe(files.finalLoss);
      // the log's "loss" lines (only in the log) are there too: its last printed value
      const printed = [...r.log.matchAll(/ loss ([0-9.]+)/g)].map((m) => Number(m[1]));
      expect(row.metrics.loss.final).toBe(printed.at(-1));
      expect(row.metrics.loss.min).toBe(Math.min(...printed));
    }
  });

  it('shows only the params that differ, sorts by the primary metric and marks the best', () => {
    const table = compareRuns('lr-sweep', inputs(), { name: 'val_loss', goal: 'min' });
    expect(table.paramNames).toEqual(['lr']);
    const best = runs.map((r) => ({ id: r.id, v: Math.min(...fromFiles(r.runDir).valLoss) })).sort((a, b) => a.v - b.v);
    expect(table.rows.map((r) => r.id)).toEqual(best.map((b) => b.id));
    expect(table.rows.map((r) => r.best)).toEqual([true, false, false]);
    // goal max turns the order round
    const max = compareRuns('lr-sweep', inputs(), { name: 'val_loss', goal: 'max' });
    expect(max.rows.map((r) => r.id)).toEqual(
      runs
        .map((r) => ({ id: r.id, v: Math.max(...fromFiles(r.runDir).valLoss) }))
        .sort((a, b) => b.v - a.v)
        .map((b) => b.id),
    );
  });

  it('prints as CSV (exact numbers), Markdown, and three lines for the alert', () => {
    const table = compareRuns('lr-sweep', inputs(), { name: 'val_loss', goal: 'min' });
    const csv = compareCsv(table).split('\n');
    expect(csv[0]).toBe(
      'best,run,host:GPU,state,lr,final_loss final,final_loss min,final_loss best,loss final,loss min,loss best,val_loss final,val_loss min,val_loss best',
    );
    const top = table.rows[0];
    expect(csv[1].split(',').slice(0, 5)).toEqual(['*', top.id, 'gpu-a:0', 'finished', top.params.lr]);
    expect(Number(csv[1].split(',').at(-1))).toBe(top.metrics.val_loss.best);
    expect(compareMarkdown(table).split('\n')[1]).toMatch(/^\| --- \|/);
    const alert = topRows(table);
    expect(alert).toHaveLength(3);
    expect(alert[0]).toBe(
      `1. ${top.id} lr=${top.params.lr} val_loss ${Number(top.metrics.val_loss.best.toPrecision(4))} (best)`,
    );
  });

  it('keeps a cell that a spreadsheet would run as a formula inert', () => {
    const table = compareRuns(
      's',
      [
        { id: '=HYPERLINK("x")', host: 'h', gpus: null, state: 'finished', params: { a: '1' }, metrics: {} },
        { id: 'b', host: 'h', gpus: null, state: 'crashed', params: { a: '-2' }, metrics: {} },
      ],
      null,
    );
    const csv = compareCsv(table);
    expect(csv).toContain(`"'=HYPERLINK(""x"")"`);
    expect(csv).toContain(',-2');
    expect(table.primary).toBeNull();
  });
});
