// The relay vectors and controls as data (HOUSE-STYLE rule 6). Each row is RELAY-TESTS.md §2;
// docs/relay-vectors.md holds the same table and test/relay-vectors.test.ts keeps them in step.
//
// Templates use these placeholders, filled per run by fillTemplate():
//   {x}   sender local part      (relayprobe-<token>)
//   {r}   recipient local part   (relayprobe-<token>)
//   {ext} the external test domain (--test-domain)
//   {T}   a name the target may treat as its own (local-names.ts)
//   {IP}  the target's address literal, brackets included: [192.0.2.1] or [IPv6:2001:db8::1]
//   {invalid} a domain that cannot exist: nonexistent-<token>.invalid (RFC 2606 §2)

export type VectorWeight = 'strong' | 'weak' | 'control';

export interface RelayVector {
  /** Stable id: R01..R23, C1..C3. */
  readonly id: string;
  readonly name: string;
  /** What the trick exercises. */
  readonly trick: string;
  readonly weight: VectorWeight;
  readonly mailFrom: string;
  readonly rcptTo: string;
  /** Tools whose suites carry it (RELAY-TESTS.md "seen in"). */
  readonly seenIn: string;
}

const v = (id: string, mailFrom: string, rcptTo: string, name: string, weight: VectorWeight, seenIn: string, trick = name): RelayVector => ({ id, name, trick, weight, mailFrom, rcptTo, seenIn });

/** R01..R23 in table order. */
export const RELAY_VECTORS: readonly RelayVector[] = [
  v('R01', '<{x}@{ext}>', '<{r}@{ext}>', 'plain third-party relay', 'strong', 'every tool'),
  v('R02', '<{x}@{ext}>', '{r}@{ext}', 'lax parser skips the relay check', 'strong', 'DSBL, mailradar, 19-list'),
  v('R03', '<>', '<{r}@{ext}>', 'null sender trusted', 'strong', 'nmap, MSF, abuse.net, DSBL'),
  v('R04', '<{x}>', '<{r}@{ext}>', 'unqualified sender is qualified as local', 'strong', 'abuse.net, DSBL, 19-list'),
  v('R05', '<{x}@{T}>', '<{r}@{ext}>', 'relay allowed when the sender claims a local domain', 'strong', 'nmap, MSF, abuse.net'),
  v('R06', '<{x}@{IP}>', '<{r}@{ext}>', "sender is the server's own address literal", 'strong', 'nmap, abuse.net'),
  v('R07', '<{x}@localhost>', '<{r}@{ext}>', 'sender claims localhost', 'strong', 'mail-abuse.org, DSBL'),
  v('R08', '<{ext}!{x}>', '<{r}@{ext}>', 'UUCP bang-path sender', 'strong', 'DSBL'),
  v('R09', '<{x}@{IP}>', '<"{r}@{ext}">', 'quoted local part hides the @', 'weak', 'nmap, MSF, DSBL, 19-list'),
  v('R10', '<{x}@{IP}>', '<"{r}%{ext}">', 'quoted percent hack', 'weak', 'nmap, MSF, 19-list'),
  v('R11', '<{x}@{IP}>', '<{r}%{ext}@{T}>', 'percent hack through a local name', 'strong', 'nmap, MSF, 19-list'),
  v('R12', '<{x}@{IP}>', '<{r}%{ext}@{IP}>', 'percent hack through the address literal', 'strong', 'nmap, MSF, 19-list'),
  v('R13', '<{x}@{IP}>', '<{r}@{ext}@{IP}>', 'two @, right part local', 'strong', 'nmap, MSF, 19-list'),
  v('R14', '<{x}@{IP}>', '<"{r}@{ext}"@{IP}>', 'quoted @ plus local literal', 'strong', 'nmap, MSF, 19-list'),
  v('R15', '<{x}@{IP}>', '<{r}@{ext}@{T}>', 'two @ with a local name', 'strong', 'nmap, MSF, 19-list'),
  v('R16', '<{x}@{IP}>', '<"{r}@{ext}"@{T}>', 'quoted @ plus local name', 'strong', 'MSF abuse.net clone'),
  v('R17', '<{x}@{IP}>', '<@{IP}:{r}@{ext}>', 'source route through the literal', 'strong', 'nmap, MSF, 19-list'),
  v('R18', '<{x}@{IP}>', '<@{T}:{r}@{ext}>', 'source route through a local name', 'strong', 'nmap, MSF, 19-list'),
  v('R19', '<{x}@{IP}>', '<{ext}!{r}>', 'bang path, no domain', 'weak', 'nmap, MSF, DSBL'),
  v('R20', '<{x}@{IP}>', '<{ext}!{r}@{IP}>', 'bang path through the literal', 'strong', 'nmap, MSF, 19-list'),
  v('R21', '<{x}@{IP}>', '<{ext}!{r}@{T}>', 'bang path through a local name', 'strong', 'nmap, MSF, abuse.net'),
  v('R22', '<{x}@{IP}>', '<{r}%{ext}@>', 'percent hack, empty domain', 'weak', '19-list'),
  v('R23', '<{x}@{IP}>', '<{r}@{ext}@>', 'trailing @', 'weak', '19-list, mailradar'),
];

