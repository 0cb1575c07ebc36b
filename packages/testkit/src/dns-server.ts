// A small authoritative DNS server on 127.0.0.1 for tests and benchmarks: MX, A, AAAA and PTR
// records from a zone object, over UDP and TCP on one port (a 50-MX answer does not fit in 512
// octets: the UDP reply is truncated and the resolver asks again over TCP, RFC 1035 §4.2.2 and
// RFC 7766). Like dnsmasq with --local and no upstream (packages/mta-lab): a name of the zone
// without the record type answers NOERROR with no answer (node: ENODATA), any other name NXDOMAIN
// (ENOTFOUND). Answers can be delayed per name, or never sent, to play a slow or dead server;
// every question is logged with its time, so a test can tell lookups that ran at once.
//
// Invariants: listens only on 127.0.0.1; close() stops both listeners and every pending delay.
import dgram from 'node:dgram';
import net from 'node:net';
import { performance } from 'node:perf_hooks';
import * as packet from 'dns-packet';

/** Records of the zone, by owner name (lower case, no trailing dot). */
export interface DnsZone {
  /** MX records; an exchange of '.' is a null MX (RFC 7505). */
  mx?: Record<string, { exchange: string; priority: number }[]>;
  a?: Record<string, string[]>;
  aaaa?: Record<string, string[]>;
  /** PTR names by address ("127.0.1.1": "mx1.example.test"). */
  ptr?: Record<string, string>;
  /** Milliseconds to wait before answering questions about a name, or 'never'. */
  delay?: Record<string, number | 'never'>;
}

/** One question the server was asked. */
export interface DnsQuestionRecord {
  type: string;
  name: string;
  /** performance.now() when it arrived. */
  at: number;
  /** How many answers the server had sent when it arrived (to show questions asked before answers came back). */
  answersBefore: number;
  transport: 'udp' | 'tcp';
}

export interface DnsServerHandle {
  host: '127.0.0.1';
  port: number;
  /** "127.0.0.1:PORT", as --dns-server and RELAYPROBE_DNS_SERVERS take it. */
  address: string;
  questions: DnsQuestionRecord[];
  close(): Promise<void>;
}

const UDP_LIMIT = 512;
const NXDOMAIN = 3;

/** Start a DNS server for `zone` on 127.0.0.1 (a free port, UDP and TCP). */
export async function startDnsServer(zone: DnsZone): Promise<DnsServerHandle> {
  const timers = new Set<NodeJS.Timeout>();
  const questions: DnsQuestionRecord[] = [];
  let answersSent = 0;
  const answerLater = (query: packet.Packet, transport: 'udp' | 'tcp', send: (reply: Buffer) => void) => {
    const question = query.questions?.[0];
    if (!question) return;
    const name = question.name.toLowerCase().replace(/\.$/, '');
    questions.push({ type: question.type, name, at: performance.now(), answersBefore: answersSent, transport });
    const delay = zone.delay?.[name] ?? 0;
    if (delay === 'never') return;
    const reply = () => {
      answersSent++;
      send(encodeReply(query, zone, transport === 'udp'));
    };
    if (delay === 0) return reply();
    const timer = setTimeout(() => {
      timers.delete(timer);
      reply();
    }, delay);
    timers.add(timer);
  };

  const udp = dgram.createSocket('udp4');
  udp.on('message', (message, remote) => {
    const query = decode(message);
    if (query) answerLater(query, 'udp', (reply) => udp.send(reply, remote.port, remote.address));
  });
  await new Promise<void>((resolve, reject) => {
    udp.once('error', reject);
    udp.bind(0, '127.0.0.1', () => resolve());
  });
  const port = udp.address().port;

  const sockets = new Set<net.Socket>();
  const tcp = net.createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => socket.destroy());
    let buffered = Buffer.alloc(0);
    socket.on('data', (chunk) => {
      buffered = Buffer.concat([buffered, chunk]);
      while (buffered.length >= 2 && buffered.length >= 2 + buffered.readUInt16BE(0)) {
        const query = decode(buffered.subarray(2, 2 + buffered.readUInt16BE(0)));
        buffered = buffered.subarray(2 + buffered.readUInt16BE(0));
        if (query) answerLater(query, 'tcp', (reply) => socket.write(Buffer.concat([Buffer.from([reply.length >> 8, reply.length & 0xff]), reply])));
      }
    });
  });
  await new Promise<void>((resolve, reject) => {
    tcp.once('error', reject);
    tcp.listen(port, '127.0.0.1', () => resolve());
  });

  let closing: Promise<void> | undefined;
  return {
    host: '127.0.0.1',
    port,
    address: `127.0.0.1:${port}`,
    questions,
    close: () =>
      (closing ??= new Promise<void>((resolve) => {
        for (const timer of timers) clearTimeout(timer);
        for (const socket of sockets) socket.destroy();
        udp.close(() => tcp.close(() => resolve()));
      })),
  };
}

