// @relayprobe/contracts: what every workspace shares (request and result schemas, events, codes,
// the input grammar, the fold of events, display text), exported by name: what other
// workspaces import. Modules keep helpers of their own unexported here; tests of this package
// import those by relative path.
export { ProbeRequest, SUITES, Suite, TLS_MODES, TlsMode } from './probe-request.js';
export { CommandEvent, ErrorEvent, InfoEvent, Phase, PlannedServer, ProbeEvent, ReplyEvent, SessionFacts, TlsDetails, VectorStartEvent, type EventBody } from './events.js';
export { VECTOR_OUTCOMES, VERDICT_CODES, VERDICT_LABELS, VERDICT_SEVERITY } from './result-codes.js';
export { DeliveryResult, Reason, ReplySummary, Resolution, ResolvedAddress, VectorOutcome, VectorResult, Verdict, VerdictCode } from './results.js';
export { ProbeStatus, RESULT_SCHEMA_VERSION, ResultDocument, ServerResult } from './result-document.js';
export { ERROR_CODES, errorSide, isErrorCode, type ErrorCode } from './error-codes.js';
export { REASON_CODES, type ReasonCode } from './reason-codes.js';
export { REPLY_FLAGS, RESULT_FLAGS, isResultFlag, type ReplyFlag, type ResultFlag } from './flag-codes.js';
export { cutToStoredSize, escapeForDisplay, isDisplaySafe, toSafeJson } from './display-text.js';
export { explainEnhancedStatus } from './enhanced-status.js';
export { matchesSchema, schemaErrors } from './validators.js';
export { OUTCOME_WORDS, describeCertificate, describeTls, formatEvent, formatTranscript, formatVerdict, tlsProblems } from './transcript-format.js';
export {
  API_ERROR_CODES,
  ApiError,
  ClientMessage,
  CreateProbeBody,
  CreateProbeResponse,
  DoneMessage,
  EventMessage,
  EventsQuery,
  Health,
  ProbeIdParams,
  ProbeList,
  ProbeListQuery,
  ProbeSummary,
  RESULT_ID_PATTERN,
  ServerMessage,
  type ApiErrorCode,
} from './api.js';
export { NO_SUCH_RESULT_TITLE, PAGE_SETTING_NAMES, durationText, resultPageTitle, targetWithPort, utcDayText } from './page-text.js';
export { PAGE_WORDING, applyWording, forPage } from './advice-wording.js';
export { EMPTY_RESULT_VIEW, documentFields, foldEvent, foldEvents, serverEvents, withDocumentFallback, type ResultView, type ServerView } from './fold-events.js';
export { CONTROL_COUNT, SUITE_SIZES } from './suite-sizes.js';
export { formatIPv6, parseIPv4, parseIPv6, parseIpAddress } from './ip-address-text.js';
export { checkHostName } from './host-name.js';
export { validateDomain, validateHeloName, validateMailbox } from './smtp-syntax.js';
export { MAX_TARGET_LENGTH, parseTarget, type TargetInput } from './target-grammar.js';
export { parsePort, readTarget, recipientRefusal } from './probe-input.js';
export { CERTIFICATE_WARNING_DAYS, UNREACHABLE_AFTER_FAILURES, VERDICT_CLASSES, WATCH_DEFAULT_INTERVAL_MINUTES } from './watch-codes.js';
export {
  AlertChannel,
  AlertDelivery,
  AlertState,
  AlertType,
  CertificateState,
  CreateWatchBody,
  CreateWatchResponse,
  RunWatchResponse,
  UpdateWatchBody,
  WatchAlertPayload,
  WatchChangeKind,
  WatchDocument,
  WatchIdParams,
  WatchList,
  WatchRun,
  WatchState,
} from './watches.js';

/** The relayprobe release these packages belong to. */
export const RELAYPROBE_VERSION = '0.1.0';
