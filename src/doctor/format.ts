// doctor's output: one line per check (✓, or ✗ with the fix), grouped by kubeconfig user; or JSON.
import type { CheckResult } from './check';

export interface UserReport {
  user: string;
  contexts: string[];
  login?: string;
  checks: CheckResult[];
}

export function doctorText(reports: UserReport[]): string {
  const lines: string[] = [];
  for (const r of reports) {
    const contexts = r.contexts.length ? `context${r.contexts.length > 1 ? 's' : ''} ${r.contexts.join(', ')}` : 'no context';
    lines.push(`user ${r.user} (${contexts})`);
    for (const c of r.checks) lines.push(`  ${c.ok ? '✓' : '✗'} ${c.message}${c.ok ? '' : ` — fix: ${c.fix}`}`);
  }
  const all = reports.flatMap((r) => r.checks);
  const failed = all.filter((c) => !c.ok).length;
  const users = `${reports.length} user${reports.length === 1 ? '' : 's'}`;
  lines.push(failed ? `${failed} of ${all.length} checks failed (${users})` : `all ${all.length} checks passed (${users})`);
  return lines.join('\n') + '\n';
}

export function doctorJson(reports: UserReport[]): string {
  const ok = reports.every((r) => r.checks.every((c) => c.ok));
  const users = reports.map((r) => ({
    user: r.user,
    contexts: r.contexts,
    login: r.login ?? null,
    ok: r.checks.every((c) => c.ok),
    checks: r.checks.map((c) => ({ check: c.check, ok: c.ok, message: c.message, fix: c.fix ?? null })),
  }));
  return JSON.stringify({ ok, users }, null, 2) + '\n';
}
