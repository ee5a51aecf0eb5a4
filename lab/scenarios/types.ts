// A scenario stages one cause of a 502 on lab hosts and says what a correct diagnosis reports.
// Two kinds of truth: `symptoms` are what the lab itself guarantees (checked by the scenario
// self-test: statuses seen through nginx, lines in its error log, `nginx -t`), and `expect` is what
// `upstream-doctor diagnose` must conclude (checked by the end-to-end suite).
import type { Cause, ConfigEdit } from '../../src/model/types.js';
import type { TransportFailure } from '../../src/transport/types.js';
import type { LabHost } from '../host.js';
import type { Lab } from '../lab.js';

/** Matches an Evidence item when every field given matches (textIncludes: a substring of its text). */
export interface ExpectedEvidence {
  file?: string;
  line?: number;
  textIncludes?: string;
}

export interface ExpectedFinding {
  cause: Cause;
  /** Inventory name of the host the finding is about, when not the diagnosed one (Finding.host). */
  host?: string;
  /** Each must be matched by some evidence item of the finding. */
  evidence: ExpectedEvidence[];
  fix?: {
    /** The exact one-line edit, where the right fix is one line. */
    edit?: ConfigEdit;
    /** Words the fix summary must contain (case-insensitive), where the fix is not a single edit. */
    summaryIncludes?: string[];
    /** Texts that must each stand in one of the fix's commands (case-sensitive: they are commands). */
    commandIncludes?: string[];
  };
}

export interface Expectation {
  /** Inventory name to diagnose. */
  target: string;
  /** The finding that must come first; null for a healthy host (no critical finding at all). */
  rootCause: ExpectedFinding | null;
  /** `upstream-doctor diagnose` exit code: 0 no critical finding, 1 critical findings, 2 not diagnosed. */
  exitCode: 0 | 1 | 2;
  /** For hosts we cannot visit: the transport's reason(s) accepted and a text the message must contain. */
  unreachable?: { reasons: TransportFailure[]; messageIncludes?: string };
}

export interface Symptoms {
  /** Every status nginx answered while warming is one of these (0: no HTTP answer at all). */
  statuses: number[];
  /** Substrings that nginx's error log contains after warming. */
  errorLogIncludes?: string[];
  /** Whether `nginx -t` passes on the target. */
  nginxTestOk?: boolean;
  /** How SSH to the target fails, for scenarios about reaching the host. */
  sshFails?: 'host-key' | 'refused' | 'no-route';
}

export interface StagedScenario {
  id: string;
  /** Every host the scenario created (the target first). */
  hosts: LabHost[];
  /** The lab host behind `expect.target`; undefined when the target is a ghost (no machine). */
  targetHost?: LabHost;
  expect: Expectation;
  symptoms: Symptoms;
  /** Statuses nginx answered while the scenario warmed it. */
  warmed: number[];
}

export interface StageOptions {
  /** Name of the diagnosed host (default: the scenario id). Peers get "<name>-app". */
  name?: string;
  /** Send requests through nginx so its error log has real entries (default true). */
  warm?: boolean;
}

export interface Scenario {
  id: string;
  /** One line for humans: what is broken. */
  title: string;
  /** What the machine needs beyond the lab's own requirements (e.g. "php-fpm"). */
  requires?: 'php-fpm';
  stage(lab: Lab, options?: StageOptions): Promise<StagedScenario>;
}
