// @relayprobe/testkit: fake SMTP servers on 127.0.0.1 port 0 for tests, e2e tests and benchmarks
// (never for product code). See README.md for every profile and scenario.
export type { AcceptedMessage, LoopbackAddress, RawPeer, ScriptedServerOptions, ServerHandle, SessionRecord, SessionScript, TlsVariant } from './types.js';
export { fixtureCa, certificateFor } from './certificates.js';
export { startScriptedServer } from './scripted-server.js';
export { startProfile, DEFAULT_HOSTNAME, OWN_ADDRESS_LITERAL, type ProfileOptions } from './start-profile.js';
export { PROFILE_NAMES, POSTFIX_ERROR_LIMITS, type ProfileName } from './profiles.js';
export { startHostile, hostileScript, HOSTILE_SCENARIOS, HOSTILE_NAMES, type HostileName, type HostileOptions } from './hostile-scenarios.js';
export { hostileBanner, DISPLAY_HOSTILE_CHARACTERS, rawHostileCharacters, TERMINAL_ESCAPES_TEXT, CONTROL_FLOOD_BYTES } from './hostile-bytes.js';
export { startTrapListener, closedPort } from './trap.js';
export { startOnSharedPort, type SharedPortServer } from './shared-port.js';
export { startDnsServer, type DnsServerHandle, type DnsZone, type DnsQuestionRecord } from './dns-server.js';
export { startSmtpServerProfile, type SmtpServerProfileName } from './smtp-server-peer.js';
export { relayIntent, defaultLocalDomains, LOCAL_USERS, type RelayIntent, type RelayTrick } from './relay-intent.js';
export { runSmtpSession } from './smtp-fake-server.js';
export { MESSAGE_SIZE_LIMIT, POSTFIX_TEXTS } from './postfix-defaults.js';
export { eximParse, EXIM_SYNTAX_ERRORS } from './exim-rules.js';
export type { EngineTexts, ReplyLines, ServerPolicy, SessionContext, SessionSettings, SyntaxErrorLimit } from './server-policy.js';
export { REPLY } from './reply-texts.js';
