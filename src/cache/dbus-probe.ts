// Asks the session bus, in plain JS with a deadline, whether a Secret Service answers before the
// native keyring is touched: @napi-rs/keyring connects synchronously in its constructor and blocks
// the process forever on a bus that accepts but never answers (measured), which no timer, worker or
// process.exit can interrupt. Speaks just enough D-Bus: SASL EXTERNAL, Hello, Peer.Ping.

const SECRETS = 'org.freedesktop.secrets';

/** The socket path of a `unix:path=` or `unix:abstract=` bus address, or why there is none. */
export function busSocket(address: string | undefined): { path: string } | { error: string } {
  if (!address) return { error: 'DBUS_SESSION_BUS_ADDRESS is not set' };
  for (const entry of address.split(';')) {
    const [transport, rest = ''] = entry.split(/:(.*)/s, 2);
    if (transport !== 'unix') continue;
    const kv = new Map(rest.split(',').map((p) => p.split(/=(.*)/s, 2) as [string, string]));
    if (kv.get('path')) return { path: unescape(kv.get('path')!) };
    if (kv.get('abstract')) return { path: '\0' + unescape(kv.get('abstract')!) };
  }
  return { error: `unsupported D-Bus address ${JSON.stringify(address)}` };
}

function unescape(v: string): string {
  return v.replace(/%([0-9a-fA-F]{2})/g, (_, h: string) => String.fromCharCode(parseInt(h, 16)));
}

/** Resolves to undefined when the Secret Service answered a ping, else to the reason it did not. */
export function probeSecretService(address: string | undefined, timeoutMs: number): Promise<string | undefined> {
  const where = busSocket(address);
  if ('error' in where) return Promise.resolve(where.error);
  return new Promise((resolve) => {
    // Required here: node:net and its streams load only when a keyring is really asked (not on a PoP hit from a plain entry).
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const sock = (require('node:net') as typeof import('node:net')).connect(where.path);
    let buf = Buffer.alloc(0);
    let authed = false;
    const finish = (reason: string | undefined) => {
      clearTimeout(timer);
      sock.destroy();
      resolve(reason);
    };
    const timer = setTimeout(() => finish(`the session bus did not answer within ${timeoutMs} ms`), timeoutMs);
    sock.on('error', (err) => finish(`cannot reach the session bus: ${err.message}`));
    sock.on('close', () => finish('the session bus closed the connection'));
    sock.on('connect', () => {
      const uid = typeof process.getuid === 'function' ? String(process.getuid()) : '';
      sock.write(Buffer.concat([Buffer.from([0]), Buffer.from(`AUTH EXTERNAL ${Buffer.from(uid).toString('hex')}\r\n`)]));
    });
    sock.on('data', (chunk: Buffer) => {
      buf = Buffer.concat([buf, chunk]);
      if (!authed) {
        const eol = buf.indexOf('\r\n');
        if (eol < 0) return;
        const line = buf.subarray(0, eol).toString('latin1');
        buf = buf.subarray(eol + 2);
        if (!line.startsWith('OK ')) return finish(`the session bus refused authentication (${line.slice(0, 40)})`);
        authed = true;
        sock.write(Buffer.concat([
          Buffer.from('BEGIN\r\n'),
          methodCall(1, '/org/freedesktop/DBus', 'org.freedesktop.DBus', 'Hello', 'org.freedesktop.DBus'),
          methodCall(2, '/org/freedesktop/secrets', 'org.freedesktop.DBus.Peer', 'Ping', SECRETS),
        ]));
      }
      for (let msg = nextMessage(buf); msg; msg = nextMessage(buf)) {
        buf = buf.subarray(msg.length);
        if (msg.replySerial !== 2) continue;
        return finish(msg.type === 2 ? undefined : `no Secret Service on the session bus (${msg.errorName ?? 'error'})`);
      }
    });
  });
}

/** A little-endian METHOD_CALL with no body. */
function methodCall(serial: number, path: string, iface: string, member: string, destination: string): Buffer {
  const fields: number[] = [];
  const field = (code: number, sig: string, value: string) => {
    while (fields.length % 8) fields.push(0);
    fields.push(code, 1, sig.charCodeAt(0), 0);
    const bytes = Buffer.from(value, 'utf8');
    fields.push(...u32(bytes.length), ...bytes, 0);
  };
  field(1, 'o', path);
  field(2, 's', iface);
  field(3, 's', member);
  field(6, 's', destination);
  const head = [0x6c, 1, 0, 1, ...u32(0), ...u32(serial), ...u32(fields.length), ...fields];
  while (head.length % 8) head.push(0);
  return Buffer.from(head);
}

function u32(n: number): number[] {
  return [n & 0xff, (n >>> 8) & 0xff, (n >>> 16) & 0xff, (n >>> 24) & 0xff];
}

interface Message {
  length: number;
  type: number;
  replySerial?: number;
  errorName?: string;
}

/** Parses the header of the first complete message in `buf` (either byte order). */
function nextMessage(buf: Buffer): Message | undefined {
  if (buf.length < 16) return undefined;
  const le = buf[0] === 0x6c;
  const rd = (o: number) => (le ? buf.readUInt32LE(o) : buf.readUInt32BE(o));
  const fieldsLen = rd(12);
  const bodyStart = 16 + fieldsLen + ((8 - (fieldsLen % 8)) % 8);
  const length = bodyStart + rd(4);
  if (buf.length < length) return undefined;
  const msg: Message = { length, type: buf[1] };
  let o = 16;
  const end = 16 + fieldsLen;
  while (o < end) {
    o = (o + 7) & ~7;
    const code = buf[o];
    const sigLen = buf[o + 1];
    const sig = buf.toString('latin1', o + 2, o + 2 + sigLen);
    o += 3 + sigLen;
    if (sig === 'u') {
      o = (o + 3) & ~3;
      if (code === 5) msg.replySerial = rd(o);
      o += 4;
    } else if (sig === 's' || sig === 'o') {
      o = (o + 3) & ~3;
      const n = rd(o);
      if (code === 4) msg.errorName = buf.toString('utf8', o + 4, o + 4 + n);
      o += 5 + n;
    } else if (sig === 'g') {
      o += 2 + buf[o];
    } else break;
  }
  return msg;
}