function decode(message: Buffer): packet.Packet | undefined {
  try {
    return packet.decode(message);
  } catch {
    return undefined;
  }
}

/** The authoritative answer to the first question; over UDP, truncated (TC, no records) when it would not fit. */
function encodeReply(query: packet.Packet, zone: DnsZone, udp: boolean): Buffer {
  const question = query.questions?.[0] as packet.Question;
  const name = question.name.toLowerCase().replace(/\.$/, '');
  const answers = recordsFor(question.type, name, zone);
  const known = answers.length > 0 || [zone.mx, zone.a, zone.aaaa].some((table) => table !== undefined && name in table) || ptrOwner(name, zone) !== undefined;
  const base = { id: query.id, type: 'response' as const, questions: [question] };
  const flags = packet.AUTHORITATIVE_ANSWER | ((query.flags ?? 0) & packet.RECURSION_DESIRED);
  // dns-packet writes the RCODE from the low bits of `flags` (RFC 1035 §4.1.1: 3 is NXDOMAIN).
  const full = packet.encode({ ...base, flags: flags | (known ? 0 : NXDOMAIN), answers } as packet.Packet);
  if (!udp || full.length <= UDP_LIMIT) return full;
  return packet.encode({ ...base, flags: flags | packet.TRUNCATED_RESPONSE, answers: [] } as packet.Packet);
}

function recordsFor(type: string, name: string, zone: DnsZone): packet.Answer[] {
  const ttl = 60;
  switch (type) {
    case 'MX':
      return (zone.mx?.[name] ?? []).map((mx) => ({ type: 'MX', name, ttl, data: { preference: mx.priority, exchange: mx.exchange === '.' ? '' : mx.exchange } }));
    case 'A':
      return (zone.a?.[name] ?? []).map((data) => ({ type: 'A', name, ttl, data }));
    case 'AAAA':
      return (zone.aaaa?.[name] ?? []).map((data) => ({ type: 'AAAA', name, ttl, data }));
    case 'PTR': {
      const owner = ptrOwner(name, zone);
      return owner === undefined ? [] : [{ type: 'PTR', name, ttl, data: owner }];
    }
    default:
      return [];
  }
}

/** The PTR name for a reverse name (in-addr.arpa or ip6.arpa), from the zone's `ptr` table. */
function ptrOwner(name: string, zone: DnsZone): string | undefined {
  for (const [address, owner] of Object.entries(zone.ptr ?? {})) if (reverseNameOf(address) === name) return owner;
  return undefined;
}

/** "127.0.1.1" → "1.1.0.127.in-addr.arpa"; "::1" → its ip6.arpa name. */
function reverseNameOf(address: string): string {
  if (!address.includes(':')) return `${address.split('.').reverse().join('.')}.in-addr.arpa`;
  const [head = '', tail = ''] = address.split('::');
  const groups = (part: string) => (part === '' ? [] : part.split(':'));
  const missing = 8 - groups(head).length - groups(tail).length;
  const full = [...groups(head), ...Array<string>(address.includes('::') ? missing : 0).fill('0'), ...groups(tail)].map((g) => g.padStart(4, '0')).join('');
  return `${[...full].reverse().join('.')}.ip6.arpa`;
}
