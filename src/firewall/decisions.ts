// Rules the evaluator cannot decide (rate limits, ipsets, marks, an unknown interface) are neither silently
// matched nor silently skipped: the whole evaluation runs once assuming none of them matches, then once more per
// such rule assuming it does. When every run ends the same way the verdict is certain; otherwise each rule whose
// answer changes the verdict is reported.

export interface Question {
  /** Identifies the rule across runs: firewall, table, chain, index. */
  key: string;
  /** Names the rule for a human: where it is, how the host printed it, what could not be evaluated. */
  label: string;
}

export interface Decider {
  /** Does the undecidable rule `key` match? Asked at most once per rule and run. */
  matches(question: Question): boolean;
}

export interface Exploration<T> {
  primary: T;
  /** The undecidable rules the primary run met, in order. */
  questions: Question[];
  /** One run per question, with that rule (only) taken as matching. */
  alternatives: { question: Question; result: T }[];
}

/** At most this many undecidable rules are explored; the rest are assumed not to match. */
const BUDGET = 48;

export function explore<T>(run: (decider: Decider) => T): Exploration<T> {
  const asked: Question[] = [];
  const primary = run({
    matches(q) {
      if (!asked.some((a) => a.key === q.key)) asked.push(q);
      return false;
    },
  });
  const alternatives = asked.slice(0, BUDGET).map((question) => ({
    question,
    result: run({ matches: (q) => q.key === question.key }),
  }));
  return { primary, questions: asked, alternatives };
}
