package io.berth.common.events;

/** A command for a session host's agent on {@code berth.host-commands}. */
public enum HostCommandType { START, LOGOFF }
