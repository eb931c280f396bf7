import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postAlert, webhookRequest } from '../../src/alerts/webhook.js';
import type { WatchdogEvent } from '../../src/watchdog/events.js';
import { WatchdogPoller } from '../../src/watchdog/poller.js';
import type { WatchdogStatus } from '../../src/watchdog/status.js';

const received: { body: string; type: string | undefined }[] = [];
const server = createServer((req, res) => {
  let body = '';
  req.on('data', (d) => (body += d));
  req.on('end', () => {
    received.push({ body, type: req.headers['content-type'] });
    res.end('ok');
  });
});
let url = '';
beforeAll(async () => {
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/topic`;
});
afterAll(() => server.close());

function event(id: string, kind: WatchdogEvent['kind'], pushed: boolean): WatchdogEvent {
  return {
    time: '2026-11-23T03:12:44Z',
    id,
    host: 'gpu-node-1',
    session: 'mnist-a1b2',
    project: 'mnist',
    kind,
    level: 'error',
    detail: 'exit 1',
    pushed,
  };
}
function status(events: WatchdogEvent[]): WatchdogStatus {
  return { installed: true, running: true, unread: events, unreadCount: events.length } as unknown as WatchdogStatus;
}

describe('alert webhook from the cockpit', () => {
  it('posts plain text for ntfy-style URLs and Slack JSON for Slack webhooks', async () => {
    expect(await postAlert(url, 'gpu-a mnist-a1b2 crashed: exit 1')).toEqual({ ok: true });
    expect(received.at(-1)).toEqual({ body: 'gpu-a mnist-a1b2 crashed: exit 1', type: 'text/plain; charset=utf-8' });
    expect(webhookRequest('https://hooks.slack.com/services/x', 'hi')).toEqual({
      body: '{"text":"hi"}',
      contentType: 'application/json',
    });
  });

  it('a dead webhook is reported, never thrown', async () => {
    const result = await postAlert('http://127.0.0.1:1/x', 'x', 2000);
    expect(result.ok).toBe(false);
    expect(result.error).toBeTruthy();
  });

  it('pushes each new alert once, and never one the server already pushed', () => {
    const pushed: string[] = [];
    const poller = new WatchdogPoller({
      aliases: ['gpu-a'],
      transportFor: () => null,
      bell: () => {},
      push: (t) => pushed.push(t),
      seenFile: '/nonexistent/seen.json',
    });
    poller.record('gpu-a', status([event('1', 'crashed', false)])); // first look: the backlog is not news
    expect(pushed).toEqual([]);
    poller.record(
      'gpu-a',
      status([event('1', 'crashed', false), event('2', 'oom', false), event('3', 'crashed', true)]),
    );
    expect(pushed).toEqual(['gpu-a mnist-a1b2 oom: exit 1']);
    poller.record(
      'gpu-a',
      status([event('1', 'crashed', false), event('2', 'oom', false), event('3', 'crashed', true)]),
    );
    expect(pushed).toHaveLength(1);
  });
});
