/**
 * The cockpit's own alert push, for events the server could not push itself (no curl there, no
 * route out, no webhook configured on the server): the same formats as the watchdog — Slack JSON
 * for hooks.slack.com URLs, plain text (ntfy) otherwise.
 */
export function webhookRequest(url: string, text: string): { body: string; contentType: string } {
  return /^https:\/\/hooks\.slack\.com\//.test(url)
    ? { body: JSON.stringify({ text }), contentType: 'application/json' }
    : { body: text, contentType: 'text/plain; charset=utf-8' };
}

/** Posts one alert; never throws (a failed push is reported, not fatal). */
export async function postAlert(
  url: string,
  text: string,
  timeoutMs = 10_000,
): Promise<{ ok: boolean; error?: string }> {
  const { body, contentType } = webhookRequest(url, text);
  try {
    const response = await fetch(url, {
      method: 'POST',
      body,
      headers: { 'content-type': contentType },
      signal: AbortSignal.timeout(timeoutMs),
    });
    return response.ok ? { ok: true } : { ok: false, error: `HTTP ${response.status}` };
  } catch (error) {
    return { ok: false, error: (error as Error).message };
  }
}
