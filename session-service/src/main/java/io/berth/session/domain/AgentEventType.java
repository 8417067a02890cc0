package io.berth.session.domain;

/** What a session host's agent reports about one of its sessions (DESIGN.md section 4). */
public enum AgentEventType { LOGON, DISCONNECT, RECONNECT, LOGOFF }
