// Changes the shared emulator's settings for one test and restores them in finally, so a failing
// test cannot leave a delay or a short token lifetime behind for the next one.
import type { Emulator } from '../emulator';

type Settings = Pick<Emulator, 'delayMs' | 'tokenLifetimeSeconds' | 'refreshTokenLifetimeSeconds' | 'strictRefreshRotation'
  | 'clockSkewSeconds' | 'interactiveUser' | 'deviceCode'>;

export async function withSettings<T>(emu: Emulator, settings: Partial<Settings>, fn: () => Promise<T>): Promise<T> {
  const keys = Object.keys(settings) as Array<keyof Settings>;
  // deviceCode is an object tests also change in place: keep a copy, not the reference.
  const before = Object.fromEntries(keys.map((k) => [k, k === 'deviceCode' ? { ...emu.deviceCode } : emu[k]])) as Partial<Settings>;
  Object.assign(emu, settings);
  try {
    return await fn();
  } finally {
    Object.assign(emu, before);
  }
}
