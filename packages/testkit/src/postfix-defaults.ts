// What the session engine (smtp-fake-server.ts) does where a profile's policy says nothing:
// Postfix's own replies, its EHLO keywords in its order, its message size limit. A policy's
// `texts`, `ehloKeywords` and `sizeLimit` replace them (server-policy.ts).
import { REPLY, queuedAs } from './reply-texts.js';
import type { EngineTexts } from './server-policy.js';

/** Advertised and enforced message size limit (Postfix's default message_size_limit). */
export const MESSAGE_SIZE_LIMIT = 10_240_000;

/** The engine's own replies in Postfix's words (a policy's `texts` replaces some). */
export const POSTFIX_TEXTS: EngineTexts = {
  helo: '250 {host}',
  ehloHello: '{host}',
  ok: REPLY.ok,
  reset: REPLY.ok,
  senderOk: REPLY.senderOk,
  bye: REPLY.bye,
  unknownCommand: REPLY.unknownCommand,
  sendHeloFirst: REPLY.sendHeloFirst,
  needMail: REPLY.needMail,
  nestedMail: REPLY.nestedMail,
  dataWithoutMail: REPLY.needMail,
  noValidRecipients: REPLY.noValidRecipients,
  ehloSyntax: REPLY.ehloSyntax,
  heloSyntax: REPLY.heloSyntax,
  mailSyntax: REPLY.mailSyntax,
  rcptSyntax: REPLY.rcptSyntax,
  badRecipientSyntax: REPLY.badRecipientSyntax,
  messageTooBig: REPLY.messageTooBig,
  startData: REPLY.startData,
  queuedAs: queuedAs('{id}'),
  cannotVerify: REPLY.cannotVerify,
  readyToStartTls: REPLY.readyToStartTls,
  tlsAlreadyActive: REPLY.tlsAlreadyActive,
  starttlsNotOffered: REPLY.unknownCommand,
  authNotOffered: REPLY.unknownCommand,
};

/** Postfix's EHLO keywords, in its order (ServerPolicy.ehloKeywords says how they are filtered). */
export const POSTFIX_EHLO_KEYWORDS = ['PIPELINING', 'SIZE', 'STARTTLS', 'AUTH PLAIN LOGIN', 'ENHANCEDSTATUSCODES', '8BITMIME'];
