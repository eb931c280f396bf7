/**
 * Yoga's wasm loader (yoga-layout 3, under Ink) decodes its inline base64 module through
 * `fetch(dataUrl)` whenever `fetch` is a function, and Node's first use of fetch loads undici, an
 * HTTP client of ~30 ms, for a data: URL the loader's own fallback decodes without it. Importing the
 * cockpit's modules with `fetch` hidden takes the fallback. Nothing else may run meanwhile: the
 * cockpit does this before it starts anything.
 */
export async function whileFetchHidden<T>(load: () => Promise<T>): Promise<T> {
  const fetchDescriptor = Object.getOwnPropertyDescriptor(globalThis, 'fetch');
  if (!fetchDescriptor?.configurable) return load();
  delete (globalThis as { fetch?: unknown }).fetch;
  try {
    return await load();
  } finally {
    Object.defineProperty(globalThis, 'fetch', fetchDescriptor);
  }
}

/** The cockpit's Ink components (Ink, React, Yoga and ours), loaded without undici. */
export function loadCockpitUi(): Promise<typeof import('../../components/runCockpit.js')> {
  return whileFetchHidden(() => import('../../components/runCockpit.js'));
}
