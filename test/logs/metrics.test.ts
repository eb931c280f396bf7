import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from 'vitest';
import { MetricSeries } from '../../src/logs/metricSeries.js';
import { MetricsCollector } from '../../src/logs/metrics.js';
import { createMetricsParser, MetricsPatternError, parseMetricNumber } from '../../src/logs/metricsParse.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const fixture = (name: string) => fs.readFileSync(path.join(here, '../fixtures/logs', name), 'utf8').split('\n');

describe('metric numbers', () => {
  test('plain, signed, exponent, nan and inf as training code prints them', () => {
    expect(parseMetricNumber('2.4505')).toBe(2.4505);
    expect(parseMetricNumber('3.0e-04')).toBe(3e-4);
    expect(parseMetricNumber('-1.5E+2')).toBe(-150);
    expect(parseMetricNumber('.5')).toBe(0.5);
    expect(parseMetricNumber('nan')).toBeNaN();
    expect(parseMetricNumber('NaN')).toBeNaN();
    expect(parseMetricNumber('inf')).toBe(Infinity);
    expect(parseMetricNumber('-inf')).toBe(-Infinity);
    expect(parseMetricNumber('Infinity')).toBe(Infinity);
    expect(parseMetricNumber('3/10')).toBeNull();
    expect(parseMetricNumber('GiB')).toBeNull();
    expect(parseMetricNumber('')).toBeNull();
  });
});

describe('default scanner on the real logs', () => {
  test('train-loss-decreasing.log: 761 loss and lr values against their step, loss decaying', () => {
    const lines = fixture('train-loss-decreasing.log').filter(Boolean);
    expect(lines).toHaveLength(761);
    const parser = createMetricsParser();
    const samples = lines.map((l) => parser.parse(l));
    expect(samples.every((s) => s !== null)).toBe(true);
    expect(samples[0]).toEqual({ x: 1, values: { loss: 2.4505, lr: 3e-4 } });
    expect(samples[760]).toEqual({ x: 761, values: { loss: 0, lr: 3e-4 } });
    const loss = samples.map((s) => s!.values.loss);
    for (let i = 1; i < loss.length; i++) expect(loss[i]).toBeLessThanOrEqual(loss[i - 1]);
    expect(samples.map((s) => s!.x)).toEqual(Array.from({ length: 761 }, (_, i) => i + 1));
  });

  test('loss-inf.log: every loss is +inf, and the exit line is not a metric', () => {
    const parser = createMetricsParser();
    const samples = fixture('loss-inf.log').map((l) => parser.parse(l));
    expect(samples.filter(Boolean)).toHaveLength(5);
    for (const s of samples.slice(0, 5)) expect(s!.values.loss).toBe(Infinity);
    expect(samples[5]).toBeNull(); // exit=0
  });

  test('cuda-oom.log: one loss, and nothing from the traceback (no "capacity of 79.18")', () => {
    const parser = createMetricsParser();
    const samples = fixture('cuda-oom.log').map((l) => parser.parse(l));
    expect(samples[0]).toEqual({ x: 1, values: { loss: 2.301 } });
    expect(samples.slice(1).every((s) => s === null)).toBe(true);
  });

  test('other common formats: key=value, key: value, Python dicts, prefixed names, colours', () => {
    const parser = createMetricsParser();
    expect(parser.parse("{'loss': 0.4321, 'grad_norm': 1.25, 'learning_rate': 4.9e-05, 'epoch': 0.12}")).toEqual({
      x: 0.12,
      values: { loss: 0.4321, grad_norm: 1.25, learning_rate: 4.9e-5 },
    });
    expect(parser.parse('iter 200: train/loss=1.23, val_loss=nan lr=1e-3')).toEqual({
      x: 200,
      values: { 'train/loss': 1.23, val_loss: NaN, lr: 1e-3 },
    });
    expect(parser.parse('Epoch 3/10 | Loss: 0.75 | acc: 0.91')).toEqual({ x: null, values: { loss: 0.75, acc: 0.91 } });
    expect(parser.parse('\u001b[32mstep 5\u001b[0m loss \u001b[1m2.5\u001b[0m')).toEqual({
      x: 5,
      values: { loss: 2.5 },
    });
    expect(parser.parse('Downloading shards: 100%|██████████| 4/4')).toBeNull();
    expect(parser.parse('lr scheduler: cosine')).toBeNull();
  });
});

describe('configured pattern (ProjectConfig.metrics)', () => {
  test('named groups are the metrics; step is the x axis', () => {
    const parser = createMetricsParser(String.raw`step (?<step>\d+) loss (?<loss>\S+)`);
    expect(parser.parse('step 7 loss 1.5 lr 3.0e-04')).toEqual({ x: 7, values: { loss: 1.5 } });
    expect(parser.parse('step 8 loss nan')).toEqual({ x: 8, values: { loss: NaN } });
    expect(parser.parse('no match')).toBeNull();
  });

  test('several matches on one line merge; /body/flags form is accepted', () => {
    const parser = createMetricsParser(String.raw`/(?:LOSS=(?<loss>[\d.]+))|(?:VAL=(?<val_loss>[\d.]+))/i`);
    expect(parser.parse('loss=1.0 val=2.0')).toEqual({ x: null, values: { loss: 1, val_loss: 2 } });
  });

  test('against the real log', () => {
    const collector = new MetricsCollector(String.raw`step (?<step>\d+) loss (?<loss>[^\s]+) lr (?<lr>[^\s]+)`, {
      publishMs: 0,
    });
    collector.feed(fixture('train-loss-decreasing.log'));
    const s = collector.store.getState();
    expect(s.error).toBeNull();
    expect(s.names).toEqual(['loss', 'lr']);
    expect(s.series.loss.count).toBe(761);
    expect(s.series.loss.last).toEqual({ x: 761, y: 0 });
  });

  test('a broken pattern is reported and the default scanner takes over', () => {
    expect(() => createMetricsParser('step (?<step>\\d+')).toThrow(MetricsPatternError);
    expect(() => createMetricsParser('loss (\\S+)')).toThrow(/named group/);
    const collector = new MetricsCollector('loss (?<loss>', { publishMs: 0 });
    expect(collector.store.getState().error).toMatch(/not a valid regular expression/);
    collector.feed(['step 1 loss 2.0']);
    expect(collector.store.getState().series.loss.count).toBe(1);
  });
});

describe('bounded series', () => {
  test('a million values keep at most maxPoints points, the shape, and every nan/inf counted', () => {
    const s = new MetricSeries('loss', 256);
    for (let i = 1; i <= 1_000_000; i++) s.add(i, i % 100_000 === 0 ? NaN : 1 / i);
    const points = s.points();
    expect(points.length).toBeLessThanOrEqual(256);
    expect(points.length).toBeGreaterThan(100);
    expect(s.count).toBe(1_000_000);
    expect(s.nonFinite).toBe(10);
    expect(points.reduce((a, p) => a + p.nan, 0)).toBe(10);
    for (let i = 1; i < points.length; i++) {
      expect(points[i].x).toBeGreaterThan(points[i - 1].x);
      expect(points[i].y).toBeLessThanOrEqual(points[i - 1].y);
    }
    expect(s.best).toEqual({ x: 999_999, y: 1 / 999_999 });
  });
});
