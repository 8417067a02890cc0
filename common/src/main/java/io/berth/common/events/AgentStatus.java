package io.berth.common.events;

/** The status an agent reports in its heartbeat; the inventory derives {@link Health} from it. */
public enum AgentStatus { AVAILABLE, NEEDS_ASSISTANCE, UPGRADING, SHUTDOWN }