/** C1..C3: run by none of the established tools; they make a 2xx meaningful. */
export const CONTROLS: readonly RelayVector[] = [
  v('C1', '<{x}@{ext}>', '<postmaster@{T}>', 'postmaster is accepted (RFC 5321 §4.5.1)', 'control', 'relayprobe', 'the session works and replies are read right'),
  v(
    'C2',
    '<{x}@{ext}>',
    '<{r}-nonexistent@{T}>',
    'a nonexistent local mailbox is refused',
    'control',
    'relayprobe',
    'the discriminator: refused means 250s elsewhere are real; accepted means a catch-all or accept-everything server',
  ),
  v(
    'C3',
    '<{x}@{ext}>',
    '<{r}@{invalid}>',
    'a recipient domain that cannot exist',
    'control',
    'relayprobe',
    'whether the server checks recipient domains in DNS (evidence only: real open relays accept it)',
  ),
];

/** C1's form when no local name is known: RFC 5321 §4.5.1 requires bare "postmaster" to work. */
export const C1_WITHOUT_LOCAL_NAME = '<postmaster>';

export const SUITE_VECTORS = {
  quick: ['R01'],
  // every vector nmap runs + R02, R04, R07 (RELAY-TESTS.md §2, "Suites")
  standard: ['R01', 'R02', 'R03', 'R04', 'R05', 'R06', 'R07', 'R09', 'R10', 'R11', 'R12', 'R13', 'R14', 'R15', 'R17', 'R18', 'R19', 'R20', 'R21'],
  thorough: RELAY_VECTORS.map((vec) => vec.id),
} as const satisfies Record<'quick' | 'standard' | 'thorough', readonly string[]>;

export interface TemplateValues {
  x: string;
  r: string;
  ext: string;
  T: string | undefined;
  IP: string;
  invalid: string;
}

/** True when the template needs a local name {T}. */
export function usesLocalName(vector: RelayVector): boolean {
  return vector.mailFrom.includes('{T}') || vector.rcptTo.includes('{T}');
}

/** Fill a template; undefined when it needs {T} and none is known. */
export function fillTemplate(template: string, values: TemplateValues): string | undefined {
  if (template.includes('{T}') && values.T === undefined) return undefined;
  return template.replace(/\{(x|r|ext|T|IP|invalid)\}/g, (_, key: keyof TemplateValues) => values[key] as string);
}

/** The address literal of an IP for use in a path (RFC 5321 §4.1.3). */
export function addressLiteral(address: string, family: 4 | 6): string {
  return family === 6 ? `[IPv6:${address}]` : `[${address}]`;
}
