// The choices the form offers, each with the one line that explains it (RELAY-TESTS.md §2 for the
// suites, DESIGN.md "Contracts" for the TLS modes). Values are the API's.
import { CONTROL_COUNT, SUITE_SIZES, type Suite, type TlsMode } from '@relayprobe/contracts';

/** Ports offered; any other may be typed (the server's RELAYPROBE_PORTS decides). */
export const PORT_CHOICES = [
  { port: '25', hint: 'SMTP, where relaying happens' },
  { port: '465', hint: 'submission over implicit TLS' },
  { port: '587', hint: 'submission with STARTTLS' },
] as const;

/** Each suite with a short line for its option and a longer one under the control. */
export const SUITE_CHOICES: readonly { value: Suite; short: string; explanation: string }[] = [
  { value: 'quick', short: 'one relay attempt', explanation: `One plain relay attempt (R01) plus the ${CONTROL_COUNT} controls; a few seconds.` },
  { value: 'standard', short: `${SUITE_SIZES.standard} address tricks`, explanation: `nmap's address tricks and three more (${SUITE_SIZES.standard} in all), plus the ${CONTROL_COUNT} controls.` },
  { value: 'thorough', short: 'every trick, per name', explanation: `All ${SUITE_SIZES.thorough} tricks, repeated for each name the server calls its own, plus the controls.` },
];

/** The TLS modes, labelled as the DOM contract names them, each with its explanation. */
export const TLS_CHOICES: readonly { value: TlsMode; label: string; explanation: string }[] = [
  { value: 'auto', label: 'auto', explanation: 'STARTTLS when offered; implicit TLS on port 465, or on a silent port that answers TLS' },
  { value: 'starttls', label: 'STARTTLS required', explanation: 'fail when the server does not offer STARTTLS' },
  { value: 'implicit', label: 'implicit TLS', explanation: 'speak TLS from the first byte, on any port' },
  { value: 'none', label: 'none', explanation: 'stay in plain text' },
];
