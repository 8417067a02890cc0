package io.berth.session.domain;

/**
 * What the session service decided about a request it was asked to act on: an agent's report
 * ({@link ReportOutcome}) or an operator's command ({@link CommandDecision}). The one sealed type the HTTP adapter
 * maps to answers, so that every decision has exactly one status and body, chosen in one place.
 */
public sealed interface SessionOutcome permits ReportOutcome, CommandDecision {
}
