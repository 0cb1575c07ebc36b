// Well-behaved profiles served by nodemailer's smtp-server, a real, independent SMTP
// implementation (HOUSE-STYLE rule 14: "real smtp-server peers for well-behaved servers"). Use
// it to check a client against someone else's parser and reply writer; use startProfile for
// exact texts and hostile detail. Where smtp-server fixes the wording, this peer differs from
// the profile of the same name (see README.md): enhanced codes are only those inside our
// refusal texts, successes read `250 Accepted`, odd address forms get smtp-server's own 501,
// STARTTLS is not offered (the record could not see inside TLS).
import { randomBytes } from 'node:crypto';
import { SMTPServer, type SMTPServerAddress, type SMTPServerSession } from 'smtp-server';
import { certificateFor } from './certificates.js';
import { startLoopbackListener } from './loopback-listener.js';
import { profilePolicy } from './profiles.js';
import { relayIntent } from './relay-intent.js';
import { REPLY } from './reply-texts.js';
import { MESSAGE_SIZE_LIMIT } from './postfix-defaults.js';
import { recordSocket } from './socket-recorder.js';
import { resolveSettings, type ProfileOptions } from './start-profile.js';
import type { SessionContext, SessionSettings } from './server-policy.js';
import type { ServerHandle, SessionRecord } from './types.js';

/** Profiles that smtp-server can play. */
export type SmtpServerProfileName = 'open-relay' | 'postfix-closed' | 'accept-all' | 'auth-required';

/** A reply line as the error smtp-server turns into that line (`responseCode` + message). */
function replyError(line: string): Error & { responseCode: number } {
  return Object.assign(new Error(line.slice(4)), { responseCode: Number(line.slice(0, 3)) });
}

/** Starts nodemailer's smtp-server playing a well-behaved profile on 127.0.0.1, port 0. */
export function startSmtpServerProfile(name: SmtpServerProfileName, options: ProfileOptions = {}): Promise<ServerHandle> {
  const policy = profilePolicy(name);
  const settings = resolveSettings(policy, { ...options, starttls: false });
  const records = new Map<string, SessionRecord>();
  const auth = policy.auth === true;

  const smtp = new SMTPServer({
    name: settings.host,
    banner: 'Postfix',
    heloResponse: '%s',
    ...certificateFor(options.tls ?? 'valid'),
    disabledCommands: auth ? ['STARTTLS'] : ['STARTTLS', 'AUTH'],
    hideSTARTTLS: true,
    hidePIPELINING: !settings.pipelining,
    // Our refusal texts carry their own enhanced codes; smtp-server would add a second one.
    hideENHANCEDSTATUSCODES: true,
    size: MESSAGE_SIZE_LIMIT,
    authMethods: ['PLAIN', 'LOGIN'],
    authOptional: true,
    allowInsecureAuth: true,
    disableReverseLookup: true,
    logger: false,
    onAuth(_auth, _session, callback) {
      callback(replyError(REPLY.authFailed));
    },
    onRcptTo(address: SMTPServerAddress, session: SMTPServerSession, callback) {
      const sender = session.envelope.mailFrom ? `<${session.envelope.mailFrom.address}>` : '<>';
      const path = `<${address.address}>`;
      const intent = relayIntent(sender, path, settings.localDomains);
      // The four profiles here answer every RCPT with one line.
      const reply = policy.rcpt(intent, contextOf(session, settings), path);
      const line = typeof reply === 'string' ? reply : reply.join(' ');
      callback(line.startsWith('2') ? null : replyError(line));
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        const queueId = policy.fixedQueueId ?? settings.nextQueueId();
        records.get(session.id)?.messages.push({
          mailFrom: session.envelope.mailFrom ? `<${session.envelope.mailFrom.address}>` : '<>',
          rcptTo: session.envelope.rcptTo.map((r) => `<${r.address}>`),
          data: Buffer.concat(chunks).toString('utf8').replace(/\r\n$/, ''),
          queueId,
        });
        callback(null, `Ok: queued as ${queueId}`);
      });
    },
  });

  return startLoopbackListener((socket) => {
    const id = randomBytes(8).toString('hex');
    // smtp-server pipes the socket synchronously in connect(); recording in the same tick sees every chunk.
    smtp.connect(socket, { id });
    const record = recordSocket(socket);
    records.set(id, record);
    socket.on('close', () => records.delete(id));
    return {
      record,
      destroy: () => {
        record.closedBy ??= 'server';
        socket.destroy();
      },
    };
  });
}

/** The policy's view of an smtp-server session (the four profiles here only read the host and domains). */
function contextOf(session: SMTPServerSession, settings: SessionSettings): SessionContext {
  return {
    host: settings.host,
    localDomains: settings.localDomains,
    tls: session.secure,
    greeted: session.openingCommand === 'HELO' ? 'HELO' : 'EHLO',
    mailFrom: session.envelope.mailFrom ? `<${session.envelope.mailFrom.address}>` : null,
    accepted: session.envelope.rcptTo.map((r) => `<${r.address}>`),
    refused: [],
    rcptCommands: session.envelope.rcptTo.length,
    errors: 0,
    clientAddress: session.remoteAddress,
    syntaxErrors: 0,
    previous: null,
  };
}
