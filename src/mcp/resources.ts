/**
 * Runs' logs and manifests as MCP resources: trainyard://run/{host}/{run}/log and …/manifest,
 * listed for every run on every connected host (newest first, at most RUNS_LISTED a host). A
 * log resource is its end, sanitised and capped, after one line saying what was left out and
 * which tool reads more; a manifest is the parsed manifest as JSON, sanitised.
 */
import { type McpServer, ResourceTemplate } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { ReadResourceResult, Resource } from '@modelcontextprotocol/sdk/types.js';
import type { Run } from '../backends/runBackend.js';
import type { McpContext } from './context.js';
import { Refusal } from './guards.js';
import { sanitiseDeep } from './result.js';
import { readLogSlice } from './runLog.js';
import { findRun, runsOn } from './runs.js';
import { hostArg, runArg } from './schemas.js';

export const RESOURCE_LOG_BYTES = 32 * 1024;
const RUNS_LISTED = 100;
/** Both templates list the same runs: one look at the hosts serves both within this time. */
const LIST_REUSE_MS = 2000;

const logUri = (host: string, run: string) =>
  `trainyard://run/${encodeURIComponent(host)}/${encodeURIComponent(run)}/log`;
const manifestUri = (host: string, run: string) =>
  `trainyard://run/${encodeURIComponent(host)}/${encodeURIComponent(run)}/manifest`;

/** The URI's variables, checked like tool arguments: anything else is an error and reads nothing. */
function target(variables: Record<string, string | string[]>): { host: string; run: string } {
  const one = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v) ?? '';
  const host = hostArg.safeParse(one(variables.host));
  const run = runArg.safeParse(one(variables.run));
  if (!host.success) throw new Refusal(`not a host alias in the URI: ${host.error.issues[0]?.message ?? ''}`);
  if (!run.success) throw new Refusal(`not a run id in the URI: ${run.error.issues[0]?.message ?? ''}`);
  return { host: host.data, run: run.data };
}

export function registerRunResources(server: McpServer, ctx: McpContext): void {
  let listed: { at: number; runs: Promise<Run[]> } | null = null;
  const allRuns = (): Promise<Run[]> => {
    if (listed && Date.now() - listed.at < LIST_REUSE_MS) return listed.runs;
    const runs = Promise.all(
      ctx.hostAliases().map(async (host) => {
        try {
          const all = await runsOn(ctx, host);
          return all.sort((a, b) => (a.manifest.startedAt < b.manifest.startedAt ? 1 : -1)).slice(0, RUNS_LISTED);
        } catch {
          return []; // a host that is down lists nothing; reading one of its runs says why
        }
      }),
    ).then((perHost) => perHost.flat());
    listed = { at: Date.now(), runs };
    return runs;
  };
  const complete = {
    host: (value: string) => ctx.hostAliases().filter((a) => a.startsWith(value)),
  };
  const describe = (r: Run) =>
    sanitiseDeep(
      `${r.project} on ${r.host}: ${r.state}${r.exitCode !== null ? ` (exit ${r.exitCode})` : ''}, started ${r.manifest.startedAt}`,
    ) as string;
  /** Every run's resource of one kind, for a client's resource list. */
  const resourceList =
    (uriOf: (host: string, run: string) => string, kind: string, mimeType: string) =>
    async (): Promise<{ resources: Resource[] }> => ({
      resources: (await allRuns()).map((r) => ({
        uri: uriOf(r.host, r.id),
        name: sanitiseDeep(`${r.id} ${kind}`) as string,
        description: describe(r),
        mimeType,
      })),
    });

  server.registerResource(
    'run-log',
    new ResourceTemplate('trainyard://run/{host}/{run}/log', {
      list: resourceList(logUri, 'log', 'text/plain'),
      complete,
    }),
    {
      title: 'Run log',
      description: `The end of a run's log (at most ${RESOURCE_LOG_BYTES} bytes, whole lines, sanitised); the first line says what was left out. The run_log tool reads any part.`,
      mimeType: 'text/plain',
    },
    async (uri, variables): Promise<ReadResourceResult> => {
      const { host, run } = target(variables);
      const found = await findRun(ctx, host, run);
      const slice = await readLogSlice(ctx.transport(host), host, found.manifest.log, {
        lines: Number.MAX_SAFE_INTEGER,
        capBytes: RESOURCE_LOG_BYTES,
      });
      const head =
        slice.leftOutBefore > 0
          ? `[trainyard] the last ${slice.lineCount} lines (bytes ${slice.fromOffset}-${slice.nextOffset} of ${slice.size}); ${slice.leftOutBefore} bytes before them left out — the run_log tool reads them ({"host": "${host}", "run": "${run}", "offset": 0}), explain_failure finds a crash`
          : `[trainyard] the whole log (${slice.size} bytes, ${slice.lineCount} lines); run_log with offset ${slice.nextOffset} reads what it writes next`;
      return { contents: [{ uri: uri.href, mimeType: 'text/plain', text: `${head}\n${slice.text}` }] };
    },
  );

  server.registerResource(
    'run-manifest',
    new ResourceTemplate('trainyard://run/{host}/{run}/manifest', {
      list: resourceList(manifestUri, 'manifest', 'application/json'),
      complete,
    }),
    {
      title: 'Run manifest',
      description:
        'What a run is: host, project, command, GPUs, git commit, config hash, parent and checkpoint it resumed from, who started it (by), with its state now.',
      mimeType: 'application/json',
    },
    async (uri, variables): Promise<ReadResourceResult> => {
      const { host, run } = target(variables);
      const found = await findRun(ctx, host, run);
      const body = sanitiseDeep({
        state: found.state,
        exitCode: found.exitCode,
        stoppedByUser: found.stoppedMarker,
        manifest: found.manifest,
      });
      return { contents: [{ uri: uri.href, mimeType: 'application/json', text: JSON.stringify(body, null, 2) }] };
    },
  );
}
