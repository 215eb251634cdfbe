// Go's time.ParseDuration syntax ("90s", "1m30s", "500ms"), because --timeout and AZURE_CLI_TIMEOUT
// take the same values they take in Azure/kubelogin.

const UNITS: Record<string, number> = { ns: 1e-6, us: 1e-3, 'µs': 1e-3, 'μs': 1e-3, ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** Milliseconds, or undefined when the text is not a Go duration. */
export function parseDuration(text: string): number | undefined {
  const m = /^([-+]?)((?:\d+(?:\.\d*)?|\.\d+)(?:ns|us|µs|μs|ms|s|m|h))+$/.exec(text);
  if (text === '0' || text === '+0' || text === '-0') return 0;
  if (!m) return undefined;
  let total = 0;
  for (const part of text.replace(/^[-+]/, '').matchAll(/(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|μs|ms|s|m|h)/g)) {
    total += Number(part[1]) * UNITS[part[2]];
  }
  // Go's Duration is an int64 of nanoseconds: beyond ~2562047h ParseDuration says "invalid duration".
  if (total > MAX_GO_DURATION_MS) return undefined;
  return m[1] === '-' ? -total : total;
}

const MAX_GO_DURATION_MS = 9_223_372_036_854;

export function formatDuration(ms: number): string {
  const h = Math.floor(ms / 3_600_000);
  const m = Math.floor((ms % 3_600_000) / 60_000);
  const s = (ms % 60_000) / 1000;
  return `${h ? h + 'h' : ''}${h || m ? m + 'm' : ''}${s}s`;
}
